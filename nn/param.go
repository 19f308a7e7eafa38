package nn

import (
	"fmt"

	"gorgonia.org/tensor"
)

// Param is a named trainable float32 tensor. Data is the backing array of
// Value: optimizers update Data in place and every graph bound to the
// parameter sees the new values on its next run.
type Param struct {
	Name  string
	Shape []int
	Data  []float32
	value *tensor.Dense
}

// Value returns the parameter as a tensor sharing Data.
func (p *Param) Value() *tensor.Dense { return p.value }

// Size is the number of scalars in the parameter.
func (p *Param) Size() int { return len(p.Data) }

// Params is an ordered set of uniquely named parameters. The order is the
// order of creation and is the order of checkpoints and optimizer state.
type Params struct {
	list   []*Param
	byName map[string]*Param
}

// NewParams returns an empty set.
func NewParams() *Params { return &Params{byName: map[string]*Param{}} }

// Add creates a zero parameter of the given shape. A duplicate name is a
// programmer error and panics.
func (ps *Params) Add(name string, shape ...int) *Param {
	if _, dup := ps.byName[name]; dup {
		panic(fmt.Sprintf("nn: duplicate parameter name %q", name))
	}
	n := 1
	for _, s := range shape {
		if s <= 0 {
			panic(fmt.Sprintf("nn: parameter %q has non-positive dimension in shape %v", name, shape))
		}
		n *= s
	}
	data := make([]float32, n)
	p := &Param{
		Name:  name,
		Shape: append([]int(nil), shape...),
		Data:  data,
		value: tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data)),
	}
	ps.list = append(ps.list, p)
	ps.byName[name] = p
	return p
}

// List returns the parameters in creation order. The slice must not be modified.
func (ps *Params) List() []*Param { return ps.list }

// Get returns the named parameter, or nil.
func (ps *Params) Get(name string) *Param { return ps.byName[name] }

// Count is the total number of scalars over all parameters.
func (ps *Params) Count() int {
	n := 0
	for _, p := range ps.list {
		n += len(p.Data)
	}
	return n
}

// Snapshot returns a deep copy of every parameter's values, by name.
func (ps *Params) Snapshot() map[string][]float32 {
	out := make(map[string][]float32, len(ps.list))
	for _, p := range ps.list {
		out[p.Name] = append([]float32(nil), p.Data...)
	}
	return out
}

// Load copies values by name into the parameters. Every parameter must be
// present with the right number of scalars; extra names are an error too, so
// that a checkpoint of another architecture is never half loaded.
func (ps *Params) Load(values map[string][]float32) error {
	for _, p := range ps.list {
		v, ok := values[p.Name]
		if !ok {
			return fmt.Errorf("parameter %q missing", p.Name)
		}
		if len(v) != len(p.Data) {
			return fmt.Errorf("parameter %q has %d values, model wants %d (shape %v)", p.Name, len(v), len(p.Data), p.Shape)
		}
	}
	if len(values) != len(ps.list) {
		for name := range values {
			if ps.byName[name] == nil {
				return fmt.Errorf("unexpected parameter %q (not in this model)", name)
			}
		}
	}
	for _, p := range ps.list {
		copy(p.Data, values[p.Name])
	}
	return nil
}

package nn

import (
	"fmt"

	"gorgonia.org/gorgonia"
)

// Output is a node value copied out of the graph during each run. gorgonia
// reuses the memory of intermediate values in place once nothing needs them,
// so a node's Value() may hold another op's result after a run; an Output
// holds the value as the node computed it.
type Output struct {
	node *Node
	read *Node
	val  gorgonia.Value
}

// Output marks n to be read after each run. Call it before Compile.
func (g *Graph) Output(n *Node) *Output {
	if !g.ok("output", n) {
		return nil
	}
	o := &Output{node: n}
	o.read = gorgonia.Read(n, &o.val)
	g.outputs = append(g.outputs, o)
	return o
}

// Values returns the float32 values of the last run. The slice belongs to
// the output: copy it to keep it past the next run.
func (o *Output) Values() []float32 {
	switch v := o.val.Data().(type) {
	case []float32:
		return v
	case float32:
		return []float32{v}
	}
	panic(fmt.Sprintf("nn: output %s holds %T, not float32", o.node.Name(), o.val.Data()))
}

// Scalar returns the value of a scalar output as float64.
func (o *Output) Scalar() float64 { return float64(o.Values()[0]) }

// Program is a compiled graph ready to run: a gorgonia tape machine over the
// part of the graph the outputs need and, for a training graph, the
// gradients ∂loss/∂p of every bound parameter p.
type Program struct {
	vm     gorgonia.VM
	params []*Param
	grads  []*Output
}

// Compile builds the machine for g. When loss is not nil it must be a scalar
// and the program also computes its gradient with respect to every parameter
// bound in g (symbolic differentiation). Only the nodes that the outputs
// (see Output) and the gradients depend on are run. Compile fails if
// building g failed.
func (g *Graph) Compile(loss *Node) (*Program, error) {
	if g.err != nil {
		return nil, g.err
	}
	p := &Program{}
	if loss != nil {
		if !loss.IsScalar() {
			return nil, fmt.Errorf("nn: loss must be a scalar, has shape %v", loss.Shape())
		}
		params, nodes := g.Bound()
		if len(nodes) == 0 {
			return nil, fmt.Errorf("nn: loss depends on no parameters")
		}
		grads, err := gorgonia.Grad(loss, nodes...)
		if err != nil {
			return nil, fmt.Errorf("nn: gradient: %w", err)
		}
		p.params = params
		for _, gr := range grads {
			p.grads = append(p.grads, g.Output(gr))
		}
	}
	if len(g.outputs) == 0 {
		return nil, fmt.Errorf("nn: the graph has no outputs to compute")
	}
	roots := make(gorgonia.Nodes, len(g.outputs))
	for i, o := range g.outputs {
		roots[i] = o.read
	}
	// The graph's inputs and parameters that the outputs need, in a fixed order.
	needed := map[*Node]bool{}
	for _, n := range g.g.ExactSubgraphRoots(roots...).AllNodes() {
		needed[n] = true
	}
	leaves := map[*Node]bool{}
	for n := range g.inputs {
		leaves[n] = true
	}
	for _, n := range g.bound {
		leaves[n] = true
	}
	var inputs gorgonia.Nodes
	for _, n := range g.g.AllNodes() {
		if leaves[n] && needed[n] {
			inputs = append(inputs, n)
		}
	}
	prog, locs, err := gorgonia.CompileFunction(g.g, inputs, roots)
	if err != nil {
		return nil, fmt.Errorf("nn: compile: %w", err)
	}
	p.vm = gorgonia.NewTapeMachine(g.g, gorgonia.WithPrecompiled(prog, locs))
	return p, nil
}

// Run executes the graph once on the current inputs and parameter values.
func (p *Program) Run() error {
	p.vm.Reset()
	return p.vm.RunAll()
}

// Params returns the parameters whose gradients the program computes.
func (p *Program) Params() []*Param { return p.params }

// Grad returns ∂loss/∂Params()[i] after Run, in the parameter's layout.
// The slice belongs to the program: copy it to keep it past the next run.
func (p *Program) Grad(i int) []float32 { return p.grads[i].Values() }

// Close releases the machine.
func (p *Program) Close() error { return p.vm.Close() }

package nn

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Node is a node of a computation graph.
type Node = gorgonia.Node

// Graph builds a float32 gorgonia graph with a sticky error: after the first
// failed op every later op returns nil and Err reports the first failure, so
// model code reads as straight-line maths and checks once at the end.
type Graph struct {
	g       *gorgonia.ExprGraph
	err     error
	bound   map[*Param]*Node
	params  []*Param
	inputs  map[*Node]*tensor.Dense
	outputs []*Output
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{g: gorgonia.NewGraph(), bound: map[*Param]*Node{}, inputs: map[*Node]*tensor.Dense{}}
}

// Err returns the first error met while building, or nil.
func (g *Graph) Err() error { return g.err }

// Fail records err (with context) unless an error is already recorded.
func (g *Graph) Fail(err error) {
	if g.err == nil && err != nil {
		g.err = err
	}
}

// ok reports whether building may go on: no earlier error and no nil input.
func (g *Graph) ok(op string, ns ...*Node) bool {
	if g.err != nil {
		return false
	}
	for _, n := range ns {
		if n == nil {
			g.err = fmt.Errorf("nn: %s: nil input node", op)
			return false
		}
	}
	return true
}

// wrap records err from a gorgonia call and returns n.
func (g *Graph) wrap(op string, n *Node, err error) *Node {
	if err != nil {
		g.Fail(fmt.Errorf("nn: %s: %w", op, err))
		return nil
	}
	return n
}

// Input adds a float32 input of the given shape, backed by a tensor that
// Set overwrites in place before each run.
func (g *Graph) Input(name string, shape ...int) *Node {
	if g.err != nil {
		return nil
	}
	t := tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
	n := gorgonia.NewTensor(g.g, tensor.Float32, len(shape), gorgonia.WithShape(shape...), gorgonia.WithName(name), gorgonia.WithValue(t))
	g.inputs[n] = t
	return n
}

// Set copies data into input n. It is an error if n is not an input of g or
// the length differs from the input's size.
func (g *Graph) Set(n *Node, data []float32) error {
	t, ok := g.inputs[n]
	if !ok {
		return fmt.Errorf("nn: %v is not an input of this graph", n)
	}
	dst := t.Data().([]float32)
	if len(data) != len(dst) {
		return fmt.Errorf("nn: input %s wants %d values (shape %v), got %d", n.Name(), len(dst), t.Shape(), len(data))
	}
	copy(dst, data)
	return nil
}

// InputData returns the backing array of input n, for filling in place.
func (g *Graph) InputData(n *Node) []float32 {
	t, ok := g.inputs[n]
	if !ok {
		panic(fmt.Sprintf("nn: %v is not an input of this graph", n))
	}
	return t.Data().([]float32)
}

// Param returns the node of p in this graph, creating it on first use. The
// node's value is p's tensor, so in-place updates of p.Data are seen by g.
func (g *Graph) Param(p *Param) *Node {
	if g.err != nil {
		return nil
	}
	if n, ok := g.bound[p]; ok {
		return n
	}
	n := gorgonia.NewTensor(g.g, tensor.Float32, len(p.Shape), gorgonia.WithShape(p.Shape...), gorgonia.WithName(p.Name), gorgonia.WithValue(p.value))
	g.bound[p] = n
	g.params = append(g.params, p)
	return n
}

// Bound returns the parameters used by the graph, in order of first use,
// and their nodes.
func (g *Graph) Bound() ([]*Param, []*Node) {
	nodes := make([]*Node, len(g.params))
	for i, p := range g.params {
		nodes[i] = g.bound[p]
	}
	return g.params, nodes
}

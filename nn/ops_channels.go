package nn

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// Channel ops on tensors (N, C, …) of dims ≥ 2 dimensions, the channels on
// the second axis: concatenation and a contiguous range of channels, each
// the other's gradient (with zero padding for the range).

// Concat joins xs (N, Cᵢ, …), equal but for Cᵢ, into (N, Σ Cᵢ, …) along
// the channel axis: example n of the output is x₀[n], x₁[n], … in turn.
// The gradient of xᵢ is its range of channels of the output gradient.
func Concat(xs ...*gorgonia.Node) (*gorgonia.Node, error) {
	if len(xs) < 1 {
		return nil, fmt.Errorf("nn: concat: no inputs")
	}
	names, dims := make([]string, len(xs)), make([]int, len(xs))
	for i := range xs {
		names[i], dims[i] = fmt.Sprintf("input %d", i), -1
	}
	if err := checkNodes("concat", xs, names, dims); err != nil {
		return nil, err
	}
	if len(xs) == 1 {
		return xs[0], nil
	}
	op := concatOp{pureOp: fresh(), n: len(xs), dims: xs[0].Dims()}
	shapes := make([]gorgonia.DimSizer, len(xs))
	for i, x := range xs {
		shapes[i] = x.Shape()
	}
	if _, err := op.InferShape(shapes...); err != nil {
		return nil, err
	}
	return gorgonia.ApplyOp(op, xs...)
}

// concatOp is Concat of n inputs of dims dimensions.
type concatOp struct {
	pureOp
	n, dims int
}

func (op concatOp) Arity() int { return op.n }
func (op concatOp) Type() hm.Type {
	ds := make([]int, op.n+1)
	for i := range ds {
		ds[i] = op.dims
	}
	return fnType(ds...)
}
func (op concatOp) String() string        { return fmt.Sprintf("Concat(%d, %dd)", op.n, op.dims) }
func (op concatOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op concatOp) Hashcode() uint32      { return hashOf(op) }
func (op concatOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = true
	}
	return d
}

func (op concatOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	out := s[0].Clone()
	if len(out) < 2 {
		return nil, fmt.Errorf("nn: %v: input %v has no channel axis", op, out)
	}
	for _, x := range s[1:] {
		if len(x) != len(out) || x[0] != out[0] || !x[2:].Eq(out[2:]) {
			return nil, fmt.Errorf("nn: %v: inputs %v and %v differ beyond their channels", op, s[0], x)
		}
		out[1] += x[1]
	}
	return out, nil
}

func (op concatOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	widths := make([]int, len(vs)) // elements of one example of each input
	for i, v := range vs {
		widths[i] = rowLen(v)
	}
	return execute(op, vs,
		func(y []float32, in [][]float32) error { concatRows(widths, in, y); return nil },
		func(y []float64, in [][]float64) error { concatRows(widths, in, y); return nil })
}

// concatRows writes example n of every input in turn into y, widths[i]
// elements of input i per example.
func concatRows[T kernels.Float](widths []int, in [][]T, y []T) {
	row := 0
	for _, w := range widths {
		row += w
	}
	for n := range len(y) / row {
		off := n * row
		for i, x := range in {
			off += copy(y[off:], x[n*widths[i]:(n+1)*widths[i]])
		}
	}
}

func (op concatOp) SymDiff(in gorgonia.Nodes, _, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	grads := make(gorgonia.Nodes, len(in))
	from := 0
	for i, x := range in {
		c := x.Shape()[1]
		d, err := gorgonia.ApplyOp(channelsOp{pureOp: fresh(), from: from, to: from + c, dims: op.dims}, dy)
		if err != nil {
			return nil, err
		}
		grads[i], from = d, from+c
	}
	return grads, nil
}

// Channels returns channels [from, to) of x (N, C, …), as a tensor
// (N, to − from, …) of its own. Its gradient pads dy with zero channels.
func Channels(x *gorgonia.Node, from, to int) (*gorgonia.Node, error) {
	if err := checkNodes("channels", []*gorgonia.Node{x}, []string{"x"}, []int{-1}); err != nil {
		return nil, err
	}
	op := channelsOp{pureOp: fresh(), from: from, to: to, dims: x.Dims()}
	if _, err := op.InferShape(x.Shape()); err != nil {
		return nil, err
	}
	return gorgonia.ApplyOp(op, x)
}

// channelsOp is Channels of a tensor of dims dimensions.
type channelsOp struct {
	pureOp
	from, to, dims int
}

func (op channelsOp) Arity() int    { return 1 }
func (op channelsOp) Type() hm.Type { return fnType(op.dims, op.dims) }
func (op channelsOp) String() string {
	return fmt.Sprintf("Channels(%d:%d, %dd)", op.from, op.to, op.dims)
}
func (op channelsOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op channelsOp) Hashcode() uint32      { return hashOf(op) }
func (op channelsOp) DiffWRT(int) []bool    { return []bool{true} }

func (op channelsOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) < 2 || op.from < 0 || op.to <= op.from || op.to > s[0][1] {
		return nil, fmt.Errorf("nn: %v: channels %d:%d of %v", op, op.from, op.to, s[0])
	}
	out := s[0].Clone()
	out[1] = op.to - op.from
	return out, nil
}

func (op channelsOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	s := vs[0].Shape()
	plane := rowLen(vs[0]) / s[1] // elements of one channel of one example
	return execute(op, vs,
		func(y []float32, in [][]float32) error {
			copyChannels(in[0], y, s[1], op.to-op.from, op.from, 0, plane)
			return nil
		},
		func(y []float64, in [][]float64) error {
			copyChannels(in[0], y, s[1], op.to-op.from, op.from, 0, plane)
			return nil
		})
}

func (op channelsOp) SymDiff(in gorgonia.Nodes, _, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	d, err := gorgonia.ApplyOp(padChannelsOp{pureOp: fresh(), from: op.from, c: in[0].Shape()[1], dims: op.dims}, dy)
	return gorgonia.Nodes{d}, err
}

// padChannelsOp maps dy (N, k, …) to (N, c, …): dy in channels
// [from, from + k), zero elsewhere. It is the gradient of channelsOp.
type padChannelsOp struct {
	pureOp
	from, c, dims int
}

func (op padChannelsOp) Arity() int    { return 1 }
func (op padChannelsOp) Type() hm.Type { return fnType(op.dims, op.dims) }
func (op padChannelsOp) String() string {
	return fmt.Sprintf("PadChannels(%d of %d, %dd)", op.from, op.c, op.dims)
}
func (op padChannelsOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op padChannelsOp) Hashcode() uint32      { return hashOf(op) }

func (op padChannelsOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) < 2 || op.from+s[0][1] > op.c {
		return nil, fmt.Errorf("nn: %v: dy %v does not fit", op, s[0])
	}
	out := s[0].Clone()
	out[1] = op.c
	return out, nil
}

func (op padChannelsOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	s := vs[0].Shape()
	plane := rowLen(vs[0]) / s[1]
	return execute(op, vs,
		func(y []float32, in [][]float32) error {
			clear(y)
			copyChannels(in[0], y, s[1], s[1], 0, op.from, plane)
			return nil
		},
		func(y []float64, in [][]float64) error {
			clear(y)
			copyChannels(in[0], y, s[1], s[1], 0, op.from, plane)
			return nil
		})
}

// copyChannels copies k channels of every example of x, from channel xFrom
// on, to channel yFrom on of the same example of y; x has cx channels per
// example, y len(y)/(N·plane) with N = len(x)/(cx·plane), and a channel
// plane elements.
func copyChannels[T kernels.Float](x, y []T, cx, k, xFrom, yFrom, plane int) {
	n := len(x) / (cx * plane)
	cy := len(y) / (n * plane)
	for b := range n {
		copy(y[(b*cy+yFrom)*plane:][:k*plane], x[(b*cx+xFrom)*plane:])
	}
}

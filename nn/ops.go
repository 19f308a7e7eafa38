package nn

import (
	"fmt"
	"hash"
	"hash/fnv"
	"io"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// The custom ops of this package (ops_*.go) share these conventions:
//
//   - They run in float32 or float64; all inputs of one op have one dtype.
//   - Do writes every element of its output, into memory of the op's own
//     (see outputCache). It never aliases, overwrites or keeps an input, so
//     ReturnsPtr is false (the TapeMachine then gives each such node its own
//     register) and OverwritesInput is −1.
//   - Gradients are further ops of this package, built in SymDiff.
//   - Op values are small comparable structs; String names every parameter
//     and the hash is that of String, so that gorgonia's node deduplication
//     never merges two different ops.

// pureOp provides the Op methods that follow from these conventions, and
// the op's output cache. Every op value built for a node gets a fresh cache
// (fresh()); an op converted from another must not keep the other's.
type pureOp struct{ out *outputCache }

// cachedOp is an op of this package: a gorgonia.Op with an output cache.
type cachedOp interface {
	gorgonia.Op
	output(tensor.Dtype, tensor.Shape) *tensor.Dense
}

// fresh returns a pureOp with its own output cache.
func fresh() pureOp { return pureOp{out: new(outputCache)} }

// outputCache keeps an op's output tensor from one run of the graph to the
// next, so that a training step does not allocate (and zero) its
// activations and gradients anew. It is safe because an op runs once per
// run of its machine, every value read from a graph is copied out during
// the run (nn.Output), and the next run overwrites the whole output.
type outputCache struct{ t *tensor.Dense }

// output returns the op's output tensor of the given dtype and shape: the
// cached one when it fits, else a new one, cached from then on.
func (p pureOp) output(dt tensor.Dtype, shape tensor.Shape) *tensor.Dense {
	if p.out == nil {
		return tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
	}
	if t := p.out.t; t == nil || t.Dtype() != dt || !t.Shape().Eq(shape) {
		p.out.t = tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
	}
	return p.out.t
}

func (pureOp) ReturnsPtr() bool     { return false }
func (pureOp) CallsExtern() bool    { return false }
func (pureOp) OverwritesInput() int { return -1 }

// writeHash writes the identity of op (its String) to h.
func writeHash(h hash.Hash, op fmt.Stringer) { io.WriteString(h, op.String()) }

// hashOf is the FNV-1a hash of op's String.
func hashOf(op fmt.Stringer) uint32 {
	h := fnv.New32a()
	writeHash(h, op)
	return h.Sum32()
}

// fnType is the type of an op taking tensors of the given numbers of
// dimensions and returning one of the last, all of one dtype.
func fnType(dims ...int) hm.Type {
	ts := make([]hm.Type, len(dims))
	for i, d := range dims {
		ts[i] = gorgonia.TensorType{Dims: d, Of: hm.TypeVariable('a')}
	}
	return hm.NewFnType(ts...)
}

// shapeArgs converts InferShape's arguments to shapes, checking the arity of op.
func shapeArgs(op gorgonia.Op, ds []gorgonia.DimSizer) ([]tensor.Shape, error) {
	if len(ds) != op.Arity() {
		return nil, fmt.Errorf("nn: %v: got %d inputs, want %d", op, len(ds), op.Arity())
	}
	shapes, err := gorgonia.DimSizersToShapes(ds)
	if err != nil {
		return nil, fmt.Errorf("nn: %v: %w", op, err)
	}
	return shapes, nil
}

// checkNodes returns an error if a required input node is nil or not a
// float32/float64 tensor of the wanted number of dimensions (any for −1).
func checkNodes(op string, ns []*gorgonia.Node, names []string, dims []int) error {
	for i, n := range ns {
		switch {
		case n == nil:
			return fmt.Errorf("nn: %s: %s is nil", op, names[i])
		case n.Dtype() != tensor.Float32 && n.Dtype() != tensor.Float64:
			return fmt.Errorf("nn: %s: %s has dtype %v, want float32 or float64", op, names[i], n.Dtype())
		case n.Dtype() != ns[0].Dtype():
			return fmt.Errorf("nn: %s: %s has dtype %v but %s has %v", op, names[i], n.Dtype(), names[0], ns[0].Dtype())
		case n.Dims() == 0:
			return fmt.Errorf("nn: %s: %s is a scalar, want a tensor", op, names[i])
		case dims[i] >= 0 && n.Dims() != dims[i]:
			return fmt.Errorf("nn: %s: %s has shape %v, want %d dimensions", op, names[i], n.Shape(), dims[i])
		}
	}
	return nil
}

// execute runs op on the values vs: it checks that they are dense tensors
// of one float dtype, materialises views, takes the output of the shape
// op.InferShape gives from the op's cache, and fills it with k32 or k64 (out first, then the
// inputs' elements in row-major order).
func execute(op cachedOp, vs []gorgonia.Value,
	k32 func(out []float32, in [][]float32) error,
	k64 func(out []float64, in [][]float64) error) (gorgonia.Value, error) {
	if len(vs) != op.Arity() {
		return nil, fmt.Errorf("nn: %v: got %d inputs, want %d", op, len(vs), op.Arity())
	}
	ts := make([]*tensor.Dense, len(vs))
	ds := make([]gorgonia.DimSizer, len(vs))
	for i, v := range vs {
		t, ok := v.(*tensor.Dense)
		if !ok {
			return nil, fmt.Errorf("nn: %v: input %d is a %T, want a dense tensor", op, i, v)
		}
		if t.IsMaterializable() {
			t = t.Materialize().(*tensor.Dense)
		}
		if i > 0 && t.Dtype() != ts[0].Dtype() {
			return nil, fmt.Errorf("nn: %v: input %d has dtype %v, input 0 has %v", op, i, t.Dtype(), ts[0].Dtype())
		}
		ts[i], ds[i] = t, t.Shape()
	}
	shape, err := op.InferShape(ds...)
	if err != nil {
		return nil, err
	}
	out := op.output(ts[0].Dtype(), shape)
	switch ts[0].Dtype() {
	case tensor.Float32:
		err = k32(out.Data().([]float32), elements[float32](ts))
	case tensor.Float64:
		err = k64(out.Data().([]float64), elements[float64](ts))
	default:
		err = fmt.Errorf("nn: %v: dtype %v not supported, want float32 or float64", op, ts[0].Dtype())
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// elements returns the element slices of contiguous tensors of type T.
func elements[T kernels.Float](ts []*tensor.Dense) [][]T {
	out := make([][]T, len(ts))
	for i, t := range ts {
		out[i] = t.Data().([]T)[:t.Shape().TotalSize()]
	}
	return out
}

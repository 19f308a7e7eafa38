package nn

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// RepeatRows maps x (B, …) to y (B·k, …) with y[b·k + j] = x[b] for
// j < k: every row (slice along the first axis) repeated k times in place,
// as needed to feed k importance samples per example. Its gradient sums the
// k copies: dx[b] = Σⱼ dy[b·k + j]. For k = 1 it returns x itself.
func RepeatRows(x *gorgonia.Node, k int) (*gorgonia.Node, error) {
	if err := checkNodes("repeat rows", []*gorgonia.Node{x}, []string{"x"}, []int{-1}); err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, fmt.Errorf("nn: repeat rows: k = %d must be positive", k)
	}
	if k == 1 {
		return x, nil
	}
	return gorgonia.ApplyOp(repeatRowsOp{pureOp: fresh(), k: k, dims: x.Dims()}, x)
}

// repeatRowsOp is RepeatRows of a tensor of dims dimensions.
type repeatRowsOp struct {
	pureOp
	k, dims int
}

func (op repeatRowsOp) Arity() int            { return 1 }
func (op repeatRowsOp) Type() hm.Type         { return fnType(op.dims, op.dims) }
func (op repeatRowsOp) String() string        { return fmt.Sprintf("RepeatRows(%d, %dd)", op.k, op.dims) }
func (op repeatRowsOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op repeatRowsOp) Hashcode() uint32      { return hashOf(op) }
func (op repeatRowsOp) DiffWRT(int) []bool    { return []bool{true} }

func (op repeatRowsOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) != op.dims {
		return nil, fmt.Errorf("nn: %v: x %v has %d dimensions", op, s[0], len(s[0]))
	}
	out := s[0].Clone()
	out[0] *= op.k
	return out, nil
}

func (op repeatRowsOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(y []float32, in [][]float32) error { repeatRows(op.k, rowLen(vs[0]), in[0], y); return nil },
		func(y []float64, in [][]float64) error { repeatRows(op.k, rowLen(vs[0]), in[0], y); return nil })
}

// repeatRows sets y[b·k + j] = x[b] for rows of r elements.
func repeatRows[T kernels.Float](k, r int, x, y []T) {
	for b := range len(x) / r {
		for j := range k {
			copy(y[(b*k+j)*r:][:r], x[b*r:])
		}
	}
}

func (op repeatRowsOp) SymDiff(_ gorgonia.Nodes, _, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	grad := repeatRowsGradOp(op)
	grad.pureOp = fresh()
	dx, err := gorgonia.ApplyOp(grad, dy)
	return gorgonia.Nodes{dx}, err
}

// repeatRowsGradOp maps dy (B·k, …) to dx (B, …), dx[b] = Σⱼ dy[b·k + j],
// adding the copies in order j = 0 … k−1.
type repeatRowsGradOp repeatRowsOp

func (op repeatRowsGradOp) Arity() int    { return 1 }
func (op repeatRowsGradOp) Type() hm.Type { return fnType(op.dims, op.dims) }
func (op repeatRowsGradOp) String() string {
	return fmt.Sprintf("RepeatRowsGrad(%d, %dd)", op.k, op.dims)
}
func (op repeatRowsGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op repeatRowsGradOp) Hashcode() uint32      { return hashOf(op) }

func (op repeatRowsGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) != op.dims || s[0][0]%op.k != 0 {
		return nil, fmt.Errorf("nn: %v: dy %v must have %d dimensions and a multiple of %d rows", op, s[0], op.dims, op.k)
	}
	out := s[0].Clone()
	out[0] /= op.k
	return out, nil
}

func (op repeatRowsGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(dx []float32, in [][]float32) error { sumRows(op.k, rowLen(vs[0]), in[0], dx); return nil },
		func(dx []float64, in [][]float64) error { sumRows(op.k, rowLen(vs[0]), in[0], dx); return nil })
}

// sumRows sets dx[b] = Σⱼ dy[b·k + j] for rows of r elements.
func sumRows[T kernels.Float](k, r int, dy, dx []T) {
	for b := range len(dx) / r {
		out := dx[b*r : (b+1)*r]
		copy(out, dy[b*k*r:])
		for j := 1; j < k; j++ {
			for i, v := range dy[(b*k+j)*r:][:r] {
				out[i] += v
			}
		}
	}
}

// rowLen is the number of elements per row (first-axis slice) of v, at least 1.
func rowLen(v gorgonia.Value) int {
	s := v.Shape()
	if len(s) == 0 || s[0] == 0 {
		return 1
	}
	return max(1, s.TotalSize()/s[0])
}

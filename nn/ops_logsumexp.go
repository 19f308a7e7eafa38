package nn

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// LogSumExp returns y = log Σₖ exp(x[…, k, …]) over one axis of x, which
// must have at least 2 dimensions; the axis is removed, so (B, K) with
// axis 1 gives (B). A negative axis counts from the end. It is computed as
//
//	y = m + log Σₖ exp(xₖ − m),   m = maxₖ xₖ,
//
// in float64, so it is exact for inputs of any magnitude (y = m when m is
// infinite). The gradient is the softmax along the axis times the upstream
// gradient, dxₖ = dy·exp(xₖ − m)/Σⱼ exp(xⱼ − m), recomputed from x rather
// than as exp(xₖ − y), which would lose |y|·ε of accuracy for large |y|.
func LogSumExp(x *gorgonia.Node, axis int) (*gorgonia.Node, error) {
	if err := checkNodes("logsumexp", []*gorgonia.Node{x}, []string{"x"}, []int{-1}); err != nil {
		return nil, err
	}
	d := x.Dims()
	if d < 2 {
		return nil, fmt.Errorf("nn: logsumexp: x %v must have at least 2 dimensions (reshape a vector to (1, K))", x.Shape())
	}
	if axis < -d || axis >= d {
		return nil, fmt.Errorf("nn: logsumexp: axis %d out of range for x %v", axis, x.Shape())
	}
	return gorgonia.ApplyOp(lseOp{pureOp: fresh(), axis: (axis + d) % d, dims: d}, x)
}

// lseOp is LogSumExp over axis of a tensor of dims dimensions.
type lseOp struct {
	pureOp
	axis, dims int
}

func (op lseOp) Arity() int            { return 1 }
func (op lseOp) Type() hm.Type         { return fnType(op.dims, op.dims-1) }
func (op lseOp) String() string        { return fmt.Sprintf("LogSumExp(axis %d of %dd)", op.axis, op.dims) }
func (op lseOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op lseOp) Hashcode() uint32      { return hashOf(op) }
func (op lseOp) DiffWRT(int) []bool    { return []bool{true} }

func (op lseOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) != op.dims {
		return nil, fmt.Errorf("nn: %v: x %v has %d dimensions", op, s[0], len(s[0]))
	}
	return append(s[0][:op.axis:op.axis], s[0][op.axis+1:]...), nil
}

// split returns the sizes before, along and after the axis of shape s.
func (op lseOp) split(s tensor.Shape) (outer, n, inner int) {
	return tensor.Shape(s[:op.axis]).TotalSize(), s[op.axis], tensor.Shape(s[op.axis+1:]).TotalSize()
}

func (op lseOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 1 {
		return nil, fmt.Errorf("nn: %v: got %d inputs, want 1", op, len(vs))
	}
	o, n, i := op.split(vs[0].Shape())
	return execute(op, vs,
		func(y []float32, in [][]float32) error { lseForward(o, n, i, in[0], y); return nil },
		func(y []float64, in [][]float64) error { lseForward(o, n, i, in[0], y); return nil })
}

// lseForward sets y[a,b] = log Σₖ exp x[a,k,b] for x (outer, n, inner).
func lseForward[T kernels.Float](outer, n, inner int, x, y []T) {
	for a := range outer {
		for b := range inner {
			m := math.Inf(-1)
			for k := range n {
				m = max(m, float64(x[(a*n+k)*inner+b]))
			}
			if math.IsInf(m, 0) {
				y[a*inner+b] = T(m)
				continue
			}
			var s float64
			for k := range n {
				s += math.Exp(float64(x[(a*n+k)*inner+b]) - m)
			}
			y[a*inner+b] = T(m + math.Log(s))
		}
	}
}

func (op lseOp) SymDiff(in gorgonia.Nodes, _, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	grad := lseGradOp(op)
	grad.pureOp = fresh()
	dx, err := gorgonia.ApplyOp(grad, in[0], dy)
	return gorgonia.Nodes{dx}, err
}

// lseGradOp is dx[a,k,b] = dy[a,b]·softmaxₖ(x[a,·,b]) from x and the
// gradient dy of its LogSumExp; it is 0 where the maximum is infinite.
type lseGradOp lseOp

func (op lseGradOp) Arity() int    { return 2 }
func (op lseGradOp) Type() hm.Type { return fnType(op.dims, op.dims-1, op.dims) }
func (op lseGradOp) String() string {
	return fmt.Sprintf("LogSumExpGrad(axis %d of %dd)", op.axis, op.dims)
}
func (op lseGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op lseGradOp) Hashcode() uint32      { return hashOf(op) }

func (op lseGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	want, err := lseOp(op).InferShape(s[0])
	if err != nil {
		return nil, err
	}
	if !s[1].Eq(want) {
		return nil, fmt.Errorf("nn: %v: dy %v must have shape %v", op, s[1], want)
	}
	return s[0].Clone(), nil
}

func (op lseGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 2 {
		return nil, fmt.Errorf("nn: %v: got %d inputs, want 2", op, len(vs))
	}
	o, n, i := lseOp(op).split(vs[0].Shape())
	return execute(op, vs,
		func(dx []float32, in [][]float32) error { lseBackward(o, n, i, in[0], in[1], dx); return nil },
		func(dx []float64, in [][]float64) error { lseBackward(o, n, i, in[0], in[1], dx); return nil })
}

// lseBackward sets dx from x (outer, n, inner) and dy (outer, inner).
func lseBackward[T kernels.Float](outer, n, inner int, x, dy, dx []T) {
	e := make([]float64, n)
	for a := range outer {
		for b := range inner {
			m := math.Inf(-1)
			for k := range n {
				m = max(m, float64(x[(a*n+k)*inner+b]))
			}
			var s float64
			for k := range n {
				e[k] = math.Exp(float64(x[(a*n+k)*inner+b]) - m)
				s += e[k]
			}
			d := float64(dy[a*inner+b]) / s
			for k := range n {
				if math.IsInf(m, 0) {
					dx[(a*n+k)*inner+b] = 0
				} else {
					dx[(a*n+k)*inner+b] = T(d * e[k])
				}
			}
		}
	}
}

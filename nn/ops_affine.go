package nn

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// Affine returns the affine map y = x·w + b of x (B, In) with w (In, Out) and
// b (Out), one op on kernels.Gemm. Its gradients are
//
//	dx = dy·wᵀ,   dw = xᵀ·dy,   db = Σ_rows dy.
func Affine(x, w, b *gorgonia.Node) (*gorgonia.Node, error) {
	if err := checkNodes("affine", []*gorgonia.Node{x, w, b}, []string{"x", "w", "b"}, []int{2, 2, 1}); err != nil {
		return nil, err
	}
	return gorgonia.ApplyOp(denseOp{fresh()}, x, w, b)
}

// denseOp is y = x·w + b (Affine).
type denseOp struct{ pureOp }

func (op denseOp) Arity() int            { return 3 }
func (op denseOp) Type() hm.Type         { return fnType(2, 2, 1, 2) }
func (op denseOp) String() string        { return "Dense" }
func (op denseOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op denseOp) Hashcode() uint32      { return hashOf(op) }
func (op denseOp) DiffWRT(int) []bool    { return []bool{true, true, true} }

func (op denseOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) != 2 || len(s[1]) != 2 || len(s[2]) != 1 || s[0][1] != s[1][0] || s[1][1] != s[2][0] {
		return nil, fmt.Errorf("nn: dense: x %v, w %v and b %v do not fit (want (B,In), (In,Out), (Out))", s[0], s[1], s[2])
	}
	return tensor.Shape{s[0][0], s[1][1]}, nil
}

func (op denseOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs, denseForward[float32], denseForward[float64])
}

// denseForward sets y = x·w + b for in = (x, w, b).
func denseForward[T kernels.Float](y []T, in [][]T) error {
	x, w, b := in[0], in[1], in[2]
	out := len(b)
	rows, inner := len(y)/out, len(w)/out
	for i := range rows {
		copy(y[i*out:(i+1)*out], b)
	}
	kernels.Gemm(false, false, rows, out, inner, 1, x, inner, w, out, 1, y, out)
	return nil
}

func (op denseOp) SymDiff(in gorgonia.Nodes, y, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	dx, err := gorgonia.ApplyOp(matMulOp{pureOp: fresh(), transB: true}, dy, in[1])
	if err != nil {
		return nil, err
	}
	dw, err := gorgonia.ApplyOp(matMulOp{pureOp: fresh(), transA: true}, in[0], dy)
	if err != nil {
		return nil, err
	}
	db, err := gorgonia.ApplyOp(biasGradOp{pureOp: fresh(), dims: 2}, dy)
	return gorgonia.Nodes{dx, dw, db}, err
}

// matMulOp is the product op(a)·op(b) of two matrices, op transposing when
// asked: the gradients of Affine.
type matMulOp struct {
	pureOp
	transA, transB bool
}

func (op matMulOp) Arity() int            { return 2 }
func (op matMulOp) Type() hm.Type         { return fnType(2, 2, 2) }
func (op matMulOp) String() string        { return fmt.Sprintf("MatMul(ᵀ%v, ᵀ%v)", op.transA, op.transB) }
func (op matMulOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op matMulOp) Hashcode() uint32      { return hashOf(op) }

// dims returns m, k, n of op(a) (m×k) · op(b) (k×n).
func (op matMulOp) dims(a, b tensor.Shape) (m, k, n int, err error) {
	if len(a) != 2 || len(b) != 2 {
		return 0, 0, 0, fmt.Errorf("nn: %v: a %v and b %v must be matrices", op, a, b)
	}
	m, k, k2, n := a[0], a[1], b[0], b[1]
	if op.transA {
		m, k = k, m
	}
	if op.transB {
		k2, n = n, k2
	}
	if k != k2 {
		return 0, 0, 0, fmt.Errorf("nn: %v: a %v and b %v do not multiply", op, a, b)
	}
	return m, k, n, nil
}

func (op matMulOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	m, _, n, err := op.dims(s[0], s[1])
	return tensor.Shape{m, n}, err
}

func (op matMulOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 2 {
		return nil, fmt.Errorf("nn: %v: got %d inputs, want 2", op, len(vs))
	}
	a, b := vs[0].Shape(), vs[1].Shape()
	m, k, n, err := op.dims(a, b)
	if err != nil {
		return nil, err
	}
	return execute(op, vs,
		func(c []float32, in [][]float32) error {
			kernels.Gemm(op.transA, op.transB, m, n, k, 1, in[0], a[1], in[1], b[1], 0, c, n)
			return nil
		},
		func(c []float64, in [][]float64) error {
			kernels.Gemm(op.transA, op.transB, m, n, k, 1, in[0], a[1], in[1], b[1], 0, c, n)
			return nil
		})
}

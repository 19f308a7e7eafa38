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

// ELU returns the exponential linear unit of x (Clevert et al. 2016, α = 1)
// elementwise, for x of any shape:
//
//	y = x for x > 0,   y = eˣ − 1 otherwise.
//
// Its gradient is dx = dy for x > 0 and dy·(y + 1) = dy·eˣ otherwise.
func ELU(x *gorgonia.Node) (*gorgonia.Node, error) {
	if err := checkNodes("elu", []*gorgonia.Node{x}, []string{"x"}, []int{-1}); err != nil {
		return nil, err
	}
	return gorgonia.ApplyOp(eluOp{dims: x.Dims()}, x)
}

// eluOp is y = ELU(x) on tensors of dims dimensions.
type eluOp struct {
	pureOp
	dims int
}

func (op eluOp) Arity() int            { return 1 }
func (op eluOp) Type() hm.Type         { return fnType(op.dims, op.dims) }
func (op eluOp) String() string        { return fmt.Sprintf("ELU(%dd)", op.dims) }
func (op eluOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op eluOp) Hashcode() uint32      { return hashOf(op) }
func (op eluOp) DiffWRT(int) []bool    { return []bool{true} }

func (op eluOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	return s[0].Clone(), nil
}

func (op eluOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(y []float32, in [][]float32) error { eluForward(in[0], y); return nil },
		func(y []float64, in [][]float64) error { eluForward(in[0], y); return nil })
}

func (op eluOp) SymDiff(in gorgonia.Nodes, y, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	dx, err := gorgonia.ApplyOp(eluGradOp{dims: op.dims}, y, dy)
	return gorgonia.Nodes{dx}, err
}

// eluForward sets y = ELU(x), computing eˣ − 1 as expm1.
func eluForward[T kernels.Float](x, y []T) {
	for i, v := range x {
		if v > 0 {
			y[i] = v
		} else {
			y[i] = T(math.Expm1(float64(v)))
		}
	}
}

// eluGradOp is dx = dy for y > 0 and dy·(y + 1) otherwise, from the output
// y of ELU and the gradient dy with respect to it.
type eluGradOp struct {
	pureOp
	dims int
}

func (op eluGradOp) Arity() int            { return 2 }
func (op eluGradOp) Type() hm.Type         { return fnType(op.dims, op.dims, op.dims) }
func (op eluGradOp) String() string        { return fmt.Sprintf("ELUGrad(%dd)", op.dims) }
func (op eluGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op eluGradOp) Hashcode() uint32      { return hashOf(op) }

func (op eluGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if !s[0].Eq(s[1]) {
		return nil, fmt.Errorf("nn: %v: y %v and dy %v differ in shape", op, s[0], s[1])
	}
	return s[0].Clone(), nil
}

func (op eluGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(dx []float32, in [][]float32) error { eluBackward(in[0], in[1], dx); return nil },
		func(dx []float64, in [][]float64) error { eluBackward(in[0], in[1], dx); return nil })
}

// eluBackward sets dx from the ELU output y and its gradient dy.
func eluBackward[T kernels.Float](y, dy, dx []T) {
	for i, v := range y {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = dy[i] * (v + 1)
		}
	}
}

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

// activation names an elementwise unit whose gradient is a function of its
// output: dx = dy · f'(y).
type activation string

const (
	elu  activation = "ELU"
	relu activation = "ReLU"
)

// ELU returns the exponential linear unit of x (Clevert et al. 2016, α = 1)
// elementwise, for x of any shape:
//
//	y = x for x > 0,   y = eˣ − 1 otherwise.
//
// Its gradient is dx = dy for x > 0 and dy·(y + 1) = dy·eˣ otherwise.
func ELU(x *gorgonia.Node) (*gorgonia.Node, error) { return applyActivation(elu, x) }

// ReLU returns max(x, 0) elementwise, for x of any shape. Its gradient is
// dx = dy where y > 0 and 0 elsewhere (the subgradient 0 at x = 0).
func ReLU(x *gorgonia.Node) (*gorgonia.Node, error) { return applyActivation(relu, x) }

func applyActivation(act activation, x *gorgonia.Node) (*gorgonia.Node, error) {
	if err := checkNodes(string(act), []*gorgonia.Node{x}, []string{"x"}, []int{-1}); err != nil {
		return nil, err
	}
	return gorgonia.ApplyOp(activationOp{pureOp: fresh(), act: act, dims: x.Dims()}, x)
}

// activationOp is y = act(x) on tensors of dims dimensions.
type activationOp struct {
	pureOp
	act  activation
	dims int
}

func (op activationOp) Arity() int            { return 1 }
func (op activationOp) Type() hm.Type         { return fnType(op.dims, op.dims) }
func (op activationOp) String() string        { return fmt.Sprintf("%s(%dd)", op.act, op.dims) }
func (op activationOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op activationOp) Hashcode() uint32      { return hashOf(op) }
func (op activationOp) DiffWRT(int) []bool    { return []bool{true} }

func (op activationOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	return s[0].Clone(), nil
}

func (op activationOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(y []float32, in [][]float32) error { activate(op.act, in[0], y); return nil },
		func(y []float64, in [][]float64) error { activate(op.act, in[0], y); return nil })
}

func (op activationOp) SymDiff(in gorgonia.Nodes, y, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	grad := activationGradOp(op)
	grad.pureOp = fresh()
	dx, err := gorgonia.ApplyOp(grad, y, dy)
	return gorgonia.Nodes{dx}, err
}

// elementGrain is the fewest elements an elementwise op gives a goroutine.
const elementGrain = 1 << 14

// activate sets y = act(x); in float32 ELU is kernels.ELU, in float64 it
// uses math.Expm1 (exact, for gradient checks). Ranges of elements run in
// parallel.
func activate[T kernels.Float](act activation, x, y []T) {
	kernels.ForRanges(len(x), elementGrain, func(lo, hi int) {
		x, y := x[lo:hi], y[lo:hi]
		if act == relu {
			reluForward(x, y)
			return
		}
		if x32, ok := any(x).([]float32); ok {
			kernels.ELU(x32, any(y).([]float32))
			return
		}
		for i, v := range x {
			if v > 0 {
				y[i] = v
			} else {
				y[i] = T(math.Expm1(float64(v)))
			}
		}
	})
}

// reluForward sets y = max(x, 0) by clearing the bits of negative numbers
// (their sign bit, spread by an arithmetic shift, is the mask): no branch,
// as signs are unpredictable.
func reluForward[T kernels.Float](x, y []T) {
	switch x := any(x).(type) {
	case []float32:
		y := any(y).([]float32)
		for i, v := range x {
			u := math.Float32bits(v)
			y[i] = math.Float32frombits(u &^ uint32(int32(u)>>31))
		}
	case []float64:
		y := any(y).([]float64)
		for i, v := range x {
			u := math.Float64bits(v)
			y[i] = math.Float64frombits(u &^ uint64(int64(u)>>63))
		}
	}
}

// reluBackward sets dx = dy where y > 0 and 0 where y = +0, for the output y
// of reluForward (never negative): −bits(y) is negative exactly when y ≠ 0,
// and its sign, spread by a shift, is the mask.
func reluBackward[T kernels.Float](y, dy, dx []T) {
	switch y := any(y).(type) {
	case []float32:
		dy, dx := any(dy).([]float32), any(dx).([]float32)
		for i, v := range y {
			mask := uint32(-int32(math.Float32bits(v)) >> 31)
			dx[i] = math.Float32frombits(math.Float32bits(dy[i]) & mask)
		}
	case []float64:
		dy, dx := any(dy).([]float64), any(dx).([]float64)
		for i, v := range y {
			mask := uint64(-int64(math.Float64bits(v)) >> 63)
			dx[i] = math.Float64frombits(math.Float64bits(dy[i]) & mask)
		}
	}
}

// activationGradOp is dx = dy · act'(x) written with the output y of act:
// 1 for y > 0, and otherwise y + 1 (= eˣ) for ELU, 0 for ReLU.
type activationGradOp activationOp

func (op activationGradOp) Arity() int            { return 2 }
func (op activationGradOp) Type() hm.Type         { return fnType(op.dims, op.dims, op.dims) }
func (op activationGradOp) String() string        { return fmt.Sprintf("%sGrad(%dd)", op.act, op.dims) }
func (op activationGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op activationGradOp) Hashcode() uint32      { return hashOf(op) }

func (op activationGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if !s[0].Eq(s[1]) {
		return nil, fmt.Errorf("nn: %v: y %v and dy %v differ in shape", op, s[0], s[1])
	}
	return s[0].Clone(), nil
}

func (op activationGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(dx []float32, in [][]float32) error { activationBackward(op.act, in[0], in[1], dx); return nil },
		func(dx []float64, in [][]float64) error { activationBackward(op.act, in[0], in[1], dx); return nil })
}

// activationBackward sets dx from the output y of act and its gradient dy.
// Ranges of elements run in parallel.
func activationBackward[T kernels.Float](act activation, y, dy, dx []T) {
	kernels.ForRanges(len(y), elementGrain, func(lo, hi int) {
		y, dy, dx := y[lo:hi], dy[lo:hi], dx[lo:hi]
		if act == relu {
			reluBackward(y, dy, dx)
			return
		}
		if y32, ok := any(y).([]float32); ok {
			kernels.ELUGrad(y32, any(dy).([]float32), any(dx).([]float32))
			return
		}
		for i, v := range y {
			if v > 0 {
				dx[i] = dy[i]
			} else {
				dx[i] = dy[i] * (v + 1)
			}
		}
	})
}

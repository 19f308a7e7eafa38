package nn

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// UpsampleNearest repeats every pixel of x (N, C, H, W) into a
// factor×factor block, returning (N, C, H·factor, W·factor):
//
//	y[n,c,i,j] = x[n, c, i/factor, j/factor].
//
// Its gradient sums the output gradient over each block.
func UpsampleNearest(x *gorgonia.Node, factor int) (*gorgonia.Node, error) {
	if err := checkNodes("upsample", []*gorgonia.Node{x}, []string{"x"}, []int{4}); err != nil {
		return nil, err
	}
	if factor < 1 {
		return nil, fmt.Errorf("nn: upsample: factor %d must be positive", factor)
	}
	return gorgonia.ApplyOp(upsampleOp{pureOp: fresh(), factor: factor}, x)
}

// upsampleOp is UpsampleNearest.
type upsampleOp struct {
	pureOp
	factor int
}

func (op upsampleOp) Arity() int            { return 1 }
func (op upsampleOp) Type() hm.Type         { return fnType(4, 4) }
func (op upsampleOp) String() string        { return fmt.Sprintf("UpsampleNearest(%d)", op.factor) }
func (op upsampleOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op upsampleOp) Hashcode() uint32      { return hashOf(op) }
func (op upsampleOp) DiffWRT(int) []bool    { return []bool{true} }

func (op upsampleOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) != 4 {
		return nil, fmt.Errorf("nn: %v: x %v must have 4 dimensions", op, s[0])
	}
	return tensor.Shape{s[0][0], s[0][1], s[0][2] * op.factor, s[0][3] * op.factor}, nil
}

func (op upsampleOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(y []float32, in [][]float32) error { return upsample(op.factor, vs[0].Shape(), in[0], y) },
		func(y []float64, in [][]float64) error { return upsample(op.factor, vs[0].Shape(), in[0], y) })
}

// upsample runs the kernel on x of shape s into y.
func upsample[T kernels.Float](factor int, s tensor.Shape, x, y []T) error {
	return kernels.UpsampleNearest(x, s[0], s[1], s[2], s[3], factor, y)
}

func (op upsampleOp) SymDiff(_ gorgonia.Nodes, _, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	dx, err := gorgonia.ApplyOp(upsampleGradOp{pureOp: fresh(), factor: op.factor}, dy)
	return gorgonia.Nodes{dx}, err
}

// upsampleGradOp maps dy (N, C, H·factor, W·factor) to dx (N, C, H, W),
// dx[n,c,i,j] = Σ_{r,s < factor} dy[n, c, i·factor + r, j·factor + s].
type upsampleGradOp struct {
	pureOp
	factor int
}

func (op upsampleGradOp) Arity() int            { return 1 }
func (op upsampleGradOp) Type() hm.Type         { return fnType(4, 4) }
func (op upsampleGradOp) String() string        { return fmt.Sprintf("UpsampleNearestGrad(%d)", op.factor) }
func (op upsampleGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op upsampleGradOp) Hashcode() uint32      { return hashOf(op) }

func (op upsampleGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) != 4 || s[0][2]%op.factor != 0 || s[0][3]%op.factor != 0 {
		return nil, fmt.Errorf("nn: %v: dy %v must have 4 dimensions, the last two multiples of %d", op, s[0], op.factor)
	}
	return tensor.Shape{s[0][0], s[0][1], s[0][2] / op.factor, s[0][3] / op.factor}, nil
}

func (op upsampleGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(dx []float32, in [][]float32) error { return upsampleGrad(op.factor, vs[0].Shape(), in[0], dx) },
		func(dx []float64, in [][]float64) error { return upsampleGrad(op.factor, vs[0].Shape(), in[0], dx) })
}

// upsampleGrad runs the backward kernel on dy of shape s into dx.
func upsampleGrad[T kernels.Float](factor int, s tensor.Shape, dy, dx []T) error {
	return kernels.UpsampleNearestBackward(dy, s[0], s[1], s[2]/factor, s[3]/factor, factor, dx)
}

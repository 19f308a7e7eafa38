package nn

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// biasGradOp is the gradient of a bias added along axis 1, the channels of
// dy (N, K, ...) of dims dimensions (2 for Affine, 4 for Conv2d):
//
//	db[k] = Σ_{n, rest} dy[n, k, rest]   (summed in float64).
type biasGradOp struct {
	pureOp
	dims int
}

func (op biasGradOp) Arity() int            { return 1 }
func (op biasGradOp) Type() hm.Type         { return fnType(op.dims, 1) }
func (op biasGradOp) String() string        { return fmt.Sprintf("BiasGrad(%dd)", op.dims) }
func (op biasGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op biasGradOp) Hashcode() uint32      { return hashOf(op) }

func (op biasGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if len(s[0]) != op.dims || op.dims < 2 {
		return nil, fmt.Errorf("nn: %v: dy %v must have %d dimensions", op, s[0], op.dims)
	}
	return tensor.Shape{s[0][1]}, nil
}

func (op biasGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 1 || vs[0].Shape().Dims() != op.dims {
		return nil, fmt.Errorf("nn: %v: want one %d-d input", op, op.dims)
	}
	s := vs[0].Shape()
	rest := s.TotalSize() / (s[0] * s[1])
	return execute(op, vs,
		func(db []float32, in [][]float32) error { return kernels.BiasBackward(in[0], s[0], s[1], rest, db) },
		func(db []float64, in [][]float64) error { return kernels.BiasBackward(in[0], s[0], s[1], rest, db) })
}

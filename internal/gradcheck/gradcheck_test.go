package gradcheck

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// squareOp is y = x² elementwise, whose SymDiff claims dx = factor·x⊙dy: a
// correct gradient for factor 2 and a deliberately wrong one otherwise. With
// clobber set, Do also (wrongly) zeroes its input after reading it.
type squareOp struct {
	factor  float64
	clobber bool
}

func (op squareOp) Arity() int { return 1 }
func (op squareOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}
func (op squareOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	return ds[0].(tensor.Shape).Clone(), nil
}
func (op squareOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	x := vs[0].(*tensor.Dense)
	y := tensor.New(tensor.WithShape(x.Shape().Clone()...), tensor.Of(tensor.Float64))
	yd := y.Data().([]float64)
	xd := x.Data().([]float64)
	for i, v := range xd {
		yd[i] = v * v
	}
	if op.clobber {
		clear(xd)
	}
	return y, nil
}
func (op squareOp) ReturnsPtr() bool      { return false }
func (op squareOp) CallsExtern() bool     { return false }
func (op squareOp) OverwritesInput() int  { return -1 }
func (op squareOp) WriteHash(h hash.Hash) { fmt.Fprint(h, op.String()) }
func (op squareOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}
func (op squareOp) String() string {
	return fmt.Sprintf("square(grad factor %v, clobber %v)", op.factor, op.clobber)
}
func (op squareOp) DiffWRT(int) []bool { return []bool{true} }
func (op squareOp) SymDiff(in gorgonia.Nodes, _, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	fx, err := gorgonia.Mul(in[0], gorgonia.NewConstant(op.factor))
	if err != nil {
		return nil, err
	}
	dx, err := gorgonia.HadamardProd(fx, grad)
	return gorgonia.Nodes{dx}, err
}

// square builds squareOp{factor} of the first input.
func square(factor float64) Build {
	return func(_ *gorgonia.ExprGraph, in []*gorgonia.Node) (*gorgonia.Node, error) {
		return gorgonia.ApplyOp(squareOp{factor: factor}, in[0])
	}
}

// randDense returns a float64 tensor of standard normal draws.
func randDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	t := tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float64))
	for i := range t.Data().([]float64) {
		t.Data().([]float64)[i] = rng.NormFloat64()
	}
	return t
}

func TestAcceptsCorrectGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	res, err := Check(square(2), []*tensor.Dense{randDense(rng, 3, 4)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != 12 || res.Err > 1e-8 {
		t.Fatalf("unexpected result %v", res)
	}
}

func TestCatchesWrongGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, factor := range []float64{3, 2.0001, -2} {
		res, err := Check(square(factor), []*tensor.Dense{randDense(rng, 5)}, Options{})
		if err == nil {
			t.Fatalf("factor %v: wrong gradient accepted: %v", factor, res)
		}
		if !strings.Contains(err.Error(), "mismatch") || res.Input != 0 {
			t.Fatalf("factor %v: unexpected error %v / result %v", factor, err, res)
		}
	}
}

// TestMultipleInputsAndSubsets checks a composite of gorgonia's own ops,
// a subset of inputs and a random subset of elements.
func TestMultipleInputsAndSubsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	build := func(_ *gorgonia.ExprGraph, in []*gorgonia.Node) (*gorgonia.Node, error) {
		ab, err := gorgonia.Mul(in[0], in[1]) // (3,4)·(4,5)
		if err != nil {
			return nil, err
		}
		return gorgonia.Tanh(ab)
	}
	inputs := []*tensor.Dense{randDense(rng, 3, 4), randDense(rng, 4, 5)}
	res, err := Check(build, inputs, Options{})
	if err != nil || res.Checked != 32 {
		t.Fatalf("all inputs: %v, %v", res, err)
	}
	res, err = Check(build, inputs, Options{Wrt: []int{1}, MaxElems: 7})
	if err != nil || res.Checked != 7 || res.Input != 1 {
		t.Fatalf("subset: %v, %v", res, err)
	}
}

func TestScalarOutput(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	build := func(_ *gorgonia.ExprGraph, in []*gorgonia.Node) (*gorgonia.Node, error) {
		sq, err := gorgonia.ApplyOp(squareOp{factor: 2}, in[0])
		if err != nil {
			return nil, err
		}
		return gorgonia.Sum(sq)
	}
	if res, err := Check(build, []*tensor.Dense{randDense(rng, 6)}, Options{}); err != nil {
		t.Fatalf("%v: %v", res, err)
	}
}

func TestRejectsBadUse(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	x := randDense(rng, 2)
	f32 := tensor.New(tensor.WithShape(2), tensor.Of(tensor.Float32))
	failing := func(*gorgonia.ExprGraph, []*gorgonia.Node) (*gorgonia.Node, error) {
		return nil, fmt.Errorf("boom")
	}
	cases := []struct {
		name   string
		build  Build
		inputs []*tensor.Dense
		opts   Options
	}{
		{"no inputs", square(2), nil, Options{}},
		{"float32 input", square(2), []*tensor.Dense{f32}, Options{}},
		{"nil input", square(2), []*tensor.Dense{nil}, Options{}},
		{"bad wrt", square(2), []*tensor.Dense{x}, Options{Wrt: []int{1}}},
		{"build error", failing, []*tensor.Dense{x}, Options{}},
		{"op writes into its input", func(_ *gorgonia.ExprGraph, in []*gorgonia.Node) (*gorgonia.Node, error) {
			return gorgonia.ApplyOp(squareOp{factor: 2, clobber: true}, in[0])
		}, []*tensor.Dense{x}, Options{}},
	}
	for _, c := range cases {
		_, err := Check(c.build, c.inputs, c.opts)
		if err == nil {
			t.Errorf("%s: no error", c.name)
		}
		t.Logf("%s: %v", c.name, err)
	}
}

package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

func TestELU(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, shape := range [][]int{{7}, {3, 5}, {2, 3, 2, 2}} {
		x := opsRand(rng, -4, 3, shape...)
		want := make([]float64, x.Shape().TotalSize())
		for i, v := range opsData(x) {
			want[i] = v
			if v <= 0 {
				want[i] = math.Exp(v) - 1
			}
		}
		f := func(in []*gorgonia.Node) (*gorgonia.Node, error) { return nn.ELU(in[0]) }
		opsCheck(t, f, want, tensor.Shape(shape), 1e-6, nil, x)
	}
	if _, err := nn.ELU(nil); err == nil {
		t.Error("nil input accepted")
	}
}

func TestReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	for _, shape := range [][]int{{7}, {3, 5}, {2, 3, 2, 2}} {
		// Keep inputs away from the kink at 0, where finite differences fail.
		x := opsRand(rng, -4, 3, shape...)
		for i, v := range opsData(x) {
			if math.Abs(v) < 0.05 {
				opsData(x)[i] = 0.5
			}
		}
		want := make([]float64, x.Shape().TotalSize())
		for i, v := range opsData(x) {
			want[i] = math.Max(v, 0)
		}
		f := func(in []*gorgonia.Node) (*gorgonia.Node, error) { return nn.ReLU(in[0]) }
		opsCheck(t, f, want, tensor.Shape(shape), 1e-6, nil, x)
	}
	if _, err := nn.ReLU(nil); err == nil {
		t.Error("nil input accepted")
	}
}

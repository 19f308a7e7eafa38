package nn_test

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

func TestAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for _, s := range [][3]int{{1, 1, 1}, {5, 7, 3}, {4, 33, 17}} {
		b, in, out := s[0], s[1], s[2]
		x, w, bias := opsRand(rng, -1, 1, b, in), opsRand(rng, -1, 1, in, out), opsRand(rng, -1, 1, out)
		want := make([]float64, b*out)
		for i := range b {
			for j := range out {
				v := opsData(bias)[j]
				for k := range in {
					v += opsData(x)[i*in+k] * opsData(w)[k*out+j]
				}
				want[i*out+j] = v
			}
		}
		f := func(n []*gorgonia.Node) (*gorgonia.Node, error) { return nn.Affine(n[0], n[1], n[2]) }
		opsCheck(t, f, want, tensor.Shape{b, out}, 1e-5, nil, x, w, bias)
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("x"))
	w := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(4, 5), gorgonia.WithName("w"))
	b := gorgonia.NewVector(g, tensor.Float64, gorgonia.WithShape(5), gorgonia.WithName("b"))
	if _, err := nn.Affine(x, w, b); err == nil {
		t.Error("x (2,3) · w (4,5) accepted")
	}
}

package nn_test

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

func TestUpsampleNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const n, c, h, w = 2, 3, 3, 4
	for _, f := range []int{1, 2, 3} {
		x := opsRand(rng, -1, 1, n, c, h, w)
		want := make([]float64, n*c*h*w*f*f)
		for p := range n * c {
			for i := range h * f {
				for j := range w * f {
					want[(p*h*f+i)*w*f+j] = opsData(x)[(p*h+i/f)*w+j/f]
				}
			}
		}
		up := func(in []*gorgonia.Node) (*gorgonia.Node, error) { return nn.UpsampleNearest(in[0], f) }
		opsCheck(t, up, want, tensor.Shape{n, c, h * f, w * f}, 1e-6, nil, x)
	}
	g := gorgonia.NewGraph()
	x3 := gorgonia.NewTensor(g, tensor.Float32, 3, gorgonia.WithShape(2, 3, 4))
	x4 := gorgonia.NewTensor(g, tensor.Float32, 4, gorgonia.WithShape(1, 2, 3, 4))
	if _, err := nn.UpsampleNearest(x3, 2); err == nil {
		t.Error("3-d input accepted")
	}
	if _, err := nn.UpsampleNearest(x4, 0); err == nil {
		t.Error("factor 0 accepted")
	}
}

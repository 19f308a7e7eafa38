package nn_test

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

func TestRepeatRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, shape := range [][]int{{3}, {2, 5}, {3, 2, 2, 2}} {
		for _, k := range []int{2, 4} {
			x := opsRand(rng, -1, 1, shape...)
			rows := shape[0]
			r := x.Shape().TotalSize() / rows
			var want []float64
			for b := range rows {
				for range k {
					want = append(want, opsData(x)[b*r:(b+1)*r]...)
				}
			}
			out := tensor.Shape(append([]int{rows * k}, shape[1:]...))
			rep := func(in []*gorgonia.Node) (*gorgonia.Node, error) { return nn.RepeatRows(in[0], k) }
			opsCheck(t, rep, want, out, 1e-7, nil, x)
		}
	}
	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float32, 2, gorgonia.WithShape(2, 3))
	if y, err := nn.RepeatRows(x, 1); err != nil || y != x {
		t.Errorf("k = 1 gave %v, %v; want x itself", y, err)
	}
	if _, err := nn.RepeatRows(x, 0); err == nil {
		t.Error("k = 0 accepted")
	}
}

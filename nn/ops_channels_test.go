package nn_test

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

func TestConcat(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	a, b, c := opsRand(rng, -1, 1, 2, 3, 2, 2), opsRand(rng, -1, 1, 2, 1, 2, 2), opsRand(rng, -1, 1, 2, 2, 2, 2)
	// Example n of the output is a[n], b[n], c[n], each 4 values per channel.
	var want []float64
	for n := range 2 {
		want = append(want, opsData(a)[n*12:(n+1)*12]...)
		want = append(want, opsData(b)[n*4:(n+1)*4]...)
		want = append(want, opsData(c)[n*8:(n+1)*8]...)
	}
	f := func(in []*gorgonia.Node) (*gorgonia.Node, error) { return nn.Concat(in[0], in[1], in[2]) }
	opsCheck(t, f, want, tensor.Shape{2, 6, 2, 2}, 1e-7, nil, a, b, c)

	g := gorgonia.NewGraph()
	x := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(2, 3, 2, 2), gorgonia.WithName("x"))
	y := gorgonia.NewTensor(g, tensor.Float64, 4, gorgonia.WithShape(2, 3, 2, 3), gorgonia.WithName("y"))
	if _, err := nn.Concat(x, y); err == nil {
		t.Error("inputs of different planes accepted")
	}
}

func TestChannels(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 2))
	x := opsRand(rng, -1, 1, 3, 4, 2, 1)
	var want []float64
	for n := range 3 {
		want = append(want, opsData(x)[n*8+2:n*8+6]...) // channels 1 and 2
	}
	f := func(in []*gorgonia.Node) (*gorgonia.Node, error) { return nn.Channels(in[0], 1, 3) }
	opsCheck(t, f, want, tensor.Shape{3, 2, 2, 1}, 1e-7, nil, x)
	for _, r := range [][2]int{{-1, 2}, {2, 2}, {3, 5}} {
		if _, err := nn.Channels(gorgonia.NewTensor(gorgonia.NewGraph(), tensor.Float64, 4, gorgonia.WithShape(3, 4, 2, 1)), r[0], r[1]); err == nil {
			t.Errorf("channels %v of 4 accepted", r)
		}
	}
}

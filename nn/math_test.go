package nn

import (
	"testing"
)

// Slicing must keep the sliced axis (gorgonia drops one of length 1) and
// give the right values for every example, the slice not being contiguous.
func TestColsAndChannelsSlices(t *testing.T) {
	g := NewGraph()
	a := g.Input("a", 2, 3)
	x := g.Input("x", 2, 3, 1, 2) // N=2, C=3, H=1, W=2
	c1 := g.Output(g.Cols(a, 1, 2))
	c2 := g.Output(g.Cols(a, 1, 3))
	ch1 := g.Output(g.Channels(x, 2, 3))
	ch2 := g.Output(g.Channels(x, 0, 2))
	// A gradient through the slices: loss = Σ cols(a,1,3)·2 + Σ channels(x,0,2).
	p := NewParams().Add("p", 2, 3)
	pn := g.Param(p)
	loss := g.Add(g.Sum(g.Scale(g.Cols(pn, 1, 3), 2)), g.Sum(g.Channels(g.Reshape(g.Mul(pn, pn), 2, 3, 1, 1), 0, 2)))
	prog, err := g.Compile(loss)
	if err != nil {
		t.Fatal(err)
	}
	g.Set(a, []float32{1, 2, 3, 4, 5, 6})
	g.Set(x, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	copy(p.Data, []float32{1, 2, 3, 4, 5, 6})
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	check := func(name string, o *Output, shape []int, want []float32) {
		t.Helper()
		if got := o.node.Shape(); len(got) != len(shape) {
			t.Errorf("%s: shape %v, want %v", name, got, shape)
		}
		got := o.Values()
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: values %v, want %v", name, got, want)
				return
			}
		}
	}
	check("cols 1:2", c1, []int{2, 1}, []float32{2, 5})
	check("cols 1:3", c2, []int{2, 2}, []float32{2, 3, 5, 6})
	check("channels 2:3", ch1, []int{2, 1, 1, 2}, []float32{4, 5, 10, 11})
	check("channels 0:2", ch2, []int{2, 2, 1, 2}, []float32{0, 1, 2, 3, 6, 7, 8, 9})
	// ∂/∂p: 2 on columns 1..2; plus 2p on channels 0..1 of each row.
	want := []float32{2 * 1, 2 + 2*2, 2, 2 * 4, 2 + 2*5, 2}
	for i, v := range prog.Grad(0) {
		if v != want[i] {
			t.Fatalf("gradient %v, want %v", prog.Grad(0), want)
		}
	}
}

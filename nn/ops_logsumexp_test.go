package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

// opsLSERef is log Σ exp over axis of x, summed directly (no max shift).
func opsLSERef(x *tensor.Dense, axis int) ([]float64, tensor.Shape) {
	s := x.Shape()
	outer, n, inner := tensor.Shape(s[:axis]).TotalSize(), s[axis], tensor.Shape(s[axis+1:]).TotalSize()
	y := make([]float64, outer*inner)
	for a := range outer {
		for b := range inner {
			var sum float64
			for k := range n {
				sum += math.Exp(opsData(x)[(a*n+k)*inner+b])
			}
			y[a*inner+b] = math.Log(sum)
		}
	}
	return y, append(s[:axis:axis], s[axis+1:]...)
}

func TestLogSumExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	cases := []struct {
		shape []int
		axis  int
	}{{[]int{4, 5}, 1}, {[]int{4, 5}, 0}, {[]int{3, 4, 2}, 1}, {[]int{3, 4, 2}, -1}, {[]int{2, 3, 2, 2}, 0}}
	for _, c := range cases {
		x := opsRand(rng, -3, 3, c.shape...)
		axis := (c.axis + len(c.shape)) % len(c.shape)
		want, shape := opsLSERef(x, axis)
		lse := func(in []*gorgonia.Node) (*gorgonia.Node, error) { return nn.LogSumExp(in[0], c.axis) }
		opsCheck(t, lse, want, shape, 1e-6, nil, x)
	}
}

// TestLogSumExpLargeInputs checks exact values and the softmax gradient at
// magnitudes where a naive exp overflows or underflows.
func TestLogSumExpLargeInputs(t *testing.T) {
	x := tensor.New(tensor.WithShape(4, 3), tensor.WithBacking([]float64{
		1000, 1000, 1000,
		-1000, -1000, -999,
		1000, 999, -1000,
		math.Inf(-1), 5, math.Inf(-1),
	}))
	want := []float64{
		1000 + math.Log(3),
		-1000 + math.Log(2+math.E),
		1000 + math.Log1p(math.Exp(-1)),
		5,
	}
	e := math.Exp(-1)
	wantGrad := []float64{
		1.0 / 3, 1.0 / 3, 1.0 / 3,
		1 / (2 + math.E), 1 / (2 + math.E), math.E / (2 + math.E),
		1 / (1 + e), e / (1 + e), 0,
		0, 1, 0,
	}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		g := gorgonia.NewGraph()
		xv := x.Clone().(*tensor.Dense)
		if dt == tensor.Float32 {
			f32 := make([]float32, 12)
			for i, v := range opsData(x) {
				f32[i] = float32(v)
			}
			xv = tensor.New(tensor.WithShape(4, 3), tensor.WithBacking(f32))
		}
		xn := gorgonia.NewTensor(g, dt, 2, gorgonia.WithShape(4, 3), gorgonia.WithValue(xv))
		y, err := nn.LogSumExp(xn, 1)
		if err != nil {
			t.Fatal(err)
		}
		loss, err := gorgonia.Sum(y)
		if err != nil {
			t.Fatal(err)
		}
		grads, err := gorgonia.Grad(loss, xn)
		if err != nil {
			t.Fatal(err)
		}
		var yv, gv gorgonia.Value
		gorgonia.Read(y, &yv)
		gorgonia.Read(grads[0], &gv)
		vm := gorgonia.NewTapeMachine(g)
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		vm.Close()
		tol := 1e-15
		if dt == tensor.Float32 {
			tol = 1e-7
		}
		opsClose(t, dt.String()+" value", opsFloats(yv), want, tol)
		opsClose(t, dt.String()+" gradient", opsFloats(gv), wantGrad, 4*tol)
	}
}

// opsFloats returns the elements of a float32 or float64 value as float64s.
func opsFloats(v gorgonia.Value) []float64 {
	switch d := v.Data().(type) {
	case []float32:
		r := make([]float64, len(d))
		for i, x := range d {
			r[i] = float64(x)
		}
		return r
	case []float64:
		return d
	}
	return nil
}

func TestLogSumExpErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	v := gorgonia.NewTensor(g, tensor.Float64, 1, gorgonia.WithShape(5))
	m := gorgonia.NewTensor(g, tensor.Float64, 2, gorgonia.WithShape(2, 5))
	for name, f := range map[string]func() (*gorgonia.Node, error){
		"vector":   func() (*gorgonia.Node, error) { return nn.LogSumExp(v, 0) },
		"axis 2":   func() (*gorgonia.Node, error) { return nn.LogSumExp(m, 2) },
		"axis -3":  func() (*gorgonia.Node, error) { return nn.LogSumExp(m, -3) },
		"nil node": func() (*gorgonia.Node, error) { return nn.LogSumExp(nil, 0) },
	} {
		if _, err := f(); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

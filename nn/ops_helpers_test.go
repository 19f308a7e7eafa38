package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/internal/gradcheck"
)

// opsBuild builds an op's output from its input nodes.
type opsBuild func(in []*gorgonia.Node) (*gorgonia.Node, error)

// opsRand returns a float64 tensor of the given shape with uniform draws in
// [lo, hi).
func opsRand(rng *rand.Rand, lo, hi float64, shape ...int) *tensor.Dense {
	t := tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float64))
	d := t.Data().([]float64)
	for i := range d {
		d[i] = lo + (hi-lo)*rng.Float64()
	}
	return t
}

// opsData returns the float64 elements of t.
func opsData(t *tensor.Dense) []float64 { return t.Data().([]float64) }

// opsRun builds f on input nodes holding ins converted to dt, runs it on a
// TapeMachine and returns the output as float64s with its shape.
func opsRun(t *testing.T, dt tensor.Dtype, f opsBuild, ins ...*tensor.Dense) ([]float64, tensor.Shape) {
	t.Helper()
	g := gorgonia.NewGraph()
	nodes := make([]*gorgonia.Node, len(ins))
	for i, in := range ins {
		v := in.Clone().(*tensor.Dense)
		if dt == tensor.Float32 {
			f32 := make([]float32, v.Shape().TotalSize())
			for j, x := range opsData(in) {
				f32[j] = float32(x)
			}
			v = tensor.New(tensor.WithShape(in.Shape().Clone()...), tensor.WithBacking(f32))
		}
		// Inputs need distinct names: gorgonia merges input nodes of equal
		// type, shape and name into one.
		nodes[i] = gorgonia.NewTensor(g, dt, v.Dims(), gorgonia.WithShape(v.Shape().Clone()...),
			gorgonia.WithValue(v), gorgonia.WithName(fmt.Sprintf("in%d", i)))
	}
	y, err := f(nodes)
	if err != nil {
		t.Fatal(err)
	}
	var out gorgonia.Value
	gorgonia.Read(y, &out)
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	switch d := out.Data().(type) {
	case []float64:
		return d, out.Shape()
	case []float32:
		r := make([]float64, len(d))
		for i, v := range d {
			r[i] = float64(v)
		}
		return r, out.Shape()
	}
	t.Fatalf("output holds %T", out.Data())
	return nil, nil
}

// opsClose fails unless |got − want| ≤ tol·max(1, |want|) elementwise.
func opsClose(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*max(1, math.Abs(want[i]))) {
			t.Fatalf("%s: element %d = %.17g, want %.17g", name, i, got[i], want[i])
		}
	}
}

// opsCheck runs f in float64 against want (tolerance 1e-12) and in float32
// against the float64 result (tolerance tol32), checks that the output shape
// is shape, and checks the gradient of the inputs in wrt (nil for all) with
// gradcheck.
func opsCheck(t *testing.T, f opsBuild, want []float64, shape tensor.Shape, tol32 float64, wrt []int, ins ...*tensor.Dense) {
	t.Helper()
	got64, s := opsRun(t, tensor.Float64, f, ins...)
	if !s.Eq(shape) {
		t.Fatalf("output shape %v, want %v", s, shape)
	}
	opsClose(t, "float64 forward", got64, want, 1e-12)
	got32, _ := opsRun(t, tensor.Float32, f, ins...)
	opsClose(t, "float32 forward", got32, got64, tol32)
	build := func(_ *gorgonia.ExprGraph, in []*gorgonia.Node) (*gorgonia.Node, error) { return f(in) }
	res, err := gradcheck.Check(build, ins, gradcheck.Options{Wrt: wrt, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gradient check: %v", res)
}

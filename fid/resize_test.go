package fid

import (
	"math"
	"testing"
)

// Hand-computed values. 2×2 → 4×4: along an axis the source coordinates
// are max(0, (i + ½)/2 − ½) = 0, ¼, ¾, 1¼, so the taps are (0, 1; λ = 0),
// (0, 1; ¼), (0, 1; ¾), (1, 1; ¼): [a, ¾a + ¼b, ¼a + ¾b, b].
func TestResizeBilinearUpKnownValues(t *testing.T) {
	in := []float32{0, 1, 2, 3}
	got := ResizeBilinear(in, 1, 2, 2, 4, 4)
	row := func(a, b float32) []float32 { return []float32{a, 0.75*a + 0.25*b, 0.25*a + 0.75*b, b} }
	r0, r1 := row(0, 1), row(2, 3) // the source rows, resized
	var want []float32
	for _, wy := range []float32{0, 0.25, 0.75, 1} {
		for j := range 4 {
			want = append(want, (1-wy)*r0[j]+wy*r1[j])
		}
	}
	// e.g. (1, 1): ¾·¾·0 + ¾·¼·1 + ¼·¾·2 + ¼·¼·3 = 0.75.
	if want[5] != 0.75 {
		t.Fatalf("hand value (1,1) = %g", want[5])
	}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("2×2 → 4×4: %v, want %v", got, want)
		}
	}
}

// 4 → 3 (downsampling, scale 4/3): coordinates (i + ½)·4/3 − ½ = 1/6, 3/2,
// 17/6, so [⅚v₀ + ⅙v₁, ½v₁ + ½v₂, ⅙v₂ + ⅚v₃]; 3 → 1: the middle value.
func TestResizeBilinearDownKnownValues(t *testing.T) {
	got := ResizeBilinear([]float32{1, 2, 4, 8}, 1, 1, 4, 1, 3)
	want := []float64{5.0/6*1 + 1.0/6*2, 0.5*2 + 0.5*4, 1.0/6*4 + 5.0/6*8}
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 1e-6 {
			t.Fatalf("4 → 3: %v, want %v", got, want)
		}
	}
	if got := ResizeBilinear([]float32{3, 5, 7}, 1, 3, 1, 1, 1); got[0] != 5 {
		t.Errorf("3 → 1: %v, want the middle value 5", got)
	}
}

// Planes are resized independently, a constant stays constant, and the
// same size is the identity.
func TestResizeBilinearPlanes(t *testing.T) {
	in := make([]float32, 3*28*28)
	for i := range in {
		in[i] = float32(i / (28 * 28))
	}
	out := ResizeBilinear(in, 3, 28, 28, 299, 299)
	for i, v := range out {
		if v != float32(i/(299*299)) {
			t.Fatalf("plane %d value %g at %d", i/(299*299), v, i)
		}
	}
	id := []float32{1, 2, 3, 4, 5, 6}
	for i, v := range ResizeBilinear(id, 1, 2, 3, 2, 3) {
		if v != id[i] {
			t.Fatalf("same size changed %v", id)
		}
	}
}

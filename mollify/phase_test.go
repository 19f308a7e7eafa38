package mollify_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/mollify"
)

func testImages() data.Images {
	x := data.NewImages(3, 2, 9, 8)
	for i := range x.Pix {
		x.Pix[i] = float32(i%11) / 10
	}
	return x
}

func sameBits(a, b []float32) bool {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}

// untouchedRNG reports whether rng, made by newRNG(seed), has drawn nothing.
func untouchedRNG(rng *rand.Rand, seed uint64) bool {
	return rng.Uint64() == newRNG(seed).Uint64()
}

func TestPhaseEnd(t *testing.T) {
	for _, cfg := range []mollify.Config{{Kind: "gaussian"}, {Kind: "blur"}, {}} {
		m, err := mollify.New(cfg) // default Frac 0.6
		if err != nil {
			t.Fatal(err)
		}
		for _, progress := range []float64{0.6, 0.7, 0.999, 1} {
			x := testImages()
			clean := x.Clone()
			rng := newRNG(5)
			y := m.Apply(x, progress, rng)
			if !sameBits(y.Pix, clean.Pix) || !sameBits(x.Pix, clean.Pix) {
				t.Errorf("%v at progress %v changed the data", m, progress)
			}
			if !untouchedRNG(rng, 5) {
				t.Errorf("%v at progress %v drew random numbers", m, progress)
			}
			if l := m.Level(progress); l != 0 {
				t.Errorf("%v: Level(%v) = %v, want 0", m, progress, l)
			}
		}
	}
}

func TestPhaseActive(t *testing.T) {
	gauss, err := mollify.New(mollify.Config{Kind: "gaussian"})
	if err != nil {
		t.Fatal(err)
	}
	blur, err := mollify.New(mollify.Config{Kind: "blur"})
	if err != nil {
		t.Fatal(err)
	}
	// Just before the end of the phase: sigmoid s(0.59/0.6) ≈ 2e-3, still on.
	for _, m := range []mollify.Mollifier{gauss, blur} {
		x := testImages()
		clean := x.Clone()
		rng := newRNG(6)
		m.Apply(x, 0.59, rng)
		if sameBits(x.Pix, clean.Pix) {
			t.Errorf("%v left the data clean at progress 0.59", m)
		}
		if drew := !untouchedRNG(rng, 6); drew != (m == gauss) {
			t.Errorf("%v: drew random numbers = %v", m, drew)
		}
	}
	// Level at progress 0.3 is s(t = 0.5) of the default sigmoid (see
	// TestSigmoidValues).
	if got := gauss.Level(0.3); math.Abs(got-0.18795092) > 1e-8 {
		t.Errorf("Level(0.3) = %v, want 0.18795092", got)
	}
}

func TestNone(t *testing.T) {
	x := testImages()
	clean := x.Clone()
	rng := newRNG(8)
	var m mollify.Mollifier = mollify.None{}
	m.Apply(x, 0, rng)
	if !sameBits(x.Pix, clean.Pix) || !untouchedRNG(rng, 8) || m.Level(0) != 0 {
		t.Error("None is not the identity")
	}
}

package mollify_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/mollify"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

// linearGaussian has s = 1 − progress, so the noise level is known exactly.
func linearGaussian(t *testing.T) mollify.Gaussian {
	t.Helper()
	g, err := mollify.NewGaussian(mollify.Linear(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func meanVar(v []float32) (mean, variance float64) {
	for _, x := range v {
		mean += float64(x)
	}
	mean /= float64(len(v))
	for _, x := range v {
		d := float64(x) - mean
		variance += d * d
	}
	return mean, variance / float64(len(v)-1)
}

func TestGaussianConstantImage(t *testing.T) {
	x := data.NewImages(50, 1, 64, 64)
	for i := range x.Pix {
		x.Pix[i] = 0.8
	}
	// progress 0.64 ⇒ s = 0.36: √(1−s) = 0.8, √s = 0.6. On u = 2x − 1 = 0.6,
	// ũ = 0.8·0.6 + 0.6ε = 0.48 + 0.6ε, so x̃ = (ũ+1)/2 = 0.74 + 0.3ε:
	// mean 0.74, variance 0.09.
	linearGaussian(t).Apply(x, 0.64, newRNG(1))
	n := float64(len(x.Pix))
	mean, variance := meanVar(x.Pix)
	if tol := 5 * 0.3 / math.Sqrt(n); math.Abs(mean-0.74) > tol {
		t.Errorf("mean %v, want 0.74 ± %v", mean, tol)
	}
	// Var of a normal sample variance: 2σ⁴/(n−1).
	if tol := 5 * 0.09 * math.Sqrt(2/(n-1)); math.Abs(variance-0.09) > tol {
		t.Errorf("variance %v, want 0.09 ± %v", variance, tol)
	}
}

func TestGaussianPreservesVariance(t *testing.T) {
	// Pixels 0 and 1 in equal numbers: u = ±1, mean 0, variance 1. With
	// s = 0.36, ũ = ±0.8 + 0.6ε has variance 0.64 + 0.36 = 1, so x̃ has
	// mean 0.5 and variance 1/4, as the clean data do.
	x := data.NewImages(50, 1, 64, 64)
	for i := range x.Pix {
		x.Pix[i] = float32(i % 2)
	}
	linearGaussian(t).Apply(x, 0.64, newRNG(2))
	n := float64(len(x.Pix))
	mean, variance := meanVar(x.Pix)
	if tol := 5 * 0.5 / math.Sqrt(n); math.Abs(mean-0.5) > tol {
		t.Errorf("mean %v, want 0.5 ± %v", mean, tol)
	}
	// x̃ − 0.5 = a + b, a = ±0.4, b ~ N(0, 0.09): fourth moment
	// a⁴ + 6a²·0.09 + 3·0.09² = 0.0256 + 0.0864 + 0.0243 = 0.1363, so the
	// sample variance has standard error √((0.1363 − 0.25²)/n).
	if tol := 5 * math.Sqrt((0.1363-0.0625)/n); math.Abs(variance-0.25) > tol {
		t.Errorf("variance %v, want 0.25 ± %v", variance, tol)
	}
}

func TestGaussianSeedReproducible(t *testing.T) {
	g := linearGaussian(t)
	base := data.NewImages(2, 3, 4, 5)
	for i := range base.Pix {
		base.Pix[i] = float32(i) / float32(len(base.Pix))
	}
	a := g.Apply(base.Clone(), 0.2, newRNG(3))
	b := g.Apply(base.Clone(), 0.2, newRNG(3))
	c := g.Apply(base.Clone(), 0.2, newRNG(4))
	if !slices.Equal(a.Pix, b.Pix) {
		t.Error("same seed, different outputs")
	}
	if slices.Equal(a.Pix, c.Pix) {
		t.Error("different seeds, same output")
	}
}

func TestGaussianLevel(t *testing.T) {
	g, err := mollify.NewGaussian(mollify.Linear(), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	// t = progress/0.5, s = 1 − t while t < 1, then 0.
	for _, c := range []want{{0, 1}, {0.1, 0.8}, {0.4, 0.2}, {0.5, 0}, {0.9, 0}, {1, 0}} {
		if got := g.Level(c.t); math.Abs(got-c.s) > 1e-12 {
			t.Errorf("Level(%v) = %v, want %v", c.t, got, c.s)
		}
	}
}

package fid

import (
	"math"
	"math/rand/v2"
	"testing"
)

// With one subset of all the vectors, KID is MMD²ᵤ summed directly in
// float64.
func TestKIDKnownAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	const m, d = 30, 6
	a, b := randomFeatures(m, d, rng), randomFeatures(m, d, rng)
	for i := range b {
		b[i] *= 1.3
	}
	k := func(x, y []float32) float64 {
		var dot float64
		for i := range x {
			dot += float64(x[i]) * float64(y[i])
		}
		return math.Pow(dot/d+1, 3)
	}
	row := func(f []float32, i int) []float32 { return f[i*d : (i+1)*d] }
	var sxx, syy, sxy float64
	for i := range m {
		for j := range m {
			if i != j {
				sxx += k(row(a, i), row(a, j))
				syy += k(row(b, i), row(b, j))
			}
			sxy += k(row(a, i), row(b, j))
		}
	}
	want := (sxx+syy)/(m*(m-1)) - 2*sxy/(m*m)
	got, err := KIDOf(a, b, d, KIDSettings{Subsets: 1, Size: m})
	if err != nil {
		t.Fatal(err)
	}
	if got.Size != m || math.Abs(got.Mean-want) > 1e-5*math.Abs(want) || got.Std != 0 {
		t.Errorf("KID %+v, want mean %g", got, want)
	}
}

// Two samples of one distribution have a KID near 0 (it is unbiased: the
// mean over subsets, which overlap, is within one subset's standard
// deviation of 0), and a shifted distribution a clearly positive one.
func TestKIDSameAndShifted(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const d = 8
	a, b := randomFeatures(600, d, rng), randomFeatures(600, d, rng)
	same, err := KIDOf(a, b, d, KIDSettings{Subsets: 50, Size: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(same.Mean) > same.Std {
		t.Errorf("same distribution: KID %g ± %g", same.Mean, same.Std)
	}
	for i := range b {
		b[i] += 0.3
	}
	shifted, _ := KIDOf(a, b, d, KIDSettings{Subsets: 50, Size: 200, Seed: 1})
	if shifted.Mean < 10*same.Std {
		t.Errorf("shifted distribution: KID %g ± %g, same %g ± %g", shifted.Mean, shifted.Std, same.Mean, same.Std)
	}
	if _, err := KIDOf(a[:d], b, d, KIDSettings{}); err == nil {
		t.Error("KID of one vector")
	}
}

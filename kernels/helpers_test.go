package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randn returns n standard normal draws.
func randn(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

// as converts s to element type T.
func as[T Float](s []float64) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = T(v)
	}
	return out
}

// tolerance is the relative accuracy expected of sums of a few hundred
// products in type T.
func tolerance[T Float]() float64 {
	var z T
	if _, ok := any(z).(float32); ok {
		return 2e-5
	}
	return 1e-12
}

// assertClose fails unless |got − want| ≤ tol·max(1, max|want|) everywhere.
func assertClose[T Float](t *testing.T, name string, got []T, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", name, len(got), len(want))
	}
	scale := 1.0
	for _, v := range want {
		scale = max(scale, math.Abs(v))
	}
	tol := tolerance[T]() * scale
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); !(d <= tol) {
			t.Fatalf("%s: element %d = %v, want %v (|diff| %.3g > %.3g)", name, i, got[i], want[i], d, tol)
		}
	}
}

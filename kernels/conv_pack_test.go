package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// narrow (the vector kernel where there is one) equals the Go loop for
// every width around the vector length, with and without the ReLU (NaN and
// ±Inf among the values), and writes nothing past its rows.
func TestNarrow(t *testing.T) {
	if narrow32 == nil {
		t.Skip("no vector narrow on this CPU")
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for _, ow := range []int{1, 5, 15, 16, 17, 28, 31, 32, 33, 40} {
		for _, pad := range []int{0, 2, 7} {
			for _, rows := range []int{1, 3, 14} {
				wq := ow + pad
				src := make([]float32, rows*wq)
				for i := range src {
					src[i] = float32(rng.NormFloat64())
				}
				src[0], src[len(src)/2], src[len(src)-1] = float32(math.NaN()), float32(math.Inf(-1)), float32(math.Inf(1))
				for _, relu := range []bool{false, true} {
					got, want := make([]float32, rows*ow+1), make([]float32, rows*ow+1)
					got[rows*ow], want[rows*ow] = 42, 42
					narrow(got[:rows*ow], src, rows, ow, wq, 0.25, relu)
					narrowGo(want[:rows*ow], src, rows, ow, wq, 0.25, relu)
					if !slices.EqualFunc(got, want, func(a, b float32) bool { return a == b || a != a && b != b }) {
						t.Fatalf("ow %d, wq %d, rows %d, relu %v: vector narrow differs from the Go loop", ow, wq, rows, relu)
					}
					if relu && slices.ContainsFunc(got[:rows*ow], func(v float32) bool { return v < 0 }) {
						t.Fatalf("ow %d, relu: a negative value", ow)
					}
				}
			}
		}
	}
}

// sum64 adds every value once, whatever the length's remainder mod 4.
func TestSum64(t *testing.T) {
	for n := range 11 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i + 1)
		}
		if got := sum64(v); got != float64(n*(n+1)/2) {
			t.Errorf("sum of 1…%d = %g", n, got)
		}
	}
}

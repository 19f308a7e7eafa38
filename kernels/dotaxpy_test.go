package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Every DotAxpy kernel, on every length up to a few vectors (so every tail),
// gives the sum and the updated y of a float64 loop, up to rounding.
func TestDotAxpyKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for ki, k := range dotAxpyKernels() {
		for n := range 70 {
			x, u, y := randn(rng, n), randn(rng, n+3), randn(rng, n+5)
			alpha := rng.NormFloat64()
			var want, mag float64
			wantY := append([]float64(nil), y...)
			for i := range n {
				want += x[i] * u[i]
				mag += math.Abs(x[i] * u[i])
				wantY[i] += alpha * x[i]
			}
			got := k(x, u[:n], y[:n], alpha)
			if math.Abs(got-want) > 1e-14*mag+1e-300 {
				t.Fatalf("kernel %d, n=%d: sum %v, want %v", ki, n, got, want)
			}
			for i := range y { // y past n is untouched
				tol := 0.0
				if i < n {
					tol = 1e-15 * (math.Abs(wantY[i]) + math.Abs(alpha*x[i]))
				}
				if math.Abs(y[i]-wantY[i]) > tol {
					t.Fatalf("kernel %d, n=%d: y[%d] = %v, want %v", ki, n, i, y[i], wantY[i])
				}
			}
		}
	}
}

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// expm1Neg32 agrees with math.Expm1 to float32 accuracy on x ≤ 0: near 0,
// at the switches of k and far out.
func TestExpm1Neg32(t *testing.T) {
	for i := 0; i <= 200000; i++ {
		x := float32(-math.Pow(10, -12+float64(i)*14/200000)) // −1e-12 … −1e2
		got, want := float64(expm1Neg32(x)), math.Expm1(float64(x))
		if math.Abs(got-want) > 4e-7*math.Abs(want) {
			t.Fatalf("expm1(%g) = %.9g, want %.9g", x, got, want)
		}
	}
	if expm1Neg32(0) != 0 {
		t.Error("expm1(0) ≠ 0")
	}
}

// eluInputs are values of both signs over many scales, the switches of k
// and the special values.
func eluInputs(n int) []float32 {
	rng := rand.New(rand.NewPCG(1, 1))
	x := []float32{0, float32(math.Copysign(0, -1)), -40, -41, -1e30, 1e30, 1e-30, -1e-30,
		float32(math.Inf(-1)), float32(math.Inf(1)), float32(-math.Ln2 / 2), float32(-3 * math.Ln2 / 2)}
	for len(x) < n {
		x = append(x, float32(math.Copysign(math.Pow(10, -8+10*rng.Float64()), rng.Float64()-0.5)))
	}
	return x
}

// checkUnary checks a kernel f of Exp or ELU (name fn) against want on
// prefixes of x of lengths around the vector sizes: to 4e-7 relative, or
// exactly where want is infinite or 0; nothing written past the prefix; in
// place as out of place, to within the Go kernel's rounding (ref); a NaN
// at any lane gives a NaN.
func checkUnary(t *testing.T, k, fn string, f, ref func(x, y []float32), x []float32, want func(float32) float64) {
	t.Helper()
	for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 33, len(x)} {
		y := make([]float32, n+1)
		y[n] = 42
		f(x[:n], y[:n])
		if y[n] != 42 {
			t.Fatalf("%s %s: n=%d wrote past the end", k, fn, n)
		}
		for i, v := range x[:n] {
			w := want(v)
			exact := math.IsInf(w, 0) || w == 0
			if got := float64(y[i]); got != w && (exact || math.Abs(got-w) > 4e-7*math.Abs(w)) {
				t.Fatalf("%s: n=%d: %s(%g) = %.9g, want %.9g", k, n, fn, v, got, w)
			}
		}
	}
	in := append([]float32(nil), x[:100]...)
	f(in, in)
	r := make([]float32, 100)
	ref(x[:100], r)
	for i := range r {
		if d := math.Abs(float64(in[i] - r[i])); d > 2e-7*math.Abs(float64(r[i])) {
			t.Fatalf("%s in place: %s(%g) = %g, the Go kernel %g", k, fn, x[i], in[i], r[i])
		}
	}
	nan := make([]float32, 33) // two vectors and a tail
	nan[0], nan[20], nan[32] = float32(math.NaN()), float32(math.NaN()), -float32(math.NaN())
	f(nan, nan)
	for _, i := range []int{0, 20, 32} {
		if !math.IsNaN(float64(nan[i])) {
			t.Errorf("%s: %s(NaN) at %d = %g", k, fn, i, nan[i])
		}
	}
}

// Every ELU kernel gives x for x > 0 and eˣ − 1 to float32 accuracy
// otherwise.
func TestELUKernels(t *testing.T) {
	for _, k := range expKernels() {
		checkUnary(t, k.name, "ELU", k.elu, goExp.elu, eluInputs(4099), func(v float32) float64 {
			if v > 0 {
				return float64(v)
			}
			return math.Expm1(float64(v))
		})
	}
}

// Every ELUGrad kernel gives dy where y > 0 and dy·(y + 1) elsewhere,
// exactly as the Go kernel.
func TestELUGradKernels(t *testing.T) {
	x := eluInputs(1027)[12:] // finite values only
	y := make([]float32, len(x))
	goExp.elu(x, y)
	rng := rand.New(rand.NewPCG(2, 2))
	dy := make([]float32, len(y))
	for i := range dy {
		dy[i] = float32(rng.NormFloat64())
	}
	for _, k := range expKernels() {
		for _, n := range []int{0, 1, 9, 16, 31, len(y)} {
			dx := make([]float32, n+1)
			dx[n] = 42
			k.eluGrad(y[:n], dy[:n], dx[:n])
			if dx[n] != 42 {
				t.Fatalf("%s: n=%d wrote past the end", k.name, n)
			}
			for i := range n {
				want := dy[i]
				if y[i] <= 0 {
					want = dy[i] * (y[i] + 1)
				}
				if dx[i] != want {
					t.Fatalf("%s: n=%d: dx at y=%g, dy=%g is %g, want %g", k.name, n, y[i], dy[i], dx[i], want)
				}
			}
		}
	}
}

// Every Exp kernel gives eˣ to float32 accuracy on [−87.3, 88.3], +Inf
// above and 0 below.
func TestExpKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x := []float32{0, float32(math.Copysign(0, -1)), -87.3, 88.3, -87.4, 88.4, -1000, 1000,
		float32(math.Inf(-1)), float32(math.Inf(1)), float32(math.Ln2 / 2), float32(-math.Ln2 / 2)}
	for len(x) < 4099 {
		x = append(x, float32(-87.3+(88.3+87.3)*rng.Float64()))
		x = append(x, float32(math.Copysign(math.Pow(10, -8+9*rng.Float64()), rng.Float64()-0.5)))
	}
	for _, k := range expKernels() {
		checkUnary(t, k.name, "exp", k.exp, goExp.exp, x[:4099], func(v float32) float64 {
			switch {
			case v > 88.3:
				return math.Inf(1)
			case v < -87.3:
				return 0
			}
			return math.Exp(float64(v))
		})
	}
}

func BenchmarkExpKernels(b *testing.B) {
	x := eluInputs(1 << 16)
	y := make([]float32, len(x))
	for _, k := range expKernels() {
		b.Run("elu/"+k.name, func(b *testing.B) {
			b.SetBytes(int64(8 * len(x)))
			for b.Loop() {
				k.elu(x, y)
			}
		})
		b.Run("exp/"+k.name, func(b *testing.B) {
			b.SetBytes(int64(8 * len(x)))
			for b.Loop() {
				k.exp(x, y)
			}
		})
	}
}

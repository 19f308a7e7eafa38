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

// Every ELU kernel gives x for x > 0 and eˣ − 1 to float32 accuracy
// otherwise, on every length (vector bodies and scalar tails), in place
// too; a NaN stays a NaN.
func TestELUKernels(t *testing.T) {
	for _, k := range expKernels() {
		x := eluInputs(4099)
		for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 33, 4099} {
			y := make([]float32, n+1)
			y[n] = 42
			k.elu(x[:n], y[:n])
			if y[n] != 42 {
				t.Fatalf("%s: n=%d wrote past the end", k.name, n)
			}
			for i, v := range x[:n] {
				want := math.Expm1(float64(v))
				if v > 0 {
					want = float64(v)
				}
				if got := float64(y[i]); got != want && (math.IsInf(want, 0) || math.Abs(got-want) > 4e-7*math.Abs(want)) {
					t.Fatalf("%s: n=%d: ELU(%g) = %.9g, want %.9g", k.name, n, v, got, want)
				}
			}
		}
		in := append([]float32(nil), x[:100]...)
		k.elu(in, in)
		want := make([]float32, 100)
		goExp.elu(x[:100], want)
		for i := range want {
			if d := math.Abs(float64(in[i] - want[i])); d > 2e-7*math.Abs(float64(want[i])) {
				t.Fatalf("%s in place: ELU(%g) = %g, the Go kernel %g", k.name, x[i], in[i], want[i])
			}
		}
		nan := []float32{float32(math.NaN()), -float32(math.NaN())}
		for range 30 {
			nan = append(nan, -1) // a vector's worth
		}
		nan[20] = float32(math.NaN())
		out := make([]float32, len(nan))
		k.elu(nan, out)
		for _, i := range []int{0, 1, 20} {
			if !math.IsNaN(float64(out[i])) {
				t.Errorf("%s: ELU(NaN) at %d = %g", k.name, i, out[i])
			}
		}
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
// above and 0 below, on every length, in place too; a NaN stays a NaN.
func TestExpKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x := []float32{0, float32(math.Copysign(0, -1)), -87.3, 88.3, -87.4, 88.4, -1000, 1000,
		float32(math.Inf(-1)), float32(math.Inf(1)), float32(math.Ln2 / 2), float32(-math.Ln2 / 2)}
	for len(x) < 4099 {
		x = append(x, float32(-87.3+(88.3+87.3)*rng.Float64()))
		x = append(x, float32(math.Copysign(math.Pow(10, -8+9*rng.Float64()), rng.Float64()-0.5)))
	}
	x = x[:4099]
	for _, k := range expKernels() {
		for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 33, 4099} {
			y := make([]float32, n+1)
			y[n] = 42
			k.exp(x[:n], y[:n])
			if y[n] != 42 {
				t.Fatalf("%s: n=%d wrote past the end", k.name, n)
			}
			for i, v := range x[:n] {
				want := math.Exp(float64(v))
				switch {
				case v > 88.3:
					want = math.Inf(1)
				case v < -87.3:
					want = 0
				}
				exact := math.IsInf(want, 1) || want == 0
				if got := float64(y[i]); got != want && (exact || math.Abs(got-want) > 4e-7*want) {
					t.Fatalf("%s: n=%d: exp(%g) = %.9g, want %.9g", k.name, n, v, got, want)
				}
			}
		}
		in := append([]float32(nil), x[:100]...)
		k.exp(in, in)
		want := make([]float32, 100)
		goExp.exp(x[:100], want)
		for i := range want {
			if d := math.Abs(float64(in[i] - want[i])); d > 2e-7*float64(want[i]) {
				t.Fatalf("%s in place: exp(%g) = %g, the Go kernel %g", k.name, x[i], in[i], want[i])
			}
		}
		nan := make([]float32, 33)
		nan[0], nan[20], nan[32] = float32(math.NaN()), float32(math.NaN()), -float32(math.NaN())
		k.exp(nan, nan)
		for _, i := range []int{0, 20, 32} {
			if !math.IsNaN(float64(nan[i])) || nan[1] != 1 {
				t.Errorf("%s: exp(NaN) at %d = %g (exp(0) = %g)", k.name, i, nan[i], nan[1])
			}
		}
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

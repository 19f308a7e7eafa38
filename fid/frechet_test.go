package fid

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomSPD returns a d×d covariance A Aᵀ/k + δI from k random vectors.
func randomSPD(d, k int, delta float64, rng *rand.Rand) []float64 {
	a := make([]float64, d*k)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	s := make([]float64, d*d)
	for i := range d {
		for j := range d {
			for l := range k {
				s[i*d+j] += a[i*k+l] * a[j*k+l] / float64(k)
			}
		}
		s[i*d+i] += delta
	}
	return s
}

func randomVec(d int, rng *rand.Rand) []float64 {
	v := make([]float64, d)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// denmanBeaversTrace is Tr M^{1/2} for M = Σ₁Σ₂ by the Denman–Beavers
// iteration Y ← ½(Y + Z⁻¹), Z ← ½(Z + Y⁻¹) from Y = M, Z = I (Y → M^{1/2}):
// a general matrix square root, independent of the Cholesky and
// eigenvalue route under test.
func denmanBeaversTrace(t *testing.T, s1, s2 []float64, d int) float64 {
	var m mat.Dense
	m.Mul(mat.NewDense(d, d, s1), mat.NewDense(d, d, s2))
	y := mat.DenseCopyOf(&m)
	z := mat.NewDense(d, d, nil)
	for i := range d {
		z.Set(i, i, 1)
	}
	for range 60 {
		var yi, zi mat.Dense
		if err := yi.Inverse(y); err != nil {
			t.Fatal(err)
		}
		if err := zi.Inverse(z); err != nil {
			t.Fatal(err)
		}
		var ny, nz mat.Dense
		ny.Add(y, &zi)
		ny.Scale(0.5, &ny)
		nz.Add(z, &yi)
		nz.Scale(0.5, &nz)
		y, z = &ny, &nz
	}
	return mat.Trace(y)
}

func trace(s []float64, d int) (tr float64) {
	for i := range d {
		tr += s[i*d+i]
	}
	return tr
}

func sqDist(a, b []float64) (s float64) {
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return s
}

func TestFrechetEqualCovariances(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const d = 12
	s := randomSPD(d, 20, 0.1, rng)
	mu1, mu2 := randomVec(d, rng), randomVec(d, rng)
	f, err := FrechetDistance(Gaussian{mu1, s}, Gaussian{mu2, s})
	if err != nil {
		t.Fatal(err)
	}
	// Tr (Σ²)^{1/2} = Tr Σ: only the means are left.
	if want := sqDist(mu1, mu2); math.Abs(f.Distance-want) > 1e-9*want || f.Eps != 0 {
		t.Errorf("equal covariances: d² = %.12g (ε %g), want ‖μ₁ − μ₂‖² = %.12g", f.Distance, f.Eps, want)
	}
	if f, _ := FrechetDistance(Gaussian{mu1, s}, Gaussian{mu1, s}); math.Abs(f.Distance) > 1e-9 {
		t.Errorf("a Gaussian is %g from itself", f.Distance)
	}
}

// Diagonal covariances: d² = ‖μ₁ − μ₂‖² + Σᵢ (√a_i − √b_i)².
func TestFrechetDiagonalClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const d = 9
	s1, s2 := make([]float64, d*d), make([]float64, d*d)
	want := 0.0
	for i := range d {
		a, b := 0.1+3*rng.Float64(), 0.1+3*rng.Float64()
		s1[i*d+i], s2[i*d+i] = a, b
		want += (math.Sqrt(a) - math.Sqrt(b)) * (math.Sqrt(a) - math.Sqrt(b))
	}
	mu1, mu2 := randomVec(d, rng), randomVec(d, rng)
	want += sqDist(mu1, mu2)
	f, err := FrechetDistance(Gaussian{mu1, s1}, Gaussian{mu2, s2})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Distance-want) > 1e-10*want {
		t.Errorf("diagonal: d² = %.12g, want %.12g", f.Distance, want)
	}
}

// Full covariances against the trace of a general matrix square root of
// Σ₁Σ₂ (Denman–Beavers), and the distance is symmetric.
func TestFrechetAgainstDenmanBeavers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, d := range []int{2, 7, 30} {
		s1, s2 := randomSPD(d, d+5, 0.05, rng), randomSPD(d, 2*d, 0.2, rng)
		mu1, mu2 := randomVec(d, rng), randomVec(d, rng)
		want := sqDist(mu1, mu2) + trace(s1, d) + trace(s2, d) - 2*denmanBeaversTrace(t, s1, s2, d)
		f, err := FrechetDistance(Gaussian{mu1, s1}, Gaussian{mu2, s2})
		if err != nil {
			t.Fatal(err)
		}
		back, _ := FrechetDistance(Gaussian{mu2, s2}, Gaussian{mu1, s1})
		if math.Abs(f.Distance-want) > 1e-9*want || math.Abs(back.Distance-want) > 1e-9*want {
			t.Errorf("d=%d: d² = %.12g (reversed %.12g), Denman–Beavers %.12g", d, f.Distance, back.Distance, want)
		}
	}
}

// A singular first covariance (fewer samples than dimensions) takes the ε
// fallback: the distance of the regularized Gaussians.
func TestFrechetSingularFallback(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const d = 10
	s1, s2 := randomSPD(d, 4, 0, rng), randomSPD(d, 30, 0.1, rng) // rank 4, full rank
	mu1, mu2 := randomVec(d, rng), randomVec(d, rng)
	f, err := FrechetDistance(Gaussian{mu1, s1}, Gaussian{mu2, s2})
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := append([]float64(nil), s1...), append([]float64(nil), s2...)
	for i := range d {
		r1[i*d+i] += SingularEps
		r2[i*d+i] += SingularEps
	}
	want := sqDist(mu1, mu2) + trace(r1, d) + trace(r2, d) - 2*denmanBeaversTrace(t, r1, r2, d)
	if f.Eps != SingularEps || math.Abs(f.Distance-want) > 1e-6*want {
		t.Errorf("singular: d² = %.12g with ε %g, want %.12g with ε %g", f.Distance, f.Eps, want, SingularEps)
	}
}

func TestFrechetErrors(t *testing.T) {
	ok := Gaussian{[]float64{0, 0}, []float64{1, 0, 0, 1}}
	for _, c := range []struct {
		a, b Gaussian
		want string
	}{
		{Gaussian{}, ok, "empty mean"},
		{Gaussian{[]float64{0, 0}, []float64{1, 0, 0}}, ok, "covariance has 3 values"},
		{ok, Gaussian{[]float64{0}, []float64{1}}, "dimensions 2 and 1"},
		{Gaussian{[]float64{math.NaN(), 0}, ok.Sigma}, ok, "mean is not finite"},
		{ok, Gaussian{ok.Mu, []float64{1, 0, 0, math.Inf(1)}}, "covariance is not finite"},
		{Gaussian{ok.Mu, []float64{-1, 0, 0, -1}}, ok, "not positive semi-definite"},
	} {
		if _, err := FrechetDistance(c.a, c.b); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, %v: error %v, want %q", c.a, c.b, err, c.want)
		}
	}
}

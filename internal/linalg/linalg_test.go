package linalg

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// sizes cross the panel width (64) and the stripe height (256).
var sizes = []int{1, 2, 3, 5, 64, 65, 130, 300}

// randomSPD returns X Xᵀ/n + 0.1·I for a standard normal n×n X.
func randomSPD(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	a := make([]float64, n*n)
	for i := range n {
		for j := range n {
			var s float64
			for k := range n {
				s += x[i*n+k] * x[j*n+k]
			}
			a[i*n+j] = s / float64(n)
		}
		a[i*n+i] += 0.1
	}
	return a
}

// maxAbs is max |x|, at least 1.
func maxAbs(x []float64) float64 {
	m := 1.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

func TestCholeskyReconstructs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range sizes {
		a := randomSPD(rng, n)
		l := slices.Clone(a)
		for i := range n { // the upper triangle must not be read
			for j := i + 1; j < n; j++ {
				l[i*n+j] = math.NaN()
			}
		}
		if !Cholesky(l, n) {
			t.Fatalf("n=%d: positive definite matrix refused", n)
		}
		for i := range n {
			if !(l[i*n+i] > 0) {
				t.Fatalf("n=%d: L[%d,%d] = %v", n, i, i, l[i*n+i])
			}
			for j := i + 1; j < n; j++ {
				if l[i*n+j] != 0 {
					t.Fatalf("n=%d: L[%d,%d] = %v above the diagonal", n, i, j, l[i*n+j])
				}
			}
		}
		tol := 1e-13 * float64(n) * maxAbs(a)
		for i := range n {
			for j := range n {
				var s float64
				for k := range n {
					s += l[i*n+k] * l[j*n+k]
				}
				if d := math.Abs(s - a[i*n+j]); d > tol {
					t.Fatalf("n=%d: (L Lᵀ)[%d,%d] = %v, A = %v", n, i, j, s, a[i*n+j])
				}
			}
		}
	}
}

func TestCholeskyRefusesIndefinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{3, 130} {
		for _, bad := range []float64{-1, math.NaN(), math.Inf(1)} {
			a := randomSPD(rng, n)
			a[(n-1)*n+n-1] = bad // the last pivot: found after every trailing update
			if Cholesky(a, n) {
				t.Errorf("n=%d: last diagonal %v accepted", n, bad)
			}
		}
		a := randomSPD(rng, n) // rank-deficient: a zero row and column
		for i := range n {
			a[i*n+n/2], a[n/2*n+i] = 0, 0
		}
		if Cholesky(a, n) {
			t.Errorf("n=%d: singular matrix accepted", n)
		}
	}
}

func TestCongruenceMatchesProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 7, 257, 300} {
		l := randomSPD(rng, n)
		Cholesky(l, n)
		s := randomSPD(rng, n)
		got := Congruence(l, s, n)
		var want mat.Dense
		L, S := mat.NewDense(n, n, l), mat.NewDense(n, n, s)
		want.Product(L.T(), S, L)
		tol := 1e-13 * float64(n) * maxAbs(want.RawMatrix().Data)
		for i := range n {
			for j := range n {
				if d := math.Abs(got[i*n+j] - want.At(i, j)); d > tol {
					t.Fatalf("n=%d: M[%d,%d] = %v, want %v", n, i, j, got[i*n+j], want.At(i, j))
				}
			}
		}
	}
}

// withSpectrum returns Q diag(λ) Qᵀ for a random orthogonal Q (the Q factor
// of a Gaussian matrix) and λ spread over several orders of magnitude, some
// repeated and some zero.
func withSpectrum(rng *rand.Rand, n int) (a, lambda []float64) {
	g := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q mat.Dense
	qr.QTo(&q)
	lambda = make([]float64, n)
	for i := range lambda {
		switch i % 5 {
		case 0:
			lambda[i] = 0
		case 1:
			lambda[i] = 3
		default:
			lambda[i] = math.Exp(4*rng.Float64()-2) * float64(1-2*(i%2))
		}
	}
	var m mat.Dense
	m.Mul(&q, mat.NewDiagDense(n, lambda))
	m.Mul(&m, q.T())
	a = make([]float64, n*n)
	for i := range n {
		for j := range n {
			a[i*n+j] = 0.5 * (m.At(i, j) + m.At(j, i))
		}
	}
	slices.Sort(lambda)
	return a, lambda
}

func TestSymEigenvaluesKnownSpectrum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range sizes {
		a, want := withSpectrum(rng, n)
		for i := range n { // the lower triangle must not be read
			for j := range i {
				a[i*n+j] = math.NaN()
			}
		}
		checkEigenvalues(t, a, n, want)
	}
}

// checkEigenvalues fails unless SymEigenvalues(a) is want to within
// 1e-13·n·max|want|.
func checkEigenvalues(t *testing.T, a []float64, n int, want []float64) {
	t.Helper()
	got, ok := SymEigenvalues(a, n)
	if !ok {
		t.Fatalf("n=%d: no convergence", n)
	}
	tol := 1e-13 * float64(n) * maxAbs(want)
	for i := range want {
		if d := math.Abs(got[i] - want[i]); d > tol {
			t.Fatalf("n=%d: eigenvalue %d = %v, want %v (|diff| %.3g)", n, i, got[i], want[i], d)
		}
	}
}

// On an unstructured symmetric matrix the eigenvalues agree with gonum's
// EigenSym (LAPACK's dsyev, an independent implementation).
func TestSymEigenvaluesMatchGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range sizes {
		a := make([]float64, n*n)
		for i := range n {
			for j := i; j < n; j++ {
				a[i*n+j] = rng.NormFloat64()
				a[j*n+i] = a[i*n+j]
			}
		}
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(n, slices.Clone(a)), false) {
			t.Fatal("gonum's EigenSym failed")
		}
		checkEigenvalues(t, a, n, es.Values(nil))
	}
}

package fid

import (
	"fmt"
	"math"
	"slices"

	"github.com/genmodel/genmodel/internal/linalg"
)

// Gaussian is a d-dimensional Gaussian fitted to features: mean Mu (d) and
// covariance Sigma (d×d, row-major, symmetric).
type Gaussian struct {
	Mu    []float64
	Sigma []float64
}

// Dim is the dimension d.
func (g Gaussian) Dim() int { return len(g.Mu) }

// check reports a Gaussian whose sizes do not fit or whose values are not
// finite.
func (g Gaussian) check(name string) error {
	d := len(g.Mu)
	if d == 0 {
		return fmt.Errorf("fid: %s: empty mean", name)
	}
	if len(g.Sigma) != d*d {
		return fmt.Errorf("fid: %s: covariance has %d values, want %d×%d", name, len(g.Sigma), d, d)
	}
	for _, v := range g.Mu {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("fid: %s: mean is not finite", name)
		}
	}
	for _, v := range g.Sigma {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("fid: %s: covariance is not finite", name)
		}
	}
	return nil
}

// SingularEps is the ε·I added to both covariances when the first is
// singular (as pytorch-fid does when its matrix square root fails).
const SingularEps = 1e-6

// Frechet is the Fréchet distance between two Gaussians (the FID when they
// are fitted to Inception features), and the ε that was added to both
// covariances to compute it (0 when none was needed).
type Frechet struct {
	Distance float64
	Eps      float64
}

// FrechetDistance returns the squared Fréchet (2-Wasserstein) distance
// between N(μ₁, Σ₁) and N(μ₂, Σ₂),
//
//	d² = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^{1/2},
//
// in float64. Tr (Σ₁Σ₂)^{1/2} comes from a symmetric eigenproblem, not a
// general matrix square root: with the Cholesky factor Σ₁ = L Lᵀ, Σ₁Σ₂ is
// similar to the symmetric positive semi-definite Lᵀ Σ₂ L, whose
// eigenvalues λᵢ ≥ 0 give Tr (Σ₁Σ₂)^{1/2} = Σᵢ √λᵢ (rounding's tiny
// negative λᵢ count as 0). When Σ₁ is singular (e.g. fitted to fewer
// samples than dimensions) Cholesky fails, and the distance is that of the
// two Gaussians with SingularEps·I added to both covariances. (pytorch-fid
// adds the same ε·I inside the square root only, and only when scipy's
// sqrtm fails; the two differ by at most 2dε.)
func FrechetDistance(a, b Gaussian) (Frechet, error) {
	if err := a.check("first Gaussian"); err != nil {
		return Frechet{}, err
	}
	if err := b.check("second Gaussian"); err != nil {
		return Frechet{}, err
	}
	d := a.Dim()
	if b.Dim() != d {
		return Frechet{}, fmt.Errorf("fid: Gaussians of dimensions %d and %d", d, b.Dim())
	}
	var dist float64
	for i := range d {
		diff := a.Mu[i] - b.Mu[i]
		dist += diff * diff
	}
	eps := 0.0
	tr, ok := traceSqrtProduct(a.Sigma, b.Sigma, d, 0)
	if !ok {
		eps = SingularEps
		if tr, ok = traceSqrtProduct(a.Sigma, b.Sigma, d, eps); !ok {
			return Frechet{}, fmt.Errorf("fid: the first covariance is not positive semi-definite, even with %g·I added", eps)
		}
	}
	for i := range d {
		dist += a.Sigma[i*d+i] + b.Sigma[i*d+i] + 2*eps
	}
	return Frechet{Distance: dist - 2*tr, Eps: eps}, nil
}

// traceSqrtProduct returns Tr ((Σ₁+εI)(Σ₂+εI))^{1/2} and whether Σ₁ + εI
// had a Cholesky factor (see FrechetDistance). The three O(d³) steps,
// Cholesky, the congruence Lᵀ Σ₂ L and the symmetric eigenvalues, are those
// of package linalg, on the GEMM micro-kernels.
func traceSqrtProduct(s1, s2 []float64, d int, eps float64) (float64, bool) {
	l, s := slices.Clone(s1), slices.Clone(s2)
	for i := range d {
		l[i*d+i] += eps
		s[i*d+i] += eps
	}
	if !linalg.Cholesky(l, d) {
		return 0, false
	}
	eig, ok := linalg.SymEigenvalues(linalg.Congruence(l, s, d), d)
	if !ok {
		return 0, false
	}
	var tr float64
	for _, v := range eig {
		if v > 0 {
			tr += math.Sqrt(v)
		}
	}
	return tr, true
}

// Package linalg holds the dense float64 factorizations that the Fréchet
// distance needs, written so that their O(n³) work runs through
// kernels.Gemm (vector micro-kernels, every core):
//
//   - Cholesky: A = L Lᵀ, blocked right-looking (Golub & Van Loan, §4.2.9);
//   - Congruence: Lᵀ S L for a lower-triangular L, skipping L's zero blocks;
//   - SymEigenvalues: the eigenvalues of a symmetric matrix, by blocked
//     Householder tridiagonalization (Golub & Van Loan §8.3.1, in the panel
//     scheme of LAPACK's dsytrd/dlatrd) and then gonum's Dsterf (QL/QR
//     iteration on the tridiagonal matrix).
//
// Matrices are n×n, row-major, with row stride n. Results depend on n and
// the data alone, not on GOMAXPROCS.
package linalg

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/lapack/gonum"

	"github.com/genmodel/genmodel/kernels"
)

// Block sizes: nb columns per panel of the factorizations, stripe rows per
// product of a trailing update.
const (
	nb     = 64
	stripe = 256
)

// Cholesky overwrites the symmetric positive definite a (only its lower
// triangle is read) with its Cholesky factor L, lower triangular with
// positive diagonal, A = L Lᵀ; the strict upper triangle is set to 0. It
// returns false, leaving a partly overwritten, when a pivot is not positive
// (A is not positive definite to working precision) or not finite.
//
// Each panel of nb columns is factored in place: the diagonal block by the
// unblocked algorithm, the rows below it by forward substitution against
// that block (L₂₁ = A₂₁ L₁₁⁻ᵀ), and the trailing lower triangle is then
// updated as A₂₂ ← A₂₂ − L₂₁ L₂₁ᵀ by row stripes through kernels.Gemm.
func Cholesky(a []float64, n int) bool {
	for k := 0; k < n; k += nb {
		b := min(nb, n-k)
		if !cholDiag(a[k*n+k:], n, b) {
			return false
		}
		if k+b == n {
			break
		}
		kernels.ForRanges(n-k-b, 32, func(lo, hi int) {
			for r := k + b + lo; r < k+b+hi; r++ {
				row := a[r*n+k : r*n+k+b]
				for j := range b {
					lj := a[(k+j)*n+k : (k+j)*n+k+j+1]
					row[j] = (row[j] - dot(row[:j], lj[:j])) / lj[j]
				}
			}
		})
		for r0 := k + b; r0 < n; r0 += stripe {
			r1 := min(r0+stripe, n)
			kernels.Gemm(false, true, r1-r0, r1-k-b, b, -1, a[r0*n+k:], n, a[(k+b)*n+k:], n, 1, a[r0*n+k+b:], n)
		}
	}
	for i := range n {
		clear(a[i*n+i+1 : i*n+n])
	}
	return true
}

// cholDiag factors the b×b block at a (row stride n) in place, by rows.
func cholDiag(a []float64, n, b int) bool {
	for i := range b {
		ri := a[i*n : i*n+i+1]
		for j := range i {
			rj := a[j*n : j*n+j+1]
			ri[j] = (ri[j] - dot(ri[:j], rj[:j])) / rj[j]
		}
		s := ri[i] - dot(ri[:i], ri[:i])
		if !(s > 0) || math.IsInf(s, 0) {
			return false
		}
		ri[i] = math.Sqrt(s)
	}
	return true
}

// Congruence returns M = Lᵀ S L for lower-triangular l and symmetric s
// (both n×n), M symmetric and whole. T = S L is formed by block columns of
// L, each using only the rows of L at or below its diagonal block, and M =
// Lᵀ T likewise by block rows, upper triangle only, then mirrored: 5n³/3
// flops instead of the 4n³ of two full products.
func Congruence(l, s []float64, n int) []float64 {
	t := make([]float64, n*n)
	for j0 := 0; j0 < n; j0 += stripe {
		jb := min(stripe, n-j0)
		kernels.Gemm(false, false, n, jb, n-j0, 1, s[j0:], n, l[j0*n+j0:], n, 0, t[j0:], n)
	}
	m := make([]float64, n*n)
	for i0 := 0; i0 < n; i0 += stripe {
		ib := min(stripe, n-i0)
		kernels.Gemm(true, false, ib, n-i0, n-i0, 1, l[i0*n+i0:], n, t[i0*n+i0:], n, 0, m[i0*n+i0:], n)
	}
	for i := range n {
		for j := range i {
			m[i*n+j] = m[j*n+i]
		}
	}
	return m
}

// SymEigenvalues returns the eigenvalues of the symmetric a (n×n, only its
// upper triangle is read; a is overwritten) in ascending order, and false
// if the QL/QR iteration did not converge.
func SymEigenvalues(a []float64, n int) ([]float64, bool) {
	if n == 0 {
		return nil, true
	}
	d, e := Tridiagonalize(a, n)
	ok := gonum.Implementation{}.Dsterf(n, d, e)
	return d, ok
}

// Tridiagonalize reduces the symmetric a (upper triangle read, a
// overwritten) to a symmetric tridiagonal matrix with the same eigenvalues,
// Qᵀ A Q = T, and returns T's diagonal d (n) and off-diagonal e (n−1).
//
// Q = H₀ H₁ … H_{n−3}, Householder reflections Hᵢ = I − τᵢ uᵢ uᵢᵀ, uᵢ zero
// up to index i and 1 at i+1, chosen so that Hᵢ maps row i's part right of
// the diagonal, x = A[i, i+1:], to (β, 0, …, 0); then e[i] = β. The
// two-sided update of the trailing matrix is the rank-2 update
//
//	Hᵢ A Hᵢ = A − u wᵀ − w uᵀ,   p = τ A u,   w = p − (τ/2)(pᵀu) u.
//
// Reflections are taken nb at a time (a panel): within a panel the trailing
// matrix is not updated but the product A u is corrected by the panel's
// earlier pairs (A − V Wᵀ − W Vᵀ) u, and each row is brought up to date just
// before its reflection is made; after the panel, the trailing upper
// triangle takes all of the panel's updates at once, A ← A − V Wᵀ − W Vᵀ,
// through kernels.Gemm. The product A u (symmetricProduct) reads the
// trailing matrix once per reflection, about n³/6 values in all: this half
// of the 4n³/3 flops is bound by memory rather than arithmetic.
func Tridiagonalize(a []float64, n int) (d, e []float64) {
	d, e = make([]float64, n), make([]float64, max(n-1, 0))
	// Row t of vt and wt holds the panel's u_t and w_t, indices k…n−1.
	vt, wt := make([]float64, nb*n), make([]float64, nb*n)
	y := make([]float64, n)
	var parts [symmetricParts][]float64 // symmetricProduct's accumulators
	for q := range parts {
		parts[q] = make([]float64, n)
	}
	for k := 0; k < n; k += nb {
		b, ld := min(nb, n-k), n-k
		clear(vt[:b*ld])
		clear(wt[:b*ld])
		for j := range b {
			i := k + j
			row := a[i*n+i : i*n+n]
			// Bring row i up to date with the panel's earlier reflections.
			for t := range j {
				v, w := vt[t*ld:(t+1)*ld], wt[t*ld:(t+1)*ld]
				axpy(-v[i-k], w[i-k:], row)
				axpy(-w[i-k], v[i-k:], row)
			}
			d[i] = row[0]
			if i == n-1 {
				break
			}
			u := vt[j*ld+i+1-k : (j+1)*ld]
			tau, beta := householder(row[1:], u)
			e[i] = beta
			if tau == 0 {
				continue // wt's row j stays 0
			}
			// p = τ (A − Σ_{t<j} (v_t w_tᵀ + w_t v_tᵀ)) u over indices > i.
			m := n - i - 1
			p := y[:m]
			symmetricProduct(a[(i+1)*n+i+1:], n, m, u, p, &parts)
			for t := range j {
				v, w := vt[t*ld+i+1-k:(t+1)*ld], wt[t*ld+i+1-k:(t+1)*ld]
				axpy(-dot(w, u), v, p)
				axpy(-dot(v, u), w, p)
			}
			for r := range p {
				p[r] *= tau
			}
			w := wt[j*ld+i+1-k : (j+1)*ld]
			copy(w, p)
			axpy(-0.5*tau*dot(p, u), u, w)
		}
		// The trailing upper triangle takes the panel's updates, by stripes
		// of rows (each from its diagonal rightwards).
		for r0 := k + b; r0 < n; r0 += stripe {
			r1 := min(r0+stripe, n)
			c := a[r0*n+r0:]
			kernels.Gemm(true, false, r1-r0, n-r0, b, -1, vt[r0-k:], ld, wt[r0-k:], ld, 1, c, n)
			kernels.Gemm(true, false, r1-r0, n-r0, b, -1, wt[r0-k:], ld, vt[r0-k:], ld, 1, c, n)
		}
	}
	return d, e
}

// householder makes the reflection H = I − τ u uᵀ (u[0] = 1) that maps x
// to (β, 0, …, 0), writing u and returning τ and β; τ = 0 (H = I, β = x[0])
// when x[1:] is already 0. β has the sign opposite to x[0], so that no
// cancellation occurs in x[0] − β (Golub & Van Loan, Algorithm 5.1.1).
func householder(x, u []float64) (tau, beta float64) {
	var norm float64 // ‖x[1:]‖, scaled against overflow
	scale := 0.0
	for _, v := range x[1:] {
		scale = max(scale, math.Abs(v))
	}
	if scale > 0 {
		var s float64
		for _, v := range x[1:] {
			s += (v / scale) * (v / scale)
		}
		norm = scale * math.Sqrt(s)
	}
	u[0] = 1
	if norm == 0 {
		clear(u[1:])
		return 0, x[0]
	}
	beta = -math.Copysign(math.Hypot(x[0], norm), x[0])
	tau = (beta - x[0]) / beta
	f := 1 / (x[0] - beta)
	for r, v := range x[1:] {
		u[r+1] = v * f
	}
	return tau, beta
}

// symmetricParts is the number of row ranges symmetricProduct cuts its
// matrix into (a constant, so that its sums do not depend on GOMAXPROCS).
const symmetricParts = 4

// symmetricProduct sets p = A u for the symmetric m×m matrix A whose upper
// triangle is at a with row stride n: row r adds A[r, r:]·u[r:] to p[r] and
// u[r]·A[r, r+1:] to p[r+1:], one pass over the row (kernels.DotAxpy). The
// rows are cut into symmetricParts ranges of equal area, each accumulating
// into its own vector of parts (at least m long, contents arbitrary), summed
// in a fixed order at the end.
func symmetricProduct(a []float64, n, m int, u, p []float64, parts *[symmetricParts][]float64) {
	// Rows [cut(q), cut(q+1)) hold about 1/symmetricParts of the triangle's
	// area: (m − cut(q))² = m²·(1 − q/parts).
	cut := func(q int) int {
		return m - int(math.Round(float64(m)*math.Sqrt(1-float64(q)/symmetricParts)))
	}
	var wg sync.WaitGroup
	for q := range symmetricParts {
		lo, hi, acc := cut(q), cut(q+1), parts[q][:m]
		wg.Go(func() {
			clear(acc)
			for r := lo; r < hi; r++ {
				row := a[r*n+r : r*n+m]
				acc[r] += row[0]*u[r] + kernels.DotAxpy(row[1:], u[r+1:m], acc[r+1:m], u[r])
			}
		})
	}
	wg.Wait()
	copy(p, parts[0][:m])
	for _, q := range parts[1:] {
		for r, v := range q[:m] {
			p[r] += v
		}
	}
}

// dot is Σ x[i]·y[i].
func dot(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// axpy adds alpha·x to y.
func axpy(alpha float64, x, y []float64) {
	for i, v := range x {
		y[i] += alpha * v
	}
}

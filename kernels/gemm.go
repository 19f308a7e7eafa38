package kernels

import (
	"fmt"
	"sync"
)

// Gemm computes the row-major matrix product
//
//	C = alpha·op(A)·op(B) + beta·C
//
// where op(A) is A (m×k, row stride lda) or, if transA, Aᵀ with A stored k×m;
// op(B) is B (k×n, row stride ldb) or, if transB, Bᵀ with B stored n×k; and C
// is m×n with row stride ldc. As in BLAS, beta = 0 ignores the old contents of
// C, and inconsistent sizes or strides panic.
//
// It runs on this package's blocked kernels (see gemmPlan), on the best
// micro-kernel of the CPU for the element type (AVX-512, AVX2+FMA or Go). Large products are split over up to GOMAXPROCS goroutines. Results
// are deterministic and do not depend on the number of goroutines.
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	planOf[T]().parallel(m, n, k, alpha, matrix[T]{a, lda, transA}, matrix[T]{b, ldb, transB}, beta, c, ldc)
}

// GemmKernel names the float32 micro-kernels in use ("avx512", "avx2" or
// "go") and their tile sizes.
func GemmKernel() string {
	s := plan32.kerns[0].name
	for i, k := range plan32.kerns {
		sep := " "
		if i > 0 {
			sep = ","
		}
		s += fmt.Sprintf("%s%dx%d", sep, k.mr, k.nr)
	}
	return s
}

// checkGemm panics, as BLAS does, when the sizes and strides do not fit the
// slices: a programmer error, never a user's.
func checkGemm(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	fits := func(rows, cols, ld, l int) bool {
		return ld >= max(cols, 1) && (rows == 0 || cols == 0 || l >= (rows-1)*ld+cols)
	}
	if m < 0 || n < 0 || k < 0 || !fits(rowsA, colsA, lda, la) || !fits(rowsB, colsB, ldb, lb) || !fits(m, n, ldc, lc) {
		panic("kernels: Gemm: sizes and strides do not fit the slices")
	}
}

// minParallelMACs is the size m·n·k below which a product runs on one
// goroutine: starting goroutines costs more than it saves.
const minParallelMACs = 1 << 21

// parallel is mul with C split into stripes of whole micro-tiles, along n
// when n is the larger side and along m otherwise, one stripe per goroutine.
// Each element of C is computed exactly as mul computes it.
func (p *gemmPlan[T]) parallel(m, n, k int, alpha T, a, b matrix[T], beta T, c []T, ldc int) {
	kern := p.pick(m) // for all of C, so that stripes round alike
	w := workers(m * n * k / minParallelMACs)
	if w == 1 {
		p.mulWith(kern, m, n, k, alpha, a, b, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if n >= m {
		step := kern.nr * ((n + w*kern.nr - 1) / (w * kern.nr))
		for j0 := 0; j0 < n; j0 += step {
			bj := b
			if b.trans {
				bj.s = b.s[j0*b.ld:]
			} else {
				bj.s = b.s[j0:]
			}
			wg.Go(func() { p.mulWith(kern, m, min(step, n-j0), k, alpha, a, bj, beta, c[j0:], ldc) })
		}
	} else {
		step := kern.mr * ((m + w*kern.mr - 1) / (w * kern.mr))
		for i0 := 0; i0 < m; i0 += step {
			ai := a
			if a.trans {
				ai.s = a.s[i0:]
			} else {
				ai.s = a.s[i0*a.ld:]
			}
			wg.Go(func() { p.mulWith(kern, min(step, m-i0), n, k, alpha, ai, b, beta, c[i0*ldc:], ldc) })
		}
	}
	wg.Wait()
}

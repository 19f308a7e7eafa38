package kernels

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
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
// Every matrix product of this package goes through Gemm, so that a faster
// implementation can replace it in one place. It currently delegates to
// gonum's pure-Go BLAS, which is deterministic: its parallel path splits C
// into fixed blocks and sums each block along k in order.
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	switch c := any(c).(type) {
	case []float32:
		blas32.Implementation().Sgemm(tA, tB, m, n, k, any(alpha).(float32), any(a).([]float32), lda,
			any(b).([]float32), ldb, any(beta).(float32), c, ldc)
	case []float64:
		blas64.Implementation().Dgemm(tA, tB, m, n, k, any(alpha).(float64), any(a).([]float64), lda,
			any(b).([]float64), ldb, any(beta).(float64), c, ldc)
	}
}

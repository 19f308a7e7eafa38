package kernels

import (
	"math/rand/v2"
	"testing"
)

// naiveGemm computes C = alpha·op(A)·op(B) + beta·C with a triple loop.
func naiveGemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := range m {
		for j := range n {
			var s float64
			for l := range k {
				ai, bi := i*lda+l, l*ldb+j
				if transA {
					ai = l*lda + i
				}
				if transB {
					bi = j*ldb + l
				}
				av, bv := a[ai], b[bi]
				s += av * bv
			}
			c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
		}
	}
}

func TestGemmMatchesNaive(t *testing.T) {
	t.Run("float32", testGemm[float32])
	t.Run("float64", testGemm[float64])
}

func testGemm[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 9, 33}, {70, 66, 130}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			rowsA, colsA := m, k
			if tr[0] {
				rowsA, colsA = k, m
			}
			rowsB, colsB := k, n
			if tr[1] {
				rowsB, colsB = n, k
			}
			lda, ldb, ldc := colsA+3, colsB+1, n+2
			a, b, c := randn(rng, rowsA*lda), randn(rng, rowsB*ldb), randn(rng, m*ldc)
			const alpha, beta = 0.75, -1.5
			want := append([]float64(nil), c...)
			naiveGemm(tr[0], tr[1], m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
			got := as[T](c)
			Gemm(tr[0], tr[1], m, n, k, alpha, as[T](a), lda, as[T](b), ldb, beta, got, ldc)
			assertClose(t, "gemm", got, want)
		}
	}
}

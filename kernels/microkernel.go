package kernels

import "math"

// maxMR and maxNR bound the tile of every micro-kernel.
const (
	maxMR = 16
	maxNR = 32
)

// microKernel computes one mr×nr tile of C from packed panels:
//
//	C[i, j] ← alpha·(Σ_p a[p·mr + i] · B_p[j]) + beta·C[i, j]
//
// for i < mr, j < nr, with C[i, j] at c[i·ldc + j]. run reads B_p from a
// packed panel, b[p·nr : p·nr + nr]; runDirect reads it from an unpacked
// operand, b[offs[p] : offs[p] + nr]. The sum runs over p in order with one
// fused multiply-add per term; then alpha·sum and beta·C are each rounded to
// T and added. beta = 0 does not read C.
type microKernel[T Float] struct {
	name      string
	mr, nr    int
	speed     float64 // throughput relative to the fastest of its family (measured)
	run       func(k int, a, b, c []T, ldc int, alpha, beta T)
	runDirect func(k int, a, b []T, offs []int32, c []T, ldc int, alpha, beta T)
}

// goKernel is the portable micro-kernel: the same arithmetic in Go. In
// float32 its fused multiply-add goes through float64 (where the product of
// two float32 is exact), so it can differ from a hardware float32 FMA only
// when that double rounding lands on a float32 tie: rarely, by one unit in
// the last place.
func goKernel[T Float](mr, nr int) microKernel[T] {
	tile := func(k int, a []T, bRow func(p int) []T, c []T, ldc int, alpha, beta T) {
		var acc [maxMR * maxNR]T
		for p := range k {
			ap, bp := a[p*mr:(p+1)*mr], bRow(p)[:nr]
			for i, av := range ap {
				row := acc[i*nr : (i+1)*nr]
				for j, bv := range bp {
					row[j] = T(math.FMA(float64(av), float64(bv), float64(row[j])))
				}
			}
		}
		for i := range mr {
			row := c[i*ldc : i*ldc+nr]
			for j := range row {
				row[j] = scaleAdd(alpha, acc[i*nr+j], beta, row[j])
			}
		}
	}
	return microKernel[T]{name: "go", mr: mr, nr: nr, speed: 1,
		run: func(k int, a, b, c []T, ldc int, alpha, beta T) {
			tile(k, a, func(p int) []T { return b[p*nr:] }, c, ldc, alpha, beta)
		},
		runDirect: func(k int, a, b []T, offs []int32, c []T, ldc int, alpha, beta T) {
			tile(k, a, func(p int) []T { return b[offs[p]:] }, c, ldc, alpha, beta)
		},
	}
}

// goKernels is the portable family: tiles of 6 and 4 rows by nr columns.
func goKernels[T Float](nr int) []microKernel[T] {
	return []microKernel[T]{goKernel[T](6, nr), goKernel[T](4, nr)}
}

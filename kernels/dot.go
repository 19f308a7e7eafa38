package kernels

import "math"

// dotKernel accumulates a ra×rb tile of dot products of rows, over n
// segments of length k:
//
//	acc[(i·rb + j)·lanes + l] += Σ_{m < n} Σ_{p ≡ l (mod lanes), p < k} a[i][m·sa + p] · b[j][m·sb + p]
//
// for i < ra, j < rb: each of the ra·rb products is kept as lanes partial
// sums (one vector register), added to in order of m then p with one FMA
// per term, and reduced by reduceLanes once all its terms are in. Rows are
// read straight from memory, no packing: the filter gradient of a
// convolution is such a product of image rows and gradient rows, a segment
// per image (see Conv2DBackwardFilter). Each row must hold (n−1)·s + k values.
type dotKernel[T Float] struct {
	name          string
	ra, rb, lanes int
	run           func(k, n, sa, sb int, a, b *[dotRows][]T, acc []T)
}

// dotRows bounds ra and rb.
const dotRows = 4

// goDotKernel is the portable dot kernel: the same arithmetic in Go (see
// goKernel on its fused multiply-add).
func goDotKernel[T Float]() dotKernel[T] {
	const ra, rb, lanes = 4, 4, 16
	return dotKernel[T]{name: "go", ra: ra, rb: rb, lanes: lanes, run: func(k, n, sa, sb int, a, b *[dotRows][]T, acc []T) {
		for m := range n {
			for i := range ra {
				for j := range rb {
					v := acc[(i*rb+j)*lanes:][:lanes]
					bj := b[j][m*sb:][:k]
					for p, x := range a[i][m*sa:][:k] {
						l := p % lanes
						v[l] = T(math.FMA(float64(x), float64(bj[p]), float64(v[l])))
					}
				}
			}
		}
	}}
}

// reduceLanes sets sums[q] to the sum of product q's partial sums,
// acc[q·lanes : (q+1)·lanes], added in lane order. The products are added
// side by side, lane after lane, so that their additions do not wait on
// each other.
func reduceLanes[T Float](acc []T, lanes int, sums []T) {
	clear(sums)
	for l := range lanes {
		for q := range sums {
			sums[q] += acc[q*lanes+l]
		}
	}
}

// dots64 is the float64 dot kernel (gradient checks); dots32 the best float32
// one of this CPU.
var (
	dots64 = goDotKernel[float64]()
	dots32 = bestDotKernel()
)

// dotsOf is the dot kernel for element type T.
func dotsOf[T Float]() dotKernel[T] {
	var z T
	if _, ok := any(z).(float32); ok {
		return any(dots32).(dotKernel[T])
	}
	return any(dots64).(dotKernel[T])
}

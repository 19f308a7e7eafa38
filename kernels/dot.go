package kernels

import "math"

// dotKernel computes a ra×rb tile of dot products of rows, over n segments
// of length k:
//
//	sums[i·rb + j] = Σ_{m < n} Σ_{p < k} a[i][m·sa + p] · b[j][m·sb + p]
//
// for i < ra, j < rb. Each product is kept as lanes partial sums (one
// vector register), lane l adding the terms p ≡ l (mod lanes) in order of
// m then p with one FMA each, and the partial sums are then added as
// reduceLanes does. Rows are read straight from memory, no packing: the
// filter gradient of a convolution is such a product of image rows and
// gradient rows, a segment per image (see Conv2DBackwardFilter). Each row
// must hold (n−1)·s + k values.
type dotKernel[T Float] struct {
	name          string
	ra, rb, lanes int
	run           func(k, n, sa, sb int, a, b *[dotRows][]T, sums []T)
}

// dotRows bounds ra and rb.
const dotRows = 4

// goDotKernel is the portable 4×4 dot kernel on the given number of lanes
// (at most maxLanes): the same arithmetic in Go (see goKernel on its fused
// multiply-add), bit for bit that of an assembly kernel with as many lanes.
func goDotKernel[T Float](lanes int) dotKernel[T] {
	const ra, rb = 4, 4
	return dotKernel[T]{name: "go", ra: ra, rb: rb, lanes: lanes, run: func(k, n, sa, sb int, a, b *[dotRows][]T, sums []T) {
		var v [maxLanes]T
		for i := range ra {
			for j := range rb {
				clear(v[:])
				for m := range n {
					bj := b[j][m*sb:][:k]
					for p, x := range a[i][m*sa:][:k] {
						l := p % lanes
						v[l] = T(math.FMA(float64(x), float64(bj[p]), float64(v[l])))
					}
				}
				sums[i*rb+j] = reduceLanes(v[:lanes])
			}
		}
	}}
}

// maxLanes bounds the lanes of a dot kernel.
const maxLanes = 16

// reduceLanes returns the sum of the partial sums v (a power of two, at
// least 4, of them) as the assembly kernels add their vectors: halves are
// added lane by lane, v[l] + v[l + len/2], down to 4 values, which are then
// added in pairs, (v0 + v1) + (v2 + v3). It overwrites v.
func reduceLanes[T Float](v []T) T {
	for h := len(v) / 2; h >= 4; h /= 2 {
		for l := range h {
			v[l] += v[l+h]
		}
	}
	return (v[0] + v[1]) + (v[2] + v[3])
}

// dots64 is the float64 dot kernel (gradient checks); dots32 the best float32
// one of this CPU.
var (
	dots64 = goDotKernel[float64](maxLanes)
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

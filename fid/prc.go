package fid

import (
	"fmt"
	"slices"

	"github.com/genmodel/genmodel/kernels"
)

// PrecisionRecall is the improved precision and recall of Kynkäänniemi et
// al. (2019) between real and generated feature sets. Each set's manifold
// is the union of balls around its vectors, each of radius the distance to
// the vector's K-th nearest neighbour in its own set; precision is the
// fraction of generated vectors inside the real manifold, recall the
// fraction of real vectors inside the generated one.
type PrecisionRecall struct {
	Precision, Recall float64
	K                 int
}

// prBlock is the number of rows whose distances are computed at once.
const prBlock = 512

// PrecisionRecallOf computes the precision and recall of the generated
// feature vectors fake against the real ones, rows of d values, with
// k-nearest-neighbour radii (the paper uses k = 3).
func PrecisionRecallOf(real, fake []float32, d, k int) (PrecisionRecall, error) {
	if d < 1 || len(real)%d != 0 || len(fake)%d != 0 {
		return PrecisionRecall{}, fmt.Errorf("fid: precision/recall: %d and %d values are not rows of %d", len(real), len(fake), d)
	}
	nr, nf := len(real)/d, len(fake)/d
	if k < 1 || nr <= k || nf <= k {
		return PrecisionRecall{}, fmt.Errorf("fid: precision/recall with k = %d needs more than k vectors in each set (have %d and %d)", k, nr, nf)
	}
	rr, rf := knnRadii(real, d, k), knnRadii(fake, d, k)
	return PrecisionRecall{
		Precision: covered(fake, real, rr, d),
		Recall:    covered(real, fake, rf, d),
		K:         k,
	}, nil
}

// sqDists sets out (rows×n) to the squared distances between rows lo… of
// x and the n rows of y: ‖x‖² + ‖y‖² − 2xᵀy, at least 0.
func sqDists(out, x []float32, rows int, y []float32, n, d int, yNorms []float32) {
	kernels.Gemm(false, true, rows, n, d, -2, x, d, y, d, 0, out, n)
	for i := range rows {
		var xn float32
		for _, v := range x[i*d : (i+1)*d] {
			xn += v * v
		}
		row := out[i*n : (i+1)*n]
		for j := range row {
			row[j] = max(row[j]+xn+yNorms[j], 0)
		}
	}
}

func sqNorms(x []float32, d int) []float32 {
	out := make([]float32, len(x)/d)
	for i := range out {
		for _, v := range x[i*d : (i+1)*d] {
			out[i] += v * v
		}
	}
	return out
}

// eachDistanceRow calls f(i, row) for every row i of x, row holding the
// squared distances from it to the rows of y; blocks of rows run in
// parallel, so f must write only what belongs to i.
func eachDistanceRow(x, y []float32, d int, f func(i int, row []float32)) {
	n, m := len(x)/d, len(y)/d
	norms := sqNorms(y, d)
	kernels.ForRanges((n+prBlock-1)/prBlock, 1, func(lo, hi int) {
		dist := make([]float32, prBlock*m)
		for b := lo; b < hi; b++ {
			r0, r1 := b*prBlock, min((b+1)*prBlock, n)
			sqDists(dist, x[r0*d:r1*d], r1-r0, y, m, d, norms)
			for i := r0; i < r1; i++ {
				f(i, dist[(i-r0)*m:(i-r0+1)*m])
			}
		}
	})
}

// knnRadii returns, for every row of x, the squared distance to its k-th
// nearest other row.
func knnRadii(x []float32, d, k int) []float32 {
	radii := make([]float32, len(x)/d)
	eachDistanceRow(x, x, d, func(i int, row []float32) {
		r := slices.Clone(row)
		r[i] = -1 // itself: sorted first, never a neighbour
		slices.Sort(r)
		radii[i] = r[k]
	})
	return radii
}

// covered returns the fraction of rows of x within the ball of some row j
// of y of squared radius radii[j].
func covered(x, y []float32, radii []float32, d int) float64 {
	in := make([]bool, len(x)/d)
	eachDistanceRow(x, y, d, func(i int, row []float32) {
		for j, v := range row {
			if v <= radii[j] {
				in[i] = true
				return
			}
		}
	})
	c := 0
	for _, v := range in {
		if v {
			c++
		}
	}
	return float64(c) / float64(len(in))
}

package kernels

import "fmt"

// UpsampleNearest repeats every pixel of x (n, c, h, w) into a factor×factor
// block of y (n, c, h·factor, w·factor), which is overwritten:
//
//	y[b, ch, i, j] = x[b, ch, i/factor, j/factor]   (integer division).
//
// Contiguous ranges of planes run in parallel.
func UpsampleNearest[T Float](x []T, n, c, h, w, factor int, y []T) error {
	if err := checkUpsample("upsample", len(x), n, c, h, w, factor, len(y)); err != nil {
		return err
	}
	ow := w * factor
	planeRanges(n*c, func(p0, p1 int) {
		for i := p0 * h; i < p1*h; i++ { // rows of all planes in range, in order
			src := x[i*w : (i+1)*w]
			row := y[i*factor*ow : (i*factor+1)*ow]
			if factor == 2 {
				for j, v := range src {
					row[2*j], row[2*j+1] = v, v
				}
			} else {
				for j, v := range src {
					for r := range factor {
						row[j*factor+r] = v
					}
				}
			}
			for r := 1; r < factor; r++ {
				copy(y[(i*factor+r)*ow:], row)
			}
		}
	})
	return nil
}

// UpsampleNearestBackward is the adjoint of UpsampleNearest: it overwrites
// dx (n, c, h, w) with the sums of the factor×factor blocks of
// dy (n, c, h·factor, w·factor),
//
//	dx[b, ch, i, j] = Σ_{r,s < factor} dy[b, ch, i·factor + r, j·factor + s],
//
// adding each block row by row, left to right.
func UpsampleNearestBackward[T Float](dy []T, n, c, h, w, factor int, dx []T) error {
	if err := checkUpsample("upsample backward", len(dx), n, c, h, w, factor, len(dy)); err != nil {
		return err
	}
	ow := w * factor
	planeRanges(n*c, func(p0, p1 int) {
		for i := p0 * h; i < p1*h; i++ {
			dst := dx[i*w : (i+1)*w]
			if factor == 2 {
				r0, r1 := dy[2*i*ow:][:ow], dy[(2*i+1)*ow:][:ow]
				for j := range dst {
					dst[j] = r0[2*j] + r0[2*j+1] + r1[2*j] + r1[2*j+1]
				}
				continue
			}
			for j := range dst {
				var s T
				for r := range factor {
					for _, v := range dy[(i*factor+r)*ow+j*factor:][:factor] {
						s += v
					}
				}
				dst[j] = s
			}
		}
	})
	return nil
}

// planeRanges calls f on contiguous ranges [p0, p1) covering [0, planes),
// one per goroutine.
func planeRanges(planes int, f func(p0, p1 int)) {
	nw := workers(planes)
	parallel(nw, nw, func(_, part int) { f(part*planes/nw, (part+1)*planes/nw) })
}

// checkUpsample validates the sizes of an upsampling of a small tensor of
// nSmall elements into a large one of nLarge elements.
func checkUpsample(op string, nSmall, n, c, h, w, factor, nLarge int) error {
	if n < 1 || c < 1 || h < 1 || w < 1 || factor < 1 {
		return fmt.Errorf("kernels: %s: sizes (n=%d, c=%d, h=%d, w=%d) and factor %d must be positive", op, n, c, h, w, factor)
	}
	return checkLen(op, []string{"small tensor", "large tensor"}, []int{nSmall, nLarge},
		[]int{n * c * h * w, n * c * h * w * factor * factor})
}

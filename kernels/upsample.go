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
	ForRanges(n*c, 1, func(p0, p1 int) {
		for i := p0 * h; i < p1*h; i++ { // rows of all planes in range, in order
			row := y[i*factor*ow : (i*factor+1)*ow]
			upsampleRow(row, x[i*w:(i+1)*w], factor)
			for r := 1; r < factor; r++ {
				copy(y[(i*factor+r)*ow:], row)
			}
		}
	})
	return nil
}

// upsampleRow repeats every element of src factor times into dst
// (len(src)·factor elements).
func upsampleRow[T Float](dst, src []T, factor int) {
	switch factor {
	case 1:
		copy(dst, src)
	case 2:
		for j, v := range src {
			dst[2*j], dst[2*j+1] = v, v
		}
	default:
		for j, v := range src {
			for r := range factor {
				dst[j*factor+r] = v
			}
		}
	}
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
	ForRanges(n*c, 1, func(p0, p1 int) {
		sumBlocks(dx[p0*h*w:p1*h*w], dy[p0*h*factor*ow:], w, ow, factor)
	})
	return nil
}

// sumBlocks sets dst (rows of width cols) to the sums of the factor×factor
// blocks of src, whose rows have width stride ≥ cols·factor:
//
//	dst[i, j] = Σ_{r,s < factor} src[(i·factor + r)·stride + j·factor + s],
//
// adding each block row by row, left to right.
func sumBlocks[T Float](dst, src []T, cols, stride, factor int) {
	for i := range len(dst) / cols {
		d := dst[i*cols : (i+1)*cols]
		if factor == 2 {
			r0, r1 := src[2*i*stride:][:2*cols], src[(2*i+1)*stride:][:2*cols]
			for j := range d {
				d[j] = r0[2*j] + r0[2*j+1] + r1[2*j] + r1[2*j+1]
			}
			continue
		}
		for j := range d {
			var s T
			for r := range factor {
				for _, v := range src[(i*factor+r)*stride+j*factor:][:factor] {
					s += v
				}
			}
			d[j] = s
		}
	}
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

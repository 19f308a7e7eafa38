package kernels

import "fmt"

// UpsampleNearest repeats every pixel of x (n, c, h, w) into a factor×factor
// block of y (n, c, h·factor, w·factor), which is overwritten:
//
//	y[b, ch, i, j] = x[b, ch, i/factor, j/factor]   (integer division).
//
// Planes run in parallel.
func UpsampleNearest[T Float](x []T, n, c, h, w, factor int, y []T) error {
	if err := checkUpsample("upsample", len(x), n, c, h, w, factor, len(y)); err != nil {
		return err
	}
	hw, ow := h*w, w*factor
	parallel(n*c, workers(n*c), func(_, p int) {
		src, dst := x[p*hw:(p+1)*hw], y[p*hw*factor*factor:(p+1)*hw*factor*factor]
		for i := range h {
			row := dst[i*factor*ow : (i*factor+1)*ow]
			for j, v := range src[i*w : (i+1)*w] {
				for r := range row[j*factor : (j+1)*factor] {
					row[j*factor+r] = v
				}
			}
			for r := 1; r < factor; r++ {
				copy(dst[(i*factor+r)*ow:], row)
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
	hw, ow := h*w, w*factor
	parallel(n*c, workers(n*c), func(_, p int) {
		src, dst := dy[p*hw*factor*factor:(p+1)*hw*factor*factor], dx[p*hw:(p+1)*hw]
		for i := range h {
			for j := range w {
				var s T
				for r := range factor {
					for _, v := range src[(i*factor+r)*ow+j*factor:][:factor] {
						s += v
					}
				}
				dst[i*w+j] = s
			}
		}
	})
	return nil
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

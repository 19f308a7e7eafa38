package kernels

// Im2Col unfolds one image x (C, H, W) of geometry g into the matrix col
// (C·KH·KW, OutH·OutW):
//
//	col[(c·KH + p)·KW + q, i·OutW + j] = x[c, i·SH − PH + p, j·SW − PW + q]
//
// with zeros where the index falls in the padding, so that the convolution
// of the image is the product w (K, C·KH·KW) · col. g.N is ignored.
func Im2Col[T Float](g ConvGeom, x, col []T) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if err := checkLen("im2col", []string{"x", "col"}, []int{len(x), len(col)},
		[]int{g.C * g.H * g.W, g.ColRows() * g.ColCols()}); err != nil {
		return err
	}
	im2col(g, x, col)
	return nil
}

// Col2Im is the adjoint of Im2Col: it adds every element of col
// (C·KH·KW, OutH·OutW) into the pixel of x (C, H, W) it was read from, so
// x accumulates (it is not cleared first). g.N is ignored.
func Col2Im[T Float](g ConvGeom, col, x []T) error {
	if err := g.Validate(); err != nil {
		return err
	}
	if err := checkLen("col2im", []string{"col", "x"}, []int{len(col), len(x)},
		[]int{g.ColRows() * g.ColCols(), g.C * g.H * g.W}); err != nil {
		return err
	}
	col2im(g, col, x)
	return nil
}

// validRange returns the range [lo, hi) of output positions o in [0, on)
// whose input position o·s − p + q lies inside [0, n).
func validRange(q, s, p, n, on int) (lo, hi int) {
	if d := p - q; d > 0 {
		lo = (d + s - 1) / s
	}
	if e := n - 1 + p - q; e >= 0 {
		hi = min(e/s+1, on)
	}
	return min(lo, hi), hi
}

// im2col is Im2Col without checks.
func im2col[T Float](g ConvGeom, x, col []T) {
	oh, ow := g.OutH(), g.OutW()
	for c := 0; c < g.C; c++ {
		img := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for p := 0; p < g.KH; p++ {
			iLo, iHi := validRange(p, g.SH, g.PH, g.H, oh)
			for q := 0; q < g.KW; q++ {
				jLo, jHi := validRange(q, g.SW, g.PW, g.W, ow)
				row := col[((c*g.KH+p)*g.KW+q)*oh*ow:][:oh*ow]
				clear(row[:iLo*ow])
				clear(row[iHi*ow:])
				for i := iLo; i < iHi; i++ {
					out := row[i*ow : (i+1)*ow]
					in := img[(i*g.SH-g.PH+p)*g.W:][:g.W]
					clear(out[:jLo])
					clear(out[jHi:])
					if g.SW == 1 {
						copy(out[jLo:jHi], in[jLo-g.PW+q:])
						continue
					}
					for j := jLo; j < jHi; j++ {
						out[j] = in[j*g.SW-g.PW+q]
					}
				}
			}
		}
	}
}

// col2im is Col2Im without checks.
func col2im[T Float](g ConvGeom, col, x []T) {
	oh, ow := g.OutH(), g.OutW()
	for c := 0; c < g.C; c++ {
		img := x[c*g.H*g.W : (c+1)*g.H*g.W]
		for p := 0; p < g.KH; p++ {
			iLo, iHi := validRange(p, g.SH, g.PH, g.H, oh)
			for q := 0; q < g.KW; q++ {
				jLo, jHi := validRange(q, g.SW, g.PW, g.W, ow)
				row := col[((c*g.KH+p)*g.KW+q)*oh*ow:][:oh*ow]
				for i := iLo; i < iHi; i++ {
					src := row[i*ow : (i+1)*ow]
					dst := img[(i*g.SH-g.PH+p)*g.W:][:g.W]
					for j := jLo; j < jHi; j++ {
						dst[j*g.SW-g.PW+q] += src[j]
					}
				}
			}
		}
	}
}

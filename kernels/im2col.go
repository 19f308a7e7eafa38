package kernels

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

// col2im is the adjoint of im2col (see patches): it adds every element of
// col (C·KH·KW, OutH·OutW) into the pixel of x (C, H, W) that im2col reads it
// from, so x accumulates (it is not cleared first). g.N is ignored.
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

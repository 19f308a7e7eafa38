package kernels

// DotAxpy returns Σᵢ x[i]·u[i] and adds alpha·x[i] to y[i], in one pass
// over x: the inner step of a product with a symmetric matrix stored as one
// triangle, where a row serves both as a row and as a column. u and y must
// be at least as long as x. The vector kernels sum in lanes (and fuse each
// multiply-add), so the last bits of the sum differ between CPUs, never
// between runs.
func DotAxpy(x, u, y []float64, alpha float64) float64 {
	u, y = u[:len(x)], y[:len(x)]
	return dotAxpy(x, u, y, alpha)
}

// dotAxpyGo is the portable DotAxpy.
func dotAxpyGo(x, u, y []float64, alpha float64) float64 {
	var s float64
	for i, v := range x {
		s += v * u[i]
		y[i] += alpha * v
	}
	return s
}

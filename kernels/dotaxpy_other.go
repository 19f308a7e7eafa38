//go:build !amd64

package kernels

func dotAxpy(x, u, y []float64, alpha float64) float64 { return dotAxpyGo(x, u, y, alpha) }

// dotAxpyKernels lists the DotAxpy kernels: the portable one only.
func dotAxpyKernels() []func(x, u, y []float64, alpha float64) float64 {
	return []func(x, u, y []float64, alpha float64) float64{dotAxpyGo}
}

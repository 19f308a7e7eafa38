//go:build !amd64

package kernels

func dotAxpy(x, u, y []float64, alpha float64) float64 { return dotAxpyGo(x, u, y, alpha) }

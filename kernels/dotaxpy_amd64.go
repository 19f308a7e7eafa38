package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The vector kernels (dotaxpy_amd64.s) take n a multiple of 16 (AVX-512) or
// 8 (AVX2).
//
//go:noescape
func dotAxpyAVX512(x, u, y *float64, n int, alpha float64) float64

//go:noescape
func dotAxpyAVX2(x, u, y *float64, n int, alpha float64) float64

// dotAxpyKernels lists the DotAxpy kernels this CPU can run, best first,
// each taking slices of one length.
func dotAxpyKernels() []func(x, u, y []float64, alpha float64) float64 {
	vector := func(block int, f func(x, u, y *float64, n int, alpha float64) float64) func(x, u, y []float64, alpha float64) float64 {
		return func(x, u, y []float64, alpha float64) float64 {
			n := len(x) / block * block
			var s float64
			if n > 0 {
				s = f(unsafe.SliceData(x), unsafe.SliceData(u), unsafe.SliceData(y), n, alpha)
			}
			return s + dotAxpyGo(x[n:], u[n:], y[n:], alpha)
		}
	}
	var ks []func(x, u, y []float64, alpha float64) float64
	if cpu.X86.HasAVX512F {
		ks = append(ks, vector(16, dotAxpyAVX512))
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, vector(8, dotAxpyAVX2))
	}
	return append(ks, dotAxpyGo)
}

var dotAxpy = dotAxpyKernels()[0]

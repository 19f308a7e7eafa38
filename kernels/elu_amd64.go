package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The vector ELU kernels (elu_amd64.s) work on n values, n a multiple of
// their lanes (16 for AVX-512, 8 for AVX2), reading eluConsts.
//
//go:noescape
func eluForwardAVX512(x, y *float32, n int)

//go:noescape
func eluBackwardAVX512(y, dy, dx *float32, n int)

//go:noescape
func eluForwardAVX2(x, y *float32, n int)

//go:noescape
func eluBackwardAVX2(y, dy, dx *float32, n int)

// vectorELU runs the assembly kernels on whole vectors of lanes values and
// the portable kernel on the rest.
func vectorELU(name string, lanes int, fwd func(x, y *float32, n int), bwd func(y, dy, dx *float32, n int)) eluKernel {
	p := func(s []float32) *float32 { return unsafe.SliceData(s) }
	return eluKernel{name: name,
		forward: func(x, y []float32) {
			y = y[:len(x)]
			n := len(x) / lanes * lanes
			if n > 0 {
				fwd(p(x), p(y), n)
			}
			eluForwardGo(x[n:], y[n:])
		},
		backward: func(y, dy, dx []float32) {
			dy, dx = dy[:len(y)], dx[:len(y)]
			n := len(y) / lanes * lanes
			if n > 0 {
				bwd(p(y), p(dy), p(dx), n)
			}
			eluBackwardGo(y[n:], dy[n:], dx[n:])
		}}
}

// eluKernels lists the ELU kernels this CPU can run, best first.
func eluKernels() []eluKernel {
	var ks []eluKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, vectorELU("avx512", 16, eluForwardAVX512, eluBackwardAVX512))
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, vectorELU("avx2", 8, eluForwardAVX2, eluBackwardAVX2))
	}
	return append(ks, goELU)
}

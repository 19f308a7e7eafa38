package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The vector kernels (exp_amd64.s) work on n values, n a multiple of
// their lanes (16 for AVX-512, 8 for AVX2), reading eluConsts.
//
//go:noescape
func expAVX512(x, y *float32, n int)

//go:noescape
func eluForwardAVX512(x, y *float32, n int)

//go:noescape
func eluBackwardAVX512(y, dy, dx *float32, n int)

//go:noescape
func expAVX2(x, y *float32, n int)

//go:noescape
func eluForwardAVX2(x, y *float32, n int)

//go:noescape
func eluBackwardAVX2(y, dy, dx *float32, n int)

// vectorKernel runs the assembly kernels on whole vectors of lanes values
// and the portable kernel on the rest.
func vectorKernel(name string, lanes int, exp, elu func(x, y *float32, n int), eluGrad func(y, dy, dx *float32, n int)) expKernel {
	p := func(s []float32) *float32 { return unsafe.SliceData(s) }
	unary := func(f func(x, y *float32, n int), tail func(x, y []float32)) func(x, y []float32) {
		return func(x, y []float32) {
			y = y[:len(x)]
			n := len(x) / lanes * lanes
			if n > 0 {
				f(p(x), p(y), n)
			}
			tail(x[n:], y[n:])
		}
	}
	return expKernel{name: name, exp: unary(exp, expGo), elu: unary(elu, eluForwardGo),
		eluGrad: func(y, dy, dx []float32) {
			dy, dx = dy[:len(y)], dx[:len(y)]
			n := len(y) / lanes * lanes
			if n > 0 {
				eluGrad(p(y), p(dy), p(dx), n)
			}
			eluBackwardGo(y[n:], dy[n:], dx[n:])
		}}
}

// expKernels lists the Exp and ELU kernels this CPU can run, best first.
func expKernels() []expKernel {
	var ks []expKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, vectorKernel("avx512", 16, expAVX512, eluForwardAVX512, eluBackwardAVX512))
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, vectorKernel("avx2", 8, expAVX2, eluForwardAVX2, eluBackwardAVX2))
	}
	return append(ks, goExp)
}

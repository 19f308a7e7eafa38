package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// dot4x4avx512 is the AVX-512 dot kernel (dot_amd64.s): 4×4 rows, 16
// lanes; it writes the 16 sums.
//
//go:noescape
func dot4x4avx512(k, n, sa, sb int, a0, a1, a2, a3, b0, b1, b2, b3, sums *float32)

// dot2x4avx2 is the AVX2 dot kernel (dot_amd64.s): 2×4 rows, 8 lanes; it
// writes the 8 sums.
//
//go:noescape
func dot2x4avx2(k, n, sa, sb int, a0, a1, b0, b1, b2, b3, sums *float32)

// asmDot wraps an assembly dot kernel, checking the rows' lengths so that it
// never reads outside them.
func asmDot(name string, ra, rb, lanes int, f func(k, n, sa, sb int, a, b *[dotRows][]float32, sums []float32)) dotKernel[float32] {
	return dotKernel[float32]{name: name, ra: ra, rb: rb, lanes: lanes,
		run: func(k, n, sa, sb int, a, b *[dotRows][]float32, sums []float32) {
			if len(sums) < ra*rb {
				panic("kernels: dot kernel sums too short")
			}
			if n < 1 {
				clear(sums[:ra*rb])
				return
			}
			for i := range ra {
				if len(a[i]) < (n-1)*sa+k {
					panic("kernels: dot kernel row too short")
				}
			}
			for j := range rb {
				if len(b[j]) < (n-1)*sb+k {
					panic("kernels: dot kernel row too short")
				}
			}
			f(k, n, sa, sb, a, b, sums)
		}}
}

// dotKernels lists the float32 dot kernels this CPU can run, best first.
func dotKernels() []dotKernel[float32] {
	var ks []dotKernel[float32]
	p := func(s []float32) *float32 { return unsafe.SliceData(s) }
	if cpu.X86.HasAVX512F && cpu.X86.HasBMI2 {
		ks = append(ks, asmDot("avx512", 4, 4, 16, func(k, n, sa, sb int, a, b *[dotRows][]float32, sums []float32) {
			dot4x4avx512(k, n, sa, sb, p(a[0]), p(a[1]), p(a[2]), p(a[3]), p(b[0]), p(b[1]), p(b[2]), p(b[3]), p(sums))
		}))
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, asmDot("avx2", 2, 4, 8, func(k, n, sa, sb int, a, b *[dotRows][]float32, sums []float32) {
			dot2x4avx2(k, n, sa, sb, p(a[0]), p(a[1]), p(b[0]), p(b[1]), p(b[2]), p(b[3]), p(sums))
		}))
	}
	return append(ks, goDotKernel[float32](maxLanes))
}

func bestDotKernel() dotKernel[float32] { return dotKernels()[0] }

package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// dot4x4avx512 is the AVX-512 dot kernel (dot_amd64.s): 4×4 rows, 16 lanes;
// acc holds the 16 partial-sum vectors.
//
//go:noescape
func dot4x4avx512(k, n, sa, sb int, a0, a1, a2, a3, b0, b1, b2, b3, acc *float32)

// dotKernels lists the float32 dot kernels this CPU can run, best first.
func dotKernels() []dotKernel[float32] {
	var ks []dotKernel[float32]
	if cpu.X86.HasAVX512F && cpu.X86.HasBMI2 {
		ks = append(ks, dotKernel[float32]{name: "avx512", ra: 4, rb: 4, lanes: 16,
			run: func(k, n, sa, sb int, a, b *[dotRows][]float32, acc []float32) {
				if n < 1 {
					return
				}
				for i := range dotRows {
					if len(a[i]) < (n-1)*sa+k || len(b[i]) < (n-1)*sb+k {
						panic("kernels: dot kernel row too short")
					}
				}
				if len(acc) < 256 {
					panic("kernels: dot kernel accumulators too short")
				}
				p := func(s []float32) *float32 { return unsafe.SliceData(s) }
				dot4x4avx512(k, n, sa, sb, p(a[0]), p(a[1]), p(a[2]), p(a[3]), p(b[0]), p(b[1]), p(b[2]), p(b[3]), p(acc))
			}})
	}
	return append(ks, goDotKernel[float32]())
}

func bestDotKernel() dotKernel[float32] { return dotKernels()[0] }

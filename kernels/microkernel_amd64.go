package kernels

//go:generate go run gen_microkernels.go

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// Assembly micro-kernels (microkernel_amd64.s, written by
// gen_microkernels.go); see microKernel for what they compute. k ≥ 0; a
// holds k·mr values, b k·nr, c an mr×nr tile.
//
//go:noescape
func kern12x32avx512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern8x32avx512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern4x32avx512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern6x16avx2(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern4x16avx2(k int, a, b, c *float32, ldc int, alpha, beta float32)

// asmKernel wraps an assembly kernel, checking the slices' lengths so that
// it never reads or writes outside them.
func asmKernel(name string, mr, nr int, speed float64, f func(k int, a, b, c *float32, ldc int, alpha, beta float32)) microKernel[float32] {
	return microKernel[float32]{name: name, mr: mr, nr: nr, speed: speed, run: func(k int, a, b, c []float32, ldc int, alpha, beta float32) {
		if len(a) < k*mr || len(b) < k*nr || ldc < nr || len(c) < (mr-1)*ldc+nr {
			panic("kernels: micro-kernel operands too short")
		}
		f(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc, alpha, beta)
	}}
}

// kernelSets lists the float32 micro-kernel families this CPU can run, best
// first; the portable Go family runs everywhere. The speeds are single-core
// throughputs at k = 256 relative to the family's tallest kernel, measured on
// a Xeon with AVX-512 (187, 182 and 154 GFLOP/s; AVX2 109 and 92).
func kernelSets() [][]microKernel[float32] {
	var sets [][]microKernel[float32]
	if cpu.X86.HasAVX512F {
		sets = append(sets, []microKernel[float32]{
			asmKernel("avx512", 12, 32, 1, kern12x32avx512),
			asmKernel("avx512", 8, 32, 0.97, kern8x32avx512),
			asmKernel("avx512", 4, 32, 0.82, kern4x32avx512),
		})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		sets = append(sets, []microKernel[float32]{
			asmKernel("avx2", 6, 16, 1, kern6x16avx2),
			asmKernel("avx2", 4, 16, 0.84, kern4x16avx2),
		})
	}
	return append(sets, goKernels[float32](16))
}

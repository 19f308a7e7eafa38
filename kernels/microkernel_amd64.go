package kernels

//go:generate go run gen_microkernels.go

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// Assembly micro-kernels (microkernel_amd64.s, written by
// gen_microkernels.go), float32 then float64; see microKernel for what they
// compute. k ≥ 0; a holds k·mr values, b k·nr, c an mr×nr tile.
//
//go:noescape
func kern12x32avx512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern12x32avx512d(k int, a, b *float32, offs *int32, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern8x32avx512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern8x32avx512d(k int, a, b *float32, offs *int32, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern4x32avx512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern4x32avx512d(k int, a, b *float32, offs *int32, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern2x32avx512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern2x32avx512d(k int, a, b *float32, offs *int32, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern6x16avx2(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern6x16avx2d(k int, a, b *float32, offs *int32, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern4x16avx2(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern4x16avx2d(k int, a, b *float32, offs *int32, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern2x16avx2(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern2x16avx2d(k int, a, b *float32, offs *int32, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kern12x16avx512f64(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern12x16avx512f64d(k int, a, b *float64, offs *int32, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern8x16avx512f64(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern8x16avx512f64d(k int, a, b *float64, offs *int32, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern4x16avx512f64(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern4x16avx512f64d(k int, a, b *float64, offs *int32, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern2x16avx512f64(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern2x16avx512f64d(k int, a, b *float64, offs *int32, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern6x8avx2f64(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern6x8avx2f64d(k int, a, b *float64, offs *int32, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern4x8avx2f64(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern4x8avx2f64d(k int, a, b *float64, offs *int32, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern2x8avx2f64(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern2x8avx2f64d(k int, a, b *float64, offs *int32, c *float64, ldc int, alpha, beta float64)

type (
	packedKernel[T Float] func(k int, a, b, c *T, ldc int, alpha, beta T)
	directKernel[T Float] func(k int, a, b *T, offs *int32, c *T, ldc int, alpha, beta T)
)

// asmKernel wraps a pair of assembly kernels, checking the slices' lengths
// and offsets so that they never read or write outside them.
func asmKernel[T Float](name string, mr, nr int, speed float64, f packedKernel[T], d directKernel[T]) microKernel[T] {
	return microKernel[T]{name: name, mr: mr, nr: nr, speed: speed,
		run: func(k int, a, b, c []T, ldc int, alpha, beta T) {
			if len(a) < k*mr || len(b) < k*nr || ldc < nr || len(c) < (mr-1)*ldc+nr {
				panic("kernels: micro-kernel operands too short")
			}
			f(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), ldc, alpha, beta)
		},
		runDirect: func(k int, a, b []T, offs []int32, c []T, ldc int, alpha, beta T) {
			if len(a) < k*mr || len(offs) < k || ldc < nr || len(c) < (mr-1)*ldc+nr {
				panic("kernels: micro-kernel operands too short")
			}
			last := int32(len(b) - nr)
			for _, o := range offs[:k] {
				if o < 0 || o > last {
					panic("kernels: micro-kernel row offset outside b")
				}
			}
			if k > 0 {
				d(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(offs), unsafe.SliceData(c), ldc, alpha, beta)
			}
		},
	}
}

// kernelSets lists the float32 micro-kernel families this CPU can run, best
// first; the portable Go family runs everywhere. The speeds are single-core
// throughputs at k = 256 relative to the family's tallest kernel, measured on
// a Xeon with AVX-512 (187, 182, 154 and 110 GFLOP/s; AVX2 109, 92 and 60).
// Two-row kernels serve products with one or two rows, such as a
// convolution to one output channel.
func kernelSets() [][]microKernel[float32] {
	var sets [][]microKernel[float32]
	if cpu.X86.HasAVX512F {
		sets = append(sets, []microKernel[float32]{
			asmKernel("avx512", 12, 32, 1, kern12x32avx512, kern12x32avx512d),
			asmKernel("avx512", 8, 32, 0.97, kern8x32avx512, kern8x32avx512d),
			asmKernel("avx512", 4, 32, 0.82, kern4x32avx512, kern4x32avx512d),
			asmKernel("avx512", 2, 32, 0.59, kern2x32avx512, kern2x32avx512d),
		})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		sets = append(sets, []microKernel[float32]{
			asmKernel("avx2", 6, 16, 1, kern6x16avx2, kern6x16avx2d),
			asmKernel("avx2", 4, 16, 0.84, kern4x16avx2, kern4x16avx2d),
			asmKernel("avx2", 2, 16, 0.55, kern2x16avx2, kern2x16avx2d),
		})
	}
	return append(sets, goKernels[float32](16))
}

// kernelSets64 lists the float64 micro-kernel families this CPU can run,
// best first, as kernelSets does for float32: the same tiles, half as many
// columns (a register holds half as many float64). The speeds were measured
// as kernelSets' (BenchmarkMicroKernels64), on an AMD EPYC with AVX-512: 57,
// 56, 56 and 50 GFLOP/s; AVX2 55, 52 and 30.
func kernelSets64() [][]microKernel[float64] {
	var sets [][]microKernel[float64]
	if cpu.X86.HasAVX512F {
		sets = append(sets, []microKernel[float64]{
			asmKernel("avx512", 12, 16, 1, kern12x16avx512f64, kern12x16avx512f64d),
			asmKernel("avx512", 8, 16, 0.97, kern8x16avx512f64, kern8x16avx512f64d),
			asmKernel("avx512", 4, 16, 0.97, kern4x16avx512f64, kern4x16avx512f64d),
			asmKernel("avx512", 2, 16, 0.87, kern2x16avx512f64, kern2x16avx512f64d),
		})
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		sets = append(sets, []microKernel[float64]{
			asmKernel("avx2", 6, 8, 1, kern6x8avx2f64, kern6x8avx2f64d),
			asmKernel("avx2", 4, 8, 0.95, kern4x8avx2f64, kern4x8avx2f64d),
			asmKernel("avx2", 2, 8, 0.54, kern2x8avx2f64, kern2x8avx2f64d),
		})
	}
	return append(sets, goKernels[float64](8))
}

// Package kernels holds the raw numerical kernels under the custom gorgonia
// ops: matrix multiply, 2-D convolution (forward, data and filter
// gradients), col2im and nearest-neighbour upsampling. It knows nothing of
// gorgonia; everything works on flat slices in row-major NCHW layout and is
// generic over float32 and float64.
//
// The matrix multiply (Gemm, gemmPlan) packs its operands into panels and
// runs an assembly micro-kernel: AVX-512 (tiles of 12, 8, 4 or 2 rows by 32
// float32 or 16 float64 columns) or AVX2+FMA (6, 4 or 2 rows by 16 or 8),
// chosen at run time by CPU feature detection, with a portable Go kernel
// elsewhere. DotAxpy is the fused dot product and axpy of a symmetric
// matrix-vector product. The
// convolutions multiply filters by image patches read straight from a
// zero-padded, stride-phased copy of each image (phasedGeom), so that no
// im2col matrix is ever written; their filter gradients are tiles of dot
// products of image rows and gradient rows (dotKernel). No cgo.
//
// Every kernel is deterministic: the same inputs give bit-identical outputs on
// every call and for every GOMAXPROCS. Parallel kernels either give each
// goroutine disjoint outputs, or split a reduction into a fixed set of chunks
// (independent of the number of goroutines) and add the chunk partials in
// chunk order.
package kernels

// Float is the set of element types the kernels support.
type Float interface {
	float32 | float64
}

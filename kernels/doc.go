// Package kernels holds the raw numerical kernels under the custom gorgonia
// ops: matrix multiply, im2col/col2im, 2-D convolution (forward, data and
// filter gradients) and nearest-neighbour upsampling. It knows nothing of
// gorgonia; everything works on flat slices in row-major NCHW layout and is
// generic over float32 and float64.
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

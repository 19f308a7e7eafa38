//go:build !amd64

package kernels

// dotKernels lists the float32 dot kernels: the portable one only.
func dotKernels() []dotKernel[float32] { return []dotKernel[float32]{goDotKernel[float32](maxLanes)} }

func bestDotKernel() dotKernel[float32] { return dotKernels()[0] }

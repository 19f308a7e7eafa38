//go:build !amd64

package kernels

// kernelSets lists the float32 micro-kernel families: the portable one only.
func kernelSets() [][]microKernel[float32] { return [][]microKernel[float32]{goKernels[float32](16)} }

// kernelSets64 lists the float64 micro-kernel families: the portable one only.
func kernelSets64() [][]microKernel[float64] { return [][]microKernel[float64]{goKernels[float64](8)} }

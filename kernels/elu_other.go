//go:build !amd64

package kernels

// eluKernels lists the ELU kernels: the portable one only.
func eluKernels() []eluKernel { return []eluKernel{goELU} }

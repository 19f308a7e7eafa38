//go:build !amd64

package kernels

// expKernels lists the Exp and ELU kernels: the portable one only.
func expKernels() []expKernel { return []expKernel{goExp} }

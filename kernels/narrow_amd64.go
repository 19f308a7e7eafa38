package kernels

import "golang.org/x/sys/cpu"

// narrowAVX512 is narrow for float32 (narrow_amd64.s): 16 columns at a
// time, the last ow mod 16 under a mask; the values are max(src + b, lo),
// lo −Inf for no ReLU and 0 for the ReLU.
//
//go:noescape
func narrowAVX512(dst, src *float32, rows, ow, wq int, b, lo float32)

// narrow32 is the vector narrow of this CPU, or nil.
var narrow32 = func() func(dst, src *float32, rows, ow, wq int, b, lo float32) {
	if cpu.X86.HasAVX512F {
		return narrowAVX512
	}
	return nil
}()

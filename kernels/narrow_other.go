//go:build !amd64

package kernels

// narrow32 is the vector narrow of this CPU: none.
var narrow32 func(dst, src *float32, rows, ow, wq int, b, lo float32)

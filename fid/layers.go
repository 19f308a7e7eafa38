package fid

import (
	"github.com/genmodel/genmodel/kernels"
)

// act is a batch of feature maps (n, c, h, w), row-major.
type act struct {
	n, c, h, w int
	v          []float32
}

func newAct(n, c, h, w int) act { return act{n, c, h, w, make([]float32, n*c*h*w)} }

// plane returns map (i, ch).
func (a act) plane(i, ch int) []float32 {
	hw := a.h * a.w
	return a.v[(i*a.c+ch)*hw : (i*a.c+ch+1)*hw]
}

// basicConv is the FID Inception's BasicConv2d, a convolution without bias,
// BatchNorm (ε = 0.001, running statistics) and ReLU, with the BatchNorm
// folded into the convolution: with s = γ/√(var + ε),
//
//	w′[k] = s[k]·w[k],   b′[k] = β[k] − s[k]·mean[k],   y = ReLU(conv(x, w′) + b′).
type basicConv struct {
	name string
	geom kernels.ConvGeom // C, K, KH, KW, strides and padding; N, H, W per call
	w, b []float32
}

// apply runs the layer on x.
func (l *basicConv) apply(x act) act {
	g := l.geom
	g.N, g.H, g.W = x.n, x.h, x.w
	y := newAct(x.n, g.K, g.OutH(), g.OutW())
	if err := kernels.Conv2DForwardReLU(g, x.v, l.w, l.b, y.v); err != nil {
		panic(err) // shapes are fixed by the network; a mismatch is a bug
	}
	return y
}

// maxPool is max pooling with a k×k window, stride s and padding p that
// never wins (torch's max_pool2d): out = (h + 2p − k)/s + 1. It is
// separable: each row's maximum over the window's columns first, then the
// maximum of those over the window's rows (max is exact and NaN wins in
// either order, so this is the k×k maximum bit for bit).
func maxPool(x act, k, s, p int) act {
	oh, ow := (x.h+2*p-k)/s+1, (x.w+2*p-k)/s+1
	y := newAct(x.n, x.c, oh, ow)
	kernels.ForRanges(x.n*x.c, 1, func(lo, hi int) {
		rows := make([]float32, x.h*ow)
		for q := lo; q < hi; q++ {
			in, out := x.plane(q/x.c, q%x.c), y.plane(q/x.c, q%x.c)
			for a := range x.h {
				src, dst := in[a*x.w:(a+1)*x.w], rows[a*ow:(a+1)*ow]
				for j := range dst {
					b0, b1 := max(j*s-p, 0), min(j*s-p+k, x.w)
					m := src[b0]
					for _, v := range src[b0+1 : b1] {
						m = max(m, v)
					}
					dst[j] = m
				}
			}
			for i := range oh {
				a0, a1 := max(i*s-p, 0), min(i*s-p+k, x.h)
				dst := out[i*ow : (i+1)*ow]
				copy(dst, rows[a0*ow:(a0+1)*ow])
				for a := a0 + 1; a < a1; a++ {
					for j, v := range rows[a*ow : (a+1)*ow] {
						dst[j] = max(dst[j], v)
					}
				}
			}
		}
	})
	return y
}

// avgPool3 is 3×3 average pooling with stride 1 and padding 1 that
// averages over the pixels inside the image only (count_include_pad=False,
// the FID Inception's patch of its average pools). It is separable: the
// sums of three neighbours along each row, then of three such sums down
// each column, divided by the number of pixels in the window.
func avgPool3(x act) act {
	h, w := x.h, x.w
	y := newAct(x.n, x.c, h, w)
	kernels.ForRanges(x.n*x.c, 1, func(lo, hi int) {
		rows := make([]float32, h*w)
		for q := lo; q < hi; q++ {
			in, out := x.plane(q/x.c, q%x.c), y.plane(q/x.c, q%x.c)
			for a := range h {
				src, dst := in[a*w:(a+1)*w], rows[a*w:(a+1)*w]
				for j := range w {
					v := src[j]
					if j > 0 {
						v = src[j-1] + v
					}
					if j+1 < w {
						v += src[j+1]
					}
					dst[j] = v
				}
			}
			for i := range h {
				a0, a1 := max(i-1, 0), min(i+2, h)
				dst := out[i*w : (i+1)*w]
				copy(dst, rows[a0*w:(a0+1)*w])
				for a := a0 + 1; a < a1; a++ {
					for j, v := range rows[a*w : (a+1)*w] {
						dst[j] += v
					}
				}
				for j := range dst {
					dst[j] /= float32((a1 - a0) * (min(j+2, w) - max(j-1, 0)))
				}
			}
		}
	})
	return y
}

// concat joins batches of the same n, h and w along channels, images in
// parallel.
func concat(xs ...act) act {
	c := 0
	for _, x := range xs {
		c += x.c
	}
	y := newAct(xs[0].n, c, xs[0].h, xs[0].w)
	kernels.ForRanges(y.n, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			off := i * c * y.h * y.w
			for _, x := range xs {
				size := x.c * x.h * x.w
				copy(y.v[off:off+size], x.v[i*size:(i+1)*size])
				off += size
			}
		}
	})
	return y
}

// spatialMean is the mean of every map, (n, c) from (n, c, h, w): the
// global average pool (adaptive_avg_pool2d to 1×1), summed in float64.
func spatialMean(x act) []float32 {
	out := make([]float32, x.n*x.c)
	for q := range out {
		var s float64
		for _, v := range x.plane(q/x.c, q%x.c) {
			s += float64(v)
		}
		out[q] = float32(s / float64(x.h*x.w))
	}
	return out
}

package fid

import (
	"math"

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
	if err := kernels.Conv2DForward(g, x.v, l.w, l.b, y.v, nil); err != nil {
		panic(err) // shapes are fixed by the network; a mismatch is a bug
	}
	kernels.ForRanges(len(y.v), 1<<14, func(lo, hi int) {
		for i, v := range y.v[lo:hi] {
			y.v[lo+i] = max(v, 0)
		}
	})
	return y
}

// maxPool is max pooling with a k×k window, stride s and padding p that
// never wins (torch's max_pool2d): out = (h + 2p − k)/s + 1.
func maxPool(x act, k, s, p int) act {
	oh, ow := (x.h+2*p-k)/s+1, (x.w+2*p-k)/s+1
	y := newAct(x.n, x.c, oh, ow)
	kernels.ForRanges(x.n*x.c, 1, func(lo, hi int) {
		for q := lo; q < hi; q++ {
			in, out := x.plane(q/x.c, q%x.c), y.plane(q/x.c, q%x.c)
			for i := range oh {
				for j := range ow {
					m := float32(math.Inf(-1))
					for a := max(i*s-p, 0); a < min(i*s-p+k, x.h); a++ {
						for b := max(j*s-p, 0); b < min(j*s-p+k, x.w); b++ {
							m = max(m, in[a*x.w+b])
						}
					}
					out[i*ow+j] = m
				}
			}
		}
	})
	return y
}

// avgPool3 is 3×3 average pooling with stride 1 and padding 1 that
// averages over the pixels inside the image only (count_include_pad=False,
// the FID Inception's patch of its average pools).
func avgPool3(x act) act {
	y := newAct(x.n, x.c, x.h, x.w)
	kernels.ForRanges(x.n*x.c, 1, func(lo, hi int) {
		for q := lo; q < hi; q++ {
			in, out := x.plane(q/x.c, q%x.c), y.plane(q/x.c, q%x.c)
			for i := range x.h {
				for j := range x.w {
					var s float32
					a0, a1, b0, b1 := max(i-1, 0), min(i+2, x.h), max(j-1, 0), min(j+2, x.w)
					for a := a0; a < a1; a++ {
						for b := b0; b < b1; b++ {
							s += in[a*x.w+b]
						}
					}
					out[i*x.w+j] = s / float32((a1-a0)*(b1-b0))
				}
			}
		}
	})
	return y
}

// concat joins batches of the same n, h and w along channels.
func concat(xs ...act) act {
	c := 0
	for _, x := range xs {
		c += x.c
	}
	y := newAct(xs[0].n, c, xs[0].h, xs[0].w)
	for i := range y.n {
		off := i * c * y.h * y.w
		for _, x := range xs {
			size := x.c * x.h * x.w
			copy(y.v[off:off+size], x.v[i*size:(i+1)*size])
			off += size
		}
	}
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

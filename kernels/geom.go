package kernels

import "fmt"

// ConvGeom is the geometry of a 2-D convolution of a batch x (N, C, H, W)
// with filters w (K, C, KH, KW), strides (SH, SW) and zero padding of PH rows
// above and below and PW columns left and right. The output y is
// (N, K, OutH, OutW) with
//
//	OutH = (H + 2·PH − KH)/SH + 1,   OutW = (W + 2·PW − KW)/SW + 1
//
// (integer division), and
//
//	y[n,k,i,j] = Σ_{c,p,q} w[k,c,p,q] · x[n, c, i·SH − PH + p, j·SW − PW + q]
//
// where x is zero outside its bounds.
//
// With Up > 1 the convolution is fused with a nearest-neighbour upsampling
// of its input: the stored x is (N, C, H/Up, W/Up) and the convolution sees
// the image x[n, c, h/Up, v/Up] (integer division) of size H × W, as if
// x had been upsampled by Up first. Up = 0 or 1 means no upsampling.
type ConvGeom struct {
	N, C, H, W int // input batch size, channels, height, width
	K, KH, KW  int // output channels, filter height and width
	SH, SW     int // vertical and horizontal stride
	PH, PW     int // zero padding on each side, vertical and horizontal
	Up         int // nearest-neighbour upsampling factor of x (0 or 1: none)
}

// up is the upsampling factor, at least 1.
func (g ConvGeom) up() int { return max(g.Up, 1) }

// OutH is the output height (H + 2·PH − KH)/SH + 1.
func (g ConvGeom) OutH() int { return (g.H+2*g.PH-g.KH)/g.SH + 1 }

// OutW is the output width (W + 2·PW − KW)/SW + 1.
func (g ConvGeom) OutW() int { return (g.W+2*g.PW-g.KW)/g.SW + 1 }

// Validate reports why g cannot describe a convolution: a non-positive size
// or stride, a negative padding, or a filter larger than the padded input.
func (g ConvGeom) Validate() error {
	switch {
	case g.N < 1 || g.C < 1 || g.H < 1 || g.W < 1:
		return fmt.Errorf("kernels: conv input (N=%d, C=%d, H=%d, W=%d) must have positive sizes", g.N, g.C, g.H, g.W)
	case g.K < 1 || g.KH < 1 || g.KW < 1:
		return fmt.Errorf("kernels: conv filter (K=%d, KH=%d, KW=%d) must have positive sizes", g.K, g.KH, g.KW)
	case g.SH < 1 || g.SW < 1:
		return fmt.Errorf("kernels: conv stride (%d, %d) must be positive", g.SH, g.SW)
	case g.PH < 0 || g.PW < 0:
		return fmt.Errorf("kernels: conv padding (%d, %d) must not be negative", g.PH, g.PW)
	case g.Up < 0 || g.H%g.up() != 0 || g.W%g.up() != 0:
		return fmt.Errorf("kernels: conv input %dx%d is not an upsampling by %d", g.H, g.W, g.Up)
	case g.H+2*g.PH < g.KH || g.W+2*g.PW < g.KW:
		return fmt.Errorf("kernels: conv filter %dx%d larger than padded input %dx%d", g.KH, g.KW, g.H+2*g.PH, g.W+2*g.PW)
	}
	return nil
}

// XSize is the number of elements of x, N·C·H·W/Up².
func (g ConvGeom) XSize() int { return g.N * g.imgSize() }

// imgSize is the number of elements of one stored image of x, C·H·W/Up².
func (g ConvGeom) imgSize() int { return g.C * (g.H / g.up()) * (g.W / g.up()) }

// WSize is the number of elements of w, K·C·KH·KW.
func (g ConvGeom) WSize() int { return g.K * g.C * g.KH * g.KW }

// YSize is the number of elements of y, N·K·OutH·OutW.
func (g ConvGeom) YSize() int { return g.N * g.K * g.OutH() * g.OutW() }

// ColRows is the number of rows of one image's im2col matrix, C·KH·KW.
func (g ConvGeom) ColRows() int { return g.C * g.KH * g.KW }

// ColCols is the number of columns of one image's im2col matrix, OutH·OutW.
func (g ConvGeom) ColCols() int { return g.OutH() * g.OutW() }

// pointwise reports whether the im2col matrix of an image is the image
// itself (1×1 filter, unit stride, no padding).
func (g ConvGeom) pointwise() bool {
	return g.KH == 1 && g.KW == 1 && g.up() == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0
}

// checkLen returns an error naming the first slice whose length is not the
// wanted one.
func checkLen(op string, names []string, lens, want []int) error {
	for i := range names {
		if lens[i] != want[i] {
			return fmt.Errorf("kernels: %s: %s has %d elements, want %d", op, names[i], lens[i], want[i])
		}
	}
	return nil
}

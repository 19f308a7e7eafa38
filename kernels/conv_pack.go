package kernels

import "math"

// The convolutions are matrix products whose operands are views of images
// and gradients; these types pack them straight into the GEMM's panels, so
// that no im2col matrix is ever written. With R = C·KH·KW filter taps,
// r = (c·KH + p)·KW + q a tap and (i, jj) an output pixel, the im2col matrix
// of image n is
//
//	col_n[r, (i, jj)] = x[n, c, i·SH − PH + p, jj·SW − PW + q]   (0 in the padding).
//
// To make every row of col_n a contiguous run of memory, the image is first
// zero-padded and split into its SH×SW stride phases (see phasedGeom): in
// phase (p mod SH, q mod SW) tap r of pixel (i, jj) sits at a fixed offset
// plus i·Wq + jj, where Wq is the phase width. The products then run over a
// virtual grid of OutH × Wq pixels, whose columns jj ≥ OutW are discarded
// (outputs) or zero (gradients); a stride-1 3×3 convolution of a 14×14 image
// computes 16 columns per row instead of 14, in exchange for plain copies.

// phasedGeom lays out an image padded by (PH, PW) and split into phases:
// phase (a, b) of channel c holds padded pixel (a + SH·u, b + SW·v) at
// ((a·SW + b)·C + c)·Hq·Wq + u·Wq + v.
type phasedGeom struct {
	g      ConvGeom
	hq, wq int     // phase height and width
	size   int     // elements of one phased image, with slack for overruns
	taps   []int32 // where the run of each tap starts (see newPhasedGeom)
}

func newPhasedGeom(g ConvGeom) phasedGeom {
	ph := phasedGeom{g: g}
	ph.hq, ph.wq, ph.size = phasedDims(g)
	// Virtual pixel (i, jj) of tap r = (c·KH + p)·KW + q is at
	// taps[r] + i·Wq + jj.
	ph.taps = make([]int32, g.C*g.KH*g.KW)
	for r := range ph.taps {
		c, p, q := r/(g.KH*g.KW), (r/g.KW)%g.KH, r%g.KW
		phase := (p%g.SH)*g.SW + q%g.SW
		ph.taps[r] = int32((phase*g.C+c)*ph.hq*ph.wq + (p/g.SH)*ph.wq + q/g.SW)
	}
	return ph
}

// outs is the number of virtual output pixels, OutH·Wq.
func (ph phasedGeom) outs() int { return ph.g.OutH() * ph.wq }

// phasedDims returns the phase height and width of g's padded input and the
// size of one phased image.
func phasedDims(g ConvGeom) (hq, wq, size int) {
	hp, wp := g.H+2*g.PH, g.W+2*g.PW
	hq, wq = (hp+g.SH-1)/g.SH, (wp+g.SW-1)/g.SW
	// The last tap's run may read past its plane by (KW−1)/SW elements into
	// garbage columns, and a micro-kernel reading a run in place up to maxNR
	// further; the slack keeps those reads inside the buffer.
	return hq, wq, g.SH*g.SW*g.C*hq*wq + wq + maxNR
}

// PhasedSize is the number of elements of the phased copy of one input
// image of g that Conv2DForward can keep for Conv2DBackwardFilter.
func PhasedSize(g ConvGeom) int {
	_, _, size := phasedDims(g)
	return size
}

// fillPhased writes the phased image of x (C, H/Up, W/Up), upsampled by
// Up, into dst (ph.size elements). With stride 1 there is one phase, the
// padded image: its rows are copied (a repeated row from the one above)
// and only the padding is cleared.
func fillPhased[T Float](ph phasedGeom, dst, x []T) {
	g := ph.g
	up := g.up()
	h, w := g.H/up, g.W/up
	plane := ph.hq * ph.wq
	if g.SH != 1 || g.SW != 1 {
		clear(dst)
		// Padded pixel (ih+PH, iw+PW) lands in phase (a, b) at (u, v), with
		// a, u = (ih+PH) mod SH, (ih+PH)/SH and b, v alike: walk them along
		// with ih and iw, and the source column j = iw/Up, without dividing.
		for c := range g.C {
			a, u := g.PH%g.SH, g.PH/g.SH
			for ih := range g.H {
				src := x[(c*h+ih/up)*w:][:w]
				row := dst[(a*g.SW*g.C+c)*plane+u*ph.wq:]
				b, v, j, r := g.PW%g.SW, g.PW/g.SW, 0, 0
				for range g.W {
					row[b*g.C*plane+v] = src[j]
					if b++; b == g.SW {
						b, v = 0, v+1
					}
					if r++; r == up {
						r, j = 0, j+1
					}
				}
				if a++; a == g.SH {
					a, u = 0, u+1
				}
			}
		}
		return
	}
	for c := range g.C {
		img := dst[c*plane : (c+1)*plane]
		clear(img[:g.PH*ph.wq])
		clear(img[(g.PH+g.H)*ph.wq:])
		for ih := range g.H {
			row := img[(g.PH+ih)*ph.wq : (g.PH+ih+1)*ph.wq]
			if ih%up != 0 {
				copy(row, img[(g.PH+ih-1)*ph.wq:])
				continue
			}
			clear(row[:g.PW])
			upsampleRow(row[g.PW:g.PW+g.W], x[(c*h+ih/up)*w:][:w], up)
			clear(row[g.PW+g.W:])
		}
	}
	clear(dst[g.C*plane:])
}

// phasedPatches is col_n over the virtual grid, read from one phased image:
// the B operand (R × OutH·Wq) of the forward product w · col_n.
type phasedPatches[T Float] struct {
	ph  phasedGeom
	img []T
}

// direct lets the micro-kernels read the runs in place: row r of the
// operand is the image from offset taps[r] on.
func (b phasedPatches[T]) direct(p0, kc, j0 int) ([]T, []int32) {
	return b.img[j0:], b.ph.taps[p0 : p0+kc]
}

func (b phasedPatches[T]) packB(dst []T, p0, kc, j0, nc, nr int) {
	for s := 0; s*nr < nc; s++ {
		panel := dst[s*kc*nr : (s+1)*kc*nr]
		cols := min(nr, nc-s*nr)
		for t := range kc {
			d := panel[t*nr : (t+1)*nr]
			copy(d[:cols], b.img[int(b.ph.taps[p0+t])+j0+s*nr:])
			clear(d[cols:])
		}
	}
}

// widen copies rows of width ow from src (rows·ow) into rows of width wq
// of dst (rows·wq), zeroing the extra columns.
func widen[T Float](dst, src []T, rows, ow, wq int) {
	for i := range rows {
		d := dst[i*wq : (i+1)*wq]
		copy(d, src[i*ow:(i+1)*ow])
		clear(d[ow:])
	}
}

// narrow copies the first ow columns of each row of width wq of src into
// rows of width ow of dst, adding b, and with relu taking max(·, 0) (a NaN
// stays NaN); in float32 by narrow32 where the CPU has one.
func narrow[T Float](dst, src []T, rows, ow, wq int, b T, relu bool) {
	if d, ok := any(dst).([]float32); ok && narrow32 != nil && rows > 0 && ow > 0 {
		s := any(src).([]float32)
		_, _ = s[(rows-1)*wq+ow-1], d[rows*ow-1] // the kernel stays within these
		lo := float32(math.Inf(-1))
		if relu {
			lo = 0
		}
		narrow32(&d[0], &s[0], rows, ow, wq, any(b).(float32), lo)
		return
	}
	narrowGo(dst, src, rows, ow, wq, b, relu)
}

func narrowGo[T Float](dst, src []T, rows, ow, wq int, b T, relu bool) {
	for i := range rows {
		d := dst[i*ow : (i+1)*ow]
		for j, v := range src[i*wq : i*wq+ow] {
			d[j] = v + b
			if relu {
				d[j] = max(d[j], 0)
			}
		}
	}
}

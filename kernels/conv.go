package kernels

import "fmt"

// filterChunks is the number of batch chunks whose filter-gradient partials
// Conv2DBackwardFilter sums. It is a constant, not the goroutine count, so
// that the rounding of the sum is the same on every machine.
const filterChunks = 8

// Conv2DForward computes the convolution of g (see ConvGeom)
//
//	y[n,k,i,j] = bias[k] + Σ_{c,p,q} w[k,c,p,q] · x[n, c, i·SH − PH + p, j·SW − PW + q]
//
// for x (N,C,H,W) (or (N,C,H/Up,W/Up), upsampled on the fly: see ConvGeom),
// w (K,C,KH,KW), bias (K) or nil, into y (N,K,OutH,OutW), which is
// overwritten. Each image is phased (see phasedGeom) and multiplied
// as w·col_n over the virtual grid; images run in parallel on up to
// GOMAXPROCS goroutines. When keep is not nil (N·PhasedSize(g) elements) the
// phased images are left in it, for Conv2DBackwardFilter on the same x.
func Conv2DForward[T Float](g ConvGeom, x, w, bias, y, keep []T) error {
	if err := checkConv(g, "conv2d forward", [4]string{"x", "w", "bias", "y"}, x, w, bias, y); err != nil {
		return err
	}
	if keep != nil && len(keep) != g.N*PhasedSize(g) {
		return fmt.Errorf("conv2d forward: keep has %d elements, want %d", len(keep), g.N*PhasedSize(g))
	}
	convForward(g, x, w, bias, y, keep, 1, false)
	return nil
}

// Conv2DForwardReLU is Conv2DForward followed by the ReLU, y = max(conv + bias, 0)
// (a NaN stays NaN), with the ReLU fused into the copy of each output row:
// the convolution of a network that has no use for its pre-activations.
func Conv2DForwardReLU[T Float](g ConvGeom, x, w, bias, y []T) error {
	if err := checkConv(g, "conv2d forward", [4]string{"x", "w", "bias", "y"}, x, w, bias, y); err != nil {
		return err
	}
	convForward(g, x, w, bias, y, nil, 1, true)
	return nil
}

// convForward is Conv2DForward without checks, whose output is summed over
// pool×pool blocks (see sumBlocks) when pool > 1 (bias must then be nil and
// relu false), and goes through the ReLU when relu is set.
func convForward[T Float](g ConvGeom, x, w, bias, y, keep []T, pool int, relu bool) {
	ph := newPhasedGeom(g)
	taps, oh, ow, vouts := g.ColRows(), g.OutH(), g.OutW(), ph.outs()
	xs, ys := g.imgSize(), g.K*oh*ow/(pool*pool)
	nw := workers(g.N)
	imgs, release := scratch[T](nw, ph.size)
	defer release()
	outs, release2 := scratch[T](nw, g.K*vouts)
	defer release2()
	pl := planOf[T]()
	wp := pl.prepack(matrix[T]{w, taps, false}, g.K, taps)
	parallel(g.N, nw, func(wk, n int) {
		img := imgs[wk]
		if keep != nil {
			img = keep[n*ph.size : (n+1)*ph.size]
		}
		fillPhased(ph, img, x[n*xs:(n+1)*xs])
		pl.mul(g.K, vouts, taps, 1, wp, phasedPatches[T]{ph, img}, 0, outs[wk], vouts)
		if pool > 1 {
			sumBlocks(y[n*ys:(n+1)*ys], outs[wk], ow/pool, ph.wq, pool)
			return
		}
		for k := range g.K {
			var b T
			if bias != nil {
				b = bias[k]
			}
			narrow(y[n*ys+k*oh*ow:], outs[wk][k*vouts:], oh, ow, ph.wq, b, relu)
		}
	})
}

// Conv2DBackwardData computes the gradient of a loss with respect to the
// input of the convolution g, given its gradient dy (N,K,OutH,OutW) with
// respect to the output:
//
//	dx[n,c,h,v] = Σ_{k,i,j,p,q : i·SH−PH+p = h, j·SW−PW+q = v} w[k,c,p,q] · dy[n,k,i,j]
//
// dx (N,C,H,W) is overwritten. With stride 1 (and padding below the filter
// size) this is the forward convolution of dy with the flipped, transposed
// filters and padding KH−1−PH, KW−1−PW; otherwise dx[n] = col2im(wᵀ · dy[n]).
// With Up > 1, dx is (N,C,H/Up,W/Up) and gets the sums of the Up×Up blocks
// of that gradient (the adjoint of the upsampling). Images run in parallel.
func Conv2DBackwardData[T Float](g ConvGeom, dy, w, dx []T) error {
	if err := checkConv(g, "conv2d backward data", [4]string{"dx", "w", "", "dy"}, dx, w, nil, dy); err != nil {
		return err
	}
	if g.SH == 1 && g.SW == 1 && g.PH < g.KH && g.PW < g.KW {
		flipped := make([]T, len(w)) // flipped[c,k,p,q] = w[k,c,KH−1−p,KW−1−q]
		for k := range g.K {
			for c := range g.C {
				src := w[(k*g.C+c)*g.KH*g.KW:][:g.KH*g.KW]
				dst := flipped[(c*g.K+k)*g.KH*g.KW:][:g.KH*g.KW]
				for i, v := range src {
					dst[len(dst)-1-i] = v
				}
			}
		}
		t := ConvGeom{N: g.N, C: g.K, H: g.OutH(), W: g.OutW(), K: g.C, KH: g.KH, KW: g.KW, SH: 1, SW: 1, PH: g.KH - 1 - g.PH, PW: g.KW - 1 - g.PW}
		convForward(t, dy, flipped, nil, dx, nil, g.up(), false)
		return nil
	}
	taps, outs, up := g.ColRows(), g.ColCols(), g.up()
	xs, ys := g.imgSize(), g.K*outs
	nw := workers(g.N)
	var bufs, full [][]T
	if !g.pointwise() {
		var release func()
		bufs, release = scratch[T](nw, taps*outs)
		defer release()
	}
	if up > 1 {
		var release func()
		full, release = scratch[T](nw, g.C*g.H*g.W)
		defer release()
	}
	pl := planOf[T]()
	parallel(g.N, nw, func(wk, n int) {
		dxn, dyn := dx[n*xs:(n+1)*xs], dy[n*ys:(n+1)*ys]
		dcol := dxn // a 1×1 convolution's im2col matrix is the image
		if bufs != nil {
			dcol = bufs[wk]
		}
		pl.mul(taps, outs, g.K, 1, matrix[T]{w, taps, true}, matrix[T]{dyn, outs, false}, 0, dcol, outs)
		switch {
		case up > 1:
			clear(full[wk])
			col2im(g, dcol, full[wk])
			sumBlocks(dxn, full[wk], g.W/up, g.W, up)
		case bufs != nil:
			clear(dxn)
			col2im(g, dcol, dxn)
		}
	})
	return nil
}

// Conv2DBackwardFilter computes the gradients of a loss with respect to the
// filters and bias of the convolution g, given the input x (N,C,H,W), or
// (N,C,H/Up,W/Up) to upsample (see ConvGeom), and the
// gradient dy (N,K,OutH,OutW) with respect to the output:
//
//	dw[k,c,p,q] = Σ_{n,i,j} dy[n,k,i,j] · x[n, c, i·SH − PH + p, j·SW − PW + q]
//	dbias[k]    = Σ_{n,i,j} dy[n,k,i,j]
//
// dw (K,C,KH,KW) and dbias (K) are overwritten; dbias may be nil. Over the
// virtual grid of the phased images (see phasedGeom), dw[k, r] is the dot
// product of the gradient row dy_n[k] (zero in the extra columns) with the
// contiguous row of tap r, summed over n: the dot kernel computes these in
// tiles, straight from memory. The batch is cut into min(N, 8) contiguous
// chunks, run in parallel; the chunk partials are added in chunk order. When
// kept is not nil it must hold the phased images Conv2DForward kept for this
// x, which are then used instead of phasing x again.
func Conv2DBackwardFilter[T Float](g ConvGeom, x, dy, dw, dbias, kept []T) error {
	if err := checkConv(g, "conv2d backward filter", [4]string{"x", "dw", "dbias", "dy"}, x, dw, dbias, dy); err != nil {
		return err
	}
	if kept != nil && len(kept) != g.N*PhasedSize(g) {
		return fmt.Errorf("conv2d backward filter: kept has %d elements, want %d", len(kept), g.N*PhasedSize(g))
	}
	ph := newPhasedGeom(g)
	taps, oh, ow, vouts := g.ColRows(), g.OutH(), g.OutW(), ph.outs()
	xs, ys := g.imgSize(), g.K*oh*ow
	chunks := min(g.N, filterChunks)
	per := (g.N + chunks - 1) / chunks // images in the largest chunk
	nw := workers(chunks)
	dk := dotsOf[T]()
	var imgs [][]T
	if kept == nil {
		var release func()
		imgs, release = scratch[T](nw, per*ph.size)
		defer release()
	}
	grads, release2 := scratch[T](nw, per*g.K*vouts)
	defer release2()
	parts, release4 := scratch[T](chunks-1, len(dw))
	defer release4()
	parts = append([][]T{dw}, parts...)
	parallel(chunks, nw, func(wk, c int) {
		n0, n1 := c*g.N/chunks, (c+1)*g.N/chunks
		var phased []T
		if kept != nil {
			phased = kept[n0*ph.size:]
		} else {
			phased = imgs[wk]
		}
		for m := range n1 - n0 {
			if kept == nil {
				fillPhased(ph, phased[m*ph.size:(m+1)*ph.size], x[(n0+m)*xs:(n0+m+1)*xs])
			}
			for k := range g.K {
				widen(grads[wk][(m*g.K+k)*vouts:], dy[(n0+m)*ys+k*oh*ow:], oh, ow, ph.wq)
			}
		}
		part := parts[c]
		var a, b [dotRows][]T
		var sums [dotRows * dotRows]T
		for k0 := 0; k0 < g.K; k0 += dk.ra {
			for r0 := 0; r0 < taps; r0 += dk.rb {
				// Rows past the edge repeat the last one; their sums are dropped.
				for i := range dk.ra {
					a[i] = grads[wk][min(k0+i, g.K-1)*vouts:]
				}
				for j := range dk.rb {
					b[j] = phased[int(ph.taps[min(r0+j, taps-1)]):]
				}
				dk.run(vouts, n1-n0, g.K*vouts, ph.size, &a, &b, sums[:])
				for i := range min(dk.ra, g.K-k0) {
					for j := range min(dk.rb, taps-r0) {
						part[(k0+i)*taps+r0+j] = sums[i*dk.rb+j]
					}
				}
			}
		}
	})
	for _, p := range parts[1:] {
		for i, v := range p {
			dw[i] += v
		}
	}
	if dbias != nil {
		return BiasBackward(dy, g.N, g.K, g.ColCols(), dbias)
	}
	return nil
}

// BiasBackward sets db[k] = Σ_{n,p} dy[n,k,p] for dy (n, k, hw), the
// gradient of a per-channel bias, accumulating in float64 in a fixed order.
// Ranges of channels run in parallel.
func BiasBackward[T Float](dy []T, n, k, hw int, db []T) error {
	if n < 1 || k < 1 || hw < 1 {
		return fmt.Errorf("kernels: bias backward: sizes (n=%d, k=%d, hw=%d) must be positive", n, k, hw)
	}
	if err := checkLen("bias backward", []string{"dy", "db"}, []int{len(dy), len(db)}, []int{n * k * hw, k}); err != nil {
		return err
	}
	ForRanges(k, 1, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			var s float64
			for b := range n {
				s += sum64(dy[(b*k+c)*hw:][:hw])
			}
			db[c] = T(s)
		}
	})
	return nil
}

// sum64 is Σ v in float64, in four interleaved partial sums (v[i] goes to
// sum i mod 4) added at the end: a fixed order, so the same on every
// machine, without the latency of one long chain of additions.
func sum64[T Float](v []T) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		s0 += float64(v[i])
		s1 += float64(v[i+1])
		s2 += float64(v[i+2])
		s3 += float64(v[i+3])
	}
	for ; i < len(v); i++ {
		s0 += float64(v[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// checkConv validates g and the lengths of the slices a convolution kernel
// gets, named in names: one of input shape x, one of filter shape w, one of
// bias shape b (nil for none) and one of output shape y.
func checkConv[T Float](g ConvGeom, op string, names [4]string, x, w, b, y []T) error {
	if err := g.Validate(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	lens := []int{len(x), len(w), len(y)}
	want := []int{g.XSize(), g.WSize(), g.YSize()}
	ns := []string{names[0], names[1], names[3]}
	if b != nil {
		ns, lens, want = append(ns, names[2]), append(lens, len(b)), append(want, g.K)
	}
	return checkLen(op, ns, lens, want)
}

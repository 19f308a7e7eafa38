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
// for x (N,C,H,W), w (K,C,KH,KW), bias (K) or nil, into y (N,K,OutH,OutW),
// which is overwritten. Each image is one product w·im2col(x[n]); images run
// in parallel on up to GOMAXPROCS goroutines.
func Conv2DForward[T Float](g ConvGeom, x, w, bias, y []T) error {
	if err := checkConv(g, "conv2d forward", [4]string{"x", "w", "bias", "y"}, x, w, bias, y); err != nil {
		return err
	}
	rows, cols := g.ColRows(), g.ColCols()
	xs, ys := g.C*g.H*g.W, g.K*cols
	nw := workers(g.N)
	var bufs [][]T
	if !g.pointwise() {
		bufs = scratch[T](nw, rows*cols)
	}
	parallel(g.N, nw, func(wk, n int) {
		col, yn := x[n*xs:(n+1)*xs], y[n*ys:(n+1)*ys]
		if bufs != nil {
			col = bufs[wk]
			im2col(g, x[n*xs:(n+1)*xs], col)
		}
		Gemm(false, false, g.K, cols, rows, 1, w, rows, col, cols, 0, yn, cols)
		for k, b := range bias {
			row := yn[k*cols : (k+1)*cols]
			for i := range row {
				row[i] += b
			}
		}
	})
	return nil
}

// Conv2DBackwardData computes the gradient of a loss with respect to the
// input of the convolution g, given its gradient dy (N,K,OutH,OutW) with
// respect to the output:
//
//	dx[n,c,h,v] = Σ_{k,i,j,p,q : i·SH−PH+p = h, j·SW−PW+q = v} w[k,c,p,q] · dy[n,k,i,j]
//
// that is dx[n] = col2im(wᵀ · dy[n]). dx (N,C,H,W) is overwritten. Images
// run in parallel.
func Conv2DBackwardData[T Float](g ConvGeom, dy, w, dx []T) error {
	if err := checkConv(g, "conv2d backward data", [4]string{"dx", "w", "", "dy"}, dx, w, nil, dy); err != nil {
		return err
	}
	rows, cols := g.ColRows(), g.ColCols()
	xs, ys := g.C*g.H*g.W, g.K*cols
	nw := workers(g.N)
	var bufs [][]T
	if !g.pointwise() {
		bufs = scratch[T](nw, rows*cols)
	}
	parallel(g.N, nw, func(wk, n int) {
		dxn, dyn := dx[n*xs:(n+1)*xs], dy[n*ys:(n+1)*ys]
		if bufs == nil {
			Gemm(true, false, rows, cols, g.K, 1, w, rows, dyn, cols, 0, dxn, cols)
			return
		}
		dcol := bufs[wk]
		Gemm(true, false, rows, cols, g.K, 1, w, rows, dyn, cols, 0, dcol, cols)
		clear(dxn)
		col2im(g, dcol, dxn)
	})
	return nil
}

// Conv2DBackwardFilter computes the gradients of a loss with respect to the
// filters and bias of the convolution g, given the input x (N,C,H,W) and the
// gradient dy (N,K,OutH,OutW) with respect to the output:
//
//	dw[k,c,p,q] = Σ_{n,i,j} dy[n,k,i,j] · x[n, c, i·SH − PH + p, j·SW − PW + q]
//	dbias[k]    = Σ_{n,i,j} dy[n,k,i,j]
//
// dw (K,C,KH,KW) and dbias (K) are overwritten; dbias may be nil. The batch
// is cut into min(N, 8) contiguous chunks, each summed (Σ_n dy[n]·im2col(x[n])ᵀ)
// into its own partial in parallel; the partials are then added in chunk order.
func Conv2DBackwardFilter[T Float](g ConvGeom, x, dy, dw, dbias []T) error {
	if err := checkConv(g, "conv2d backward filter", [4]string{"x", "dw", "dbias", "dy"}, x, dw, dbias, dy); err != nil {
		return err
	}
	rows, cols := g.ColRows(), g.ColCols()
	xs, ys := g.C*g.H*g.W, g.K*cols
	chunks := min(g.N, filterChunks)
	parts := append([][]T{dw}, scratch[T](chunks-1, len(dw))...)
	nw := workers(chunks)
	var bufs [][]T
	if !g.pointwise() {
		bufs = scratch[T](nw, rows*cols)
	}
	parallel(chunks, nw, func(wk, c int) {
		var beta T
		for n := c * g.N / chunks; n < (c+1)*g.N/chunks; n++ {
			col := x[n*xs : (n+1)*xs]
			if bufs != nil {
				col = bufs[wk]
				im2col(g, x[n*xs:(n+1)*xs], col)
			}
			Gemm(false, true, g.K, rows, cols, 1, dy[n*ys:(n+1)*ys], cols, col, cols, beta, parts[c], rows)
			beta = 1
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
func BiasBackward[T Float](dy []T, n, k, hw int, db []T) error {
	if n < 1 || k < 1 || hw < 1 {
		return fmt.Errorf("kernels: bias backward: sizes (n=%d, k=%d, hw=%d) must be positive", n, k, hw)
	}
	if err := checkLen("bias backward", []string{"dy", "db"}, []int{len(dy), len(db)}, []int{n * k * hw, k}); err != nil {
		return err
	}
	for c := range db {
		var s float64
		for b := range n {
			for _, v := range dy[(b*k+c)*hw:][:hw] {
				s += float64(v)
			}
		}
		db[c] = T(s)
	}
	return nil
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

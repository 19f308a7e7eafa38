package kernels

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// at returns x[n,c,h,v] of an (N,C,H,W) tensor, or 0 outside the image.
func at(x []float64, c, h, w, n, ch, i, j int) float64 {
	if i < 0 || i >= h || j < 0 || j >= w {
		return 0
	}
	return x[((n*c+ch)*h+i)*w+j]
}

// refConv is the direct 7-loop convolution y = w ⋆ x + b.
func refConv(g ConvGeom, x, w, b []float64) []float64 {
	oh, ow := g.OutH(), g.OutW()
	y := make([]float64, g.N*g.K*oh*ow)
	for n := range g.N {
		for k := range g.K {
			for i := range oh {
				for j := range ow {
					var s float64
					if b != nil {
						s = b[k]
					}
					for c := range g.C {
						for p := range g.KH {
							for q := range g.KW {
								s += w[((k*g.C+c)*g.KH+p)*g.KW+q] * at(x, g.C, g.H, g.W, n, c, i*g.SH-g.PH+p, j*g.SW-g.PW+q)
							}
						}
					}
					y[((n*g.K+k)*oh+i)*ow+j] = s
				}
			}
		}
	}
	return y
}

// refConvBackward returns dx, dw and db of the loss Σ dy ⊙ conv(x, w, b) by
// scattering every product of the direct loops.
func refConvBackward(g ConvGeom, x, w, dy []float64) (dx, dw, db []float64) {
	oh, ow := g.OutH(), g.OutW()
	dx, dw, db = make([]float64, len(x)), make([]float64, len(w)), make([]float64, g.K)
	for n := range g.N {
		for k := range g.K {
			for i := range oh {
				for j := range ow {
					d := dy[((n*g.K+k)*oh+i)*ow+j]
					db[k] += d
					for c := range g.C {
						for p := range g.KH {
							for q := range g.KW {
								h, v := i*g.SH-g.PH+p, j*g.SW-g.PW+q
								if h < 0 || h >= g.H || v < 0 || v >= g.W {
									continue
								}
								xi, wi := ((n*g.C+c)*g.H+h)*g.W+v, ((k*g.C+c)*g.KH+p)*g.KW+q
								dx[xi] += w[wi] * d
								dw[wi] += x[xi] * d
							}
						}
					}
				}
			}
		}
	}
	return dx, dw, db
}

// convCases are the geometries of the tests: every filter shape with every
// stride and padding below, on an odd-sized batch.
func convCases() []ConvGeom {
	var gs []ConvGeom
	for _, k := range [][2]int{{1, 1}, {3, 3}, {5, 5}, {1, 7}, {7, 1}} {
		for _, s := range [][2]int{{1, 1}, {2, 2}, {2, 1}} {
			for _, p := range [][2]int{{0, 0}, {k[0] / 2, k[1] / 2}, {1, 2}, {2, 1}} {
				gs = append(gs, ConvGeom{N: 3, C: 5, H: 9, W: 7, K: 4, KH: k[0], KW: k[1], SH: s[0], SW: s[1], PH: p[0], PW: p[1]})
			}
		}
	}
	// Fused with upsampling.
	for _, k := range [][2]int{{1, 1}, {3, 3}, {1, 7}} {
		for _, s := range [][2]int{{1, 1}, {2, 2}} {
			for _, p := range [][2]int{{0, 0}, {k[0] / 2, k[1] / 2}} {
				for _, up := range []int{2, 3} {
					gs = append(gs, ConvGeom{N: 3, C: 5, H: 6, W: 12, K: 4, KH: k[0], KW: k[1], SH: s[0], SW: s[1], PH: p[0], PW: p[1], Up: up})
				}
			}
		}
	}
	return gs
}

// refUpsample returns the stored input x of g upsampled to (N,C,H,W), and g
// without upsampling: the convolution the references compute on it.
func refUpsample(g ConvGeom, x []float64) (ConvGeom, []float64) {
	up := max(g.Up, 1)
	xu := make([]float64, g.N*g.C*g.H*g.W)
	for i := range xu {
		nc, h, v := i/(g.H*g.W), i/g.W%g.H, i%g.W
		xu[i] = x[(nc*(g.H/up)+h/up)*(g.W/up)+v/up]
	}
	g.Up = 0
	return g, xu
}

// refBlockSum is the adjoint of refUpsample: the gradient with respect to
// the stored x of g from the gradient dxu with respect to its upsampling.
func refBlockSum(g ConvGeom, dxu []float64) []float64 {
	up := max(g.Up, 1)
	dx := make([]float64, g.XSize())
	for i, d := range dxu {
		nc, h, v := i/(g.H*g.W), i/g.W%g.H, i%g.W
		dx[(nc*(g.H/up)+h/up)*(g.W/up)+v/up] += d
	}
	return dx
}

func TestConvMatchesDirectLoops(t *testing.T) {
	t.Run("float32", testConv[float32])
	t.Run("float64", testConv[float64])
}

func testConv[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, g := range convCases() {
		name := fmt.Sprintf("%+v", g)
		if err := g.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		x, w, b, dy := randn(rng, g.XSize()), randn(rng, g.WSize()), randn(rng, g.K), randn(rng, g.YSize())
		plain, xu := refUpsample(g, x)
		wantDxu, wantDw, wantDb := refConvBackward(plain, xu, w, dy)
		wantDx, wantY := refBlockSum(g, wantDxu), refConv(plain, xu, w, b)

		y := make([]T, g.YSize())
		if err := Conv2DForward(g, as[T](x), as[T](w), as[T](b), y, nil); err != nil {
			t.Fatal(err)
		}
		assertClose(t, name+" forward", y, wantY)
		// Again without bias, keeping the phased images for the filter gradient.
		kept := make([]T, g.N*PhasedSize(g))
		if err := Conv2DForward(g, as[T](x), as[T](w), nil, y, kept); err != nil {
			t.Fatal(err)
		}
		assertClose(t, name+" forward without bias", y, refConv(plain, xu, w, nil))

		dx := make([]T, g.XSize())
		if err := Conv2DBackwardData(g, as[T](dy), as[T](w), dx); err != nil {
			t.Fatal(err)
		}
		assertClose(t, name+" backward data", dx, wantDx)

		dw, db := make([]T, g.WSize()), make([]T, g.K)
		if err := Conv2DBackwardFilter(g, as[T](x), as[T](dy), dw, db, nil); err != nil {
			t.Fatal(err)
		}
		assertClose(t, name+" backward filter", dw, wantDw)
		assertClose(t, name+" backward bias", db, wantDb)
		dwKept := make([]T, g.WSize())
		if err := Conv2DBackwardFilter(g, as[T](x), as[T](dy), dwKept, nil, kept); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(dwKept, dw) {
			t.Fatalf("%s: filter gradient from the kept phased images differs", name)
		}
	}
}

// refIm2Col is col_n[r, j] of image n written out from the definition.
func refIm2Col(g ConvGeom, x []float64, n int) []float64 {
	oh, ow := g.OutH(), g.OutW()
	col := make([]float64, g.ColRows()*g.ColCols())
	for c := range g.C {
		for p := range g.KH {
			for q := range g.KW {
				for i := range oh {
					for j := range ow {
						col[((c*g.KH+p)*g.KW+q)*oh*ow+i*ow+j] = at(x, g.C, g.H, g.W, n, c, i*g.SH-g.PH+p, j*g.SW-g.PW+q)
					}
				}
			}
		}
	}
	return col
}

// unpackB reads the rows×cols block at (p0, j0) of operand b back out of its
// packed panels, as a row-major matrix.
func unpackB(b operandB[float64], p0, rows, j0, cols, nr int) []float64 {
	buf := make([]float64, ((cols+nr-1)/nr)*nr*rows)
	b.packB(buf, p0, rows, j0, cols, nr)
	out := make([]float64, rows*cols)
	for p := range rows {
		for j := range cols {
			out[p*cols+j] = buf[((j/nr)*rows+p)*nr+j%nr]
		}
	}
	return out
}

// phasedPatches packs exactly the im2col matrix on the valid pixels of the
// virtual grid, for any block and panel width.
func TestPhasedPatchesPackIm2Col(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, g := range convCases() {
		g.N = 2
		ph := newPhasedGeom(g)
		x := randn(rng, g.XSize())
		taps, oh, ow, vouts := g.ColRows(), g.OutH(), g.OutW(), ph.outs()
		img := make([]float64, ph.size)
		fillPhased(ph, img, x[g.XSize()/2:])
		plain, xu := refUpsample(g, x)
		col := refIm2Col(plain, xu, 1)
		for _, blk := range [][4]int{{0, taps, 0, vouts}, {taps / 3, taps - taps/3, vouts / 2, (vouts + 1) / 2}} {
			r0, rows, j0, ncols := blk[0], blk[1], blk[2], blk[3]
			for _, nr := range []int{1, 5, 16} {
				got := unpackB(phasedPatches[float64]{ph, img}, r0, rows, j0, ncols, nr)
				for r := r0; r < r0+rows; r++ {
					for j := j0; j < j0+ncols; j++ {
						if i, jj := j/ph.wq, j%ph.wq; jj < ow && i < oh {
							if want := col[r*oh*ow+i*ow+jj]; got[(r-r0)*ncols+j-j0] != want {
								t.Fatalf("%+v: patches[%d, %d] = %v, want %v", g, r, j, got[(r-r0)*ncols+j-j0], want)
							}
						}
					}
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: ⟨col, im2col x⟩ = ⟨col2im col, x⟩, and it
// accumulates.
func TestCol2ImIsAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, g := range convCases() {
		g.N, g.Up = 1, 0
		x, col := randn(rng, g.C*g.H*g.W), randn(rng, g.ColRows()*g.ColCols())
		cx := refIm2Col(g, x, 0)
		base := randn(rng, len(x))
		acc := slices.Clone(base)
		col2im(g, col, acc)
		var lhs, rhs float64
		for i := range col {
			lhs += col[i] * cx[i]
		}
		for i := range x {
			rhs += (acc[i] - base[i]) * x[i]
		}
		if d := lhs - rhs; d > 1e-9 || d < -1e-9 {
			t.Fatalf("%+v: ⟨col, im2col x⟩ = %v, ⟨col2im col, x⟩ = %v", g, lhs, rhs)
		}
	}
}

// TestConvDeterministic checks that repeated calls, with different numbers
// of goroutines, give bit-identical results.
func TestConvDeterministic(t *testing.T) {
	for _, g := range []ConvGeom{
		{N: 19, C: 6, H: 11, W: 10, K: 5, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1},
		{N: 19, C: 6, H: 12, W: 10, K: 5, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, Up: 2},
	} {
		testConvDeterministic(t, g)
	}
}

func testConvDeterministic(t *testing.T, g ConvGeom) {
	rng := rand.New(rand.NewPCG(7, 8))
	x, w, b, dy := as[float32](randn(rng, g.XSize())), as[float32](randn(rng, g.WSize())), as[float32](randn(rng, g.K)), as[float32](randn(rng, g.YSize()))
	run := func() [][]float32 {
		y, dx, dw, db := make([]float32, g.YSize()), make([]float32, g.XSize()), make([]float32, g.WSize()), make([]float32, g.K)
		for _, err := range []error{
			Conv2DForward(g, x, w, b, y, nil),
			Conv2DBackwardData(g, dy, w, dx),
			Conv2DBackwardFilter(g, x, dy, dw, db, nil),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		return [][]float32{y, dx, dw, db}
	}
	first := run()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 3, 8, 1} {
		runtime.GOMAXPROCS(procs)
		for i, got := range run() {
			if !slices.Equal(got, first[i]) {
				t.Fatalf("%+v, GOMAXPROCS=%d: result %d differs from the first call", g, procs, i)
			}
		}
	}
}

func TestConvErrors(t *testing.T) {
	ok := ConvGeom{N: 1, C: 1, H: 3, W: 3, K: 1, KH: 3, KW: 3, SH: 1, SW: 1}
	bad := []ConvGeom{
		{C: 1, H: 3, W: 3, K: 1, KH: 3, KW: 3, SH: 1, SW: 1},
		{N: 1, C: 1, H: 3, W: 3, K: 1, KH: 0, KW: 3, SH: 1, SW: 1},
		{N: 1, C: 1, H: 3, W: 3, K: 1, KH: 3, KW: 3, SH: 0, SW: 1},
		{N: 1, C: 1, H: 3, W: 3, K: 1, KH: 3, KW: 3, SH: 1, SW: 1, PH: -1},
		{N: 1, C: 1, H: 2, W: 3, K: 1, KH: 3, KW: 3, SH: 1, SW: 1},
		{N: 1, C: 1, H: 3, W: 1, K: 1, KH: 3, KW: 4, SH: 1, SW: 1, PW: 1},
		{N: 1, C: 1, H: 4, W: 3, K: 1, KH: 3, KW: 3, SH: 1, SW: 1, Up: 2},
		{N: 1, C: 1, H: 3, W: 3, K: 1, KH: 3, KW: 3, SH: 1, SW: 1, Up: -1},
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, g := range bad {
		if g.Validate() == nil {
			t.Errorf("%+v validated", g)
		}
		if Conv2DForward(g, make([]float32, 9), make([]float32, 9), nil, make([]float32, 1), nil) == nil {
			t.Errorf("%+v: forward ran", g)
		}
	}
	x, w, y := make([]float64, 9), make([]float64, 9), make([]float64, 1)
	for _, err := range []error{
		Conv2DForward(ok, x[:8], w, nil, y, nil),
		Conv2DForward(ok, x, w, make([]float64, 2), y, nil),
		Conv2DForward(ok, x, w, nil, y, make([]float64, 3)),
		Conv2DBackwardData(ok, y, w, x[:8]),
		Conv2DBackwardFilter(ok, x, make([]float64, 2), w, nil, nil),
		Conv2DBackwardFilter(ok, x, y, w, nil, make([]float64, 3)),
		BiasBackward(make([]float64, 5), 1, 2, 2, make([]float64, 2)),
		BiasBackward(make([]float64, 4), 0, 2, 2, make([]float64, 2)),
	} {
		if err == nil {
			t.Error("wrong slice length accepted")
		}
	}
}

// The convolutions give the right answers on every micro-kernel family and
// dot kernel this CPU has, not only on the ones picked for it.
func TestConvOnEveryKernel(t *testing.T) {
	defer func(p *gemmPlan[float32], d dotKernel[float32]) { plan32, dots32 = p, d }(plan32, dots32)
	sets, dots := kernelSets(), dotKernels()
	for i := range max(len(sets), len(dots)) {
		plan32 = newPlan(sets[min(i, len(sets)-1)]...)
		dots32 = dots[min(i, len(dots)-1)]
		t.Run(plan32.kerns[0].name+"+"+dots32.name, testConv[float32])
	}
}

// The fused ReLU gives max(Conv2DForward, 0) bit for bit, over the cases.
func TestConv2DForwardReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, g := range convCases() {
		x, w, b := as[float32](randn(rng, g.N*g.imgSize())), as[float32](randn(rng, g.K*g.C*g.KH*g.KW)), as[float32](randn(rng, g.K))
		want, got := make([]float32, g.N*g.K*g.OutH()*g.OutW()), make([]float32, g.N*g.K*g.OutH()*g.OutW())
		if err := Conv2DForward(g, x, w, b, want, nil); err != nil {
			t.Fatal(err)
		}
		for i, v := range want {
			want[i] = max(v, 0)
		}
		if err := Conv2DForwardReLU(g, x, w, b, got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%+v: fused ReLU differs", g)
		}
	}
}

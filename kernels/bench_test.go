package kernels

import (
	"math/rand/v2"
	"testing"
)

// benchGeoms are two layers of the reference VAE, batch 64, 3×3 filters,
// padding 1: the second encoder convolution (32 channels at 14×14 to 64 at
// 7×7, stride 2) and the first decoder convolution (64 channels at 7×7,
// upsampled to 14×14, to 32 channels).
var benchGeoms = []struct {
	name string
	g    ConvGeom
}{
	{"enc2", ConvGeom{N: 64, C: 32, H: 14, W: 14, K: 64, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}},
	{"dec1", ConvGeom{N: 64, C: 64, H: 14, W: 14, K: 32, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, Up: 2}},
}

// benchConv runs f as a sub-benchmark on every geometry of benchGeoms,
// reporting GFLOP/s.
func benchConv(b *testing.B, f func(b *testing.B, g ConvGeom)) {
	for _, c := range benchGeoms {
		b.Run(c.name, func(b *testing.B) {
			f(b, c.g)
			reportFlops(b, c.g)
		})
	}
}

// convOperands returns random float32 x, w, bias and dy for g.
func convOperands(g ConvGeom) (x, w, b, dy []float32) {
	rng := rand.New(rand.NewPCG(11, 12))
	return as[float32](randn(rng, g.XSize())), as[float32](randn(rng, g.WSize())),
		as[float32](randn(rng, g.K)), as[float32](randn(rng, g.YSize()))
}

// reportFlops reports GFLOP/s of the 2·N·K·C·KH·KW·OH·OW multiply-adds.
func reportFlops(b *testing.B, g ConvGeom) {
	flops := 2 * float64(g.N*g.K*g.ColRows()*g.ColCols())
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkConv2DForward(b *testing.B) {
	benchConv(b, func(b *testing.B, g ConvGeom) {
		x, w, bias, _ := convOperands(g)
		y := make([]float32, g.YSize())
		for b.Loop() {
			if err := Conv2DForward(g, x, w, bias, y, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkConv2DBackwardData(b *testing.B) {
	benchConv(b, func(b *testing.B, g ConvGeom) {
		_, w, _, dy := convOperands(g)
		dx := make([]float32, g.XSize())
		for b.Loop() {
			if err := Conv2DBackwardData(g, dy, w, dx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkConv2DBackwardFilter(b *testing.B) {
	benchConv(b, func(b *testing.B, g ConvGeom) {
		x, _, _, dy := convOperands(g)
		dw, db := make([]float32, g.WSize()), make([]float32, g.K)
		for b.Loop() {
			if err := Conv2DBackwardFilter(g, x, dy, dw, db, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

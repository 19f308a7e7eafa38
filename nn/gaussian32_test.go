package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The float32 paths of the Gaussian terms (vector exponentials, blocks,
// per-example scaling over ranges that cut examples) agree with the float64
// path, which evaluates term and partial element by element with math.Exp
// and has the gradient checks.
func TestGaussianFloat32PathsMatchFloat64(t *testing.T) {
	const b, d = 20, 1300 // blocks of 512 and ranges of 2¹⁴ elements cut examples
	rng := rand.New(rand.NewPCG(7, 7))
	for _, kind := range []perExample{gaussianKL, gaussianKLPair, gaussianLogPdf} {
		in64 := make([][]float64, kind.arity())
		in32 := make([][]float32, kind.arity())
		for j := range in64 {
			in64[j], in32[j] = make([]float64, b*d), make([]float32, b*d)
			for i := range in64[j] {
				v := float32(rng.NormFloat64())
				if (kind == gaussianKL && j == 1) || (kind == gaussianKLPair && j%2 == 1) || (kind == gaussianLogPdf && j == 2) {
					v = float32(6*rng.Float64() - 3) // a log-variance
				}
				in32[j][i], in64[j][i] = v, float64(v)
			}
		}
		out64, out32 := make([]float64, b), make([]float32, b)
		perExampleForward(kind, in64, out64)
		perExampleForward(kind, in32, out32)
		for i := range out64 {
			var scale float64
			u := [4]float64{}
			for e := i * d; e < (i+1)*d; e++ {
				for j := range in64 {
					u[j] = in64[j][e]
				}
				scale += math.Abs(kind.term(&u))
			}
			if math.Abs(float64(out32[i])-out64[i]) > 1e-5*scale {
				t.Errorf("%s example %d: float32 %.7g, float64 %.7g", kind, i, out32[i], out64[i])
			}
		}
		g64, g32 := make([]float64, b), make([]float32, b)
		for i := range g64 {
			g32[i] = float32(rng.NormFloat64())
			g64[i] = float64(g32[i])
		}
		for wrt := range kind.arity() {
			d64, d32 := make([]float64, b*d), make([]float32, b*d)
			perExampleBackward(kind, wrt, in64, g64, d64)
			perExampleBackward(kind, wrt, in32, g32, d32)
			for i := range d64 {
				if math.Abs(float64(d32[i])-d64[i]) > 2e-6*math.Abs(d64[i])+1e-6 {
					t.Fatalf("%s ∂/∂input %d at %d: float32 %.7g, float64 %.7g", kind, wrt, i, d32[i], d64[i])
				}
			}
		}
	}
}

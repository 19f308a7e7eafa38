package vae

import (
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/nn"
)

// logLikelihood returns log p(x|z) summed over pixels, one value per example
// (B), for targets x (B, C, H, W) and likelihood parameters out
// (B, P·C, H, W):
//
//	Bernoulli: Σᵢ xᵢℓᵢ − softplus(ℓᵢ)                    (ℓ the logits)
//	Logistic:  Σᵢ log P(bin of xᵢ | μᵢ, exp(sᵢ))          (256 bins, μ in [−1, 1] space)
//	Gaussian:  Σᵢ −½(log 2π + vᵢ + (xᵢ − mᵢ)² e^(−vᵢ))    (v the log-variance)
//
// With weights w (B, C, H, W), not nil, each term i is multiplied by wᵢ: a
// 0/1 w selects the values the sum covers.
func (m *Model) logLikelihood(g *nn.Graph, x, out, w *nn.Node) *nn.Node {
	c := m.cfg.C
	weigh := func(terms *nn.Node) *nn.Node {
		if w == nil {
			return terms
		}
		return g.Mul(terms, w)
	}
	switch m.cfg.Likelihood {
	case Logistic:
		loc, logScale := g.Channels(out, 0, c), g.Channels(out, c, 2*c)
		return g.SumPerExample(weigh(g.DiscretizedLogistic(x, loc, logScale, 256)))
	case Gaussian:
		mean, logVar := g.Channels(out, 0, c), g.Channels(out, c, 2*c)
		diff := g.Sub(x, mean)
		quad := g.Mul(g.Square(diff), g.Exp(g.Neg(logVar)))
		return g.Scale(g.SumPerExample(weigh(g.Shift(g.Add(logVar, quad), float32(math.Log(2*math.Pi))))), -0.5)
	default:
		if w != nil {
			return g.WeightedBernoulliLogLik(out, x, w)
		}
		return g.BernoulliLogLik(out, x)
	}
}

// meanImage turns decoder outputs (n, P·C, H, W) into images in [0, 1]
// (see pixelMean).
func (m *Model) meanImage(out []float32, n int) []float32 {
	d := m.Dim()
	img := make([]float32, n*d)
	p := outMaps(m.cfg.Likelihood)
	for i := 0; i < n; i++ {
		src := out[i*p*d : i*p*d+d] // the first C maps of image i
		dst := img[i*d : (i+1)*d]
		for j, v := range src {
			dst[j] = m.pixelMean(v)
		}
	}
	return img
}

// pixelMean is the value in [0, 1] that a likelihood with first parameter
// θ₀ predicts: the Bernoulli mean sigmoid(ℓ), or the clipped mode of the
// logistic (whose location μ is in the [−1, 1] space: x = (μ + 1)/2) or of
// the Gaussian.
func (m *Model) pixelMean(theta0 float32) float32 {
	switch m.cfg.Likelihood {
	case Bernoulli:
		return float32(1 / (1 + math.Exp(-float64(theta0))))
	case Logistic:
		return min(max((theta0+1)/2, 0), 1)
	default:
		return min(max(theta0, 0), 1)
	}
}

// drawPixel draws one pixel value in [0, 1] from the likelihood with
// parameters θ (P values): Bernoulli [u < sigmoid(ℓ)]; the logistic by its
// inverse CDF μ + s·log(u/(1−u)), clipped to [−1, 1] and rounded to one of
// the 256 levels; the Gaussian m + e^(v/2)·ε, clipped to [0, 1].
func (m *Model) drawPixel(theta []float32, rng *rand.Rand) float32 {
	switch m.cfg.Likelihood {
	case Logistic:
		u := min(max(rng.Float64(), 1e-7), 1-1e-7)
		v := float64(theta[0]) + math.Exp(float64(theta[1]))*math.Log(u/(1-u))
		v = min(max(v, -1), 1)
		return float32(math.Round((v+1)/2*255) / 255)
	case Gaussian:
		v := float64(theta[0]) + math.Exp(float64(theta[1])/2)*rng.NormFloat64()
		return float32(min(max(v, 0), 1))
	default:
		if rng.Float64() < 1/(1+math.Exp(-float64(theta[0]))) {
			return 1
		}
		return 0
	}
}

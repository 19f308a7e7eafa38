package vae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/nn"
)

// rowsPerRun bounds the decoder batch of one evaluation run (images ×
// samples) so that memory stays flat whatever K is: 512 for the conv VAE;
// for the hierarchical one, whose graph holds about 90 maps of Width
// channels at full resolution per row (2.3 GB measured for 512 rows at
// width 16 on MNIST), the power of two that keeps a run near 512 MB.
func (m *Model) rowsPerRun() int {
	const rows, budget, bytesPerValue = 512, 512 << 20, 360
	if m.cfg.Arch != Hier {
		return rows
	}
	fit := budget / (bytesPerValue * m.cfg.Width * m.cfg.H * m.cfg.W)
	r := 8
	for r*2 <= min(fit, rows) {
		r *= 2
	}
	return r
}

// logWeightGraph computes log wₖ for b images × k samples each.
type logWeightGraph struct {
	g    *nn.Graph
	post *posterior
	logW *nn.Output
	prog *nn.Program
}

func (m *Model) logWeights(b, k int) (*logWeightGraph, error) {
	key := [2]int{b, k}
	if lg, ok := m.graphs[key]; ok {
		return lg, nil
	}
	g := nn.NewGraph()
	p := m.buildPosterior(g, b, k)
	logW := g.Output(p.logW)
	prog, err := g.Compile(nil)
	if err != nil {
		return nil, err
	}
	lg := &logWeightGraph{g: g, post: p, logW: logW, prog: prog}
	m.graphs[key] = lg
	return lg, nil
}

// NLL estimates −log p(x) in nats for every image of xs with K importance
// samples from q(z|x):
//
//	−log p(x) ≈ −log (1/K) Σₖ p(x, zₖ)/q(zₖ|x),   zₖ ~ q(z|x),
//
// an upper bound on the NLL in expectation that tightens as K grows (Burda
// et al. 2016). The samples are drawn in chunks and the log-mean-exp is
// accumulated in float64, so K may be large (thousands) in fixed memory.
// done, when not nil, is called with the number of images finished. For a
// model trained to impute, every image gets an observation mask of the
// model's training occlusion, drawn from rng, and the estimate is of
// −log p(x_miss | x_obs) with the proposal q(z | x, m) (see posterior).
func (m *Model) NLL(xs data.Images, k int, rng *rand.Rand, done func(int)) ([]float64, error) {
	if k < 1 {
		return nil, fmt.Errorf("vae: importance samples must be ≥ 1, got %d", k)
	}
	if xs.C != m.cfg.C || xs.H != m.cfg.H || xs.W != m.cfg.W {
		return nil, fmt.Errorf("vae: images %dx%dx%d do not match the model's %dx%dx%d", xs.C, xs.H, xs.W, m.cfg.C, m.cfg.H, m.cfg.W)
	}
	per := m.rowsPerRun()
	chunk := min(k, per)
	b := max(1, per/chunk)
	b = min(b, xs.N)
	nll := make([]float64, xs.N)
	maxW := make([]float64, b)
	sumW := make([]float64, b)
	batch := data.NewImages(b, xs.C, xs.H, xs.W)
	for start := 0; start < xs.N; start += b {
		n := min(b, xs.N-start)
		for i := 0; i < b; i++ {
			copy(batch.At(i), xs.At(start+min(i, n-1))) // pad the last batch with copies
			maxW[i], sumW[i] = math.Inf(-1), 0
		}
		mask, err := m.TrainingMasks(b, rng) // one mask per image for all K samples
		if err != nil {
			return nil, err
		}
		for drawn := 0; drawn < k; drawn += chunk {
			kc := min(chunk, k-drawn)
			lg, err := m.logWeights(b, kc)
			if err != nil {
				return nil, err
			}
			if err := lg.post.feed(lg.g, batch, mask, rng); err != nil {
				return nil, err
			}
			if err := lg.prog.Run(); err != nil {
				return nil, err
			}
			lw := lg.logW.Values()
			for i := 0; i < b; i++ {
				for _, v := range lw[i*kc : (i+1)*kc] {
					accumulateLogSumExp(&maxW[i], &sumW[i], float64(v))
				}
			}
		}
		for i := 0; i < n; i++ {
			nll[start+i] = -(maxW[i] + math.Log(sumW[i]) - math.Log(float64(k)))
		}
		if done != nil {
			done(start + n)
		}
	}
	return nll, nil
}

// accumulateLogSumExp folds v into a running log Σ exp kept as
// max + log(sum·e^(−max)), so that no term overflows.
func accumulateLogSumExp(maxV, sum *float64, v float64) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 1):
		*maxV, *sum = math.NaN(), math.NaN()
	case v <= *maxV:
		*sum += math.Exp(v - *maxV)
	default:
		*sum = *sum*math.Exp(*maxV-v) + 1
		*maxV = v
	}
}

// DiscreteNLL turns the NLL that NLL estimates into one of the 8-bit pixel
// values, in nats. The Bernoulli and logistic likelihoods are discrete
// already. The Gaussian one is a density of dequantized pixels y = (k+u)/256
// in [0, 1], and −log P(k) ≤ −E_u log p(y) + D·log 256 (Theis et al. 2016),
// so D·log 256 is added.
func (m *Model) DiscreteNLL(nats float64) float64 {
	if m.cfg.Likelihood == Gaussian {
		return nats + float64(m.Dim())*math.Log(256)
	}
	return nats
}

// BitsPerDim converts a discrete NLL in nats per image to bits per pixel value.
func (m *Model) BitsPerDim(nats float64) float64 { return nats / (float64(m.Dim()) * math.Ln2) }

// sampler decodes n latents drawn from the prior.
type sampler struct {
	g    *nn.Graph
	eps  []*nn.Node
	out  *nn.Output
	prog *nn.Program
}

// Sample draws n images from the model: every latent layer from its prior
// with its noise scaled by the temperature T (z ~ N(0, T²I) for the conv
// VAE; zᵢ = μᵢ + T σᵢ ε for the hierarchical one), then the decoder's mean
// image (Bernoulli means, or the clipped location of a logistic or
// Gaussian), in [0, 1]. With an autoregressive reconstruction there is no
// mean image: the pixels are drawn one by one from their conditionals
// (binary for Bernoulli, 8-bit levels for the logistic). A model trained to
// impute is conditional; its samples are given an image with nothing
// observed, a mask it never saw in training unless trained on such masks,
// so they show what the model knows without a context, not its quality
// (see Impute).
func (m *Model) Sample(n int, temperature float64, rng *rand.Rand) (data.Images, error) {
	if n < 1 {
		return data.Images{}, fmt.Errorf("vae: number of samples must be ≥ 1, got %d", n)
	}
	if temperature < 0 || math.IsNaN(temperature) || math.IsInf(temperature, 0) {
		return data.Images{}, fmt.Errorf("vae: temperature must be a finite number ≥ 0, got %g", temperature)
	}
	// Runs of at most rowsPerRun samples keep memory bounded.
	out := data.Images{N: n, C: m.cfg.C, H: m.cfg.H, W: m.cfg.W}
	for done := 0; done < n; {
		x, err := m.sampleRun(min(n-done, m.rowsPerRun()), temperature, rng)
		if err != nil {
			return data.Images{}, err
		}
		out.Pix = append(out.Pix, x.Pix...)
		done += x.N
	}
	return out, nil
}

// sampleRun is Sample for n samples in one graph run.
func (m *Model) sampleRun(n int, temperature float64, rng *rand.Rand) (data.Images, error) {
	s, ok := m.samplers[n]
	if !ok {
		g := nn.NewGraph()
		s = &sampler{g: g}
		for i, shape := range m.net.noise(n) {
			s.eps = append(s.eps, g.Input(fmt.Sprintf("eps%d", i), shape...))
		}
		var cond *nn.Node
		if m.cfg.Impute != "" {
			cond = g.Input("cond", n, m.cfg.encoderChannels(), m.cfg.H, m.cfg.W) // left zero: nothing observed
		}
		s.out = g.Output(m.net.generate(g, cond, s.eps))
		prog, err := g.Compile(nil)
		if err != nil {
			return data.Images{}, err
		}
		s.prog = prog
		m.samplers[n] = s
	}
	for _, e := range s.eps {
		fillNormal(s.g.InputData(e), temperature, rng)
	}
	if err := s.prog.Run(); err != nil {
		return data.Images{}, err
	}
	img := data.Images{N: n, C: m.cfg.C, H: m.cfg.H, W: m.cfg.W}
	if m.ar == nil {
		img.Pix = m.meanImage(s.out.Values(), n)
		return img, nil
	}
	ar, ok := m.arDraws[n]
	if !ok {
		var err error
		if ar, err = m.ar.NewSampler(n, m.cfg.H, m.cfg.W); err != nil {
			return data.Images{}, err
		}
		m.arDraws[n] = ar
	}
	pix, err := ar.Sample(s.out.Values(), func(_, _, _ int, theta []float32) float32 { return m.drawPixel(theta, rng) })
	if err != nil {
		return data.Images{}, err
	}
	img.Pix = pix
	return img, nil
}

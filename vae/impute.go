package vae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/nn"
)

// Imputation is the result of filling in the missing values of images.
type Imputation struct {
	// Draws are the images at the end of the chain: observed values as
	// given, missing ones the last values drawn from p(x|z).
	Draws data.Images
	// Last holds the likelihood's mean of every missing value at the last
	// step of the chain (observed values as given): one imputation, for
	// display.
	Last data.Images
	// Mean is the predictive mean of every missing value, the average of
	// the likelihood's mean over the second half of the chain; observed
	// values as given.
	Mean data.Images
}

// imputeRows bounds the images of one pass.
const imputeRows = 64

// Impute fills in the values of x where mask is 0 (1: observed). A model
// trained to impute (Config.Impute) is conditional: it draws
// z ~ p(z | x_obs) and x̂ ~ p(x | z, x_obs), iters independent times; the
// predictive mean averages all of them. Any
// other VAE imputes by iterative inference (Rezende et al. 2014, §5.3):
// missing values start as those of a sample of the model, x̂⁰ (a constant
// such as ½ would show the encoder an image unlike any it was trained on,
// from which the chain is slow to recover), then for t = 1 … iters
//
//	z ~ q(z | x̃ᵗ⁻¹),   x̂ ~ p(x | z),   x̃ᵗ = m ⊙ x + (1 − m) ⊙ x̂,
//
// a Markov chain whose missing values approach draws from p(x_miss | x_obs)
// when q is close to the true posterior; the predictive mean averages the
// second half of the chain. With an autoregressive reconstruction, x̂ is
// drawn pixel by pixel with the observed pixels clamped, so every missing
// pixel is drawn given those before it.
func (m *Model) Impute(x, mask data.Images, iters int, rng *rand.Rand) (Imputation, error) {
	if iters < 1 {
		return Imputation{}, fmt.Errorf("vae: imputation needs ≥ 1 iteration, got %d", iters)
	}
	if x.C != m.cfg.C || x.H != m.cfg.H || x.W != m.cfg.W {
		return Imputation{}, fmt.Errorf("vae: images %v do not match the model's %dx%dx%d", x, m.cfg.C, m.cfg.H, m.cfg.W)
	}
	if mask.N != x.N || mask.Dim() != x.Dim() {
		return Imputation{}, fmt.Errorf("vae: mask %v does not match images %v", mask, x)
	}
	res := Imputation{Draws: x.Clone(), Last: x.Clone(), Mean: x.Clone()}
	rows := min(x.N, imputeRows)
	ig, err := m.newImputeGraph(rows)
	if err != nil {
		return Imputation{}, err
	}
	defer ig.prog.Close()
	d := x.Dim()
	for lo := 0; lo < x.N; lo += rows {
		n := min(rows, x.N-lo)
		cur := res.Draws.Pix[lo*d : (lo+n)*d]
		obs, msk, last := x.Pix[lo*d:(lo+n)*d], mask.Pix[lo*d:(lo+n)*d], res.Last.Pix[lo*d:(lo+n)*d]
		if ig.mask == nil {
			// The chain starts from a draw of the model itself, so that the
			// encoder first sees an image like those it was trained on.
			start, err := m.Sample(n, 1, rng)
			if err != nil {
				return Imputation{}, err
			}
			for j := range cur {
				if msk[j] == 0 {
					cur[j] = start.Pix[j]
				}
			}
		}
		sum := make([]float64, n*d)
		kept := 0
		for t := 1; t <= iters; t++ {
			xin := ig.g.InputData(ig.x)
			clear(xin)
			if ig.mask != nil {
				copy(xin, obs) // the condition masks it
				mk := ig.g.InputData(ig.mask)
				clear(mk)
				copy(mk, msk)
			} else {
				copy(xin, cur) // rows past n stay empty
			}
			for _, e := range ig.eps {
				fillNormal(ig.g.InputData(e), 1, rng)
			}
			if err := ig.prog.Run(); err != nil {
				return Imputation{}, err
			}
			keep := ig.mask != nil || t > iters/2
			if keep {
				kept++
			}
			draw := func(b, c, i int, theta []float32) float32 {
				j := b*d + c*m.cfg.H*m.cfg.W + i
				if msk[j] != 0 {
					return obs[j]
				}
				mean := m.pixelMean(theta[0])
				if keep {
					sum[j] += float64(mean)
				}
				last[j] = mean
				return m.drawPixel(theta, rng)
			}
			if err := m.drawConditionals(ig, n, draw, cur); err != nil {
				return Imputation{}, err
			}
		}
		mean := res.Mean.Pix[lo*d : (lo+n)*d]
		for j := range mean {
			if msk[j] == 0 {
				mean[j] = float32(sum[j] / float64(kept))
			}
		}
	}
	return res, nil
}

// imputeGraph decodes z ~ q(z|x) for a batch of images, or for a
// conditional model z ~ p(z | x_obs).
type imputeGraph struct {
	g    *nn.Graph
	x    *nn.Node
	mask *nn.Node // models trained to impute
	eps  []*nn.Node
	out  *nn.Output
	prog *nn.Program
	rows int
}

func (m *Model) newImputeGraph(rows int) (*imputeGraph, error) {
	g := nn.NewGraph()
	ig := &imputeGraph{g: g, x: g.Input("x", rows, m.cfg.C, m.cfg.H, m.cfg.W), rows: rows}
	for i, shape := range m.net.noise(rows) {
		ig.eps = append(ig.eps, g.Input(fmt.Sprintf("eps%d", i), shape...))
	}
	if m.cfg.Impute != "" {
		ig.mask = g.Input("mask", rows, m.cfg.C, m.cfg.H, m.cfg.W)
	}
	var out *nn.Node
	if ig.mask != nil {
		out = m.net.generate(g, observed(g, ig.x, ig.mask), ig.eps)
	} else {
		out, _, _ = m.net.infer(g, ig.x, nil, 1, ig.eps)
	}
	ig.out = g.Output(out)
	prog, err := g.Compile(nil)
	if err != nil {
		return nil, err
	}
	ig.prog = prog
	return ig, nil
}

// drawConditionals sets cur (the first n images of the pass) to
// draw(b, c, i, θ) for every value, θ the likelihood parameters of value
// (c, i) of image b: read from the decoder output when pixels are
// independent given z, or computed one value at a time in raster order by
// the autoregressive reconstruction, given the values set before.
func (m *Model) drawConditionals(ig *imputeGraph, n int, draw func(b, c, i int, theta []float32) float32, cur []float32) error {
	c, hw, d := m.cfg.C, m.cfg.H*m.cfg.W, m.Dim()
	out := ig.out.Values()
	if m.ar != nil {
		s, ok := m.arDraws[ig.rows]
		if !ok {
			var err error
			if s, err = m.ar.NewSampler(ig.rows, m.cfg.H, m.cfg.W); err != nil {
				return err
			}
			m.arDraws[ig.rows] = s
		}
		x, err := s.Sample(out, func(b, ch, i int, theta []float32) float32 {
			if b >= n {
				return 0
			}
			return draw(b, ch, i, theta)
		})
		if err != nil {
			return err
		}
		copy(cur, x[:n*d])
		return nil
	}
	p := outMaps(m.cfg.Likelihood)
	theta := make([]float32, p)
	for b := range n {
		for ch := range c {
			for i := range hw {
				for j := range p {
					theta[j] = out[((b*p+j)*c+ch)*hw+i]
				}
				cur[b*d+ch*hw+i] = draw(b, ch, i, theta)
			}
		}
	}
	return nil
}

// MissingError scores predictions of the missing values (mask 0) of x:
// per image, the squared error Σ (x − x̂)² over missing values and, for
// binary pixels (bernoulli), the negative log-likelihood
// −Σ [x log p + (1 − x) log(1 − p)] of the missing values under the
// predicted probabilities p = x̂ (clipped to [10⁻⁶, 1 − 10⁻⁶]), each value
// scored on its own marginal, in nats. It also returns the number of
// missing values per image.
func MissingError(x, mask, pred data.Images, bernoulli bool) (nll, sqErr []float64, missing []int) {
	d := x.Dim()
	nll, sqErr, missing = make([]float64, x.N), make([]float64, x.N), make([]int, x.N)
	for i := range x.N {
		for j := i * d; j < (i+1)*d; j++ {
			if mask.Pix[j] != 0 {
				continue
			}
			missing[i]++
			v, p := float64(x.Pix[j]), float64(pred.Pix[j])
			sqErr[i] += (v - p) * (v - p)
			if bernoulli {
				p = min(max(p, 1e-6), 1-1e-6)
				nll[i] -= v*math.Log(p) + (1-v)*math.Log1p(-p)
			}
		}
	}
	return nll, sqErr, missing
}

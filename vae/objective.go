package vae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/nn"
	"github.com/genmodel/genmodel/train"
)

// posterior is the part of a VAE graph shared by training and evaluation:
// for x (B, C, H, W), K samples per image and noise inputs eps (B·K rows),
//
//	log w = log p(x|z) + log p(z) − log q(z|x)       (B·K, rows b·K + k)
//
// and the analytic KL(q‖p) of every latent layer (see network.infer). A
// model trained to impute is conditional: for an observation mask m (1
// observed, 0 missing),
//
//	log w = log p(x_miss | z, x_obs) + log p(z | x_obs) − log q(z | x, m),
//
// where the prior and decoder read (x ⊙ m, m) and q's encoder (x, m); the
// likelihood covers the missing values only, and the bounds below bound
// −log p(x_miss | x_obs).
type posterior struct {
	x, mask      *nn.Node // mask: nil unless the model imputes
	eps          []*nn.Node
	logLik, logW *nn.Node // B·K
	kls          []*nn.Node
}

func (m *Model) buildPosterior(g *nn.Graph, batch, k int) *posterior {
	c := m.cfg
	p := &posterior{x: g.Input("x", batch, c.C, c.H, c.W)}
	if c.Impute != "" {
		p.mask = g.Input("mask", batch, c.C, c.H, c.W)
	}
	for i, shape := range m.net.noise(batch * k) {
		p.eps = append(p.eps, g.Input(fmt.Sprintf("eps%d", i), shape...))
	}
	enc, cond := m.inputs(g, p.x, p.mask)
	out, logRatio, kls := m.net.infer(g, enc, cond, k, p.eps)
	p.kls = kls
	x := g.RepeatRows(p.x, k)
	var missing *nn.Node
	if p.mask != nil {
		missing = g.Shift(g.Neg(g.RepeatRows(p.mask, k)), 1)
	}
	p.logLik = m.logLikelihood(g, x, m.likelihoodParams(g, x, out), missing)
	p.logW = g.Add(p.logLik, logRatio)
	return p
}

// inputs returns what q's encoder reads, x, and no condition; or for a
// model trained to impute (x, m) and the condition (x ⊙ m, m), along
// channels.
func (m *Model) inputs(g *nn.Graph, x, mask *nn.Node) (enc, cond *nn.Node) {
	if mask == nil {
		return x, nil
	}
	return g.Concat(x, mask), observed(g, x, mask)
}

// observed is the condition of a conditional model, (x ⊙ m, m) along
// channels.
func observed(g *nn.Graph, x, mask *nn.Node) *nn.Node {
	return g.Concat(g.Mul(x, mask), mask)
}

// feed sets x, the observation masks (for a model trained to impute; see
// TrainingMasks) and all ε ~ N(0, I) from rng.
func (p *posterior) feed(g *nn.Graph, x, mask data.Images, rng *rand.Rand) error {
	if want := p.x.Shape(); x.N != want[0] || x.C != want[1] || x.H != want[2] || x.W != want[3] {
		return fmt.Errorf("vae: batch %v does not match the model's input %v", x, want)
	}
	if err := g.Set(p.x, x.Pix); err != nil {
		return err
	}
	if p.mask != nil {
		if err := g.Set(p.mask, mask.Pix); err != nil {
			return err
		}
	}
	for _, e := range p.eps {
		fillNormal(g.InputData(e), 1, rng)
	}
	return nil
}

// TrainingMasks draws observation masks (1 observed, 0 missing) for n
// images from the occlusion a model trained to impute was trained on
// (Config.Impute), and returns the zero Images for any other model.
func (m *Model) TrainingMasks(n int, rng *rand.Rand) (data.Images, error) {
	c := m.cfg
	switch c.Impute {
	case "":
		return data.Images{}, nil
	case AllOcclusions:
		masks := data.NewImages(n, c.C, c.H, c.W)
		kinds := data.Occlusions()
		for i := range n {
			one, err := data.Occlude(kinds[rng.IntN(len(kinds))], 1, c.C, c.H, c.W, rng)
			if err != nil {
				return data.Images{}, err
			}
			copy(masks.At(i), one.Pix)
		}
		return masks, nil
	}
	return data.Occlude(c.Impute, n, c.C, c.H, c.W, rng)
}

// fillNormal sets every element of v to a draw of N(0, s²).
func fillNormal(v []float32, s float64, rng *rand.Rand) {
	for i := range v {
		v[i] = float32(rng.NormFloat64() * s)
	}
}

// objective is the training loss for batches of batch images: the
// negative ELBO
//
//	−E_q[log p(x|z)] + β_t Σ_l max(KL_l, λ)
//
// with KL_l the batch mean of latent layer l's KL, β_t = β·min(1, t/WarmUp)
// at step t (β with no warm-up) and free bits λ (no floor when 0); or,
// with IWAE K > 1, the negative importance weighted bound
// −log (1/K) Σₖ wₖ. Both are averaged over the batch (nats per image). Its
// metrics are "recon" (−log p(x|z), averaged over samples), "kl" (Σ_l KL_l),
// "kl/<l>" per latent layer when there are several, and "bound" (the
// −ELBO recon + kl, comparable across β, warm-up and free bits) when the
// loss is not that.
type objective struct {
	g       *nn.Graph
	post    *posterior
	loss    *nn.Node
	metrics map[string]*nn.Node
	beta    *nn.Node // the KL weight input, with a warm-up
	m       *Model
}

// Objective builds the training graph (train.Model).
func (m *Model) Objective(batch int) (train.Objective, error) {
	if batch < 1 {
		return nil, fmt.Errorf("vae: batch must be ≥ 1, got %d", batch)
	}
	g := nn.NewGraph()
	k := m.cfg.IWAE
	p := m.buildPosterior(g, batch, k)
	recon := g.Neg(g.Mean(p.logLik))
	o := &objective{g: g, post: p, metrics: map[string]*nn.Node{"recon": recon}, m: m}
	// Every per-layer term is kept as a 1-vector: gorgonia cannot take
	// gradients through a reshaped scalar.
	var kl, penalty *nn.Node
	for l, kn := range p.kls {
		kll := g.Mean(g.Reshape(kn, 1, kn.Shape()[0]), 1)
		if len(p.kls) > 1 {
			o.metrics[fmt.Sprintf("kl/%d", l)] = g.Sum(kll)
		}
		pen := kll
		if λ := float32(m.cfg.FreeBits); λ > 0 {
			pen = g.Shift(g.ReLU(g.Shift(kll, -λ)), λ) // max(KL, λ)
		}
		if kl == nil {
			kl, penalty = kll, pen
		} else {
			kl, penalty = g.Add(kl, kll), g.Add(penalty, pen)
		}
	}
	kl = g.Sum(kl)
	o.metrics["kl"] = kl
	switch {
	case k > 1:
		lw := g.Reshape(p.logW, batch, k)
		o.loss = g.Neg(g.Mean(g.Shift(g.LogSumExp(lw, 1), -float32(math.Log(float64(k))))))
	case m.cfg.WarmUp > 0:
		o.beta = g.Input("beta", 1)
		o.loss = g.Add(recon, g.Sum(g.Mul(penalty, o.beta)))
	default:
		o.loss = g.Add(recon, g.Sum(g.Scale(penalty, float32(m.cfg.Beta))))
	}
	if k == 1 && (m.cfg.Beta != 1 || m.cfg.WarmUp > 0 || m.cfg.FreeBits > 0) {
		o.metrics["bound"] = g.Add(recon, kl)
	}
	if err := g.Err(); err != nil {
		return nil, err
	}
	o.SetStep(0)
	return o, nil
}

func (o *objective) Graph() *nn.Graph             { return o.g }
func (o *objective) Loss() *nn.Node               { return o.loss }
func (o *objective) Metrics() map[string]*nn.Node { return o.metrics }
func (o *objective) Feed(x data.Images, rng *rand.Rand) error {
	mask, err := o.m.TrainingMasks(x.N, rng)
	if err != nil {
		return err
	}
	return o.post.feed(o.g, x, mask, rng)
}

// SetStep sets the KL weight β·min(1, step/WarmUp) (train.Scheduled).
func (o *objective) SetStep(step int) {
	if o.beta != nil {
		o.g.InputData(o.beta)[0] = float32(o.m.cfg.Beta * min(1, float64(step)/float64(o.m.cfg.WarmUp)))
	}
}

package vae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/nn"
	"github.com/genmodel/genmodel/train"
)

// posterior is the reparameterised part of a VAE graph shared by training
// and evaluation: for x (B, C, H, W) and ε (B·K, Latent) it holds
//
//	z = μ(x) + exp(½ log σ²(x)) ⊙ ε                  (each row of μ, σ repeated K times)
//	log w = log p(x|z) + log p(z) − log q(z|x)       (B·K)
//	      = log p(x|z) + Σⱼ (−½zⱼ² + ½εⱼ² + ½ log σ²ⱼ)
//	KL(q‖p) = ½ Σⱼ (μⱼ² + σ²ⱼ − log σ²ⱼ − 1)        (B, analytic)
type posterior struct {
	x, eps       *nn.Node
	logLik, logW *nn.Node // B·K
	kl           *nn.Node // B
}

func (m *Model) buildPosterior(g *nn.Graph, batch, k int) *posterior {
	c := m.cfg
	p := &posterior{
		x:   g.Input("x", batch, c.C, c.H, c.W),
		eps: g.Input("eps", batch*k, c.Latent),
	}
	mu, logVar := m.encode(g, p.x)
	p.kl = g.GaussianKL(mu, logVar)
	target := p.x
	if k > 1 {
		mu, logVar, target = g.RepeatRows(mu, k), g.RepeatRows(logVar, k), g.RepeatRows(p.x, k)
	}
	z := g.Add(mu, g.Mul(g.Exp(g.Scale(logVar, 0.5)), p.eps))
	p.logLik = m.logLikelihood(g, target, m.decode(g, z))
	// log p(z) − log q(z|x); the log 2π terms cancel.
	logRatio := g.Scale(g.Sum(g.Add(g.Sub(g.Square(p.eps), g.Square(z)), logVar), 1), 0.5)
	p.logW = g.Add(p.logLik, logRatio)
	return p
}

// feed sets x and draws ε ~ N(0, I) from rng.
func (p *posterior) feed(g *nn.Graph, x data.Images, rng *rand.Rand) error {
	if want := p.x.Shape(); x.N != want[0] || x.C != want[1] || x.H != want[2] || x.W != want[3] {
		return fmt.Errorf("vae: batch %v does not match the model's input %v", x, want)
	}
	if err := g.Set(p.x, x.Pix); err != nil {
		return err
	}
	eps := g.InputData(p.eps)
	for i := range eps {
		eps[i] = float32(rng.NormFloat64())
	}
	return nil
}

// Objective is the training loss for batches of batch images: the negative
// ELBO −E_q[log p(x|z)] + β·KL, or with IWAE K > 1 the negative importance
// weighted bound −log (1/K) Σₖ wₖ, averaged over the batch (nats per image).
// Its metrics are "recon" (−log p(x|z), averaged over samples), "kl" and
// "bound" (the unweighted −ELBO, or −L_K, comparable across β).
type objective struct {
	g       *nn.Graph
	post    *posterior
	loss    *nn.Node
	metrics map[string]*nn.Node
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
	kl := g.Mean(p.kl)
	o := &objective{g: g, post: p, metrics: map[string]*nn.Node{"recon": recon, "kl": kl}}
	if k > 1 {
		lw := g.Reshape(p.logW, batch, k)
		bound := g.Neg(g.Mean(g.Shift(g.LogSumExp(lw, 1), -float32(math.Log(float64(k))))))
		o.loss = bound
	} else {
		o.loss = g.Add(recon, g.Scale(kl, float32(m.cfg.Beta)))
		if m.cfg.Beta != 1 {
			o.metrics["bound"] = g.Add(recon, kl)
		}
	}
	if err := g.Err(); err != nil {
		return nil, err
	}
	return o, nil
}

func (o *objective) Graph() *nn.Graph                         { return o.g }
func (o *objective) Loss() *nn.Node                           { return o.loss }
func (o *objective) Metrics() map[string]*nn.Node             { return o.metrics }
func (o *objective) Feed(x data.Images, rng *rand.Rand) error { return o.post.feed(o.g, x, rng) }

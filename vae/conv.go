package vae

import (
	"math/rand/v2"

	"github.com/genmodel/genmodel/nn"
)

// convNet is the single-latent convolutional VAE:
//
//	encoder  x (C,H,W) → conv3×3/2 (Width) → act → conv3×3/2 (2·Width) → act
//	         → flatten → dense → (μ, log σ²) ∈ R^Latent × R^Latent
//	decoder  z → dense → act → (2·Width, H/4, W/4) → upsample ×2 → conv3×3 (Width)
//	         → act → upsample ×2 → conv3×3 → decoder output (decoderMaps, H, W)
//
// with the prior p(z) = N(0, I) and q(z|x) = N(μ, diag σ²). A model trained
// to impute is conditional, p(x_miss | x_obs) = ∫ p(x_miss | z, x_obs)
// p(z | x_obs) dz: a second encoder, the context, reads (x ⊙ m, m) for the
// observation mask m; its (μ, log σ²) are the prior p(z | x_obs), and its
// last feature map c (2·Width, H/4, W/4) is added to the decoder's first map
// through a 1×1 conv. q's encoder reads (x, m), the whole image.
type convNet struct {
	cfg          Config
	enc, ctx     *convEncoder // ctx: models trained to impute, else nil
	decIn        *nn.Dense
	ctxIn        *nn.Conv // with ctx
	dec1, decOut *nn.Conv
}

// convEncoder is conv3×3/2 → act → conv3×3/2 → act → dense to (μ, log σ²).
type convEncoder struct {
	c1, c2 *nn.Conv
	out    *nn.Dense
}

func newConvNet(cfg Config, ps *nn.Params, rng *rand.Rand) *convNet {
	w, l := cfg.Width, cfg.Latent
	flat := 2 * w * (cfg.H / 4) * (cfg.W / 4)
	newEncoder := func(prefix string) *convEncoder {
		return &convEncoder{
			c1:  nn.NewConv(ps, prefix+".conv1", cfg.encoderChannels(), w, 3, 2, 1, nn.GainReLU, rng),
			c2:  nn.NewConv(ps, prefix+".conv2", w, 2*w, 3, 2, 1, nn.GainReLU, rng),
			out: nn.NewDense(ps, prefix+".out", flat, 2*l, nn.GainLinear, rng),
		}
	}
	n := &convNet{
		cfg:    cfg,
		enc:    newEncoder("enc"),
		decIn:  nn.NewDense(ps, "dec.in", l, flat, nn.GainReLU, rng),
		dec1:   nn.NewConv(ps, "dec.conv1", 2*w, w, 3, 1, 1, nn.GainReLU, rng),
		decOut: nn.NewConv(ps, "dec.out", w, decoderMaps(cfg), 3, 1, 1, nn.GainLinear, rng),
	}
	if cfg.Impute != "" {
		n.ctx = newEncoder("ctx")
		n.ctxIn = nn.NewConv(ps, "dec.ctx", 2*w, 2*w, 1, 1, 0, nn.GainLinear, rng)
	}
	// The decoder's convolutions read their input upsampled ×2 (nearest).
	n.dec1.Up, n.decOut.Up = 2, 2
	// Start with a small posterior variance: log σ² biases of −2 make the
	// first steps less noisy without limiting what the encoder can learn.
	nn.Fill(n.enc.out.B.Data[l:], -2)
	return n
}

func (n *convNet) noise(rows int) [][]int { return [][]int{{rows, n.cfg.Latent}} }

func (n *convNet) infer(g *nn.Graph, x, cond *nn.Node, k int, eps []*nn.Node) (out, logRatio *nn.Node, kls []*nn.Node) {
	mu, logVar, _ := n.enc.apply(g, n.cfg, x)
	if n.ctx == nil {
		kl := g.GaussianKL(mu, logVar)
		mu, logVar = g.RepeatRows(mu, k), g.RepeatRows(logVar, k)
		z := reparam(g, mu, logVar, eps[0])
		return n.decode(g, z, nil), standardLogRatio(g, z, logVar, eps[0]), []*nn.Node{kl}
	}
	muP, lvP, c := n.ctx.apply(g, n.cfg, cond)
	kl := g.GaussianKLPair(mu, logVar, muP, lvP)
	mu, logVar, muP, lvP = g.RepeatRows(mu, k), g.RepeatRows(logVar, k), g.RepeatRows(muP, k), g.RepeatRows(lvP, k)
	z := reparam(g, mu, logVar, eps[0])
	logRatio = g.Sub(g.GaussianLogPdf(z, muP, lvP), g.GaussianLogPdf(z, mu, logVar))
	return n.decode(g, z, g.RepeatRows(c, k)), logRatio, []*nn.Node{kl}
}

func (n *convNet) generate(g *nn.Graph, cond *nn.Node, eps []*nn.Node) *nn.Node {
	if n.ctx == nil {
		return n.decode(g, eps[0], nil)
	}
	muP, lvP, c := n.ctx.apply(g, n.cfg, cond)
	return n.decode(g, reparam(g, muP, lvP, eps[0]), c)
}

// apply returns μ and log σ² (B, Latent) for x (B, C', H, W), and the
// last feature map act(conv₂(·)) (B, 2·Width, H/4, W/4).
func (e *convEncoder) apply(g *nn.Graph, cfg Config, x *nn.Node) (mu, logVar, features *nn.Node) {
	h := act(cfg, g, e.c1.Apply(g, x))
	features = act(cfg, g, e.c2.Apply(g, h))
	if features == nil {
		return nil, nil, nil
	}
	b := x.Shape()[0]
	out := e.out.Apply(g, g.Reshape(features, b, features.Shape().TotalSize()/b))
	l := cfg.Latent
	return g.Cols(out, 0, l), g.Cols(out, l, 2*l), features
}

// decode returns the decoder output (B, decoderMaps, H, W) for z (B,
// Latent) and, in a conditional model, the context's feature map c.
func (n *convNet) decode(g *nn.Graph, z, c *nn.Node) *nn.Node {
	if z == nil {
		return nil
	}
	b, w := z.Shape()[0], n.cfg.Width
	h := act(n.cfg, g, n.decIn.Apply(g, z))
	h = g.Reshape(h, b, 2*w, n.cfg.H/4, n.cfg.W/4)
	if c != nil {
		h = g.Add(h, n.ctxIn.Apply(g, c))
	}
	h = act(n.cfg, g, n.dec1.Apply(g, h))
	return n.decOut.Apply(g, h)
}

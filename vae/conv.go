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
// with the prior p(z) = N(0, I) and q(z|x) = N(μ, diag σ²).
type convNet struct {
	cfg           Config
	enc1, enc2    *nn.Conv
	encOut, decIn *nn.Dense
	dec1, decOut  *nn.Conv
}

func newConvNet(cfg Config, ps *nn.Params, rng *rand.Rand) *convNet {
	w, l := cfg.Width, cfg.Latent
	flat := 2 * w * (cfg.H / 4) * (cfg.W / 4)
	n := &convNet{
		cfg:    cfg,
		enc1:   nn.NewConv(ps, "enc.conv1", cfg.encoderChannels(), w, 3, 2, 1, nn.GainReLU, rng),
		enc2:   nn.NewConv(ps, "enc.conv2", w, 2*w, 3, 2, 1, nn.GainReLU, rng),
		encOut: nn.NewDense(ps, "enc.out", flat, 2*l, nn.GainLinear, rng),
		decIn:  nn.NewDense(ps, "dec.in", l, flat, nn.GainReLU, rng),
		dec1:   nn.NewConv(ps, "dec.conv1", 2*w, w, 3, 1, 1, nn.GainReLU, rng),
		decOut: nn.NewConv(ps, "dec.out", w, decoderMaps(cfg), 3, 1, 1, nn.GainLinear, rng),
	}
	// The decoder's convolutions read their input upsampled ×2 (nearest).
	n.dec1.Up, n.decOut.Up = 2, 2
	// Start with a small posterior variance: log σ² biases of −2 make the
	// first steps less noisy without limiting what the encoder can learn.
	nn.Fill(n.encOut.B.Data[l:], -2)
	return n
}

func (n *convNet) noise(rows int) [][]int { return [][]int{{rows, n.cfg.Latent}} }

func (n *convNet) infer(g *nn.Graph, x *nn.Node, k int, eps []*nn.Node) (out, logRatio *nn.Node, kls []*nn.Node) {
	mu, logVar := n.encode(g, x)
	kl := g.GaussianKL(mu, logVar)
	mu, logVar = g.RepeatRows(mu, k), g.RepeatRows(logVar, k)
	z := reparam(g, mu, logVar, eps[0])
	return n.decode(g, z), standardLogRatio(g, z, logVar, eps[0]), []*nn.Node{kl}
}

func (n *convNet) generate(g *nn.Graph, eps []*nn.Node) *nn.Node { return n.decode(g, eps[0]) }

// encode returns μ and log σ² (B, Latent) of q(z|x) for x (B, C, H, W).
func (n *convNet) encode(g *nn.Graph, x *nn.Node) (mu, logVar *nn.Node) {
	h := act(n.cfg, g, n.enc1.Apply(g, x))
	h = act(n.cfg, g, n.enc2.Apply(g, h))
	if h == nil {
		return nil, nil
	}
	b := x.Shape()[0]
	h = g.Reshape(h, b, h.Shape().TotalSize()/b)
	out := n.encOut.Apply(g, h)
	l := n.cfg.Latent
	return g.Cols(out, 0, l), g.Cols(out, l, 2*l)
}

// decode returns the decoder output (B, decoderMaps, H, W) for z (B, Latent).
func (n *convNet) decode(g *nn.Graph, z *nn.Node) *nn.Node {
	if z == nil {
		return nil
	}
	b, w := z.Shape()[0], n.cfg.Width
	h := act(n.cfg, g, n.decIn.Apply(g, z))
	h = g.Reshape(h, b, 2*w, n.cfg.H/4, n.cfg.W/4)
	h = act(n.cfg, g, n.dec1.Apply(g, h))
	return n.decOut.Apply(g, h)
}

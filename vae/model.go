package vae

import (
	"fmt"
	"math/rand/v2"

	"github.com/genmodel/genmodel/nn"
)

// Model is the single-latent convolutional VAE:
//
//	encoder  x (C,H,W) → conv3×3/2 (Width) → act → conv3×3/2 (2·Width) → act
//	         → flatten → dense → (μ, log σ²) ∈ R^Latent × R^Latent
//	decoder  z → dense → act → (2·Width, H/4, W/4) → upsample ×2 → conv3×3 (Width)
//	         → act → upsample ×2 → conv3×3 → likelihood parameters (P·C, H, W)
//
// with act ELU or ReLU, and P = 1 output map per channel for the Bernoulli likelihood (logits) and
// P = 2 for the logistic and Gaussian ones (location, log-scale or log-variance).
type Model struct {
	cfg           Config
	ps            *nn.Params
	enc1, enc2    *nn.Conv
	encOut, decIn *nn.Dense
	dec1, decOut  *nn.Conv
	graphs        map[[2]int]*logWeightGraph
	samplers      map[int]*sampler
}

// New builds a model with weights drawn from rng.
func New(cfg Config, rng *rand.Rand) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	w, l := cfg.Width, cfg.Latent
	flat := 2 * w * (cfg.H / 4) * (cfg.W / 4)
	ps := nn.NewParams()
	m := &Model{
		cfg:      cfg,
		ps:       ps,
		enc1:     nn.NewConv(ps, "enc.conv1", cfg.C, w, 3, 2, 1, nn.GainReLU, rng),
		enc2:     nn.NewConv(ps, "enc.conv2", w, 2*w, 3, 2, 1, nn.GainReLU, rng),
		encOut:   nn.NewDense(ps, "enc.out", flat, 2*l, nn.GainLinear, rng),
		decIn:    nn.NewDense(ps, "dec.in", l, flat, nn.GainReLU, rng),
		dec1:     nn.NewConv(ps, "dec.conv1", 2*w, w, 3, 1, 1, nn.GainReLU, rng),
		decOut:   nn.NewConv(ps, "dec.out", w, outMaps(cfg.Likelihood)*cfg.C, 3, 1, 1, nn.GainLinear, rng),
		graphs:   map[[2]int]*logWeightGraph{},
		samplers: map[int]*sampler{},
	}
	// The decoder's convolutions read their input upsampled ×2 (nearest).
	m.dec1.Up, m.decOut.Up = 2, 2
	// Start with a small posterior variance: log σ² biases of −2 make the
	// first steps less noisy without limiting what the encoder can learn.
	nn.Fill(m.encOut.B.Data[l:], -2)
	return m, nil
}

// Config returns the model's resolved configuration.
func (m *Model) Config() Config { return m.cfg }

// Params lists the trainable parameters.
func (m *Model) Params() *nn.Params { return m.ps }

// Dim is the number of pixel values per image, C·H·W.
func (m *Model) Dim() int { return m.cfg.C * m.cfg.H * m.cfg.W }

func outMaps(likelihood string) int {
	if likelihood == Bernoulli {
		return 1
	}
	return 2
}

// encode returns μ and log σ² (B, Latent) of q(z|x) for x (B, C, H, W).
func (m *Model) encode(g *nn.Graph, x *nn.Node) (mu, logVar *nn.Node) {
	h := m.act(g, m.enc1.Apply(g, x))
	h = m.act(g, m.enc2.Apply(g, h))
	if h == nil {
		return nil, nil
	}
	b := x.Shape()[0]
	h = g.Reshape(h, b, h.Shape().TotalSize()/b)
	out := m.encOut.Apply(g, h)
	l := m.cfg.Latent
	return g.Cols(out, 0, l), g.Cols(out, l, 2*l)
}

// decode returns the likelihood parameters (B, P·C, H, W) for z (B, Latent).
func (m *Model) decode(g *nn.Graph, z *nn.Node) *nn.Node {
	if z == nil {
		g.Fail(fmt.Errorf("vae: decode: nil latent"))
		return nil
	}
	b, w := z.Shape()[0], m.cfg.Width
	h := m.act(g, m.decIn.Apply(g, z))
	h = g.Reshape(h, b, 2*w, m.cfg.H/4, m.cfg.W/4)
	h = m.act(g, m.dec1.Apply(g, h))
	return m.decOut.Apply(g, h)
}

// act is the hidden units' activation.
func (m *Model) act(g *nn.Graph, x *nn.Node) *nn.Node {
	if m.cfg.Activation == "relu" {
		return g.ReLU(x)
	}
	return g.ELU(x)
}

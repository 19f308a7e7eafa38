package vae

import (
	"math/rand/v2"

	"github.com/genmodel/genmodel/autoregressive"
	"github.com/genmodel/genmodel/nn"
)

// Model is a VAE of images (C, H, W): the hierarchical VAE (hierNet) or
// the single-latent conv VAE (convNet), with a Bernoulli, discretized
// logistic or Gaussian likelihood whose pixels are independent given z, or
// (with AR) an autoregressive reconstruction over them, conditioned on the
// decoder's output. Training, the importance-weighted NLL and sampling work
// the same for all.
type Model struct {
	cfg      Config
	ps       *nn.Params
	net      network
	ar       *autoregressive.Net // nil: pixels independent given z
	graphs   map[[2]int]*logWeightGraph
	samplers map[int]*sampler
	arDraws  map[int]*autoregressive.Sampler
}

// New builds a model with weights drawn from rng.
func New(cfg Config, rng *rand.Rand) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	m := &Model{cfg: cfg, ps: nn.NewParams(), graphs: map[[2]int]*logWeightGraph{}, samplers: map[int]*sampler{}, arDraws: map[int]*autoregressive.Sampler{}}
	if cfg.Arch == Conv {
		m.net = newConvNet(cfg, m.ps, rng)
	} else {
		net, err := newHierNet(cfg, m.ps, rng)
		if err != nil {
			return nil, err
		}
		m.net = net
	}
	if cfg.AR > 0 {
		ar, err := autoregressive.New(m.ps, "ar", cfg.arConfig(), rng)
		if err != nil {
			return nil, err
		}
		m.ar = ar
	}
	return m, nil
}

// likelihoodParams turns the decoder output for targets x into the
// likelihood's parameters (B, P·C, H, W): the output itself, or the
// autoregressive reconstruction's parameters, which see x only through
// the pixels before each one.
func (m *Model) likelihoodParams(g *nn.Graph, x, out *nn.Node) *nn.Node {
	if m.ar == nil {
		return out
	}
	return m.ar.Apply(g, x, out)
}

// Config returns the model's resolved configuration.
func (m *Model) Config() Config { return m.cfg }

// Params lists the trainable parameters.
func (m *Model) Params() *nn.Params { return m.ps }

// Dim is the number of pixel values per image, C·H·W.
func (m *Model) Dim() int { return m.cfg.C * m.cfg.H * m.cfg.W }

package vae

import (
	"math/rand/v2"

	"github.com/genmodel/genmodel/nn"
)

// Model is a VAE of images (C, H, W): the hierarchical VAE (hierNet) or
// the single-latent conv VAE (convNet), with a Bernoulli, discretized
// logistic or Gaussian likelihood. Training, the importance-weighted NLL
// and sampling work the same for both.
type Model struct {
	cfg      Config
	ps       *nn.Params
	net      network
	graphs   map[[2]int]*logWeightGraph
	samplers map[int]*sampler
}

// New builds a model with weights drawn from rng.
func New(cfg Config, rng *rand.Rand) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	m := &Model{cfg: cfg, ps: nn.NewParams(), graphs: map[[2]int]*logWeightGraph{}, samplers: map[int]*sampler{}}
	if cfg.Arch == Conv {
		m.net = newConvNet(cfg, m.ps, rng)
	} else {
		net, err := newHierNet(cfg, m.ps, rng)
		if err != nil {
			return nil, err
		}
		m.net = net
	}
	return m, nil
}

// Config returns the model's resolved configuration.
func (m *Model) Config() Config { return m.cfg }

// Params lists the trainable parameters.
func (m *Model) Params() *nn.Params { return m.ps }

// Dim is the number of pixel values per image, C·H·W.
func (m *Model) Dim() int { return m.cfg.C * m.cfg.H * m.cfg.W }

package autoregressive

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/nn"
)

// Config describes a Net. A zero field takes the default in its comment.
type Config struct {
	C      int // image channels
	Cond   int // conditioning maps (the decoder's output features)
	Params int // likelihood parameters per image channel (1 for Bernoulli logits)
	Width  int // hidden channels, a multiple of C; default 32
	Layers int // masked convolutions, ≥ 2; default 3
	Kernel int // the first (type A) layer's kernel size, odd; default 5
}

// WithDefaults fills zero fields.
func (c Config) WithDefaults() Config {
	if c.Width == 0 {
		c.Width = 32
	}
	if c.Layers == 0 {
		c.Layers = 3
	}
	if c.Kernel == 0 {
		c.Kernel = 5
	}
	return c
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.C < 1 || c.Cond < 1 || c.Params < 1:
		return fmt.Errorf("autoregressive: channels %d, conditioning maps %d and parameters %d must be ≥ 1", c.C, c.Cond, c.Params)
	case c.Width < c.C || c.Width%c.C != 0:
		return fmt.Errorf("autoregressive: width %d must be a positive multiple of the %d image channels", c.Width, c.C)
	case c.Layers < 2:
		return fmt.Errorf("autoregressive: at least 2 masked layers (one type A, one type B output), got %d", c.Layers)
	case c.Kernel < 3 || c.Kernel%2 == 0:
		return fmt.Errorf("autoregressive: the first kernel must be odd and ≥ 3, got %d", c.Kernel)
	}
	return nil
}

// Net is a lightweight PixelCNN (van den Oord et al. 2016) conditioned on
// per-pixel features f of the same height and width as the image x: with
// Mₐ a masked convolution of kind a and 1×1 convolutions c₁, c₂,
//
//	h₀ = M_A(x) + c₁(f)                               (k×k, type A)
//	hₗ = hₗ₋₁ + M_B(elu(hₗ₋₁))    l = 1 … Layers−2      (3×3, type B)
//	θ  = M_B(elu(h)) + c₂(f)                          (1×1, type B)
//
// so the parameters θ at pixel i and image channel c depend on x only
// through the pixels before i in raster order and the channels before c at
// pixel i. The features f may depend on anything but x itself (a VAE's
// top-down output, a function of z): then p(x | f) = Πᵢ p(xᵢ | x<ᵢ, f) is
// a proper distribution, evaluated in one pass and sampled pixel by pixel.
// θ has Params·C maps laid out as the vae package's likelihoods expect: the
// first parameter of every image channel, then the second, and so on.
type Net struct {
	cfg             Config
	first, out      masked
	hidden          []masked
	condIn, condOut *nn.Conv
}

// masked is a convolution whose weights are multiplied by a fixed mask
// before use, so that masked weights neither act nor learn.
type masked struct {
	conv *nn.Conv
	mask []float32
}

// New adds the Net's parameters, named "<name>.…", to ps.
func New(ps *nn.Params, name string, cfg Config, rng *rand.Rand) (*Net, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	img, hid := blockGroups(cfg.C, cfg.C), blockGroups(cfg.Width, cfg.C)
	n := &Net{cfg: cfg}
	n.first = newMasked(ps, name+".a", A, cfg.Kernel, img, hid, nn.GainReLU, rng)
	for l := 1; l <= cfg.Layers-2; l++ {
		// Residual branches start small so the stack starts near h₀.
		n.hidden = append(n.hidden, newMasked(ps, fmt.Sprintf("%s.b%d", name, l), B, 3, hid, hid, 0.5, rng))
	}
	n.out = newMasked(ps, name+".out", B, 1, hid, paramGroups(cfg.Params, cfg.C), nn.GainLinear, rng)
	n.condIn = nn.NewConv(ps, name+".cond", cfg.Cond, cfg.Width, 1, 1, 0, nn.GainLinear, rng)
	n.condOut = nn.NewConv(ps, name+".condout", cfg.Cond, cfg.Params*cfg.C, 1, 1, 0, nn.GainLinear, rng)
	return n, nil
}

// newMasked draws a k×k convolution whose kept weights have the He-normal
// scale of their own fan-in (the kept inputs of each output channel).
func newMasked(ps *nn.Params, name string, kind MaskKind, k int, inGroup, outGroup []int, gain float64, rng *rand.Rand) masked {
	in, out := len(inGroup), len(outGroup)
	c := nn.NewConv(ps, name, in, out, k, 1, k/2, 1, rng)
	m := Mask(kind, k, inGroup, outGroup)
	per := in * k * k
	for o := range out {
		kept := 0
		for _, v := range m[o*per : (o+1)*per] {
			kept += int(v)
		}
		s := float32(gain * math.Sqrt(float64(per)/float64(max(kept, 1))))
		for j := o * per; j < (o+1)*per; j++ {
			c.W.Data[j] *= s * m[j]
		}
	}
	return masked{conv: c, mask: m}
}

func (m masked) apply(g *nn.Graph, x *nn.Node) *nn.Node {
	mask := g.Input(m.conv.W.Name+".mask", m.conv.W.Shape...)
	if mask == nil {
		return nil
	}
	copy(g.InputData(mask), m.mask)
	c := m.conv
	return g.Conv2d(x, g.Mul(g.Param(c.W), mask), g.Param(c.B), c.Stride, c.Pad, c.Up)
}

// Config returns the resolved configuration.
func (n *Net) Config() Config { return n.cfg }

// Apply returns θ (B, Params·C, H, W) for images x (B, C, H, W) and
// features f (B, Cond, H, W).
func (n *Net) Apply(g *nn.Graph, x, f *nn.Node) *nn.Node {
	h := g.Add(n.first.apply(g, x), n.condIn.Apply(g, f))
	for _, l := range n.hidden {
		h = g.Add(h, l.apply(g, g.ELU(h)))
	}
	return g.Add(n.out.apply(g, g.ELU(h)), n.condOut.Apply(g, f))
}

package vae

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/genmodel/genmodel/autoregressive"
	"github.com/genmodel/genmodel/data"
)

// Likelihoods of the decoder p(x|z).
const (
	// Bernoulli: binary pixels, p(x|z) = Πᵢ λᵢ^xᵢ (1−λᵢ)^(1−xᵢ), λ = sigmoid(logits).
	Bernoulli = "bernoulli"
	// Logistic: 8-bit pixels, a logistic per pixel discretised to 256 bins
	// (Salimans et al. 2017, one component).
	Logistic = "logistic"
	// Gaussian: dequantized continuous pixels, N(xᵢ; mᵢ, exp(ℓᵢ)) per pixel.
	Gaussian = "gaussian"
)

// Architectures.
const (
	// Hier is the hierarchical VAE (see hierNet).
	Hier = "hier"
	// Conv is the single-latent convolutional VAE (see convNet).
	Conv = "conv"
)

// Priors of the hierarchical VAE's conv latent layers.
const (
	// Learned: p(zᵢ | z<ᵢ) is a diagonal Gaussian computed from the TD state.
	Learned = "learned"
	// Standard: p(zᵢ) = N(0, I).
	Standard = "standard"
)

// Config describes a VAE. A zero field takes the default in its comment.
type Config struct {
	Arch       string  `json:"arch"`                // "hier", the hierarchical VAE (default), or "conv", the single-latent conv VAE
	Latent     int     `json:"latent,omitempty"`    // conv: latent dimensions; default 32
	Latents    string  `json:"latents,omitempty"`   // hier: latent layers, top first (see ParseLatents); default "1x32d,5x<H/4>,5x<H/2>"
	ZChannels  int     `json:"zchannels,omitempty"` // hier: channels of each conv latent layer; default 4
	Prior      string  `json:"prior,omitempty"`     // hier: prior of the conv latent layers, "learned" (default) or "standard"
	Width      int     `json:"width"`               // channels of the conv layers (conv: of the first); default 16 (hier), 32 (conv)
	Activation string  `json:"activation"`          // hidden units: "elu" (default) or "relu"
	Likelihood string  `json:"likelihood"`          // bernoulli (default), logistic or gaussian
	Beta       float64 `json:"beta"`                // β, the KL weight of the ELBO; default 1
	IWAE       int     `json:"iwae"`                // K > 1: train on the IWAE bound with K samples; default 1 (ELBO)
	AR         int     `json:"ar,omitempty"`        // masked conv layers of an autoregressive reconstruction p(x|z) (see package autoregressive); default 0 (none: pixels independent given z)
	ARWidth    int     `json:"ar_width,omitempty"`  // with AR: channels of its layers and of the decoder features it reads; default 32
	Impute     string  `json:"impute,omitempty"`    // trained to impute: the occlusion of its training masks (data.Occlusions, or "all": one at random per image); default "" (a plain VAE)
	WarmUp     int     `json:"warmup,omitempty"`    // steps over which the KL weight rises linearly from 0 to β; default 0 (none)
	FreeBits   float64 `json:"free_bits,omitempty"` // nats per latent layer (batch mean) below which its KL costs nothing; default 0 (off)
	// Image shape (channels, height, width): H and W must be multiples of 4.
	C int `json:"c"`
	H int `json:"h"`
	W int `json:"w"`
}

// WithDefaults fills zero fields.
func (c Config) WithDefaults() Config {
	if c.Arch == "" {
		c.Arch = Hier
	}
	if c.Arch == Conv && c.Latent == 0 {
		c.Latent = 32
	}
	if c.Arch == Hier {
		if c.Latents == "" && c.H%4 == 0 {
			c.Latents = fmt.Sprintf("1x32d,5x%d,5x%d", c.H/4, c.H/2)
		}
		if c.ZChannels == 0 {
			c.ZChannels = 4
		}
		if c.Prior == "" {
			c.Prior = Learned
		}
	}
	if c.Width == 0 {
		c.Width = 32
		if c.Arch == Hier {
			c.Width = 16
		}
	}
	if c.AR > 0 && c.ARWidth == 0 {
		c.ARWidth = 32
	}
	if c.Activation == "" {
		c.Activation = "elu"
	}
	if c.Likelihood == "" {
		c.Likelihood = Bernoulli
	}
	if c.Beta == 0 {
		c.Beta = 1
	}
	if c.IWAE == 0 {
		c.IWAE = 1
	}
	return c
}

// Validate reports the first setting that cannot work, naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.Arch != Hier && c.Arch != Conv:
		return fmt.Errorf("vae: unknown arch %q (known: hier, conv)", c.Arch)
	case c.Arch == Conv && c.Latent < 1:
		return fmt.Errorf("vae: latent must be ≥ 1, got %d", c.Latent)
	case c.Width < 1:
		return fmt.Errorf("vae: width must be ≥ 1, got %d", c.Width)
	case c.Activation != "elu" && c.Activation != "relu":
		return fmt.Errorf("vae: unknown activation %q (known: elu, relu)", c.Activation)
	case c.Likelihood != Bernoulli && c.Likelihood != Logistic && c.Likelihood != Gaussian:
		return fmt.Errorf("vae: unknown likelihood %q (known: bernoulli, logistic, gaussian)", c.Likelihood)
	case c.Beta < 0:
		return fmt.Errorf("vae: beta must be ≥ 0, got %g", c.Beta)
	case c.IWAE < 1:
		return fmt.Errorf("vae: iwae must be ≥ 1, got %d", c.IWAE)
	case c.IWAE > 1 && (c.Beta != 1 || c.WarmUp != 0 || c.FreeBits != 0):
		return fmt.Errorf("vae: beta, warm-up and free bits have no meaning with the IWAE bound (iwae %d); use one or the other", c.IWAE)
	case c.WarmUp < 0:
		return fmt.Errorf("vae: warmup must be ≥ 0 steps, got %d", c.WarmUp)
	case c.FreeBits < 0:
		return fmt.Errorf("vae: free bits must be ≥ 0 nats, got %g", c.FreeBits)
	case c.Arch == Hier && c.ZChannels < 1:
		return fmt.Errorf("vae: zchannels must be ≥ 1, got %d", c.ZChannels)
	case c.Arch == Hier && c.Prior != Learned && c.Prior != Standard:
		return fmt.Errorf("vae: unknown prior %q (known: learned, standard)", c.Prior)
	case c.Impute != "" && c.Impute != AllOcclusions && !slices.Contains(data.Occlusions(), c.Impute):
		return fmt.Errorf("vae: unknown impute occlusion %q (known: %s, %s)", c.Impute, strings.Join(data.Occlusions(), ", "), AllOcclusions)
	case c.AR < 0 || c.AR == 1:
		return fmt.Errorf("vae: ar must be 0 (off) or ≥ 2 masked layers, got %d", c.AR)
	case c.C < 1 || c.H < 4 || c.W < 4:
		return fmt.Errorf("vae: image shape %dx%dx%d is too small", c.C, c.H, c.W)
	case c.H%4 != 0 || c.W%4 != 0:
		return fmt.Errorf("vae: image height and width must be multiples of 4, got %dx%d", c.H, c.W)
	}
	if c.AR > 0 {
		if err := c.arConfig().Validate(); err != nil {
			return err
		}
	}
	if c.Arch == Hier {
		if _, err := ParseLatents(c.Latents, c.H, c.W); err != nil {
			return err
		}
	}
	return nil
}

// AllOcclusions, as Config.Impute, trains on every occlusion kind, one
// drawn at random per image.
const AllOcclusions = "all"

// encoderChannels is the number of channels an encoder reads: the image,
// or for a model trained to impute an image and the observation mask m
// (q reads (x, m), the conditioning encoder (x ⊙ m, m)).
func (c Config) encoderChannels() int {
	if c.Impute != "" {
		return 2 * c.C
	}
	return c.C
}

// arConfig is the autoregressive reconstruction of an AR configuration.
func (c Config) arConfig() autoregressive.Config {
	return autoregressive.Config{C: c.C, Cond: c.ARWidth, Params: outMaps(c.Likelihood), Width: c.ARWidth, Layers: c.AR}
}

// LatentLayer is one latent layer of the hierarchical VAE: a dense vector
// of Units values, or a conv map of (ZChannels, Res, Res·W/H).
type LatentLayer struct {
	Dense bool
	Units int // dense layers
	Res   int // conv layers: the height of the map
}

// ParseLatents reads a latent specification for H×W images: groups "NxR"
// (N conv latent layers of height R) or "NxUd" (N dense layers of U units)
// separated by commas, top layer first, e.g. "1x32d,5x7,5x14". The first
// group must be one dense layer (the top); conv heights must not decrease
// and each must be H divided by a power of two (whose width W·R/H is then
// whole).
func ParseLatents(spec string, h, w int) ([]LatentLayer, error) {
	var ls []LatentLayer
	for i, grp := range strings.Split(spec, ",") {
		bad := func(why string) error {
			return fmt.Errorf("vae: latents %q: group %q: %s", spec, grp, why)
		}
		count, size, ok := strings.Cut(strings.TrimSpace(grp), "x")
		n, err := strconv.Atoi(count)
		if !ok || err != nil || n < 1 {
			return nil, bad("want NxR (N conv layers of height R) or NxUd (N dense layers of U units)")
		}
		dense := strings.HasSuffix(size, "d")
		v, err := strconv.Atoi(strings.TrimSuffix(size, "d"))
		if err != nil || v < 1 {
			return nil, bad("the size after x must be a positive number")
		}
		switch {
		case i == 0 && (!dense || n != 1):
			return nil, bad("the first group must be one dense layer (the top), e.g. 1x32d")
		case i > 0 && dense:
			return nil, bad("only the top layer may be dense")
		case !dense && (h%v != 0 || !powerOfTwo(h/v) || (w*v)%h != 0):
			return nil, bad(fmt.Sprintf("a conv layer's height must be %d divided by a power of two", h))
		case !dense && len(ls) > 1 && v < ls[len(ls)-1].Res:
			return nil, bad("conv layer heights must not decrease from top to bottom")
		}
		for range n {
			ls = append(ls, LatentLayer{Dense: dense, Units: v, Res: v})
		}
	}
	if len(ls) < 2 {
		return nil, fmt.Errorf("vae: latents %q: the hierarchical VAE needs at least one conv layer below the top", spec)
	}
	for i := range ls {
		if ls[i].Dense {
			ls[i].Res = 0
		} else {
			ls[i].Units = 0
		}
	}
	return ls, nil
}

func powerOfTwo(n int) bool { return n > 0 && n&(n-1) == 0 }

// RefVAE is the configuration of refvae, the fixed reference model that
// `genmodel bench` and bench/torch_refvae.py time: the conv VAE with ReLU
// units, 32 latents and width 32 on 1×28×28 binary images (its μ and log σ²
// heads are one dense layer of 64 outputs, the same map as two of 32).
func RefVAE() Config {
	return Config{Arch: Conv, Latent: 32, Width: 32, Activation: "relu", Likelihood: Bernoulli, Beta: 1, IWAE: 1, C: 1, H: 28, W: 28}
}

package vae

import "fmt"

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

// Config describes a VAE. A zero field takes the default in its comment.
type Config struct {
	Arch       string  `json:"arch"`       // "conv", the single-latent conv VAE (default)
	Latent     int     `json:"latent"`     // latent dimensions; default 32
	Width      int     `json:"width"`      // channels of the first conv layer; default 32
	Activation string  `json:"activation"` // hidden units: "elu" (default) or "relu"
	Likelihood string  `json:"likelihood"` // bernoulli (default), logistic or gaussian
	Beta       float64 `json:"beta"`       // β, the KL weight of the ELBO; default 1
	IWAE       int     `json:"iwae"`       // K > 1: train on the IWAE bound with K samples; default 1 (ELBO)
	// Image shape (channels, height, width): H and W must be multiples of 4.
	C int `json:"c"`
	H int `json:"h"`
	W int `json:"w"`
}

// WithDefaults fills zero fields.
func (c Config) WithDefaults() Config {
	if c.Arch == "" {
		c.Arch = "conv"
	}
	if c.Latent == 0 {
		c.Latent = 32
	}
	if c.Width == 0 {
		c.Width = 32
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
	case c.Arch != "conv":
		return fmt.Errorf("vae: unknown arch %q (known: conv)", c.Arch)
	case c.Latent < 1:
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
	case c.IWAE > 1 && c.Beta != 1:
		return fmt.Errorf("vae: beta %g has no meaning with the IWAE bound (iwae %d); use one or the other", c.Beta, c.IWAE)
	case c.C < 1 || c.H < 4 || c.W < 4:
		return fmt.Errorf("vae: image shape %dx%dx%d is too small", c.C, c.H, c.W)
	case c.H%4 != 0 || c.W%4 != 0:
		return fmt.Errorf("vae: image height and width must be multiples of 4, got %dx%d", c.H, c.W)
	}
	return nil
}

// RefVAE is the configuration of refvae, the fixed reference model that
// `genmodel bench` and bench/torch_refvae.py time: the conv VAE with ReLU
// units, 32 latents and width 32 on 1×28×28 binary images (its μ and log σ²
// heads are one dense layer of 64 outputs, the same map as two of 32).
func RefVAE() Config {
	return Config{Arch: "conv", Latent: 32, Width: 32, Activation: "relu", Likelihood: Bernoulli, Beta: 1, IWAE: 1, C: 1, H: 28, W: 28}
}

package vae

import "github.com/genmodel/genmodel/nn"

// network is a VAE architecture: its latent layers, the approximate
// posterior q(z|x), the prior p(z) and the decoder p(x|z). Both
// architectures draw every latent layer by reparameterisation from
// standard normal noise that the graph gets as inputs, so that all the
// randomness of a run comes from its seeded source.
type network interface {
	// noise lists the shapes of the noise inputs for rows samples, one
	// per latent layer.
	noise(rows int) [][]int
	// infer builds the pass of q for x (B, C', H, W) with k samples per
	// image from eps (shapes noise(B·k), row b·k + j for sample j of image
	// b). cond is nil, or for a conditional model (one trained to impute)
	// the observed values and mask (B, 2C, H, W) that the prior and the
	// decoder are conditioned on. It returns the decoder output for every
	// sample (B·k, decoderMaps, H, W),
	//
	//	log p(z | cond) − log q(z | x)   per sample (B·k),
	//
	// and the analytic KL(q‖p) of every latent layer, per image or per
	// sample (their batch means are what the objective uses).
	infer(g *nn.Graph, x, cond *nn.Node, k int, eps []*nn.Node) (out, logRatio *nn.Node, kls []*nn.Node)
	// generate builds the decoder output for latents drawn from the prior
	// p(z | cond) with noise eps (shapes noise(n)); scaling the noise by T
	// samples at temperature T.
	generate(g *nn.Graph, cond *nn.Node, eps []*nn.Node) *nn.Node
}

// act is a hidden activation of the configured kind.
func act(cfg Config, g *nn.Graph, x *nn.Node) *nn.Node {
	if cfg.Activation == "relu" {
		return g.ReLU(x)
	}
	return g.ELU(x)
}

// outMaps is the number of decoder output maps per image channel: 1 for
// Bernoulli logits, 2 for the logistic's or Gaussian's location and scale.
func outMaps(likelihood string) int {
	if likelihood == Bernoulli {
		return 1
	}
	return 2
}

// decoderMaps is the number of maps a decoder outputs: the likelihood's
// parameters, P per image channel, or with an autoregressive reconstruction
// the ARWidth features it is conditioned on.
func decoderMaps(cfg Config) int {
	if cfg.AR > 0 {
		return cfg.ARWidth
	}
	return outMaps(cfg.Likelihood) * cfg.C
}

// reparam returns z = μ + exp(½ log σ²) ⊙ ε.
func reparam(g *nn.Graph, mu, logVar, eps *nn.Node) *nn.Node {
	return g.Add(mu, g.Mul(g.Exp(g.Scale(logVar, 0.5)), eps))
}

// standardLogRatio is log N(z; 0, I) − log N(z; μ, σ²) for z = μ + σ ⊙ ε,
// per row: ½ Σⱼ (εⱼ² − zⱼ² + log σ²ⱼ), the log 2π terms cancelling.
func standardLogRatio(g *nn.Graph, z, logVar, eps *nn.Node) *nn.Node {
	return g.Scale(g.SumPerExample(g.Add(g.Sub(g.Square(eps), g.Square(z)), logVar)), 0.5)
}

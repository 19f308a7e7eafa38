// Package vae holds variational autoencoders (Kingma & Welling 2014) trained
// by package train. The single-latent convolutional VAE lives here now, with
// β-VAE weighting (Higgins et al. 2017), the importance-weighted bound of
// Burda et al. (2016) as a training objective, importance-sampled test NLL,
// and sampling with a temperature. Deep hierarchical VAEs in the style of
// Matryoshka networks (Bachman 2016) will be the large case of the same
// package.
//
// For an image x with latent z, encoder q(z|x) = N(μ(x), diag σ²(x)), prior
// p(z) = N(0, I) and decoder p(x|z), the objectives are
//
//	ELBO:  L = E_q[log p(x|z)] − β·KL(q(z|x) ‖ p(z))
//	IWAE:  L_K = E[log (1/K) Σₖ wₖ],  wₖ = p(x, zₖ)/q(zₖ|x),  zₖ ~ q(z|x)
//
// and the test negative log-likelihood is estimated as −log (1/K) Σₖ wₖ with
// large K (L_K → log p(x) as K → ∞).
package vae

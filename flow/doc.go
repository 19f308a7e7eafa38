// Package flow will hold normalizing flows, RealNVP and Glow (actnorm, invertible
// 1x1 convolution, affine coupling, squeeze, multi-scale split), trained by the
// same trainer as the VAEs and scored by exact log-likelihood in bits/dim.
//
// Nothing is built here yet.
package flow

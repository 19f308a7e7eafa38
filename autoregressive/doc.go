// Package autoregressive will hold the lightweight autoregressive reconstruction
// distribution a VAE decoder may use: a few masked convolutions (PixelCNN type A
// then type B masks) over the image, conditioned on the top-down output.
//
// Nothing is built here yet.
package autoregressive

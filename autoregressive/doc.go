// Package autoregressive is the lightweight autoregressive reconstruction
// distribution a VAE decoder may use: a few masked convolutions (PixelCNN
// type A, then type B masks) over the image, conditioned on per-pixel
// features from the decoder's top-down output (Net), evaluated in one pass
// and sampled one value at a time (Sampler).
package autoregressive

// Package fid compares sets of images through Gaussians fitted to their
// features: statistics that merge across shards (Stats) and the Fréchet
// distance between two Gaussians (FrechetDistance), in float64.
//
// To come (issue 5): the FID Inception-v3 network ported from pytorch-fid,
// its preprocessing and weights, domain feature extractors, .npz
// statistics files, KID and precision/recall.
package fid

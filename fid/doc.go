// Package fid will compute the Fréchet Inception Distance with a pure-Go port of
// the FID Inception-v3 network, plus small domain feature extractors, KID and
// precision/recall.
//
// Nothing is built here yet.
package fid

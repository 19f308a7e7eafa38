// Package nn holds the building blocks of the models: named parameters, a
// graph builder over gorgonia with a sticky error, layers (dense, conv2d,
// nearest upsampling, activations) and the custom gorgonia ops that gorgonia
// v0.9.18 lacks or gets wrong (conv2d in NCHW without a transpose, nearest
// upsampling without per-element allocation, ELU, a correct log-sum-exp,
// row repetition for importance samples, the discretized logistic likelihood).
//
// Models are float32. Every custom op also runs in float64 so that its
// gradient can be checked against central finite differences tightly.
package nn

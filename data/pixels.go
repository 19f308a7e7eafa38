package data

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Pixels is how a model sees pixel values: the transform applied to the
// data and hence the likelihood the model is scored with.
type Pixels string

const (
	// Binary: dynamic binarization, a fresh Bernoulli(x) draw of every pixel
	// in every batch; Bernoulli likelihood.
	Binary Pixels = "binary"
	// StaticBinary: the training set binarized once with a fixed seed
	// (StaticBinarize); Bernoulli likelihood.
	StaticBinary Pixels = "static-binary"
	// Continuous: uniform dequantization of every batch (Dequantize);
	// density on [0, 1)^D, reported in bits/dim over 256 bins.
	Continuous Pixels = "continuous"
	// Discrete: the intensities k/255 untouched, for a likelihood over the
	// 256 levels such as the discretized logistic.
	Discrete Pixels = "discrete"
)

// allPixels lists the valid settings, in the order errors show them.
var allPixels = []Pixels{Binary, StaticBinary, Continuous, Discrete}

// ParsePixels parses a pixel-model name (case and surrounding spaces are
// ignored).
func ParsePixels(s string) (Pixels, error) {
	p := Pixels(strings.ToLower(strings.TrimSpace(s)))
	for _, q := range allPixels {
		if p == q {
			return p, nil
		}
	}
	names := make([]string, len(allPixels))
	for i, q := range allPixels {
		names[i] = string(q)
	}
	return "", fmt.Errorf("data: unknown pixel model %q; valid: %s", s, strings.Join(names, ", "))
}

// String returns the name ParsePixels accepts.
func (p Pixels) String() string { return string(p) }

// Set parses s into p, so that *Pixels is a flag.Value.
func (p *Pixels) Set(s string) error {
	q, err := ParsePixels(s)
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// Bernoulli reports whether the model has a Bernoulli likelihood over binary
// pixels (Binary or StaticBinary).
func (p Pixels) Bernoulli() bool { return p == Binary || p == StaticBinary }

// TrainSet returns the training set as the model sees it before batching:
// for StaticBinary, StaticBinarize(train, TrainSeed), the same bits in every
// run; otherwise train itself.
func (p Pixels) TrainSet(train *Set) *Set {
	if p == StaticBinary {
		return StaticBinarize(train, TrainSeed)
	}
	return train
}

// TestSet returns the test set to evaluate on, randomised once with TestSeed
// so that test NLLs are comparable: binarized for Bernoulli models,
// dequantized for Continuous ones; Discrete returns test itself.
func (p Pixels) TestSet(test *Set) *Set {
	switch {
	case p.Bernoulli():
		return StaticBinarize(test, TestSeed)
	case p == Continuous:
		out := *test
		out.Images = test.Images.Clone()
		Dequantize(out.Images, rand.New(rand.NewPCG(TestSeed, 0)))
		return &out
	}
	return test
}

// Apply transforms a batch in place, after any mollification: Binarize for
// Binary and StaticBinary (binary pixels stay as they are, but mollified
// ones, no longer 0 or 1, are drawn again as Bernoulli(clamp(x, 0, 1))),
// Dequantize for Continuous, nothing for Discrete. It panics on a value that
// is none of the constants.
func (p Pixels) Apply(x Images, rng *rand.Rand) {
	switch p {
	case Binary, StaticBinary:
		Binarize(x, rng)
	case Continuous:
		Dequantize(x, rng)
	case Discrete:
	default:
		panic(fmt.Sprintf("data: Apply on invalid Pixels %q", string(p)))
	}
}

package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Set is a labelled image data set held in memory: example i is the image
// Images.At(i) with label Labels[i]. Loaded sets hold intensities k/255 ∈ [0, 1]
// for the stored bytes k.
type Set struct {
	Images Images
	Labels []uint8
	Name   string
}

// Len is the number of examples.
func (s *Set) Len() int { return s.Images.N }

// slice returns examples [lo, hi) as a Set sharing memory with s; capacities
// are cut so that appending to the result cannot overwrite s.
func (s *Set) slice(lo, hi int, name string) *Set {
	im := s.Images
	d := im.Dim()
	im.N = hi - lo
	im.Pix = im.Pix[lo*d : hi*d : hi*d]
	return &Set{Images: im, Labels: s.Labels[lo:hi:hi], Name: name}
}

// Subset returns the first min(n, Len) examples (none if n ≤ 0), sharing
// memory with s. It is meant for quick runs and tests.
func (s *Set) Subset(n int) *Set {
	n = max(0, min(n, s.Len()))
	return s.slice(0, n, fmt.Sprintf("%s[:%d]", s.Name, n))
}

// Sample returns min(n, Len) examples drawn uniformly without replacement
// (a random subset in the original order), copied out of s. Unlike Subset it
// gives an unbiased sample of a set whose order is not random, e.g. for
// estimating a test-set figure from part of the test set.
func (s *Set) Sample(n int, rng *rand.Rand) *Set {
	n = max(0, min(n, s.Len()))
	idx := rng.Perm(s.Len())[:n]
	slices.Sort(idx)
	im := NewImages(n, s.Images.C, s.Images.H, s.Images.W)
	out := &Set{Images: im, Labels: make([]uint8, n), Name: fmt.Sprintf("%s[random %d]", s.Name, n)}
	for j, i := range idx {
		copy(im.At(j), s.Images.At(i))
		out.Labels[j] = s.Labels[i]
	}
	return out
}

// SplitOff carves a held-out split of the last n examples from s: rest holds
// examples [0, Len−n) and split examples [Len−n, Len), both sharing memory
// with s. Taking the split from the end keeps it fixed whatever the batch
// size or seed.
func (s *Set) SplitOff(n int) (rest, split *Set, err error) {
	if n < 0 || n > s.Len() {
		return nil, nil, fmt.Errorf("data: cannot split %d examples off %q, which has %d", n, s.Name, s.Len())
	}
	cut := s.Len() - n
	return s.slice(0, cut, s.Name+"/rest"), s.slice(cut, s.Len(), s.Name+"/split"), nil
}

// Mean returns the per-pixel mean intensity over the set,
// μ_j = (1/N) Σ_i x_ij for each of the C·H·W pixel positions j, accumulated
// in float64. It is what a baseline model with independent pixels fits, e.g.
// Bernoulli(μ_j) for binarized data. Each μ_j is NaN for an empty set.
func Mean(set *Set) []float64 {
	im := set.Images
	mu := make([]float64, im.Dim())
	for i := range im.N {
		for j, v := range im.At(i) {
			mu[j] += float64(v)
		}
	}
	for j := range mu {
		mu[j] /= float64(im.N)
	}
	return mu
}

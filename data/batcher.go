package data

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Batcher cuts a set into shuffled minibatches. Batch(step) is a pure
// function of (seed, step), so resuming training at step s needs only the
// seed and s, no saved iterator state:
//
//	B = ⌊N / batch⌋ batches per epoch (the last partial batch is dropped),
//	e = ⌊step / B⌋ (epoch), p = step mod B (position in the epoch),
//	π_e = rand.New(rand.NewPCG(seed, e)).Perm(N) (math/rand/v2),
//	batch(step) = examples π_e[p·batch], …, π_e[(p+1)·batch − 1].
//
// Each epoch thus visits B·batch distinct examples once. The permutation of
// the latest epoch is cached; a Batcher is safe for concurrent use.
type Batcher struct {
	set       *Set
	batch     int
	seed      uint64
	perEpoch  int
	mu        sync.Mutex
	permEpoch int   // epoch whose permutation perm holds, −1 for none
	perm      []int // π_permEpoch
}

// NewBatcher returns a Batcher drawing batches of the given size from set.
// The batch size must be between 1 and the set size.
func NewBatcher(set *Set, batch int, seed uint64) (*Batcher, error) {
	if set == nil {
		return nil, fmt.Errorf("data: NewBatcher: nil set")
	}
	if batch < 1 || batch > set.Len() {
		return nil, fmt.Errorf("data: batch size %d is not between 1 and the %d examples of %q", batch, set.Len(), set.Name)
	}
	return &Batcher{set: set, batch: batch, seed: seed, perEpoch: set.Len() / batch, permEpoch: -1}, nil
}

// BatchesPerEpoch is B = ⌊N / batch⌋.
func (b *Batcher) BatchesPerEpoch() int { return b.perEpoch }

// Indices returns the set indices of the examples in batch number step ≥ 0,
// e.g. to look up their labels. The slice is fresh.
func (b *Batcher) Indices(step int) []int {
	if step < 0 {
		panic(fmt.Sprintf("data: Batcher: negative step %d", step))
	}
	e, p := step/b.perEpoch, step%b.perEpoch
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.permEpoch != e {
		b.perm = rand.New(rand.NewPCG(b.seed, uint64(e))).Perm(b.set.Len())
		b.permEpoch = e
	}
	return append([]int(nil), b.perm[p*b.batch:(p+1)*b.batch]...)
}

// Batch returns the images of batch number step ≥ 0 (see Batcher) as a fresh
// batch×C×H×W copy, which the caller may modify in place.
func (b *Batcher) Batch(step int) Images {
	src := b.set.Images
	out := NewImages(b.batch, src.C, src.H, src.W)
	for i, idx := range b.Indices(step) {
		copy(out.At(i), src.At(idx))
	}
	return out
}

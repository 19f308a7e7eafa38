package data

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// indexedSet returns n 1×2×2 images whose pixels encode their index i:
// (i, i+0.25, i+0.5, i+0.75), with label i mod 10.
func indexedSet(n int) *Set {
	set := &Set{Images: NewImages(n, 1, 2, 2), Labels: make([]uint8, n), Name: "indexed"}
	for i := range n {
		for j := range 4 {
			set.Images.At(i)[j] = float32(i) + float32(j)/4
		}
		set.Labels[i] = uint8(i % 10)
	}
	return set
}

// batchIDs decodes the example indices of a batch of an indexedSet, checking
// that every image was copied whole.
func batchIDs(t *testing.T, x Images) []int {
	t.Helper()
	ids := make([]int, x.N)
	for i := range x.N {
		img := x.At(i)
		ids[i] = int(img[0])
		for j := range 4 {
			if img[j] != float32(ids[i])+float32(j)/4 {
				t.Fatalf("batch image %d is not a copy of one example: %v", i, img)
			}
		}
	}
	return ids
}

func TestBatcherEpochs(t *testing.T) {
	const n, batch, seed = 100, 10, 42
	b, err := NewBatcher(indexedSet(n), batch, seed)
	if err != nil {
		t.Fatal(err)
	}
	if b.BatchesPerEpoch() != 10 {
		t.Fatalf("BatchesPerEpoch = %d, want 10", b.BatchesPerEpoch())
	}
	var orders [][]int
	for e := range 3 {
		var order []int
		for p := range 10 {
			x := b.Batch(e*10 + p)
			if x.N != batch || x.C != 1 || x.H != 2 || x.W != 2 {
				t.Fatalf("batch shape %v", x)
			}
			order = append(order, batchIDs(t, x)...)
		}
		// Every example exactly once per epoch, in the order the documented
		// permutation gives.
		sorted := slices.Sorted(slices.Values(order))
		for i, id := range sorted {
			if id != i {
				t.Fatalf("epoch %d: sorted example ids %v, want 0..99 once each", e, sorted)
			}
		}
		if want := rand.New(rand.NewPCG(seed, uint64(e))).Perm(n); !slices.Equal(order, want) {
			t.Fatalf("epoch %d: order %v, want Perm from PCG(seed, epoch) %v", e, order, want)
		}
		orders = append(orders, order)
	}
	if slices.Equal(orders[0], orders[1]) || slices.Equal(orders[1], orders[2]) {
		t.Error("consecutive epochs have the same order")
	}
}

func TestBatcherDropsPartialBatch(t *testing.T) {
	b, err := NewBatcher(indexedSet(103), 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b.BatchesPerEpoch() != 10 {
		t.Fatalf("BatchesPerEpoch = %d, want ⌊103/10⌋ = 10", b.BatchesPerEpoch())
	}
	seen := map[int]bool{}
	for step := range 10 {
		for _, id := range batchIDs(t, b.Batch(step)) {
			if seen[id] {
				t.Fatalf("example %d twice in epoch 0", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 100 {
		t.Fatalf("%d distinct examples in epoch 0, want 100", len(seen))
	}
}

// TestBatcherStateless checks that Batch(k) depends only on (seed, k): after
// any other call it equals a fresh Batcher's Batch(k), and the labels match.
func TestBatcherStateless(t *testing.T) {
	set := indexedSet(50)
	b, _ := NewBatcher(set, 7, 9)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		j, k := rng.IntN(100), rng.IntN(100)
		b.Batch(j)
		fresh, _ := NewBatcher(set, 7, 9)
		got, want := b.Batch(k), fresh.Batch(k)
		if !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("Batch(%d) after Batch(%d) differs from a fresh Batcher's", k, j)
		}
		for i, idx := range b.Indices(k) {
			if set.Labels[idx] != uint8(batchIDs(t, got)[i]%10) {
				t.Fatalf("Indices(%d) do not match Batch(%d)", k, k)
			}
		}
	}
}

func TestBatcherSeeds(t *testing.T) {
	set := indexedSet(64)
	a, _ := NewBatcher(set, 8, 5)
	a2, _ := NewBatcher(set, 8, 5)
	c, _ := NewBatcher(set, 8, 6)
	for step := range 16 {
		if !slices.Equal(a.Batch(step).Pix, a2.Batch(step).Pix) {
			t.Fatalf("same seed, different batch %d", step)
		}
	}
	if slices.Equal(a.Indices(0), c.Indices(0)) && slices.Equal(a.Indices(1), c.Indices(1)) {
		t.Error("seeds 5 and 6 give the same batches")
	}
}

func TestBatcherFreshCopies(t *testing.T) {
	set := indexedSet(20)
	orig := set.Images.Clone()
	b, _ := NewBatcher(set, 5, 3)
	x := b.Batch(2)
	for i := range x.Pix {
		x.Pix[i] = -1
	}
	if !slices.Equal(set.Images.Pix, orig.Pix) {
		t.Fatal("modifying a batch changed the set")
	}
	if y := b.Batch(2); slices.Contains(y.Pix, -1) {
		t.Fatal("modifying a batch changed a later batch")
	}
}

func TestNewBatcherErrors(t *testing.T) {
	set := indexedSet(10)
	for _, batch := range []int{0, -1, 11} {
		if _, err := NewBatcher(set, batch, 0); err == nil || !strings.Contains(err.Error(), "batch size") {
			t.Errorf("batch %d: error %v", batch, err)
		}
	}
	if _, err := NewBatcher(nil, 1, 0); err == nil {
		t.Error("nil set: no error")
	}
	if _, err := NewBatcher(set, 10, 0); err != nil {
		t.Errorf("batch = set size: %v", err)
	}
}

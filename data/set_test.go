package data

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSubset(t *testing.T) {
	set := indexedSet(10)
	for n, want := range map[int]int{-1: 0, 0: 0, 4: 4, 10: 10, 99: 10} {
		sub := set.Subset(n)
		if sub.Len() != want || len(sub.Labels) != want || len(sub.Images.Pix) != want*4 {
			t.Fatalf("Subset(%d): %d examples, want %d", n, sub.Len(), want)
		}
		if !slices.Equal(sub.Images.Pix, set.Images.Pix[:want*4]) || !slices.Equal(sub.Labels, set.Labels[:want]) {
			t.Fatalf("Subset(%d) is not the first %d examples", n, want)
		}
	}
}

func TestSample(t *testing.T) {
	set := indexedSet(10)
	seen := make([]int, 10)
	for seed := range uint64(200) {
		sub := set.Sample(4, rand.New(rand.NewPCG(seed, 0)))
		if sub.Len() != 4 || len(sub.Labels) != 4 {
			t.Fatalf("Sample(4): %d examples", sub.Len())
		}
		for j := range 4 {
			i := int(sub.Labels[j])
			if sub.Images.At(j)[0] != float32(i) || (j > 0 && i <= int(sub.Labels[j-1])) {
				t.Fatalf("seed %d: example %d is %v with label %d: not distinct indices in order", seed, j, sub.Images.At(j), i)
			}
			seen[i]++
		}
		sub.Images.Pix[0] = -1 // a copy: the set is untouched
		if set.Images.Pix[0] != 0 {
			t.Fatal("Sample shares memory with the set")
		}
	}
	// Each index is drawn with probability 4/10: 80 of 200 times, σ ≈ 6.9.
	for i, c := range seen {
		if c < 55 || c > 105 {
			t.Errorf("index %d drawn %d times in 200 samples of 4 of 10, want about 80", i, c)
		}
	}
	if set.Sample(99, rand.New(rand.NewPCG(1, 0))).Len() != 10 {
		t.Error("Sample(99) of 10 is not all 10")
	}
}

func TestSplitOff(t *testing.T) {
	set := indexedSet(10)
	rest, split, err := set.SplitOff(3)
	if err != nil {
		t.Fatal(err)
	}
	if rest.Len() != 7 || split.Len() != 3 || split.Images.At(0)[0] != 7 || split.Labels[2] != 9 ||
		rest.Images.At(6)[0] != 6 || rest.Name != "indexed/rest" || split.Name != "indexed/split" {
		t.Fatalf("SplitOff(3): rest %d (%q), split %d (%q) starting at example %v",
			rest.Len(), rest.Name, split.Len(), split.Name, split.Images.At(0)[0])
	}
	// Appending to the first part must not overwrite the second.
	_ = append(rest.Images.Pix, -1)
	_ = append(rest.Labels, 99)
	if split.Images.Pix[0] != 7 || split.Labels[0] != 7 {
		t.Fatal("appending to rest overwrote split")
	}
	for _, n := range []int{-1, 11} {
		if _, _, err := set.SplitOff(n); err == nil {
			t.Errorf("SplitOff(%d) of 10: no error", n)
		}
	}
	if rest, split, err := set.SplitOff(10); err != nil || rest.Len() != 0 || split.Len() != 10 {
		t.Errorf("SplitOff(10) of 10: %v", err)
	}
}

func TestMean(t *testing.T) {
	set := &Set{Images: NewImages(4, 1, 1, 3)}
	copy(set.Images.Pix, []float32{
		0, 1, 0.5,
		0, 1, 0.25,
		1, 1, 0.75,
		0, 1, 0.125,
	})
	if got, want := Mean(set), []float64{0.25, 1, 0.40625}; !slices.Equal(got, want) {
		t.Fatalf("Mean = %v, want %v", got, want)
	}
}

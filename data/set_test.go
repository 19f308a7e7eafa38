package data

import (
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

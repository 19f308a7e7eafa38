package data

import (
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestParsePixels(t *testing.T) {
	for in, want := range map[string]Pixels{
		"binary":        Binary,
		"static-binary": StaticBinary,
		"continuous":    Continuous,
		"discrete":      Discrete,
		" Binary ":      Binary,
		"CONTINUOUS":    Continuous,
	} {
		if got, err := ParsePixels(in); err != nil || got != want {
			t.Errorf("ParsePixels(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "bin", "static_binary", "gaussian", "binary-static"} {
		_, err := ParsePixels(in)
		if err == nil || !strings.Contains(err.Error(), "binary, static-binary, continuous, discrete") {
			t.Errorf("ParsePixels(%q): error %v, want one listing the valid names", in, err)
		}
	}
}

func TestPixelsFlag(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	p := Discrete
	fs.Var(&p, "pixels", "pixel model")
	if err := fs.Parse([]string{"-pixels", "static-binary"}); err != nil || p != StaticBinary {
		t.Fatalf("-pixels static-binary: %q, %v", p, err)
	}
	if err := fs.Parse([]string{"-pixels", "nope"}); err == nil || p != StaticBinary {
		t.Fatalf("-pixels nope: %q, %v", p, err)
	}
	if !Binary.Bernoulli() || !StaticBinary.Bernoulli() || Continuous.Bernoulli() || Discrete.Bernoulli() {
		t.Error("Bernoulli() is wrong")
	}
}

func TestPixelsApply(t *testing.T) {
	clean := NewImages(2, 1, 4, 4)
	for i := range clean.Pix {
		clean.Pix[i] = float32(i*8) / 255
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := clean.Clone()
	Discrete.Apply(x, rng)
	if !slices.Equal(x.Pix, clean.Pix) {
		t.Errorf("discrete changed the batch")
	}
	// Both binary models draw grey (e.g. mollified) pixels as bits and keep
	// bits as they are.
	for _, p := range []Pixels{Binary, StaticBinary} {
		x = clean.Clone()
		p.Apply(x, rng)
		for _, v := range x.Pix {
			if v != 0 && v != 1 {
				t.Fatalf("%s: pixel %v", p, v)
			}
		}
		bits := x.Clone()
		p.Apply(x, rng)
		if !slices.Equal(x.Pix, bits.Pix) {
			t.Errorf("%s changed a binary batch", p)
		}
	}
	x = clean.Clone()
	Continuous.Apply(x, rng)
	for i, v := range x.Pix {
		if math.Floor(256*float64(v)) != float64(i*8) {
			t.Fatalf("continuous: pixel %d/255 became %v", i*8, v)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Apply on an invalid Pixels did not panic")
		}
	}()
	Pixels("bogus").Apply(clean.Clone(), rng)
}

func TestPixelsSets(t *testing.T) {
	set := indexedSet(30)
	for i := range set.Images.Pix {
		set.Images.Pix[i] = 0.5
	}
	for _, p := range []Pixels{Binary, Continuous, Discrete} {
		if p.TrainSet(set) != set {
			t.Errorf("%s: TrainSet is not the set itself", p)
		}
	}
	if got := StaticBinary.TrainSet(set); !slices.Equal(got.Images.Pix, StaticBinarize(set, TrainSeed).Images.Pix) {
		t.Error("static-binary: TrainSet is not StaticBinarize(train, TrainSeed)")
	}

	want := StaticBinarize(set, TestSeed)
	for _, p := range []Pixels{Binary, StaticBinary} {
		got := p.TestSet(set)
		if !slices.Equal(got.Images.Pix, want.Images.Pix) {
			t.Errorf("%s: TestSet is not the fixed-seed binarization", p)
		}
		x := got.Images.Clone()
		p.Apply(x, rand.New(rand.NewPCG(2, 2)))
		if !slices.Equal(x.Pix, got.Images.Pix) {
			t.Errorf("%s: Apply changed the binarized test set", p)
		}
	}
	if Discrete.TestSet(set) != set {
		t.Error("discrete: TestSet is not the set itself")
	}
	deq := set.Images.Clone()
	Dequantize(deq, rand.New(rand.NewPCG(TestSeed, 0)))
	if got := Continuous.TestSet(set); !slices.Equal(got.Images.Pix, deq.Pix) || set.Images.Pix[0] != 0.5 {
		t.Error("continuous: TestSet is not one fixed-seed dequantization of a copy")
	}
}

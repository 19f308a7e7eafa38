package mollify_test

import (
	"math"
	"testing"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/mollify"
)

// blurAt returns a Blur whose σ at progress 0 is sigma (linear schedule,
// Frac 1: s(0) = 1).
func blurAt(t *testing.T, sigma float64) mollify.Blur {
	t.Helper()
	b, err := mollify.NewBlur(mollify.Linear(), 1, sigma)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sum(v []float32) float64 {
	total := 0.0
	for _, x := range v {
		total += float64(x)
	}
	return total
}

func TestBlurConstantStaysConstant(t *testing.T) {
	// 7×5 planes with σ = 3 (radius 9): the kernel is wider than the image,
	// so the mirror boundary folds several times.
	x := data.NewImages(2, 3, 7, 5)
	for i := range x.Pix {
		x.Pix[i] = 0.37
	}
	blurAt(t, 3).Apply(x, 0, nil)
	for i, v := range x.Pix {
		if math.Abs(float64(v)-0.37) > 1e-6 {
			t.Fatalf("pixel %d = %v, want 0.37", i, v)
		}
	}
}

func TestBlurConservesSum(t *testing.T) {
	rng := newRNG(9)
	// Mass in the middle 10×10 of a 40×40 image, σ = 2 (radius 6): the
	// blurred mass never reaches the border.
	x := data.NewImages(1, 1, 40, 40)
	for y := 15; y < 25; y++ {
		for c := 15; c < 25; c++ {
			x.Pix[y*40+c] = rng.Float32()
		}
	}
	before := sum(x.Pix)
	blurAt(t, 2).Apply(x, 0, nil)
	if after := sum(x.Pix); math.Abs(after-before) > 1e-5*before {
		t.Errorf("interior: sum %v → %v", before, after)
	}
	for i, v := range x.Pix {
		if y, c := i/40, i%40; (y < 9 || y >= 31 || c < 9 || c >= 31) && v != 0 {
			t.Fatalf("mass at (%d,%d), more than the radius from the source", y, c)
		}
	}

	// The mirror boundary reflects what would leave the image back in, so
	// even mass on the edges is conserved.
	x = data.NewImages(2, 1, 12, 9)
	for i := range x.Pix {
		x.Pix[i] = rng.Float32()
	}
	before = sum(x.Pix)
	blurAt(t, 2.5).Apply(x, 0, nil)
	if after := sum(x.Pix); math.Abs(after-before) > 1e-5*before {
		t.Errorf("whole image: sum %v → %v", before, after)
	}
}

func TestBlurDeltaGivesKernel(t *testing.T) {
	// Frac 0.5, progress 0.3: t = 0.6, linear s = 0.4, so
	// σ = 3·√0.4 = 1.8973666 pixels and the radius is ⌈3σ⌉ = ⌈5.69⌉ = 6.
	b, err := mollify.NewBlur(mollify.Linear(), 0.5, 3)
	if err != nil {
		t.Fatal(err)
	}
	const sigma, radius, n, mid = 1.8973666, 6, 41, 20
	if got := b.Level(0.3); math.Abs(got-sigma) > 1e-7 {
		t.Fatalf("Level(0.3) = %v, want %v", got, sigma)
	}
	x := data.NewImages(1, 1, n, n)
	x.Pix[mid*n+mid] = 1
	b.Apply(x, 0.3, nil)

	// The separable kernel is g(dy)·g(dx)/Z², g(d) = exp(−d²/2σ²) for
	// |d| ≤ radius, Z = Σ_d g(d).
	g := func(d int) float64 {
		if d < -radius || d > radius {
			return 0
		}
		return math.Exp(-float64(d*d) / (2 * sigma * sigma))
	}
	z := 0.0
	for d := -radius; d <= radius; d++ {
		z += g(d)
	}
	for y := range n {
		for c := range n {
			want := g(y-mid) * g(c-mid) / (z * z)
			if got := float64(x.Pix[y*n+c]); math.Abs(got-want) > 1e-6 {
				t.Fatalf("pixel (%d,%d) = %v, want %v", y, c, got, want)
			}
		}
	}
}

func TestBlurSigmaFollowsSchedule(t *testing.T) {
	b, err := mollify.New(mollify.Config{Kind: "blur"}) // sigmoid, Frac 0.6, MaxSigma 3
	if err != nil {
		t.Fatal(err)
	}
	// σ = 3·√s(progress/0.6) with the sigmoid values of TestSigmoidValues.
	for _, c := range []want{
		{0, 3},
		{0.15, 2.11408192}, // 3·√0.49659359
		{0.3, 1.30059922},  // 3·√0.18795092
		{0.45, 0.68086195}, // 3·√0.05150811
		{0.6, 0},
	} {
		if got := b.Level(c.t); math.Abs(got-c.s) > 1e-7 {
			t.Errorf("Level(%v) = %v, want %v", c.t, got, c.s)
		}
	}
}

func TestBlurTinySigmaIsIdentity(t *testing.T) {
	// Linear, Frac 1, progress 0.9999: s = 1e-4, σ = 3·0.01 = 0.03 < 0.05.
	x := testImages()
	clean := x.Clone()
	blurAt(t, 3).Apply(x, 0.9999, nil)
	if !sameBits(x.Pix, clean.Pix) {
		t.Error("σ = 0.03 changed the image")
	}
}

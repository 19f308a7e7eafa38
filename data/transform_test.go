package data

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// repeated returns m images of one row holding the values vs.
func repeated(vs []float32, m int) Images {
	x := NewImages(m, 1, 1, len(vs))
	for i := range m {
		copy(x.At(i), vs)
	}
	return x
}

// columnMeans averages each pixel position over the batch.
func columnMeans(x Images) []float64 {
	mu := make([]float64, x.Dim())
	for i := range x.N {
		for j, v := range x.At(i) {
			mu[j] += float64(v)
		}
	}
	for j := range mu {
		mu[j] /= float64(x.N)
	}
	return mu
}

// TestBinarizeMean checks P(x' = 1) = clamp(x, 0, 1): over m draws the
// empirical mean must be within 5 binomial standard deviations
// 5·√(p(1−p)/m) of p, and exact for p ∈ {0, 1}.
func TestBinarizeMean(t *testing.T) {
	const m = 20000
	vs := []float32{-0.5, 0, 0.03, 0.3, 0.5, 0.77, 0.999, 1, 1.7, float32(math.NaN())}
	ps := []float64{0, 0, 0.03, 0.3, 0.5, 0.77, 0.999, 1, 1, 0}
	x := repeated(vs, m)
	Binarize(x, rand.New(rand.NewPCG(1, 2)))
	for _, v := range x.Pix {
		if v != 0 && v != 1 {
			t.Fatalf("binarized pixel %v", v)
		}
	}
	for j, mean := range columnMeans(x) {
		p := float64(float32(ps[j]))
		if tol := 5 * math.Sqrt(p*(1-p)/m); math.Abs(mean-p) > tol {
			t.Errorf("x = %v: mean of %d draws %v, want %v ± %.2g", vs[j], m, mean, p, tol)
		}
	}

	// Each call draws afresh.
	y, z := repeated([]float32{0.5}, 1000), repeated([]float32{0.5}, 1000)
	rng := rand.New(rand.NewPCG(3, 4))
	Binarize(y, rng)
	Binarize(z, rng)
	if slices.Equal(y.Pix, z.Pix) {
		t.Error("two calls gave the same bits")
	}
}

func TestStaticBinarize(t *testing.T) {
	set := indexedSet(3000)
	for i := range set.Images.Pix {
		set.Images.Pix[i] = float32(i%4) / 4 // p = 0, 0.25, 0.5, 0.75
	}
	orig := set.Images.Clone()
	a, a2, b := StaticBinarize(set, 7), StaticBinarize(set, 7), StaticBinarize(set, 8)
	if !slices.Equal(set.Images.Pix, orig.Pix) {
		t.Fatal("StaticBinarize changed its input")
	}
	if !slices.Equal(a.Images.Pix, a2.Images.Pix) {
		t.Fatal("same seed, different bits")
	}
	if slices.Equal(a.Images.Pix, b.Images.Pix) {
		t.Fatal("seeds 7 and 8 give the same bits")
	}
	if a.Len() != set.Len() || !slices.Equal(a.Labels, set.Labels) || a.Name != set.Name {
		t.Fatal("StaticBinarize changed the examples' labels or name")
	}
	const m = 3000
	for j, mean := range Mean(a) {
		p := float64(j) / 4
		if tol := 5 * math.Sqrt(p*(1-p)/m); math.Abs(mean-p) > tol {
			t.Errorf("pixel %d: mean %v, want %v ± %.2g", j, mean, p, tol)
		}
	}
}

// TestDequantizeBins checks that clean data k/255 lands in its own bin:
// ⌊256·x'⌋ = k, i.e. x' ∈ [k/256, (k+1)/256) ⊂ [0, 1), with the offset
// 256·x' − k uniform on [0, 1).
func TestDequantizeBins(t *testing.T) {
	const m = 400
	vs := make([]float32, 256)
	for k := range vs {
		vs[k] = float32(k) / 255
	}
	x := repeated(vs, m)
	Dequantize(x, rand.New(rand.NewPCG(5, 6)))
	var quarters [4]int
	sum := 0.0
	for i := range m {
		for k, v := range x.At(i) {
			s := 256 * float64(v)
			if math.Floor(s) != float64(k) || v >= 1 {
				t.Fatalf("k = %d: dequantized to %v, 256·x' = %v outside [k, k+1)", k, v, s)
			}
			frac := s - float64(k)
			sum += frac
			quarters[int(4*frac)]++
		}
	}
	const n = m * 256
	if mean, tol := sum/n, 5*math.Sqrt(1.0/12/n); math.Abs(mean-0.5) > tol {
		t.Errorf("mean offset %v, want 0.5 ± %.2g", mean, tol)
	}
	for q, c := range quarters {
		if tol := 5 * math.Sqrt(n*0.25*0.75); math.Abs(float64(c)-n/4) > tol {
			t.Errorf("offsets in [%v, %v): %d, want %v ± %.0f", float64(q)/4, float64(q+1)/4, c, n/4, tol)
		}
	}
}

// TestDequantizeExtremes checks the bin edges with u at its extremes: 0 and
// the largest value Float32 returns, 1 − 2⁻²⁴.
func TestDequantizeExtremes(t *testing.T) {
	const uMax = 1 - 1.0/(1<<24)
	for k := range 256 {
		x := float32(k) / 255
		if got := dequantize(x, 0); float64(got) != float64(k)/256 {
			t.Errorf("k = %d, u = 0: %v, want %d/256", k, got, k)
		}
		got := dequantize(x, uMax)
		if math.Floor(256*float64(got)) != float64(k) || got >= 1 {
			t.Errorf("k = %d, u = 1−2⁻²⁴: %v, 256·x' = %v outside [k, k+1)", k, got, 256*float64(got))
		}
		if want := (float64(k) + uMax) / 256; float64(got) > want || want-float64(got) > want/(1<<23) {
			t.Errorf("k = %d, u = 1−2⁻²⁴: %v, want (k+u)/256 = %v rounded down", k, got, want)
		}
	}
}

// TestDequantizeFormula checks x' = (255·x + u)/256 on arbitrary (noised)
// values, replaying the u draws from an identical source.
func TestDequantizeFormula(t *testing.T) {
	vs := []float32{-0.2, 0, 0.1234, 0.5, 1, 1.3}
	x := repeated(vs, 100)
	Dequantize(x, rand.New(rand.NewPCG(7, 8)))
	replay := rand.New(rand.NewPCG(7, 8))
	for i, got := range x.Pix {
		want := (255*float64(vs[i%len(vs)]) + float64(replay.Float32())) / 256
		if math.Abs(float64(got)-want) > 1e-6 {
			t.Fatalf("x = %v: got %v, want (255·x + u)/256 = %v", vs[i%len(vs)], got, want)
		}
	}
}

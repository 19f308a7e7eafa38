package fid

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomFeatures returns n feature rows of dimension d: correlated,
// non-negative like Inception's pool3 features, with a mean far from 0.
func randomFeatures(n, d int, rng *rand.Rand) []float32 {
	f := make([]float32, n*d)
	for i := range n {
		common := rng.NormFloat64()
		for j := range d {
			f[i*d+j] = float32(math.Abs(0.5 + 0.3*common + 0.2*rng.NormFloat64() + 0.01*float64(j)))
		}
	}
	return f
}

// The fitted Gaussian equals the two-pass mean and unbiased covariance,
// and statistics of shards merged equal those of the whole.
func TestStatsGaussianAndMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const n, d = 301, 17
	f := randomFeatures(n, d, rng)
	whole := NewStats(d)
	if err := whole.Add(f); err != nil {
		t.Fatal(err)
	}
	g, err := whole.Gaussian()
	if err != nil {
		t.Fatal(err)
	}
	mu := make([]float64, d)
	for i := range n {
		for j := range d {
			mu[j] += float64(f[i*d+j]) / n
		}
	}
	for j := range d {
		if math.Abs(g.Mu[j]-mu[j]) > 1e-12 {
			t.Fatalf("mean %d: %g, two-pass %g", j, g.Mu[j], mu[j])
		}
		for k := range d {
			var c float64
			for i := range n {
				c += (float64(f[i*d+j]) - mu[j]) * (float64(f[i*d+k]) - mu[k])
			}
			c /= n - 1
			if math.Abs(g.Sigma[j*d+k]-c) > 1e-12*math.Max(1, math.Abs(c)) {
				t.Fatalf("covariance (%d, %d): %g, two-pass %g", j, k, g.Sigma[j*d+k], c)
			}
		}
	}

	merged := NewStats(d)
	for _, cut := range [][2]int{{0, 100}, {100, 101}, {101, 250}, {250, n}} {
		part := NewStats(d)
		if err := part.Add(f[cut[0]*d : cut[1]*d]); err != nil {
			t.Fatal(err)
		}
		if err := merged.Merge(part); err != nil {
			t.Fatal(err)
		}
	}
	gm, err := merged.Gaussian()
	if err != nil {
		t.Fatal(err)
	}
	other := NewStats(d)
	other.Add(randomFeatures(200, d, rng))
	go2, _ := other.Gaussian()
	a, _ := FrechetDistance(g, go2)
	b, _ := FrechetDistance(gm, go2)
	if merged.N != n || math.Abs(a.Distance-b.Distance) > 1e-10*a.Distance {
		t.Errorf("sharded: n %d, Fréchet %.15g; whole: n %d, %.15g", merged.N, b.Distance, n, a.Distance)
	}
}

func TestStatsErrors(t *testing.T) {
	s := NewStats(3)
	if err := s.Add(make([]float32, 4)); err == nil {
		t.Error("4 values accepted as rows of 3")
	}
	s.Add(make([]float32, 3))
	if _, err := s.Gaussian(); err == nil {
		t.Error("a covariance of one vector")
	}
	if err := s.Merge(NewStats(2)); err == nil {
		t.Error("merged statistics of dimension 2 into 3")
	}
}

package fid

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Stats accumulates what a Gaussian fit to feature vectors of dimension d
// needs, in a form that merges: the count n, the sum s = Σ f and the sum of
// outer products P = Σ f fᵀ (its upper triangle: Outer[i·d + j], j ≥ i), in
// float64. Feature extraction can thus be
// split across processes or machines and the parts merged, with the result
// of one pass up to the order of the float64 additions.
type Stats struct {
	N     int
	Sum   []float64 // d
	Outer []float64 // d×d, row-major; the upper triangle is used
}

// NewStats returns empty statistics of d-dimensional features.
func NewStats(d int) *Stats {
	return &Stats{Sum: make([]float64, d), Outer: make([]float64, d*d)}
}

// Dim is the feature dimension d.
func (s *Stats) Dim() int { return len(s.Sum) }

// Add adds the len(f)/d feature vectors of f (rows of d values): n, s and
// P = P + FᵀF, a float64 rank-n update (gonum's Dsyrk, the upper triangle;
// Gaussian mirrors it).
func (s *Stats) Add(f []float32) error {
	d := s.Dim()
	if d == 0 || len(f)%d != 0 {
		return fmt.Errorf("fid: %d feature values are not rows of %d", len(f), d)
	}
	n := len(f) / d
	if n == 0 {
		return nil
	}
	f64 := make([]float64, len(f))
	for i, v := range f {
		f64[i] = float64(v)
		s.Sum[i%d] += f64[i]
	}
	blas64.Implementation().Dsyrk(blas.Upper, blas.Trans, d, n, 1, f64, d, 1, s.Outer, d)
	s.N += n
	return nil
}

// Merge adds the statistics o (of other features of the same dimension).
func (s *Stats) Merge(o *Stats) error {
	if o.Dim() != s.Dim() || len(o.Outer) != len(s.Outer) {
		return fmt.Errorf("fid: cannot merge statistics of dimension %d into %d", o.Dim(), s.Dim())
	}
	s.N += o.N
	for i, v := range o.Sum {
		s.Sum[i] += v
	}
	for i, v := range o.Outer {
		s.Outer[i] += v
	}
	return nil
}

// Gaussian returns the fitted mean μ = s/n and covariance
//
//	Σ = (P − n μ μᵀ) / (n − 1),
//
// the unbiased estimate (numpy's np.cov, which pytorch-fid uses). It needs
// n ≥ 2.
func (s *Stats) Gaussian() (Gaussian, error) {
	if s.N < 2 {
		return Gaussian{}, fmt.Errorf("fid: a covariance needs at least 2 feature vectors, have %d", s.N)
	}
	d, n := s.Dim(), float64(s.N)
	g := Gaussian{Mu: make([]float64, d), Sigma: make([]float64, d*d)}
	for i, v := range s.Sum {
		g.Mu[i] = v / n
	}
	for i := range d {
		for j := i; j < d; j++ {
			v := (s.Outer[i*d+j] - n*g.Mu[i]*g.Mu[j]) / (n - 1)
			g.Sigma[i*d+j], g.Sigma[j*d+i] = v, v
		}
	}
	return g, nil
}

package fid

import (
	"fmt"
	"io"
	"os"
	"slices"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
	"gonum.org/v1/gonum/mat"

	"github.com/genmodel/genmodel/internal/atomicfile"
)

// SaveStats writes the Gaussian of s to path as an .npz that pytorch-fid
// reads (its --save-stats format): mu (d) and sigma (d, d) in float64,
// and beside them n, the number of feature vectors, and extractor, the
// name of the feature extractor (as bytes), which pytorch-fid ignores and
// LoadStats returns, so that statistics merge and never mix extractors.
func SaveStats(path string, s *Stats, extractor string) error {
	g, err := s.Gaussian()
	if err != nil {
		return err
	}
	d := s.Dim()
	return atomicfile.Write(path, func(w io.Writer) error {
		zw := npz.NewWriter(w)
		for _, e := range []struct {
			name string
			v    any
		}{
			{"mu.npy", g.Mu},
			{"sigma.npy", mat.NewDense(d, d, g.Sigma)},
			{"n.npy", []int64{int64(s.N)}},
			{"extractor.npy", []byte(extractor)},
		} {
			if err := zw.Write(e.name, e.v); err != nil {
				return err
			}
		}
		return zw.Close()
	})
}

// FileStats is what LoadStats read: the Gaussian, and when the file came
// from SaveStats, the count and the extractor's name (else 0 and "").
type FileStats struct {
	Gaussian  Gaussian
	N         int
	Extractor string
}

// LoadStats reads an .npz with arrays mu (d) and sigma (d, d), float32 or
// float64, in C or Fortran order (pytorch-fid's statistics, or SaveStats');
// other arrays are ignored.
func LoadStats(path string) (FileStats, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileStats{}, fmt.Errorf("fid: statistics: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return FileStats{}, fmt.Errorf("fid: statistics: %w", err)
	}
	r, err := npz.NewReader(f, info.Size())
	if err != nil {
		return FileStats{}, fmt.Errorf("fid: statistics %s: not an .npz file: %w", path, err)
	}
	keys := r.Keys()
	read := func(name string) (*npy.Array, error) {
		if !slices.Contains(keys, name) {
			return nil, fmt.Errorf("fid: statistics %s: no array %q (it has %v)", path, name, keys)
		}
		var a npy.Array
		if err := r.Read(name, &a); err != nil {
			return nil, fmt.Errorf("fid: statistics %s: %s: %w", path, name, err)
		}
		return &a, nil
	}
	mu, err := read("mu.npy")
	if err != nil {
		return FileStats{}, err
	}
	sigma, err := read("sigma.npy")
	if err != nil {
		return FileStats{}, err
	}
	var fs FileStats
	if fs.Gaussian.Mu, err = float64s(mu); err != nil {
		return FileStats{}, fmt.Errorf("fid: statistics %s: mu: %w", path, err)
	}
	if fs.Gaussian.Sigma, err = float64s(sigma); err != nil {
		return FileStats{}, fmt.Errorf("fid: statistics %s: sigma: %w", path, err)
	}
	d := len(fs.Gaussian.Mu)
	if !slices.Equal(mu.Shape(), []int{d}) || !slices.Equal(sigma.Shape(), []int{d, d}) {
		return FileStats{}, fmt.Errorf("fid: statistics %s: mu %v and sigma %v are not (d) and (d, d)", path, mu.Shape(), sigma.Shape())
	}
	if sigma.Fortran() { // column-major: transpose (sigma is symmetric, but exactly so only in exact arithmetic)
		s := fs.Gaussian.Sigma
		t := make([]float64, len(s))
		for i := range d {
			for j := range d {
				t[i*d+j] = s[j*d+i]
			}
		}
		fs.Gaussian.Sigma = t
	}
	if slices.Contains(keys, "n.npy") {
		n, err := read("n.npy")
		if err != nil {
			return FileStats{}, err
		}
		if v, ok := n.Data().([]int64); ok && len(v) == 1 {
			fs.N = int(v[0])
		}
	}
	if slices.Contains(keys, "extractor.npy") {
		e, err := read("extractor.npy")
		if err != nil {
			return FileStats{}, err
		}
		if v, ok := e.Data().([]uint8); ok {
			fs.Extractor = string(v)
		}
	}
	return fs, nil
}

// float64s returns the values of a float32 or float64 array as float64.
func float64s(a *npy.Array) ([]float64, error) {
	switch v := a.Data().(type) {
	case []float64:
		return v, nil
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out, nil
	}
	return nil, fmt.Errorf("values of type %T, want float32 or float64", a.Data())
}

// StatsOf turns a Gaussian fitted to n feature vectors back into the
// statistics that merge: s = nμ, P = (n − 1)Σ + nμμᵀ (its upper
// triangle; see Stats).
func StatsOf(g Gaussian, n int) *Stats {
	d := g.Dim()
	s := NewStats(d)
	s.N = n
	for i, m := range g.Mu {
		s.Sum[i] = float64(n) * m
	}
	for i := range d {
		for j := i; j < d; j++ {
			s.Outer[i*d+j] = float64(n-1)*g.Sigma[i*d+j] + float64(n)*g.Mu[i]*g.Mu[j]
		}
	}
	return s
}

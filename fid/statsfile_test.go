package fid

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
)

// fixtureFeatures is feature set i of the fixture script (n × d):
// |sin(0.37·r·(j + 1) + 0.11·j + 0.5·i)| + 0.05·(i + 1)·cos(1.7·r + j).
func fixtureFeatures(i, n, d int) []float32 {
	f := make([]float32, n*d)
	for r := range n {
		for j := range d {
			x := math.Abs(math.Sin(0.37*float64(r)*float64(j+1)+0.11*float64(j)+0.5*float64(i))) +
				0.05*float64(i+1)*math.Cos(1.7*float64(r)+float64(j))
			f[r*d+j] = float32(x)
		}
	}
	return f
}

// Statistics written by numpy (np.savez, as pytorch-fid's --save-stats):
// they load, equal the Gaussian that Stats fits to the same features
// (np.mean, np.cov), and FrechetDistance on them gives the distance that
// pytorch-fid computes with scipy.linalg.sqrtm.
func TestStatsMatchNumpyAndScipy(t *testing.T) {
	fx := readNPZ(t, "testdata/frechet_fixture.npz")
	var g [2]Gaussian
	for i := range g {
		n := string(rune('1' + i))
		g[i] = Gaussian{Mu: fx["mu"+n], Sigma: fx["sigma"+n]}
		s := NewStats(16)
		if err := s.Add(fixtureFeatures(i+1, 300, 16)); err != nil {
			t.Fatal(err)
		}
		mine, err := s.Gaussian()
		if err != nil {
			t.Fatal(err)
		}
		for k := range mine.Sigma {
			if math.Abs(mine.Sigma[k]-g[i].Sigma[k]) > 1e-9 {
				t.Fatalf("set %d: covariance %d is %g, numpy's %g", i+1, k, mine.Sigma[k], g[i].Sigma[k])
			}
		}
		for k := range mine.Mu {
			if math.Abs(mine.Mu[k]-g[i].Mu[k]) > 1e-9 {
				t.Fatalf("set %d: mean %d is %g, numpy's %g", i+1, k, mine.Mu[k], g[i].Mu[k])
			}
		}
	}
	f, err := FrechetDistance(g[0], g[1])
	if err != nil {
		t.Fatal(err)
	}
	if want := fx["fid"][0]; math.Abs(f.Distance-want) > 1e-9*want {
		t.Errorf("Fréchet distance %.15g, pytorch-fid with scipy %.15g", f.Distance, want)
	}

	// pytorch-fid's own file: compressed, mu in float32.
	fs, err := LoadStats("testdata/stats_fixture.npz")
	if err != nil {
		t.Fatal(err)
	}
	if fs.N != 0 || fs.Extractor != "" || len(fs.Gaussian.Mu) != 16 {
		t.Fatalf("pytorch-fid statistics: n %d, extractor %q, %d means", fs.N, fs.Extractor, len(fs.Gaussian.Mu))
	}
	for k := range fs.Gaussian.Sigma {
		if fs.Gaussian.Sigma[k] != g[0].Sigma[k] || math.Abs(fs.Gaussian.Mu[k%16]-g[0].Mu[k%16]) > 1e-6 {
			t.Fatalf("pytorch-fid statistics differ from the fixture's at %d", k)
		}
	}
}

// readNPZ reads every float array of an .npz as float64.
func readNPZ(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	r, err := npz.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string][]float64{}
	for _, k := range r.Keys() {
		var a npy.Array
		if err := r.Read(k, &a); err != nil {
			t.Fatal(err)
		}
		v, err := float64s(&a)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(k, ".npy")] = v
	}
	return out
}

// SaveStats writes what LoadStats reads back, with the count and the
// extractor, and StatsOf recovers statistics that merge as the originals.
func TestSaveLoadStats(t *testing.T) {
	s := NewStats(5)
	s.Add(fixtureFeatures(3, 40, 5))
	path := filepath.Join(t.TempDir(), "s.npz")
	if err := SaveStats(path, s, "mnist-cnn"); err != nil {
		t.Fatal(err)
	}
	fs, err := LoadStats(path)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := s.Gaussian()
	if fs.N != 40 || fs.Extractor != "mnist-cnn" {
		t.Fatalf("n %d, extractor %q", fs.N, fs.Extractor)
	}
	for i := range g.Sigma {
		if fs.Gaussian.Sigma[i] != g.Sigma[i] {
			t.Fatalf("sigma %d: %g, saved %g", i, fs.Gaussian.Sigma[i], g.Sigma[i])
		}
	}
	back := StatsOf(fs.Gaussian, fs.N)
	for i := range s.Outer {
		if math.Abs(back.Outer[i]-s.Outer[i]) > 1e-10*math.Abs(s.Outer[i]) || math.Abs(back.Sum[i%5]-s.Sum[i%5]) > 1e-10*math.Abs(s.Sum[i%5]) {
			t.Fatalf("StatsOf: outer %d %g, original %g", i, back.Outer[i], s.Outer[i])
		}
	}
	if _, err := LoadStats(filepath.Join(t.TempDir(), "none.npz")); err == nil {
		t.Error("a missing file loaded")
	}
}

// Features written by SaveFeatures load back exactly, as a features file.
func TestSaveLoadFeatures(t *testing.T) {
	f := fixtureFeatures(1, 7, 3)
	path := filepath.Join(t.TempDir(), "f.npz")
	if err := SaveFeatures(path, f, 3, "mnist-cnn"); err != nil {
		t.Fatal(err)
	}
	g, d, name, err := LoadFeatures(path)
	if err != nil {
		t.Fatal(err)
	}
	if d != 3 || name != "mnist-cnn" || !slices.Equal(f, g) || !IsFeatureFile(path) || IsFeatureFile("testdata/stats_fixture.npz") {
		t.Errorf("features read back as %d-d %q, equal %v", d, name, slices.Equal(f, g))
	}
}

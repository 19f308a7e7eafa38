package fid

import (
	"strings"
	"testing"

	"github.com/genmodel/genmodel/data"
)

// The shipped extractors load from the binary and classify their test
// sets as well as their files say: at least 99% (MNIST) and 90%
// (Fashion-MNIST, when its files are installed).
func TestShippedExtractors(t *testing.T) {
	for name, want := range map[string]float64{MNISTCNN: 0.99, FashionCNN: 0.90} {
		ex, err := LoadExtractor(name, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		c := ex.(*CNN)
		if c.Name() != name || c.Info.TestAccuracy < want || !strings.Contains(c.Info.Recipe, "train-extractor") {
			t.Errorf("%s: %+v", name, c.Info)
		}
		_, te, err := data.Load(CNNDatasets[name], "")
		if err != nil {
			t.Logf("%s: %v", name, err)
			continue
		}
		acc, err := c.Accuracy(te)
		if err != nil {
			t.Fatal(err)
		}
		if acc < want {
			t.Errorf("%s: test accuracy %.4f, want ≥ %.2f", name, acc, want)
		}
	}
	if _, err := LoadExtractor("vgg", "", 0); err == nil {
		t.Error("an unknown extractor loaded")
	}
}

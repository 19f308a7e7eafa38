package fid

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/nn"
)

// The kernels-only forward pass gives the features of the training graph.
func TestCNNFeaturesMatchGraph(t *testing.T) {
	c := NewCNN("test", rand.New(rand.NewPCG(1, 1)))
	const n = 3
	im := data.NewImages(n, 1, 28, 28)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range im.Pix {
		im.Pix[i] = float32(rng.Float64())
	}
	got, err := c.Features(im)
	if err != nil {
		t.Fatal(err)
	}
	g := nn.NewGraph()
	x := g.Input("x", n, 1, 28, 28)
	out := g.Output(c.features(g, x))
	prog, err := g.Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	copy(g.InputData(x), im.Pix)
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	want := out.Values()
	nonzero := 0
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("feature %d: %g, graph %g", i, got[i], want[i])
		}
		if want[i] > 0 {
			nonzero++
		}
	}
	if nonzero < len(want)/4 || nonzero == len(want) {
		t.Errorf("%d of %d features positive: pre-activations should have both signs", nonzero, len(want))
	}
	if _, err := c.Features(data.NewImages(1, 3, 28, 28)); err == nil {
		t.Error("RGB images accepted")
	}
}

// A short training on part of MNIST classifies most held-out digits, and
// the saved weights load back to the same features.
func TestTrainCNNOnMNIST(t *testing.T) {
	tr, te, err := data.Load(data.MNIST, "")
	if err != nil {
		t.Skip(err)
	}
	c := NewCNN("mnist-cnn", rand.New(rand.NewPCG(3, 3)))
	var last float64
	if err := TrainCNN(c, tr.Subset(3000), CNNTraining{Epochs: 2, Batch: 50, Seed: 1}, func(_, _, _ int, loss float64) { last = loss }); err != nil {
		t.Fatal(err)
	}
	acc, err := c.Accuracy(te.Subset(500))
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.85 || last > 0.6 {
		t.Errorf("after 2 epochs of 3000 digits: test accuracy %.3f, last loss %.3f", acc, last)
	}
	c.Info = CNNInfo{Name: "mnist-cnn", Dataset: "mnist", TestAccuracy: acc, Recipe: "test"}
	path := filepath.Join(t.TempDir(), "x.safetensors")
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadCNN(path)
	if err != nil {
		t.Fatal(err)
	}
	f1, _ := c.Features(te.Subset(10).Images)
	f2, _ := back.Features(te.Subset(10).Images)
	if !slices.Equal(f1, f2) || back.Info != c.Info {
		t.Errorf("loaded extractor differs: %+v, saved %+v", back.Info, c.Info)
	}
}

package fid

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/internal/tensorfile"
	"github.com/genmodel/genmodel/kernels"
	"github.com/genmodel/genmodel/nn"
	"github.com/genmodel/genmodel/train"
)

// CNNFeatures is the dimension of a CNN extractor's features.
const CNNFeatures = 128

// cnnSide is the image side a CNN extractor reads.
const cnnSide = 28

// CNN is a domain feature extractor: a small convolutional classifier of
// 28×28 grayscale images into 10 classes, trained by genmodel (TrainCNN),
// whose penultimate layer gives the features of a domain FID:
//
//	conv3×3 (32) → ReLU → conv3×3 stride 2 (32) → ReLU → conv3×3 (64) → ReLU
//	→ conv3×3 stride 2 (64) → ReLU → flatten (64·7·7) → dense (128) = features
//	→ ReLU → dense (10) = class logits
//
// (every conv padded by 1). The features are the penultimate layer's
// pre-activations: after the ReLU, units that are dead on a data set
// would be exactly 0 there, and their zero variance would make the
// covariance singular. Features run on the kernels package directly.
type CNN struct {
	Info     CNNInfo
	ps       *nn.Params
	convs    [4]*nn.Conv
	fc1, fc2 *nn.Dense
}

// CNNInfo describes a CNN extractor.
type CNNInfo struct {
	Name         string  // as printed beside an FID, e.g. mnist-cnn
	Dataset      string  // what it was trained on
	TestAccuracy float64 // on that data set's test split
	Recipe       string  // the command that trained it
}

// NewCNN returns an untrained extractor with weights drawn from rng.
func NewCNN(name string, rng *rand.Rand) *CNN {
	ps := nn.NewParams()
	c := &CNN{Info: CNNInfo{Name: name}, ps: ps}
	for i, s := range []struct{ in, out, stride int }{{1, 32, 1}, {32, 32, 2}, {32, 64, 1}, {64, 64, 2}} {
		c.convs[i] = nn.NewConv(ps, fmt.Sprintf("conv%d", i+1), s.in, s.out, 3, s.stride, 1, nn.GainReLU, rng)
	}
	c.fc1 = nn.NewDense(ps, "fc1", 64*7*7, CNNFeatures, nn.GainReLU, rng)
	c.fc2 = nn.NewDense(ps, "fc2", CNNFeatures, 10, nn.GainLinear, rng)
	return c
}

// features builds the features (B, CNNFeatures) of x (B, 1, 28, 28).
func (c *CNN) features(g *nn.Graph, x *nn.Node) *nn.Node {
	h := x
	for _, conv := range c.convs {
		h = g.ReLU(conv.Apply(g, h))
	}
	return c.fc1.Apply(g, g.Reshape(h, x.Shape()[0], 64*7*7))
}

// Name is the extractor's name.
func (c *CNN) Name() string { return c.Info.Name }

// Dim is CNNFeatures.
func (c *CNN) Dim() int { return CNNFeatures }

// Channels is 1: the CNN extractors read grayscale images.
func (c *CNN) Channels() int { return 1 }

// checkImages reports images a CNN extractor cannot read.
func checkImages(im data.Images) error {
	if im.C != 1 || im.H != cnnSide || im.W != cnnSide {
		return fmt.Errorf("fid: the CNN extractors read 1×28×28 grayscale images, not %dx%dx%d", im.C, im.H, im.W)
	}
	return nil
}

// cnnBatch is the number of images Features runs at once.
const cnnBatch = 256

// Features returns the CNNFeatures-dimensional features of the images
// (intensities in [0, 1]), as rows.
func (c *CNN) Features(im data.Images) ([]float32, error) {
	out, _, err := c.forward(im, false)
	return out, err
}

// Classify returns the predicted class of every image.
func (c *CNN) Classify(im data.Images) ([]int, error) {
	_, logits, err := c.forward(im, true)
	if err != nil {
		return nil, err
	}
	classes := make([]int, im.N)
	for i := range classes {
		row := logits[i*10 : (i+1)*10]
		for j, v := range row {
			if v > row[classes[i]] {
				classes[i] = j
			}
		}
	}
	return classes, nil
}

// forward runs the network on the kernels package, batch by batch: the
// features, and the logits when asked.
func (c *CNN) forward(im data.Images, withLogits bool) (feats, logits []float32, err error) {
	if err := checkImages(im); err != nil {
		return nil, nil, err
	}
	feats = make([]float32, im.N*CNNFeatures)
	if withLogits {
		logits = make([]float32, im.N*10)
	}
	relu := func(v []float32) {
		for i, x := range v {
			v[i] = max(x, 0)
		}
	}
	for lo := 0; lo < im.N; lo += cnnBatch {
		n := min(cnnBatch, im.N-lo)
		h := act{n, 1, cnnSide, cnnSide, im.Pix[lo*im.Dim() : (lo+n)*im.Dim()]}
		for _, conv := range c.convs {
			g := kernels.ConvGeom{N: n, C: h.c, H: h.h, W: h.w, K: conv.W.Shape[0], KH: 3, KW: 3,
				SH: conv.Stride[0], SW: conv.Stride[1], PH: conv.Pad[0], PW: conv.Pad[1]}
			y := newAct(n, g.K, g.OutH(), g.OutW())
			if err := kernels.Conv2DForward(g, h.v, conv.W.Data, conv.B.Data, y.v, nil); err != nil {
				return nil, nil, err
			}
			relu(y.v)
			h = y
		}
		f := feats[lo*CNNFeatures : (lo+n)*CNNFeatures]
		dense(f, h.v, n, c.fc1)
		if withLogits {
			r := slices.Clone(f)
			relu(r)
			dense(logits[lo*10:(lo+n)*10], r, n, c.fc2)
		}
	}
	return feats, logits, nil
}

// dense sets y (n, Out) = x (n, In)·W + b.
func dense(y, x []float32, n int, d *nn.Dense) {
	for i := range n {
		copy(y[i*d.Out:(i+1)*d.Out], d.B.Data)
	}
	kernels.Gemm(false, false, n, d.Out, d.In, 1, x, d.In, d.W.Data, d.Out, 1, y, d.Out)
}

// Accuracy is the fraction of a labelled set the extractor classifies
// correctly.
func (c *CNN) Accuracy(set *data.Set) (float64, error) {
	classes, err := c.Classify(set.Images)
	if err != nil {
		return 0, err
	}
	right := 0
	for i, k := range classes {
		if k == int(set.Labels[i]) {
			right++
		}
	}
	return float64(right) / float64(set.Len()), nil
}

// CNNTraining is how TrainCNN trains: Epochs passes over the training set
// in shuffled batches of Batch, Adam with a learning rate decaying from LR
// to 0 on a cosine, from Seed. Zero values take the defaults 5, 128, 1e-3.
type CNNTraining struct {
	Epochs, Batch int
	LR            float64
	Seed          uint64
}

// TrainCNN trains the extractor c on a labelled set by cross-entropy,
// −log softmax(logits)[label] averaged over the batch. progress, when not
// nil, is called after every step with the epoch, the step within it and
// the loss.
func TrainCNN(c *CNN, set *data.Set, cfg CNNTraining, progress func(epoch, step, steps int, loss float64)) error {
	if err := checkImages(set.Images); err != nil {
		return err
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 5
	}
	if cfg.Batch == 0 {
		cfg.Batch = 128
	}
	if cfg.LR == 0 {
		cfg.LR = 1e-3
	}
	if cfg.Epochs < 1 || cfg.Batch < 1 || cfg.LR < 0 || set.Len() < cfg.Batch {
		return fmt.Errorf("fid: extractor training: %d epochs of batches of %d from %d images", cfg.Epochs, cfg.Batch, set.Len())
	}
	g := nn.NewGraph()
	x := g.Input("x", cfg.Batch, 1, cnnSide, cnnSide)
	onehot := g.Input("onehot", cfg.Batch, 10)
	logits := c.fc2.Apply(g, g.ReLU(c.features(g, x)))
	loss := g.Mean(g.Sub(g.LogSumExp(logits, 1), g.Sum(g.Mul(onehot, logits), 1)))
	lossOut := g.Output(loss)
	prog, err := g.Compile(loss)
	if err != nil {
		return err
	}
	defer prog.Close()
	opt := train.NewAdam(c.ps, 0.9, 0.999, 1e-8, false)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x636e6e))
	perEpoch := set.Len() / cfg.Batch
	total, step := cfg.Epochs*perEpoch, 0
	grads := make([][]float32, len(prog.Params()))
	d := set.Images.Dim()
	for epoch := range cfg.Epochs {
		order := rng.Perm(set.Len())
		for s := range perEpoch {
			xs, oh := g.InputData(x), g.InputData(onehot)
			clear(oh)
			for i, k := range order[s*cfg.Batch : (s+1)*cfg.Batch] {
				copy(xs[i*d:(i+1)*d], set.Images.At(k))
				oh[i*10+int(set.Labels[k])] = 1
			}
			if err := prog.Run(); err != nil {
				return err
			}
			for i := range grads {
				grads[i] = prog.Grad(i)
			}
			lr := cfg.LR * 0.5 * (1 + math.Cos(math.Pi*float64(step)/float64(total)))
			opt.Step(prog.Params(), grads, lr, 1)
			step++
			if progress != nil {
				progress(epoch, s, perEpoch, lossOut.Scalar())
			}
		}
	}
	return nil
}

// cnnFormat marks an extractor's weights file.
const cnnFormat = "genmodel-extractor-cnn-v1"

// Save writes the extractor's weights and description to a safetensors
// file.
func (c *CNN) Save(path string) error {
	tensors := map[string]tensorfile.Tensor{}
	for _, p := range c.ps.List() {
		tensors[p.Name] = tensorfile.Tensor{Shape: p.Shape, Data: p.Data}
	}
	return tensorfile.Write(path, tensors, map[string]string{
		"format": cnnFormat, "name": c.Info.Name, "dataset": c.Info.Dataset,
		"test_accuracy": strconv.FormatFloat(c.Info.TestAccuracy, 'g', -1, 64), "recipe": c.Info.Recipe,
	})
}

// LoadCNN reads an extractor written by Save.
func LoadCNN(path string) (*CNN, error) {
	tensors, meta, err := tensorfile.Read(path)
	if err != nil {
		return nil, fmt.Errorf("fid: extractor: %w", err)
	}
	return decodeCNN(path, tensors, meta)
}

// decodeCNN builds an extractor from the contents of its file.
func decodeCNN(path string, tensors map[string]tensorfile.Tensor, meta map[string]string) (*CNN, error) {
	if meta["format"] != cnnFormat {
		return nil, fmt.Errorf("fid: extractor %s: format %q, want %q", path, meta["format"], cnnFormat)
	}
	c := NewCNN(meta["name"], rand.New(rand.NewPCG(0, 0)))
	c.Info.Dataset, c.Info.Recipe = meta["dataset"], meta["recipe"]
	c.Info.TestAccuracy, _ = strconv.ParseFloat(meta["test_accuracy"], 64)
	values := map[string][]float32{}
	for name, t := range tensors {
		values[name] = t.Data
	}
	if err := c.ps.Load(values); err != nil {
		return nil, fmt.Errorf("fid: extractor %s: %w", path, err)
	}
	return c, nil
}

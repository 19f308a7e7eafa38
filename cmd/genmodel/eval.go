package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/vae"
)

const evalAbout = `Estimates the test negative log-likelihood of a trained run by importance
sampling: −log (1/K) Σₖ p(x,zₖ)/q(zₖ|x) with K = --iw samples per image,
averaged over the test set, in nats per image and bits per dimension, beside
the NLL of a trivial model (independent pixels) on the same images. For a
continuous (Gaussian) likelihood the dequantized density is converted to the
8-bit NLL it bounds by adding D·log 256.`

// evalResult is what eval prints with --json.
type evalResult struct {
	Dataset      string  `json:"dataset"`
	Of           string  `json:"of"` // "images", or the missing pixels of a model trained to impute
	Images       int     `json:"images"`
	IW           int     `json:"iw"`
	NLL          float64 `json:"nll_nats"`
	StdErr       float64 `json:"nll_stderr_nats"`
	BitsPerDim   float64 `json:"bits_per_dim"`
	Baseline     float64 `json:"baseline_nll_nats"`
	BaselineName string  `json:"baseline"`
	Weights      string  `json:"weights"`
	Step         int     `json:"step"`
	Checkpoint   string  `json:"checkpoint"`
	Seconds      float64 `json:"seconds"`
}

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", "--run DIR [flags]", evalAbout)
	var (
		dir, ckpt string
		k, n      int
		seed      uint64
		asJSON    bool
		raw       bool
		quiet     bool
		random    bool
	)
	fs.StringVar(&dir, "run", "", "run folder")
	fs.StringVar(&ckpt, "checkpoint", "", "checkpoint file (default: the run's latest)")
	fs.IntVar(&k, "iw", 100, "importance samples per image (K)")
	fs.IntVar(&n, "n", 0, "evaluate the first n test images (0: all)")
	fs.BoolVar(&random, "random", false, "with --n: n test images drawn at random (by --seed) instead of the first n, an unbiased estimate of the whole test set's figure")
	fs.Uint64Var(&seed, "seed", 1, "random seed of the importance samples")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	fs.BoolVar(&raw, "raw", false, "use the raw weights instead of their moving average")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar")
	pos, _, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if k < 1 || n < 0 {
		return usagef("--iw must be ≥ 1 and --n ≥ 0")
	}
	if random && n == 0 {
		return usagef("--random needs --n")
	}
	r, err := openRun(dir, ckpt, !raw)
	if err != nil {
		return err
	}
	trainSet, test, err := r.sets()
	if err != nil {
		return err
	}
	switch {
	case n > 0 && n < test.Len() && random:
		test = test.Sample(n, rand.New(rand.NewPCG(seed, 3)))
	case n > 0 && n < test.Len():
		test = test.Subset(n)
	}
	bar := newBar(test.Len(), fmt.Sprintf("eval K=%d", k), quiet, stderr)
	start := time.Now()
	done := 0
	nll, err := r.model.NLL(test.Images, k, rand.New(rand.NewPCG(seed, 2)), func(d int) {
		if bar != nil {
			bar.Add(d - done)
		}
		done = d
	})
	if err != nil {
		return err
	}
	mean, se := meanStdErr(nll)
	res := evalResult{
		Dataset: test.Name, Of: "images", Images: test.Len(), IW: k, NLL: mean, StdErr: se,
		Weights: map[bool]string{true: "raw", false: "ema"}[raw], Step: r.step, Checkpoint: r.checkpoint,
		Seconds: time.Since(start).Seconds(),
	}
	if t := r.cfg.VAE.Impute; t != "" {
		// −log p(x_miss | x_obs) with the proposal q(z | x, m): no
		// whole-image baseline or bits per dimension applies.
		res.Of = fmt.Sprintf("missing pixels (%s masks)", t)
		if asJSON {
			b, _ := json.Marshal(res)
			fmt.Fprintln(stdout, string(b))
			return nil
		}
		fmt.Fprintf(stdout, "test NLL of the missing pixels of %s (%s masks, %d images, K=%d, %s weights at step %d): %.2f ± %.2f nats per image\n",
			res.Dataset, t, res.Images, k, res.Weights, res.Step, res.NLL, res.StdErr)
		return nil
	}
	res.NLL = r.model.DiscreteNLL(mean)
	res.BitsPerDim = r.model.BitsPerDim(res.NLL)
	if r.cfg.Pixels.Bernoulli() {
		res.BaselineName = "independent Bernoulli pixels (training-set marginals)"
		res.Baseline, _ = meanStdErr(vae.FactorizedBernoulliNLL(data.Mean(trainSet), trainSet.Len(), test.Images))
	} else {
		res.BaselineName = "uniform over 256 levels"
		res.Baseline = float64(r.model.Dim()) * math.Log(256)
	}
	if asJSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	fmt.Fprintf(stdout, "test NLL of %s (%d images, K=%d, %s weights at step %d): %.2f ± %.2f nats = %.4f bits/dim\n",
		res.Dataset, res.Images, k, res.Weights, res.Step, res.NLL, res.StdErr, res.BitsPerDim)
	fmt.Fprintf(stdout, "trivial baseline, %s: %.2f nats\n", res.BaselineName, res.Baseline)
	return nil
}

// meanStdErr returns the mean of xs and its standard error s/√n.
func meanStdErr(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}

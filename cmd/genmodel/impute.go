package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/samples"
	"github.com/genmodel/genmodel/vae"
)

const imputeAbout = `Fills in occluded regions of test images with a trained run (its EMA
weights unless --raw). A run trained with --impute draws z from its
conditional prior p(z | x_obs), which sees the observed pixels and the mask,
and decodes (--iters independent draws); any other run imputes by iterative
inference: encode, decode, keep the observed pixels, repeat (--iters times).
Writes a gallery (rows: original, occluded, then --chains independent
imputations of the first --n test images) and scores the missing pixels of
the first --eval test images: their squared error and, for binary pixels,
their NLL under the predictive probabilities (each pixel's marginal, averaged
over the --chains chains: over the second half of each, or all draws),
beside a baseline that predicts the training set's pixel means.`

// imputeResult is what impute prints with --json.
type imputeResult struct {
	Dataset     string  `json:"dataset"`
	Mask        string  `json:"mask"`
	Method      string  `json:"method"`
	Images      int     `json:"images"`
	Iters       int     `json:"iters"`
	Missing     float64 `json:"missing_per_image"`
	NLL         float64 `json:"missing_nll_nats"`
	NLLStdErr   float64 `json:"missing_nll_stderr_nats"`
	MSE         float64 `json:"missing_mse"`
	BaselineNLL float64 `json:"baseline_missing_nll_nats"`
	BaselineMSE float64 `json:"baseline_missing_mse"`
	Step        int     `json:"step"`
	Gallery     string  `json:"gallery"`
	Seconds     float64 `json:"seconds"`
}

func runImpute(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("impute", "--run DIR --mask KIND [flags]", imputeAbout)
	var (
		dir, ckpt, out, kind string
		n, chains, iters, ev int
		seed                 uint64
		raw, asJSON          bool
	)
	fs.StringVar(&dir, "run", "", "run folder")
	fs.StringVar(&ckpt, "checkpoint", "", "checkpoint file (default: the run's latest)")
	fs.StringVar(&kind, "mask", data.Quadrant, "occlusion: "+strings.Join(data.Occlusions(), ", ")+" (quadrant and half: one chosen at random per image; random: each pixel with probability ½)")
	fs.IntVar(&n, "n", 16, "test images in the gallery")
	fs.IntVar(&chains, "chains", 8, "independent imputations per image: rows of the gallery, and chains averaged by the scores")
	fs.IntVar(&iters, "iters", 30, "iterations of the encode-decode chain")
	fs.IntVar(&ev, "eval", 500, "test images whose missing pixels are scored (0: none)")
	fs.Uint64Var(&seed, "seed", 1, "random seed of the masks and the chains")
	fs.StringVar(&out, "out", "", "gallery PNG (default <run>/impute-<mask>.png)")
	fs.BoolVar(&raw, "raw", false, "use the raw weights instead of their moving average")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	pos, _, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument %q", pos[0])
	case !slices.Contains(data.Occlusions(), kind):
		return usagef("unknown --mask %q (known: %s)", kind, strings.Join(data.Occlusions(), ", "))
	case n < 1 || chains < 1 || iters < 1 || ev < 0:
		return usagef("--n, --chains and --iters must be ≥ 1 and --eval ≥ 0")
	}
	r, err := openRun(dir, ckpt, !raw)
	if err != nil {
		return err
	}
	trainSet, test, err := r.sets()
	if err != nil {
		return err
	}
	// occluded returns the first n test images and their masks, drawn
	// from the seed's given stream.
	occluded := func(n int, stream uint64) (x, mask data.Images, err error) {
		x = test.Subset(n).Images
		mask, err = data.Occlude(kind, x.N, x.C, x.H, x.W, rand.New(rand.NewPCG(seed, stream)))
		return x, mask, err
	}
	start := time.Now()

	x, mask, err := occluded(n, 10)
	if err != nil {
		return err
	}
	rows := make([]data.Images, chains)
	for c := range rows {
		imp, err := r.model.Impute(x, mask, iters, rand.New(rand.NewPCG(seed, 20+uint64(c))))
		if err != nil {
			return err
		}
		rows[c] = imp.Last
	}
	img, err := samples.Imputations(x, mask, rows...)
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(r.dir, "impute-"+kind+".png")
	}
	if err := samples.SavePNG(out, img); err != nil {
		return err
	}

	res := imputeResult{Dataset: r.cfg.Dataset + "/test", Mask: kind, Method: "iterative inference", Iters: iters, Step: r.step, Gallery: out}
	if t := r.cfg.VAE.Impute; t != "" {
		res.Method = fmt.Sprintf("model trained to impute (%s masks)", t)
	}
	if ev > 0 {
		x, mask, err := occluded(ev, 11)
		if err != nil {
			return err
		}
		// The predictive mean averages independent chains: one chain
		// mixes slowly between completions and is overconfident.
		pred := data.NewImages(x.N, x.C, x.H, x.W)
		for c := range chains {
			imp, err := r.model.Impute(x, mask, iters, rand.New(rand.NewPCG(seed, 30+uint64(c))))
			if err != nil {
				return err
			}
			for j, v := range imp.Mean.Pix {
				pred.Pix[j] += v / float32(chains)
			}
		}
		bin := r.cfg.Pixels.Bernoulli()
		nll, sq, miss := vae.MissingError(x, mask, pred, bin)
		baseNLL, baseSq, _ := vae.MissingError(x, mask, meanImages(data.Mean(trainSet), x), bin)
		res.Images = x.N
		res.NLL, res.NLLStdErr = meanStdErr(nll)
		res.BaselineNLL, _ = meanStdErr(baseNLL)
		var totalMiss, totalSq, totalBase float64
		for i := range miss {
			totalMiss += float64(miss[i])
			totalSq += sq[i]
			totalBase += baseSq[i]
		}
		res.Missing = totalMiss / float64(x.N)
		res.MSE, res.BaselineMSE = totalSq/totalMiss, totalBase/totalMiss // NLLs stay 0 unless bin
	}
	res.Seconds = time.Since(start).Seconds()
	if asJSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	fmt.Fprintf(stdout, "wrote the %s imputation gallery (%d images × %d chains, %d iterations, step %d) to %s\n", kind, x.N, chains, iters, r.step, out)
	if ev > 0 {
		fmt.Fprintf(stdout, "missing pixels of %d %s-occluded %s images (%.0f per image), %s:\n", res.Images, kind, res.Dataset, res.Missing, res.Method)
		if r.cfg.Pixels.Bernoulli() {
			fmt.Fprintf(stdout, "  NLL %.2f ± %.2f nats per image (baseline, training-set pixel means: %.2f)\n", res.NLL, res.NLLStdErr, res.BaselineNLL)
		}
		fmt.Fprintf(stdout, "  mean squared error %.4f per pixel (baseline: %.4f)\n", res.MSE, res.BaselineMSE)
	}
	return nil
}

// meanImages repeats a mean image once per image of like.
func meanImages(mean []float64, like data.Images) data.Images {
	x := data.NewImages(like.N, like.C, like.H, like.W)
	for i := range x.Pix {
		x.Pix[i] = float32(mean[i%len(mean)])
	}
	return x
}

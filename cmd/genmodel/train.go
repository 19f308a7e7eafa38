package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/mollify"
	"github.com/genmodel/genmodel/samples"
	"github.com/genmodel/genmodel/train"
	"github.com/genmodel/genmodel/vae"
)

const trainAbout = `Trains a model and leaves a run folder (config.json, metrics.jsonl,
checkpoints/, loss.png, samples.png). Flags may come before or after the
model name. With no flags: the hierarchical VAE on dynamically binarized
MNIST, about 20 minutes on 2 cores (--arch conv: the single-latent VAE, about
4 minutes). Ctrl-C, or the end of a --time budget, saves a checkpoint
before exiting; --resume DIR continues a run exactly where its last
checkpoint left it.`

// resumable lists the flags that may be given with --resume; everything
// else comes from the run's checkpoint.
var resumable = []string{"resume", "steps", "time", "quiet"}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", "<model> [flags]", trainAbout)
	var (
		rc       runConfig
		mollOn   bool
		pixels   string
		out      string
		resume   string
		quiet    bool
		molKind  string
		molSched string
		budget   time.Duration
	)
	fs.BoolVar(&mollOn, "mollify", false, "mollify the training data (Tran et al. 2023): noise or blur decaying to zero")
	fs.StringVar(&molKind, "mollify-kind", "gaussian", "mollification: gaussian (variance-preserving noise) or blur")
	fs.StringVar(&molSched, "mollify-schedule", "sigmoid", "decay of the mollification level: sigmoid, linear or cosine")
	fs.Float64Var(&rc.Mollify.Frac, "mollify-frac", mollify.DefaultFrac, "fraction of training that is mollified; clean data after it")
	fs.Float64Var(&rc.Mollify.MaxSigma, "mollify-sigma", mollify.DefaultMaxSigma, "initial blur σ in pixels (--mollify-kind blur)")
	fs.StringVar(&rc.Dataset, "dataset", data.MNIST, "data set: "+strings.Join(data.Datasets(), ", "))
	fs.StringVar(&rc.DataDir, "data-dir", "", "folder with the four IDX files (default: the data set's built-in location)")
	fs.StringVar(&pixels, "pixels", "", "pixel model: binary, static-binary, continuous or discrete (default: the likelihood's)")
	fs.IntVar(&rc.Train.Steps, "steps", defaultSteps, "optimizer steps")
	fs.IntVar(&rc.Train.Batch, "batch", 64, "images per step")
	fs.Float64Var(&rc.Train.LR, "lr", 1e-3, "learning rate")
	fs.StringVar(&rc.Train.Optimizer, "optimizer", "adam", "adam or adamax")
	fs.Float64Var(&rc.Train.ClipNorm, "clip", 200, "global gradient-norm clip (negative: off)")
	fs.Float64Var(&rc.Train.EMADecay, "ema", 0.999, "decay of the weights' moving average used for sampling and eval")
	fs.IntVar(&rc.Train.SaveEvery, "save-every", 500, "steps between checkpoints")
	fs.IntVar(&rc.Train.LogEvery, "log-every", 10, "steps between metrics.jsonl lines")
	fs.Uint64Var(&rc.Train.Seed, "seed", 1, "random seed: same seed and flags, same numbers")
	fs.StringVar(&rc.VAE.Arch, "arch", vae.Hier, "VAE architecture: hier (hierarchical, many latent layers) or conv (one latent vector)")
	fs.StringVar(&rc.VAE.Latents, "latents", "", "hier: latent layers, top first: NxUd dense, NxR conv maps of height R (default \"1x32d,5x<H/4>,5x<H/2>\", e.g. 1x32d,5x7,5x14 on MNIST)")
	fs.IntVar(&rc.VAE.ZChannels, "zchannels", 4, "hier: channels of each conv latent layer")
	fs.StringVar(&rc.VAE.Prior, "prior", vae.Learned, "hier: prior of the conv latent layers, learned (from the top-down state) or standard (N(0,I))")
	fs.IntVar(&rc.VAE.Latent, "latent", 32, "conv: latent dimensions")
	fs.IntVar(&rc.VAE.Width, "width", 0, "channels of the conv layers (conv: of the first); default 16 for hier, 32 for conv")
	fs.StringVar(&rc.VAE.Activation, "activation", "elu", "hidden units: elu or relu")
	fs.StringVar(&rc.VAE.Likelihood, "likelihood", vae.Bernoulli, "decoder likelihood: bernoulli, logistic or gaussian")
	fs.Float64Var(&rc.VAE.Beta, "beta", 1, "β, the KL weight (β-VAE)")
	fs.IntVar(&rc.VAE.AR, "ar", 0, "autoregressive reconstruction: masked conv layers (PixelCNN type A then B) over the pixels, conditioned on the decoder (0: off, else ≥ 2)")
	fs.IntVar(&rc.VAE.ARWidth, "ar-width", 0, "channels of the autoregressive layers and of the decoder features they read (default 32 with --ar)")
	fs.StringVar(&rc.VAE.Impute, "impute", "", "train a conditional model to impute, p(x_miss | x_obs): the prior and decoder see the observed pixels and the mask, q the whole image, the loss covers the missing pixels; masks of this occlusion ("+strings.Join(data.Occlusions(), ", ")+", or all)")
	fs.IntVar(&rc.VAE.WarmUp, "warmup", 0, "steps over which the KL weight rises linearly from 0 to β (0: none)")
	fs.Float64Var(&rc.VAE.FreeBits, "free-bits", 0, "free bits: nats per latent layer below which its KL costs nothing (0: off)")
	fs.IntVar(&rc.VAE.IWAE, "iwae", 1, "train on the importance-weighted bound with K samples (1: ELBO)")
	fs.StringVar(&out, "out", "", "run folder (default runs/<model>-<dataset>-<time>)")
	fs.StringVar(&resume, "resume", "", "continue the run in this folder from its latest checkpoint")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar")
	fs.DurationVar(&budget, "time", 0, "also stop after this much training time, e.g. 2h or 90m (0: no limit), saving a checkpoint; --resume continues")
	pos, set, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("one model expected, got %q", pos)
	}
	if budget < 0 {
		return usagef("--time must be ≥ 0, got %v", budget)
	}

	var (
		trainer *train.Trainer
		dir     string
	)
	if resume != "" {
		for name := range set {
			if !slices.Contains(resumable, name) {
				return usagef("--%s cannot be changed on --resume: the run's own configuration is used (only --steps, --time and --quiet may be given)", name)
			}
		}
		dir = resume
		ckpt, err := train.LatestCheckpoint(dir)
		if err != nil {
			return fmt.Errorf("--resume: %w", err)
		}
		c, err := train.LoadCheckpoint(ckpt)
		if err != nil {
			return fmt.Errorf("--resume: %w", err)
		}
		steps := rc.Train.Steps
		rc = runConfig{}
		if err := json.Unmarshal(c.Config, &rc); err != nil {
			return fmt.Errorf("--resume: checkpoint %s: config: %w", ckpt, err)
		}
		if len(pos) == 1 && pos[0] != rc.Model {
			return usagef("--resume %s is a %s run, not %s", dir, rc.Model, pos[0])
		}
		if set["steps"] {
			if steps < c.Step {
				return usagef("--steps %d is below the %d steps the run has done", steps, c.Step)
			}
			rc.Train.Steps = steps
		}
		if trainer, err = newTrainer(&rc, dir); err != nil {
			return err
		}
		if err := trainer.Restore(ckpt); err != nil {
			return fmt.Errorf("--resume: %w", err)
		}
		fmt.Fprintf(stderr, "resuming %s from step %d of %d\n", dir, c.Step, rc.Train.Steps)
	} else {
		if len(pos) == 0 {
			return usagef("which model? e.g. genmodel train vae (known: %s)", strings.Join(models, ", "))
		}
		rc.Model = pos[0]
		if !slices.Contains(models, rc.Model) {
			return usagef("unknown model %q (known: %s)", rc.Model, strings.Join(models, ", "))
		}
		if !slices.Contains(data.Datasets(), rc.Dataset) {
			return usagef("unknown dataset %q (known: %s)", rc.Dataset, strings.Join(data.Datasets(), ", "))
		}
		if err := resolveMollify(&rc, mollOn, molKind, molSched, set); err != nil {
			return err
		}
		if err := resolveArch(&rc.VAE, set); err != nil {
			return err
		}
		if pixels == "" {
			rc.Pixels = defaultPixels(rc.VAE.Likelihood)
		} else if rc.Pixels, err = data.ParsePixels(pixels); err != nil {
			return usageError{err}
		}
		if err := checkPixels(rc.VAE.Likelihood, rc.Pixels); err != nil {
			return usageError{err}
		}
		if err := rc.Train.Validate(); err != nil {
			return usageError{err}
		}
		if rc.Train.Steps < 1 || rc.Train.Batch < 1 {
			return usagef("--steps and --batch must be ≥ 1")
		}
		dir = out
		if dir == "" {
			dir = filepath.Join("runs", fmt.Sprintf("%s-%s-%s", rc.Model, rc.Dataset, time.Now().Format("20060102-150405")))
		}
		if names, _ := train.Checkpoints(dir); len(names) > 0 {
			return fmt.Errorf("%s already holds a run; continue it with --resume %s or choose another --out", dir, dir)
		}
		if trainer, err = newTrainer(&rc, dir); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := rc.save(dir); err != nil {
			return err
		}
	}
	if !quiet {
		trainer.Progress = stderr
	}
	fmt.Fprintf(stderr, "training %s (%d parameters) on %s (%s pixels) for %d steps, mollify %s; run folder %s\n",
		rc.Model, trainer.Model.Params().Count(), rc.Dataset, rc.Pixels, rc.Train.Steps, trainer.Mollifier, dir)
	if budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, budget)
		defer cancel()
	}
	start := time.Now()
	err = trainer.Run(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "the --time budget of %v is spent at step %d; continue with: genmodel train --resume %s\n", budget, trainer.Step(), dir)
		err = nil
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted at step %d; continue with: genmodel train --resume %s", trainer.Step(), dir)
	}
	if err != nil {
		return err
	}
	summarize(stdout, dir, trainer.Step(), time.Since(start))
	return nil
}

// resolveMollify fills rc.Mollify from the flags: any --mollify-* flag turns
// mollification on unless --mollify=false says otherwise.
func resolveMollify(rc *runConfig, on bool, kind, sched string, set map[string]bool) error {
	var extra []string
	for name := range set {
		if strings.HasPrefix(name, "mollify-") {
			extra = append(extra, "--"+name)
		}
	}
	sort.Strings(extra)
	if set["mollify"] && !on && len(extra) > 0 {
		return usagef("--mollify=false contradicts %s", strings.Join(extra, ", "))
	}
	if !on && len(extra) == 0 {
		rc.Mollify = mollify.Config{}
		return nil
	}
	rc.Mollify.Kind, rc.Mollify.Schedule = kind, sched
	if kind != "blur" {
		rc.Mollify.MaxSigma = 0
	}
	if _, err := mollify.New(rc.Mollify); err != nil {
		return usageError{err}
	}
	return nil
}

// archFlags lists the flags that only one VAE architecture reads.
var archFlags = map[string][]string{
	vae.Hier: {"latents", "zchannels", "prior"},
	vae.Conv: {"latent"},
}

// resolveArch rejects flags of the other architecture and clears the
// defaults the chosen one does not use, so that config.json holds only
// settings that mean something.
func resolveArch(c *vae.Config, set map[string]bool) error {
	for arch, names := range archFlags {
		if arch == c.Arch {
			continue
		}
		for _, name := range names {
			if set[name] {
				return usagef("--%s applies to --arch %s, not %s", name, arch, c.Arch)
			}
		}
	}
	switch c.Arch {
	case vae.Hier:
		c.Latent = 0
	case vae.Conv:
		c.Latents, c.ZChannels, c.Prior = "", 0, ""
	default:
		return usagef("unknown --arch %q (known: %s, %s)", c.Arch, vae.Hier, vae.Conv)
	}
	return nil
}

// newTrainer loads the data and builds the model and trainer of rc, filling
// in the image shape of the data set.
func newTrainer(rc *runConfig, dir string) (*train.Trainer, error) {
	trainSet, _, err := data.Load(rc.Dataset, rc.DataDir)
	if err != nil {
		return nil, err
	}
	img := trainSet.Images
	rc.VAE.C, rc.VAE.H, rc.VAE.W = img.C, img.H, img.W
	if err := rc.VAE.Validate(); err != nil {
		return nil, usageError{err}
	}
	rc.VAE = rc.VAE.WithDefaults()
	rng := rand.New(rand.NewPCG(rc.Train.Seed, 0))
	model, err := rc.newModel(rng)
	if err != nil {
		return nil, err
	}
	batches, err := data.NewBatcher(rc.Pixels.TrainSet(trainSet), rc.Train.Batch, rc.Train.Seed)
	if err != nil {
		return nil, usageError{err}
	}
	moll, err := mollify.New(rc.Mollify)
	if err != nil {
		return nil, usageError{err}
	}
	t := &train.Trainer{
		Config:    rc.Train,
		Model:     model,
		Batches:   batches,
		Mollifier: moll,
		Prepare:   rc.Pixels.Apply,
		Dir:       dir,
		RunConfig: rc.marshal(),
	}
	// samples.png is redrawn from the EMA weights at every checkpoint, from
	// the same latents each time so that successive grids compare.
	viewer, err := rc.newModel(rng)
	if err != nil {
		return nil, err
	}
	preview := rc.Pixels.TestSet(trainSet.Subset(16)).Images
	t.AfterSave = func(int) error {
		if err := viewer.Params().Load(t.EMA()); err != nil {
			return err
		}
		img, err := previewImage(viewer, preview, rand.New(rand.NewPCG(rc.Train.Seed, 1)))
		if err != nil {
			return err
		}
		return samples.SavePNG(filepath.Join(dir, "samples.png"), img)
	}
	return t, nil
}

// previewImage is what samples.png shows: 64 samples of the model, or for
// a model trained to impute (conditional, so its samples need observed
// pixels) an imputation gallery of the training images x with masks of
// its training occlusion and three independent imputations each.
func previewImage(m *vae.Model, x data.Images, rng *rand.Rand) (image.Image, error) {
	if m.Config().Impute == "" {
		s, err := m.Sample(64, 1, rng)
		if err != nil {
			return nil, err
		}
		return samples.Grid(s, 8, 2)
	}
	mask, err := m.TrainingMasks(x.N, rng)
	if err != nil {
		return nil, err
	}
	var rows []data.Images
	for range 3 {
		imp, err := m.Impute(x, mask, 1, rng)
		if err != nil {
			return nil, err
		}
		rows = append(rows, imp.Last)
	}
	return samples.Imputations(x, mask, rows...)
}

// summarize prints where the results are and what to run next.
func summarize(w io.Writer, dir string, steps int, took time.Duration) {
	recs, _ := train.ReadMetrics(filepath.Join(dir, "metrics.jsonl"))
	fmt.Fprintf(w, "trained %d steps in %s\n", steps, took.Round(time.Second))
	if len(recs) > 0 {
		last := recs[len(recs)-1]
		keys := make([]string, 0, len(last.Values))
		for k := range last.Values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %.4g", k, last.Values[k]))
		}
		fmt.Fprintf(w, "last metrics (step %d): %s\n", last.Step, strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "run folder: %s (samples.png, loss.png, metrics.jsonl, checkpoints/)\n", dir)
	fmt.Fprintf(w, "next: genmodel eval --run %s   |   genmodel sample --run %s\n", dir, dir)
}

// defaultSteps is the training budget of a plain "genmodel train vae": a few
// minutes on 2 cores.
const defaultSteps = 4000

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/fid"
)

const fidAbout = `Compares two sets of images by the Fréchet distance between Gaussians
fitted to their features (the FID when the features are the FID Inception's),
beside KID and precision/recall when both sides have features. A and B are
each a folder of PNG/JPEG images, an .npz (statistics, pytorch-fid's format,
or features), run:DIR (samples of a trained run) or dataset:NAME-SPLIT
(e.g. dataset:mnist-test, dataset:fashion-mnist-train). Every figure is
printed with its extractor's name, FID[inception] or FID[mnist-cnn].

Subcommands:
  genmodel fid features A --out F.npz      dump A's features
  genmodel fid stats A --out S.npz         save A's statistics (pytorch-fid's format, plus n)
  genmodel fid merge S1.npz S2.npz … --out S.npz
                                           merge statistics of shards (--shard i/n)
  genmodel fid train-extractor --dataset mnist|fashion-mnist
                                           train a CNN extractor
  genmodel fid download [--out PATH]       fetch the official FID Inception weights`

// fidOptions are the flags shared by fid and its subcommands that read
// sources.
type fidOptions struct {
	extractor, weights string
	dims, n            int
	seed               uint64
	temperature        float64
	shard              string
	quiet              bool
}

func (o *fidOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.extractor, "extractor", fid.Inception3, "feature extractor: "+strings.Join(fid.Extractors(), ", ")+" (the CNNs read 28×28 grayscale images)")
	fs.StringVar(&o.weights, "weights", "", "extractor weights: the FID Inception's .pth (default $"+fid.WeightsEnv+"), or a CNN's .safetensors instead of the shipped one")
	fs.IntVar(&o.dims, "dims", 2048, "Inception features: 64, 192, 768 or 2048 (pool3)")
	fs.IntVar(&o.n, "n", 0, "images to use from each image source: the first n (0: all); samples to draw from a run:DIR (0: 10000)")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of run samples and KID subsets")
	fs.Float64Var(&o.temperature, "temperature", 1, "temperature of run samples")
	fs.StringVar(&o.shard, "shard", "", "i/n: only the i-th of n equal parts of each source (1 ≤ i ≤ n), to split the work; merge the statistics with genmodel fid merge")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
}

// side is one source, read: its features, or only its statistics.
type side struct {
	spec     string
	what     string // e.g. "10000 images"
	features []float32
	stats    *fid.Stats
	n        int // feature vectors; 0 when unknown (pytorch-fid's statistics)
}

// fidSideInfo and fidResult are what fid prints with --json.
type fidSideInfo struct {
	Source string `json:"source"`
	N      int    `json:"n"`
}

type fidResult struct {
	Extractor string      `json:"extractor"`
	Dims      int         `json:"dims"`
	FID       float64     `json:"fid"`
	Eps       float64     `json:"eps,omitempty"`
	A         fidSideInfo `json:"a"`
	B         fidSideInfo `json:"b"`
	KID       *fid.KID    `json:"kid,omitempty"`
	Precision *float64    `json:"precision,omitempty"`
	Recall    *float64    `json:"recall,omitempty"`
	Warnings  []string    `json:"warnings,omitempty"`
	Seconds   float64     `json:"seconds"`
}

func runFID(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "features", "stats":
			return runFIDSave(ctx, args[0], args[1:], stdout, stderr)
		case "merge":
			return runFIDMerge(args[1:], stdout)
		case "train-extractor":
			return runTrainExtractor(args[1:], stdout, stderr)
		case "download":
			return runFIDDownload(ctx, args[1:], stdout)
		}
	}
	fs := newFlagSet("fid", "A B [flags]", fidAbout)
	var o fidOptions
	o.register(fs)
	var (
		asJSON    bool
		failAbove float64
		saveStats string
	)
	fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	fs.StringVar(&saveStats, "save-stats", "", "with one source A: write its statistics to this .npz (as genmodel fid stats A --out)")
	fs.Float64Var(&failAbove, "fail-above", 0, "exit with status 1 when the FID is above this (0: never), e.g. in CI")
	pos, _, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if saveStats != "" {
		if len(pos) != 1 {
			return usagef("--save-stats takes one source, got %d", len(pos))
		}
		return saveSide("stats", pos[0], saveStats, o, stdout, stderr)
	}
	if len(pos) != 2 {
		return usagef("two sources expected (A B), got %d; see genmodel fid --help", len(pos))
	}
	start := time.Now()
	ex, err := fid.LoadExtractor(o.extractor, o.weights, o.dims)
	if err != nil {
		return err
	}
	var sides [2]side
	for i, spec := range pos {
		if sides[i], err = readSide(spec, ex, o, stderr); err != nil {
			return err
		}
	}
	res := fidResult{Extractor: ex.Name(), Dims: ex.Dim()}
	var g [2]fid.Gaussian
	for i, s := range sides {
		if g[i], err = s.stats.Gaussian(); err != nil {
			return fmt.Errorf("%s: %w", s.spec, err)
		}
		if s.n > 0 && s.n < ex.Dim() {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s has %d feature vectors, fewer than their %d dimensions: its covariance is singular and the FID biased high", s.spec, s.n, ex.Dim()))
		}
	}
	res.A, res.B = fidSideInfo{sides[0].spec, sides[0].n}, fidSideInfo{sides[1].spec, sides[1].n}
	f, err := fid.FrechetDistance(g[0], g[1])
	if err != nil {
		return err
	}
	res.FID, res.Eps = f.Distance, f.Eps
	if f.Eps > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("a covariance is singular: %g·I was added to both", f.Eps))
	}
	if sides[0].features != nil && sides[1].features != nil {
		kid, err := fid.KIDOf(sides[0].features, sides[1].features, ex.Dim(), fid.KIDSettings{Seed: o.seed})
		if err == nil {
			res.KID = &kid
		}
		pr, err := fid.PrecisionRecallOf(sides[0].features, sides[1].features, ex.Dim(), 3)
		if err == nil {
			res.Precision, res.Recall = &pr.Precision, &pr.Recall
		}
	}
	res.Seconds = time.Since(start).Seconds()
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if asJSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(stdout, string(b))
	} else {
		fmt.Fprintf(stdout, "FID[%s] = %.4f  (A: %s, %s; B: %s, %s)\n", res.Extractor, res.FID, sides[0].spec, sides[0].what, sides[1].spec, sides[1].what)
		if res.KID != nil {
			fmt.Fprintf(stdout, "KID[%s] = %.6f ± %.6f  (%d subsets of %d)\n", res.Extractor, res.KID.Mean, res.KID.Std, res.KID.Subsets, res.KID.Size)
		}
		if res.Precision != nil {
			fmt.Fprintf(stdout, "precision[%s] = %.4f, recall = %.4f  (A real, B generated; k = 3)\n", res.Extractor, *res.Precision, *res.Recall)
		}
	}
	switch {
	case math.IsNaN(res.FID) || math.IsInf(res.FID, 0):
		return fmt.Errorf("FID[%s] is not finite", res.Extractor)
	case failAbove > 0 && res.FID > failAbove:
		return fmt.Errorf("FID[%s] = %.4f is above --fail-above %g", res.Extractor, res.FID, failAbove)
	}
	return nil
}

// runFIDSave is fid features and fid stats.
func runFIDSave(_ context.Context, what string, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fid "+what, "A --out FILE.npz [flags]", map[string]string{
		"features": "Writes the features of A (rows, float32) and the extractor's name to an .npz.",
		"stats": "Writes the statistics of A to an .npz that pytorch-fid reads (mu, sigma), with the\n" +
			"count n and the extractor's name, so that shards (--shard i/n) merge.",
	}[what])
	var o fidOptions
	o.register(fs)
	var out string
	fs.StringVar(&out, "out", "", "output .npz")
	pos, _, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 || out == "" {
		return usagef("fid %s needs one source and --out FILE.npz", what)
	}
	return saveSide(what, pos[0], out, o, stdout, stderr)
}

// saveSide writes the features or the statistics of a source to out.
func saveSide(what, spec, out string, o fidOptions, stdout, stderr io.Writer) error {
	ex, err := fid.LoadExtractor(o.extractor, o.weights, o.dims)
	if err != nil {
		return err
	}
	s, err := readSide(spec, ex, o, stderr)
	if err != nil {
		return err
	}
	if what == "features" {
		if s.features == nil {
			return usagef("%s holds statistics, not features", spec)
		}
		err = fid.SaveFeatures(out, s.features, ex.Dim(), ex.Name())
	} else {
		err = fid.SaveStats(out, s.stats, ex.Name())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the %s[%s] of %s (%s) to %s\n", what, ex.Name(), spec, s.what, out)
	return nil
}

// runFIDMerge merges statistics files.
func runFIDMerge(args []string, stdout io.Writer) error {
	fs := newFlagSet("fid merge", "S1.npz S2.npz … --out S.npz", "Merges statistics written by fid stats (each with its count n) into those of all\ntheir feature vectors together.")
	var out string
	fs.StringVar(&out, "out", "", "output .npz")
	pos, _, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) < 1 || out == "" {
		return usagef("fid merge needs statistics files and --out FILE.npz")
	}
	var all *fid.Stats
	extractor := ""
	for _, p := range pos {
		st, err := fid.LoadStats(p)
		if err != nil {
			return err
		}
		if st.N < 2 {
			return fmt.Errorf("%s has no count n of feature vectors (not written by genmodel fid stats?): it cannot be merged", p)
		}
		if all == nil {
			all, extractor = fid.StatsOf(st.Gaussian, st.N), st.Extractor
			continue
		}
		if st.Extractor != extractor {
			return fmt.Errorf("%s holds %s statistics, %s %s ones: they do not merge", p, st.Extractor, pos[0], extractor)
		}
		if err := all.Merge(fid.StatsOf(st.Gaussian, st.N)); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	if err := fid.SaveStats(out, all, extractor); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "merged %d files (%d feature vectors, %s) into %s\n", len(pos), all.N, extractor, out)
	return nil
}

// readSide reads a source: features of its images, or statistics.
func readSide(spec string, ex fid.Extractor, o fidOptions, stderr io.Writer) (side, error) {
	s := side{spec: spec}
	part, parts, err := parseShard(o.shard)
	if err != nil {
		return side{}, err
	}
	if strings.HasSuffix(spec, ".npz") {
		if o.shard != "" {
			return side{}, usagef("--shard splits image sources, not %s", spec)
		}
		return readNPZSide(spec, ex)
	}
	var im data.Images
	switch {
	case strings.HasPrefix(spec, "dataset:"):
		im, s.what, err = datasetImages(strings.TrimPrefix(spec, "dataset:"), o.n, part, parts)
	case strings.HasPrefix(spec, "run:"):
		im, s.what, err = runSamples(strings.TrimPrefix(spec, "run:"), o, part, parts, stderr)
	default:
		im, s.what, err = folderImages(spec, ex.Channels(), o.n, part, parts)
	}
	if err != nil {
		return side{}, err
	}
	if s.features, err = extract(ex, im, spec, o.quiet, stderr); err != nil {
		return side{}, fmt.Errorf("%s: %w", spec, err)
	}
	s.stats, s.n = fid.NewStats(ex.Dim()), len(s.features)/ex.Dim()
	return s, s.stats.Add(s.features)
}

// readNPZSide reads a statistics or features file, which must come from
// the same extractor.
func readNPZSide(spec string, ex fid.Extractor) (side, error) {
	s := side{spec: spec}
	check := func(name string, d int) error {
		if name != "" && name != ex.Name() {
			return fmt.Errorf("%s holds %s features, not %s ones: FIDs of different extractors do not compare", spec, name, ex.Name())
		}
		if d != ex.Dim() {
			return fmt.Errorf("%s holds %d-dimensional features, the %s extractor gives %d", spec, d, ex.Name(), ex.Dim())
		}
		return nil
	}
	if fid.IsFeatureFile(spec) {
		f, d, name, err := fid.LoadFeatures(spec)
		if err != nil {
			return side{}, err
		}
		if err := check(name, d); err != nil {
			return side{}, err
		}
		s.features, s.stats, s.n = f, fid.NewStats(d), len(f)/d
		s.what = fmt.Sprintf("%d feature vectors", s.n)
		return s, s.stats.Add(f)
	}
	fs, err := fid.LoadStats(spec)
	if err != nil {
		return side{}, err
	}
	if err := check(fs.Extractor, fs.Gaussian.Dim()); err != nil {
		return side{}, err
	}
	s.n, s.what = fs.N, fmt.Sprintf("statistics of %d", fs.N)
	n := fs.N
	if n == 0 { // pytorch-fid's files carry no count: any n ≥ 2 gives back the same Gaussian
		n, s.what = 2, "statistics"
	}
	s.stats = fid.StatsOf(fs.Gaussian, n)
	return s, nil
}

// parseShard reads --shard i/n (1 ≤ i ≤ n) as a 0-based part; no shard is
// part 0 of 1.
func parseShard(s string) (part, parts int, err error) {
	if s == "" {
		return 0, 1, nil
	}
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, usagef("--shard %q: want i/n with 1 ≤ i ≤ n, e.g. 2/4", s)
	}
	return i - 1, n, nil
}

// shardRange is the part-th of parts equal contiguous ranges of [0, n).
func shardRange(n, part, parts int) (lo, hi int) { return part * n / parts, (part + 1) * n / parts }

// limit is min(n, max) with 0 meaning no limit.
func limit(n, max int) int {
	if max > 0 {
		return min(n, max)
	}
	return n
}

// datasetImages reads dataset:NAME-SPLIT (split train or test).
func datasetImages(spec string, n, part, parts int) (data.Images, string, error) {
	i := strings.LastIndexByte(spec, '-')
	if i < 0 || (spec[i+1:] != "train" && spec[i+1:] != "test") {
		return data.Images{}, "", usagef("dataset:%s: want dataset:NAME-train or dataset:NAME-test, NAME one of %s", spec, strings.Join(data.Datasets(), ", "))
	}
	tr, te, err := data.Load(spec[:i], "")
	if err != nil {
		return data.Images{}, "", err
	}
	set := te
	if spec[i+1:] == "train" {
		set = tr
	}
	total := limit(set.Len(), n)
	lo, hi := shardRange(total, part, parts)
	im := set.Images
	im.N, im.Pix = hi-lo, im.Pix[lo*im.Dim():hi*im.Dim()]
	return im, fmt.Sprintf("%d images", im.N), nil
}

// folderImages reads a folder of images, in name order.
func folderImages(dir string, channels, n, part, parts int) (data.Images, string, error) {
	files, err := data.ImageFiles(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return data.Images{}, "", fmt.Errorf("source %q is no folder, .npz, run:DIR or dataset:NAME-SPLIT: %w", dir, err)
		}
		return data.Images{}, "", err
	}
	lo, hi := shardRange(limit(len(files), n), part, parts)
	im, err := data.ReadImages(files[lo:hi], channels)
	return im, fmt.Sprintf("%d images", im.N), err
}

// runSamples draws samples of a trained run (its EMA weights): --n of them
// (10000 by default), or the part of them a shard asks for, from a seed of
// its own.
func runSamples(dir string, o fidOptions, part, parts int, stderr io.Writer) (data.Images, string, error) {
	r, err := openRun(dir, "", true)
	if err != nil {
		return data.Images{}, "", err
	}
	total := o.n
	if total == 0 {
		total = 10000
	}
	lo, hi := shardRange(total, part, parts)
	rng := rand.New(rand.NewPCG(o.seed, uint64(part)))
	const batch = 500
	bar := newBar(hi-lo, "samples of "+dir, o.quiet, stderr)
	var all data.Images
	for done := lo; done < hi; done += batch {
		x, err := r.model.Sample(min(batch, hi-done), o.temperature, rng)
		if err != nil {
			return data.Images{}, "", err
		}
		if all.N == 0 {
			all = data.Images{C: x.C, H: x.H, W: x.W}
		}
		all.Pix = append(all.Pix, x.Pix...)
		all.N += x.N
		if bar != nil {
			bar.Add(x.N)
		}
	}
	return all, fmt.Sprintf("%d samples at T=%g, step %d", all.N, o.temperature, r.step), nil
}

// extract computes the features of im in chunks, with a progress bar.
func extract(ex fid.Extractor, im data.Images, spec string, quiet bool, stderr io.Writer) ([]float32, error) {
	const chunk = 512
	bar := newBar(im.N, fmt.Sprintf("%s features of %s", ex.Name(), spec), quiet, stderr)
	out := make([]float32, 0, im.N*ex.Dim())
	for lo := 0; lo < im.N; lo += chunk {
		part := im
		part.N = min(chunk, im.N-lo)
		part.Pix = im.Pix[lo*im.Dim() : (lo+part.N)*im.Dim()]
		f, err := ex.Features(part)
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
		if bar != nil {
			bar.Add(part.N)
		}
	}
	return out, nil
}

// runTrainExtractor trains a CNN extractor on a data set.
func runTrainExtractor(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fid train-extractor", "--dataset mnist|fashion-mnist [flags]",
		"Trains a CNN feature extractor (see fid.CNN) on a data set's training split and\nreports its test accuracy; the shipped mnist-cnn and fashion-cnn were made so.")
	var (
		dataset, dataDir, out string
		cfg                   fid.CNNTraining
		subset                int
		quiet                 bool
	)
	fs.StringVar(&dataset, "dataset", data.MNIST, "data set: mnist or fashion-mnist")
	fs.StringVar(&dataDir, "data-dir", "", "folder with the four IDX files (default: the data set's built-in location)")
	fs.IntVar(&cfg.Epochs, "epochs", 5, "passes over the training set")
	fs.IntVar(&cfg.Batch, "batch", 128, "images per step")
	fs.Float64Var(&cfg.LR, "lr", 1e-3, "Adam's learning rate, decayed to 0 on a cosine")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	fs.StringVar(&out, "out", "", "weights file (default <name>.safetensors, name mnist-cnn or fashion-cnn)")
	fs.IntVar(&subset, "subset", 0, "train on the first n training images only (0: all), for a quick trial")
	fs.BoolVar(&quiet, "quiet", false, "no progress bar")
	pos, set, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if cfg.Epochs < 1 || cfg.Batch < 1 || cfg.LR <= 0 || subset < 0 {
		return usagef("--epochs, --batch and --lr must be positive, --subset ≥ 0")
	}
	name := map[string]string{data.MNIST: fid.MNISTCNN, data.FashionMNIST: fid.FashionCNN}[dataset]
	if name == "" {
		return usagef("--dataset %q: mnist or fashion-mnist", dataset)
	}
	if out == "" {
		out = name + ".safetensors"
	}
	tr, te, err := data.Load(dataset, dataDir)
	if err != nil {
		return err
	}
	if subset > 0 {
		tr = tr.Subset(subset)
	}
	c := fid.NewCNN(name, rand.New(rand.NewPCG(cfg.Seed, 0)))
	var bar *progressbar.ProgressBar
	if !quiet {
		bar = progressbar.NewOptions(cfg.Epochs*(tr.Len()/cfg.Batch), progressbar.OptionSetWriter(stderr), progressbar.OptionSetWidth(24),
			progressbar.OptionShowIts(), progressbar.OptionSetItsString("step"), progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(250*time.Millisecond), progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
	}
	start := time.Now()
	err = fid.TrainCNN(c, tr, cfg, func(epoch, step, steps int, loss float64) {
		if bar != nil {
			bar.Add(1)
			bar.Describe(fmt.Sprintf("epoch %d/%d  loss %.4f", epoch+1, cfg.Epochs, loss))
		}
	})
	if err != nil {
		return err
	}
	acc, err := c.Accuracy(te)
	if err != nil {
		return err
	}
	c.Info.Dataset, c.Info.TestAccuracy = dataset, acc
	c.Info.Recipe = fmt.Sprintf("genmodel fid train-extractor --dataset %s --epochs %d --batch %d --lr %g --seed %d", dataset, cfg.Epochs, cfg.Batch, cfg.LR, cfg.Seed)
	if set["subset"] {
		c.Info.Recipe += fmt.Sprintf(" --subset %d", subset)
	}
	if err := c.Save(out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: test accuracy %.4f on %d %s test images after %s; weights in %s\n",
		name, acc, te.Len(), dataset, time.Since(start).Round(time.Second), out)
	return nil
}

// runFIDDownload fetches the official FID Inception weights and checks
// them.
func runFIDDownload(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("fid download", "[--out PATH]", "Downloads the official FID Inception weights ("+fid.OfficialWeightsName+", 95.6 MB) from\npytorch-fid's releases and checks their SHA-256.")
	var (
		out     string
		timeout time.Duration
	)
	fs.StringVar(&out, "out", fid.OfficialWeightsName, "where to write them")
	fs.DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long (connecting: 30 s)")
	pos, _, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fid.OfficialWeightsURL, nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
	}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot download %s: %w; without a network, copy the file here by other means and pass --weights PATH", fid.OfficialWeightsURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("cannot download %s: %s", fid.OfficialWeightsURL, resp.Status)
	}
	partial := out + ".partial"
	f, err := os.Create(partial)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(partial)
		return fmt.Errorf("downloading %s: %w", fid.OfficialWeightsURL, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != fid.OfficialWeightsSHA256 || n != fid.OfficialWeightsSize {
		os.Remove(partial)
		return fmt.Errorf("downloaded %d bytes with SHA-256 %s, want %d bytes with %s: not kept", n, sum, fid.OfficialWeightsSize, fid.OfficialWeightsSHA256)
	}
	if err := os.Rename(partial, out); err != nil {
		return err
	}
	abs, _ := filepath.Abs(out)
	fmt.Fprintf(stdout, "wrote %s (SHA-256 checked); use it with --weights %s or %s=%s\n", out, out, fid.WeightsEnv, abs)
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genmodel/genmodel/train"
)

// genmodel runs a command line and returns its exit status and output.
func genmodel(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestUsageErrorsAreOneLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"train"}, 2, "which model?"},
		{[]string{"train", "gan"}, 2, `unknown model "gan"`},
		{[]string{"train", "vae", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"train", "vae", "--steps", "abc"}, 2, `invalid value "abc" for flag -steps`},
		{[]string{"train", "vae", "--lr", "-1"}, 2, "lr must be positive"},
		{[]string{"train", "vae", "--optimizer", "sgd"}, 2, "optimizer must be adam or adamax"},
		{[]string{"train", "vae", "--mollify-kind", "wobble"}, 2, `Kind "wobble"`},
		{[]string{"train", "vae", "--mollify=false", "--mollify-frac", "0.5"}, 2, "--mollify=false contradicts --mollify-frac"},
		{[]string{"train", "vae", "--pixels", "continuous"}, 2, "do not fit the bernoulli likelihood"},
		{[]string{"train", "vae", "--activation", "tanh"}, 2, `unknown activation "tanh"`},
		{[]string{"train", "vae", "--dataset", "cifar"}, 2, `unknown dataset "cifar"`},
		{[]string{"train", "vae", "--arch", "mlp"}, 2, `unknown --arch "mlp"`},
		{[]string{"train", "vae", "--arch", "conv", "--latents", "1x8d,2x7"}, 2, "--latents applies to --arch hier"},
		{[]string{"train", "vae", "--latent", "8"}, 2, "--latent applies to --arch conv"},
		{[]string{"train", "vae", "--latents", "2x7"}, 2, "the first group must be one dense layer"},
		{[]string{"train", "vae", "--latents", "1x8d,2x5"}, 2, "divided by a power of two"},
		{[]string{"train", "vae", "--prior", "vamp"}, 2, `unknown prior "vamp"`},
		{[]string{"train", "vae", "--free-bits", "-1"}, 2, "free bits must be ≥ 0"},
		{[]string{"train", "vae", "--iwae", "4", "--warmup", "100"}, 2, "no meaning with the IWAE bound"},
		{[]string{"train", "vae", "--ar", "1"}, 2, "ar must be 0 (off) or ≥ 2"},
		{[]string{"train", "vae", "--impute", "stripes"}, 2, `unknown impute occlusion "stripes"`},
		{[]string{"train", "vae", "--dataset", "idx", "--data-dir", "/nonexistent/dir"}, 1, "/nonexistent/dir"},
		{[]string{"train", "--resume", "/nonexistent/run"}, 1, "/nonexistent/run"},
		{[]string{"sample"}, 2, "--run DIR is required"},
		{[]string{"sample", "--run", "/nonexistent/run"}, 1, "/nonexistent/run"},
		{[]string{"eval", "--run", "/nonexistent/run"}, 1, "/nonexistent/run"},
		{[]string{"eval", "--run", "x", "--iw", "0"}, 2, "--iw must be ≥ 1"},
		{[]string{"eval", "--run", "x", "--random"}, 2, "--random needs --n"},
		{[]string{"impute", "--run", "x", "--mask", "stripes"}, 2, `unknown --mask "stripes"`},
		{[]string{"impute", "--run", "x", "--iters", "0"}, 2, "--iters must be ≥ 1"},
		{[]string{"impute", "--run", "/nonexistent/run"}, 1, "/nonexistent/run"},
		{[]string{"help", "nope"}, 2, `unknown command "nope"`},
	} {
		code, stdout, stderr := genmodel(c.args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != c.code || !strings.Contains(lines[0], c.want) || stdout != "" {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
			continue
		}
		if len(lines) > 2 || (c.code == 2 && len(lines) != 2) {
			t.Errorf("%q: %d lines of error output, want the error and (for usage errors) one hint:\n%s", c.args, len(lines), stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"help", "train"}, {"train", "--help"}, {"eval", "-h"}, {"sample", "--help"}} {
		code, stdout, _ := genmodel(args...)
		if code != 0 || !strings.Contains(stdout, "genmodel") {
			t.Errorf("%q: exit %d, output %q", args, code, stdout)
		}
	}
	_, stdout, _ := genmodel("train", "--help")
	for _, flag := range []string{"--mollify ", "--mollify-kind", "--mollify-schedule", "--mollify-frac", "--dataset", "--data-dir", "--steps", "--batch", "--lr", "--seed", "--out", "--resume"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("train --help does not document %s", flag)
		}
	}
}

func TestParseIntersperses(t *testing.T) {
	fs := newFlagSet("x", "", "")
	n := fs.Int("n", 0, "")
	b := fs.Bool("b", false, "")
	pos, set, err := parse(fs, []string{"--n", "3", "vae", "--b", "more", "--", "--n"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if *n != 3 || !*b || !slices.Equal(pos, []string{"vae", "more", "--n"}) || !set["n"] || !set["b"] {
		t.Fatalf("n=%d b=%v positional %q set %v", *n, *b, pos, set)
	}
}

// smallRun is a short, small VAE training on MNIST through the CLI.
func smallRun(t *testing.T, dir string, extra ...string) {
	t.Helper()
	args := append([]string{"train", "--mollify", "--steps", "8", "--batch", "8", "--save-every", "4",
		"--log-every", "2", "--width", "4", "--latents", "1x4d,1x7,1x14", "--zchannels", "2", "--out", dir, "--quiet", "vae"}, extra...)
	if code, _, stderr := genmodel(args...); code != 0 {
		t.Fatalf("train failed (%d): %s", code, stderr)
	}
}

func TestTrainSampleEvalAndResume(t *testing.T) {
	root := t.TempDir()
	a := filepath.Join(root, "a")
	smallRun(t, a)
	for _, f := range []string{"config.json", "metrics.jsonl", "loss.png", "samples.png", "checkpoints/step-00000008.safetensors"} {
		if _, err := os.Stat(filepath.Join(a, f)); err != nil {
			t.Errorf("run folder lacks %s", f)
		}
	}
	var rc runConfig
	cfgJSON, _ := os.ReadFile(filepath.Join(a, "config.json"))
	if err := json.Unmarshal(cfgJSON, &rc); err != nil || rc.VAE.H != 28 || rc.Mollify.Kind != "gaussian" || rc.Train.Steps != 8 {
		t.Fatalf("config.json %s (%v)", cfgJSON, err)
	}

	// Same flags into a used folder: refused.
	if code, _, stderr := genmodel("train", "vae", "--steps", "8", "--out", a, "--quiet"); code != 1 || !strings.Contains(stderr, "--resume") {
		t.Fatalf("training into a used run folder: exit %d, %s", code, stderr)
	}
	// Resume may not change the configuration.
	if code, _, stderr := genmodel("train", "--resume", a, "--lr", "0.1"); code != 2 || !strings.Contains(stderr, "--lr cannot be changed") {
		t.Fatalf("--resume with --lr: exit %d, %s", code, stderr)
	}

	// A crash after step 8 whose last checkpoint is lost: resuming from
	// step 4 must end in exactly run a's state.
	b := filepath.Join(root, "b")
	smallRun(t, b)
	os.Remove(filepath.Join(b, "checkpoints", "step-00000008.safetensors"))
	if code, _, stderr := genmodel("train", "--resume", b, "--quiet"); code != 0 {
		t.Fatalf("resume failed: %s", stderr)
	}
	ca, err := train.LoadCheckpoint(filepath.Join(a, "checkpoints", "step-00000008.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := train.LoadCheckpoint(filepath.Join(b, "checkpoints", "step-00000008.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range ca.Params {
		if !slices.Equal(v, cb.Params[name]) || !slices.Equal(ca.EMA[name], cb.EMA[name]) || !slices.Equal(ca.Opt["opt.v/"+name], cb.Opt["opt.v/"+name]) {
			t.Errorf("resumed run differs from the uninterrupted one in %s", name)
		}
	}
	if !slices.Equal(ca.RNG, cb.RNG) {
		t.Error("random source state differs after resume")
	}
	ma, _ := train.ReadMetrics(filepath.Join(a, "metrics.jsonl"))
	mb, _ := train.ReadMetrics(filepath.Join(b, "metrics.jsonl"))
	if len(ma) != 4 || len(mb) != 4 {
		t.Fatalf("metrics lines: %d and %d, want 4 each", len(ma), len(mb))
	}
	for i := range ma {
		if ma[i].Step != mb[i].Step || ma[i].Values["loss"] != mb[i].Values["loss"] {
			t.Errorf("metrics line %d: %v vs %v", i, ma[i], mb[i])
		}
	}

	out := filepath.Join(root, "s.png")
	code, stdout, stderr := genmodel("sample", "--run", a, "--n", "10", "--temperature", "0.7", "--out", out)
	if code != 0 || !strings.Contains(stdout, out) {
		t.Fatalf("sample: exit %d, %s %s", code, stdout, stderr)
	}
	if w, h, err := pngSize(out); err != nil || w != 4*30+2 || h != 3*30+2 {
		t.Fatalf("sample grid: %v, %dx%d; want 122x92 (4x3 tiles of 28 px)", err, w, h)
	}

	code, stdout, stderr = genmodel("eval", "--run", a, "--iw", "5", "--n", "20", "--json", "--quiet")
	if code != 0 {
		t.Fatalf("eval: %s", stderr)
	}
	var res evalResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("eval --json printed %q: %v", stdout, err)
	}
	if res.Images != 20 || res.IW != 5 || res.Step != 8 || math.IsNaN(res.NLL) || math.IsInf(res.NLL, 0) ||
		res.NLL <= 0 || math.Abs(res.BitsPerDim-res.NLL/(784*math.Ln2)) > 1e-9 || !(res.Baseline > 100) {
		t.Fatalf("eval result %+v", res)
	}
	code, stdout, stderr = genmodel("eval", "--run", a, "--iw", "5", "--n", "20", "--random", "--json", "--quiet")
	var rnd evalResult
	if err := json.Unmarshal([]byte(stdout), &rnd); code != 0 || err != nil {
		t.Fatalf("eval --random: exit %d, %q: %v %s", code, stdout, err, stderr)
	}
	if rnd.Images != 20 || rnd.Dataset != "mnist/test[random 20]" || res.Dataset != "mnist/test[:20]" || rnd.NLL == res.NLL || !(rnd.NLL > 0) {
		t.Fatalf("eval --random %+v beside the first 20 %+v", rnd, res)
	}

	gallery := filepath.Join(root, "imp.png")
	code, stdout, stderr = genmodel("impute", "--run", a, "--mask", "center", "--n", "5", "--chains", "2", "--iters", "3", "--eval", "12", "--json", "--out", gallery)
	if code != 0 {
		t.Fatalf("impute: %s", stderr)
	}
	var imp imputeResult
	if err := json.Unmarshal([]byte(stdout), &imp); err != nil {
		t.Fatalf("impute --json printed %q: %v", stdout, err)
	}
	// The centre square of 28×28 images is 14×14 pixels.
	if imp.Images != 12 || imp.Missing != 196 || !(imp.NLL > 0) || !(imp.BaselineNLL > 0) || !(imp.MSE > 0 && imp.MSE < 1) || imp.Gallery != gallery {
		t.Fatalf("impute result %+v", imp)
	}
	if w, h, err := pngSize(gallery); err != nil || w != 5*30+2 || h != 4*30+2 {
		t.Fatalf("imputation gallery: %v, %dx%d; want 152x122 (5 columns; original, occluded, 2 chains)", err, w, h)
	}
}

// --time stops training (exit 0) with a checkpoint of the last step, and
// --resume with --time continues from it.
func TestTrainTimeBudget(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := genmodel("train", "vae", "--arch", "conv", "--width", "2", "--latent", "2", "--batch", "4",
		"--steps", "100000000", "--save-every", "100000000", "--time", "1500ms", "--out", dir, "--quiet")
	if code != 0 || !strings.Contains(stderr, "--time budget of 1.5s is spent") {
		t.Fatalf("train --time: exit %d, %s", code, stderr)
	}
	latest := func() int {
		ckpt, err := train.LatestCheckpoint(dir)
		if err != nil {
			t.Fatal(err)
		}
		c, err := train.LoadCheckpoint(ckpt)
		if err != nil {
			t.Fatal(err)
		}
		return c.Step
	}
	first := latest()
	if first < 1 || first >= 100000000 {
		t.Fatalf("checkpoint after --time at step %d", first)
	}
	if code, _, stderr := genmodel("train", "--resume", dir, "--time", "1s", "--quiet"); code != 0 || latest() <= first {
		t.Fatalf("resume --time: exit %d, step %d after %d: %s", code, latest(), first, stderr)
	}
	if code, _, stderr := genmodel("train", "vae", "--time", "-1s"); code != 2 || !strings.Contains(stderr, "--time must be ≥ 0") {
		t.Errorf("--time -1s: exit %d, %s", code, stderr)
	}
}

// pngSize returns the width and height of a PNG file.
func pngSize(path string) (w, h int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0, 0, err
	}
	return img.Bounds().Dx(), img.Bounds().Dy(), nil
}

// Every likelihood, pixel model, mollifier and objective trains and
// evaluates end to end to finite numbers.
func TestTrainVariants(t *testing.T) {
	for _, flags := range [][]string{
		{"--likelihood", "gaussian", "--mollify-kind", "blur", "--zchannels", "1"},
		{"--likelihood", "logistic", "--mollify-schedule", "cosine", "--arch", "conv", "--latent", "2"},
		{"--pixels", "static-binary", "--iwae", "3", "--optimizer", "adamax", "--latents", "1x2d,1x7,1x14"},
		{"--beta", "0.5", "--mollify-schedule", "linear", "--mollify-frac", "1", "--activation", "relu", "--latents", "1x2d,1x7,1x14"},
		{"--warmup", "2", "--free-bits", "0.1", "--prior", "standard", "--latents", "1x2d,1x7,2x14,1x28", "--zchannels", "1"},
		{"--ar", "2", "--ar-width", "2", "--latents", "1x2d,1x7,1x14", "--zchannels", "1"},
		{"--impute", "all", "--latents", "1x2d,1x7,1x14", "--zchannels", "1"},
		{"--impute", "center", "--arch", "conv", "--latent", "2"},
		{"--ar", "3", "--ar-width", "2", "--arch", "conv", "--latent", "2", "--likelihood", "logistic"},
	} {
		dir := filepath.Join(t.TempDir(), "run")
		args := append([]string{"train", "vae", "--steps", "3", "--batch", "4", "--width", "2", "--out", dir, "--quiet"}, flags...)
		if code, _, stderr := genmodel(args...); code != 0 {
			t.Errorf("%q: exit %d: %s", flags, code, stderr)
			continue
		}
		// samples.png: 8×8 samples, or for a model trained to impute 16
		// training images in 5 rows (original, occluded, 3 imputations).
		w, h := 8*30+2, 8*30+2
		if slices.Contains(flags, "--impute") {
			w, h = 16*30+2, 5*30+2
		}
		if gw, gh, err := pngSize(filepath.Join(dir, "samples.png")); err != nil || gw != w || gh != h {
			t.Errorf("%q: samples.png %dx%d, %v; want %dx%d", flags, gw, gh, err, w, h)
		}
		code, stdout, stderr := genmodel("eval", "--run", dir, "--iw", "2", "--n", "3", "--json", "--quiet")
		var res evalResult
		if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil {
			t.Errorf("%q: eval exit %d: %s %s", flags, code, stdout, stderr)
			continue
		}
		if math.IsNaN(res.NLL) || math.IsInf(res.NLL, 0) || !(res.NLL > 0) || (res.Of == "images") == (res.BitsPerDim == 0) {
			t.Errorf("%q: eval gave %+v", flags, res)
		}
	}
}

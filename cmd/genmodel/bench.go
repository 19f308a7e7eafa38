package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/kernels"
	"github.com/genmodel/genmodel/train"
	"github.com/genmodel/genmodel/vae"
)

const benchAbout = `Times a training step (forward, backward, Adam, EMA) and a forward pass of
the reference model refvae on this machine, and the float32 GEMM at 256,
512 and 1024; prints medians, peak RSS and allocations per step. With
--compare FILE it prints the figures side by side with another run's JSON,
such as bench/torch_refvae.py's (same machine, same threads), and the ratios.`

// benchResult is what bench prints with --json; bench/torch_refvae.py
// prints the same keys.
type benchResult struct {
	Impl          string             `json:"impl"`
	Model         string             `json:"model"`
	Batch         int                `json:"batch"`
	Threads       int                `json:"threads"`
	TrainStepMS   float64            `json:"train_step_ms"`
	ForwardMS     float64            `json:"forward_ms"`
	PeakRSSMB     float64            `json:"peak_rss_mb"`
	GemmGFLOPS    map[string]float64 `json:"gemm_gflops"`
	AllocsPerStep float64            `json:"allocs_per_step,omitempty"`
	BytesPerStep  float64            `json:"bytes_per_step,omitempty"`
	GemmKernel    string             `json:"gemm_kernel,omitempty"`
}

func runBench(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("bench", "[flags]", benchAbout)
	var (
		model   string
		batch   int
		steps   int
		asJSON  bool
		compare string
		profile string
	)
	fs.StringVar(&model, "model", "refvae", "what to time: refvae (training step, forward pass, GEMM) or fid (FID Inception forward at --batch 32, Fréchet distance at d = 2048)")
	fs.IntVar(&batch, "batch", 64, "images per step")
	fs.IntVar(&steps, "steps", 50, "timed steps (after 5 warm-up steps)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	fs.StringVar(&compare, "compare", "", "JSON of a reference run (e.g. from bench/torch_refvae.py --json) to print beside")
	fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of what is timed (training steps, or the Inception batches and the Fréchet distance) to this file (go tool pprof)")
	pos, set, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if model != "refvae" && model != "fid" {
		return usagef("unknown model %q (known: refvae, fid)", model)
	}
	if batch < 1 || steps < 1 {
		return usagef("--batch and --steps must be ≥ 1")
	}
	if model == "fid" { // batches of 32 and 5 timed batches unless --batch and --steps say
		if !set["batch"] {
			batch = 32
		}
		if !set["steps"] {
			steps = 5
		}
		return benchAndPrint(stdout, compare, profile, asJSON, func(prof *os.File) (*fidBenchResult, error) {
			return benchFID(batch, steps, prof)
		}, printFIDBench)
	}
	return benchAndPrint(stdout, compare, profile, asJSON, func(prof *os.File) (*benchResult, error) {
		return benchRefVAE(batch, steps, prof)
	}, printBench)
}

// benchAndPrint reads the reference run of --compare, creates the
// --cpuprofile file, runs bench with it and prints the result: one JSON
// object, or print's table with the reference beside it.
func benchAndPrint[T any](stdout io.Writer, compare, profile string, asJSON bool, bench func(prof *os.File) (*T, error), print func(w io.Writer, res, ref *T)) error {
	ref, err := readCompare[T](compare)
	if err != nil {
		return err
	}
	prof, err := createProfile(profile)
	if err != nil {
		return err
	}
	defer prof.Close()
	res, err := bench(prof)
	if err != nil {
		return err
	}
	if asJSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	print(stdout, res, ref)
	return nil
}

// createProfile creates the --cpuprofile file, or returns nil when path is
// empty (Close of a nil *os.File is a harmless error).
func createProfile(path string) (*os.File, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return f, nil
}

// readCompare reads the reference run of --compare, or returns nil when
// path is empty.
func readCompare[T any](path string) (*T, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--compare: %w", err)
	}
	ref := new(T)
	if err := json.Unmarshal(b, ref); err != nil {
		return nil, fmt.Errorf("--compare %s: %w", path, err)
	}
	return ref, nil
}

// benchRefVAE times refvae on a fixed random binary batch, as the PyTorch
// script does. When prof is not nil it receives a CPU profile of the timed
// training steps.
func benchRefVAE(batch, steps int, prof *os.File) (*benchResult, error) {
	const warmup = 5
	m, err := vae.New(vae.RefVAE(), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		return nil, err
	}
	x := data.NewImages(batch, 1, 28, 28)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range x.Pix {
		if rng.Float64() < 0.13 {
			x.Pix[i] = 1
		}
	}
	t := &train.Trainer{
		Config:  train.Config{Steps: 1 << 30, Batch: batch, LR: 1e-3},
		Model:   m,
		Batches: fixedBatch{x},
	}
	if _, err := t.TimeSteps(warmup); err != nil {
		return nil, err
	}
	var before, after runtime.MemStats
	if prof != nil {
		if err := pprof.StartCPUProfile(prof); err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	runtime.ReadMemStats(&before)
	stepTimes, err := t.TimeSteps(steps)
	runtime.ReadMemStats(&after)
	if prof != nil {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return nil, err
	}
	fwdTimes, err := t.TimeForward(warmup + steps)
	if err != nil {
		return nil, err
	}
	res := &benchResult{
		Impl: "genmodel " + runtime.Version(), Model: "refvae", Batch: batch, Threads: runtime.GOMAXPROCS(0),
		TrainStepMS:   medianMS(stepTimes),
		ForwardMS:     medianMS(fwdTimes[warmup:]),
		AllocsPerStep: float64(after.Mallocs-before.Mallocs) / float64(steps),
		BytesPerStep:  float64(after.TotalAlloc-before.TotalAlloc) / float64(steps),
		GemmKernel:    kernels.GemmKernel(),
		GemmGFLOPS:    map[string]float64{},
	}
	for _, n := range []int{256, 512, 1024} {
		res.GemmGFLOPS[fmt.Sprint(n)] = gemmGFLOPS(n)
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		res.PeakRSSMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return res, nil
}

// fixedBatch serves the same batch at every step (a copy, which the
// trainer may modify).
type fixedBatch struct{ x data.Images }

func (f fixedBatch) Batch(int) data.Images { return f.x.Clone() }

// gemmGFLOPS is 2n³ over the median time of an n×n×n float32 product.
func gemmGFLOPS(n int) float64 {
	rng := rand.New(rand.NewPCG(3, 3))
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	reps := max(5, int(4e9/float64(n*n*n)))
	ts := make([]time.Duration, reps+3)
	for i := range ts {
		t0 := time.Now()
		kernels.Gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
		ts[i] = time.Since(t0)
	}
	return 2 * float64(n*n*n) / (medianMS(ts[3:]) / 1000) / 1e9
}

func medianMS(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2]) / float64(time.Millisecond)
}

// printBench prints res, and ref beside it with the ratio res/ref, when given.
func printBench(w io.Writer, res, ref *benchResult) {
	fmt.Fprintf(w, "%s, model %s, batch %d, %d threads, GEMM micro-kernel %s\n", res.Impl, res.Model, res.Batch, res.Threads, res.GemmKernel)
	if ref != nil {
		fmt.Fprintf(w, "reference: %s, model %s, batch %d, %d threads\n", ref.Impl, ref.Model, ref.Batch, ref.Threads)
	}
	type row struct {
		name      string
		got, want float64
		unit      string
	}
	rows := []row{
		{"training step", res.TrainStepMS, 0, "ms"},
		{"forward pass", res.ForwardMS, 0, "ms"},
		{"peak RSS", res.PeakRSSMB, 0, "MB"},
	}
	for _, n := range []string{"256", "512", "1024"} {
		rows = append(rows, row{"SGEMM " + n, res.GemmGFLOPS[n], 0, "GFLOP/s"})
	}
	if ref != nil {
		rows[0].want, rows[1].want, rows[2].want = ref.TrainStepMS, ref.ForwardMS, ref.PeakRSSMB
		for i, n := range []string{"256", "512", "1024"} {
			rows[3+i].want = ref.GemmGFLOPS[n]
		}
		fmt.Fprintf(w, "%-15s %12s %12s %8s\n", "", "genmodel", "reference", "ratio")
	}
	for _, r := range rows {
		if ref == nil {
			fmt.Fprintf(w, "%-15s %10.2f %s\n", r.name, r.got, r.unit)
			continue
		}
		fmt.Fprintf(w, "%-15s %12.2f %12.2f %7.2fx  %s\n", r.name, r.got, r.want, r.got/r.want, r.unit)
	}
	fmt.Fprintf(w, "allocations per training step: %.0f (%.1f MB)\n", res.AllocsPerStep, res.BytesPerStep/1e6)
}

package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/genmodel/genmodel/fid"
	"github.com/genmodel/genmodel/kernels"
)

// fidBenchResult is what bench --model fid prints with --json;
// bench/torch_fid.py prints the same keys.
type fidBenchResult struct {
	Impl            string  `json:"impl"`
	Model           string  `json:"model"`
	Batch           int     `json:"batch"`
	Threads         int     `json:"threads"`
	InceptionImgsPS float64 `json:"inception_images_per_s"`
	FrechetSeconds  float64 `json:"frechet_2048_s"`
	FrechetDistance float64 `json:"frechet_2048_value"`
}

// benchFID times the FID Inception's forward pass to pool3 on batches of
// 32 random 299×299 images (median of reps batches after one warm-up;
// random weights, as the time does not depend on them), and the Fréchet
// distance between two fixed 2048-d Gaussians (benchCovariances). When prof
// is not nil it receives a CPU profile of both.
func benchFID(batch, reps int, prof *os.File) (*fidBenchResult, error) {
	rng := rand.New(rand.NewPCG(4, 4))
	sd := fid.StateDict{}
	for key, shape := range fid.InceptionKeys() {
		n := 1
		for _, s := range shape {
			n *= s
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 0.05)
		}
		if len(shape) == 1 { // BatchNorm vectors: running_var must be positive
			for i := range v {
				v[i] = 1 + float32(math.Abs(float64(v[i])))
			}
		}
		sd[key] = fid.Tensor{Shape: shape, Data: v}
	}
	net, err := fid.NewInception(sd)
	if err != nil {
		return nil, err
	}
	const s = fid.InceptionSize
	x := make([]float32, batch*3*s*s)
	for i := range x {
		x[i] = float32(2*rng.Float64() - 1)
	}
	a, b := benchCovariances()
	if prof != nil {
		if err := pprof.StartCPUProfile(prof); err != nil {
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	ts := make([]time.Duration, reps+1)
	for i := range ts {
		t0 := time.Now()
		if _, err := net.Features(x, batch, 2048); err != nil {
			return nil, err
		}
		ts[i] = time.Since(t0)
	}
	res := &fidBenchResult{Impl: "genmodel " + runtime.Version(), Model: "fid", Batch: batch, Threads: runtime.GOMAXPROCS(0),
		InceptionImgsPS: float64(batch) / (medianMS(ts[1:]) / 1000)}
	t0 := time.Now()
	f, err := fid.FrechetDistance(a, b)
	if err != nil {
		return nil, err
	}
	res.FrechetSeconds, res.FrechetDistance = time.Since(t0).Seconds(), f.Distance
	return res, nil
}

// benchCovariances are two 2048-d Gaussians, the same as bench/torch_fid.py
// builds: mean i of Gaussian j is sin(i + j); covariance A Aᵀ/4096 + 0.01·I
// with A (2048×4096) holding sin(0.37·(k+1)·(j+1) + 0.11·l) at (k, l).
func benchCovariances() (fid.Gaussian, fid.Gaussian) {
	const d, m = 2048, 4096
	var g [2]fid.Gaussian
	for j := range g {
		a := make([]float64, d*m)
		for k := range d {
			for l := range m {
				a[k*m+l] = math.Sin(0.37*float64((k+1)*(j+1)) + 0.11*float64(l))
			}
		}
		g[j] = fid.Gaussian{Mu: make([]float64, d), Sigma: make([]float64, d*d)}
		for i := range d {
			g[j].Mu[i] = math.Sin(float64(i + j))
		}
		kernels.Gemm(false, true, d, d, m, 1.0/m, a, m, a, m, 0, g[j].Sigma, d) // Σ = A Aᵀ/m
		for k := range d {
			g[j].Sigma[k*d+k] += 0.01
		}
	}
	return g[0], g[1]
}

// printFIDBench prints res, and ref beside it with the ratios, when given.
func printFIDBench(w io.Writer, res, ref *fidBenchResult) {
	fmt.Fprintf(w, "%s, FID Inception batch %d, %d threads\n", res.Impl, res.Batch, res.Threads)
	if ref == nil {
		fmt.Fprintf(w, "Inception forward   %10.2f images/s\nFréchet d=2048      %10.2f s (d² = %.6g)\n", res.InceptionImgsPS, res.FrechetSeconds, res.FrechetDistance)
		return
	}
	fmt.Fprintf(w, "reference: %s, batch %d, %d threads\n", ref.Impl, ref.Batch, ref.Threads)
	fmt.Fprintf(w, "%-18s %12s %12s %8s\n", "", "genmodel", "reference", "ratio")
	fmt.Fprintf(w, "%-18s %12.2f %12.2f %7.2fx  images/s (higher is better)\n", "Inception forward", res.InceptionImgsPS, ref.InceptionImgsPS, res.InceptionImgsPS/ref.InceptionImgsPS)
	fmt.Fprintf(w, "%-18s %12.2f %12.2f %7.2fx  s (lower is better)\n", "Fréchet d=2048", res.FrechetSeconds, ref.FrechetSeconds, res.FrechetSeconds/ref.FrechetSeconds)
	fmt.Fprintf(w, "d² = %.10g (genmodel), %.10g (reference)\n", res.FrechetDistance, ref.FrechetDistance)
}

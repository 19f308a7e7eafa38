package vae

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/nn"
	"github.com/genmodel/genmodel/train"
)

// newTestModel builds a small model of 8×8 images: the conv VAE unless cfg
// names an architecture.
func newTestModel(t *testing.T, cfg Config) *Model {
	t.Helper()
	if cfg.Arch == "" {
		cfg.Arch = Conv
	}
	if cfg.C == 0 {
		cfg.C, cfg.H, cfg.W = 1, 8, 8
	}
	if cfg.Latent == 0 {
		cfg.Latent = 4
	}
	if cfg.Width == 0 {
		cfg.Width = 4
	}
	m, err := New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func randomBinary(n, c, h, w int, seed uint64) data.Images {
	x := data.NewImages(n, c, h, w)
	rng := rand.New(rand.NewPCG(seed, 0))
	for i := range x.Pix {
		if rng.Float64() < 0.3 {
			x.Pix[i] = 1
		}
	}
	return x
}

func logMeanExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s/float64(len(v)))
}

// posteriorRun holds the outputs of one run of a posterior graph: log w and
// log p(x|z) per sample, and every latent layer's KL.
type posteriorRun struct {
	logW, logLik []float32
	kls          [][]float32
}

// runPosterior runs the posterior graph of m once on x with masks (zero
// Images for a model that does not impute) and k samples per image, the
// noise drawn from seed.
func runPosterior(t *testing.T, m *Model, x, mask data.Images, k int, seed uint64) posteriorRun {
	t.Helper()
	g := nn.NewGraph()
	p := m.buildPosterior(g, x.N, k)
	lw, ll := g.Output(p.logW), g.Output(p.logLik)
	var kls []*nn.Output
	for _, kn := range p.kls {
		kls = append(kls, g.Output(kn))
	}
	prog, err := g.Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	if err := p.feed(g, x, mask, rand.New(rand.NewPCG(seed, seed))); err != nil {
		t.Fatal(err)
	}
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	r := posteriorRun{logW: slices.Clone(lw.Values()), logLik: slices.Clone(ll.Values())}
	for _, o := range kls {
		r.kls = append(r.kls, slices.Clone(o.Values()))
	}
	return r
}

// trainingMasks draws n masks of m's training occlusion from seed 4.
func trainingMasks(t *testing.T, m *Model, n int) data.Images {
	t.Helper()
	mask, err := m.TrainingMasks(n, rand.New(rand.NewPCG(4, 4)))
	if err != nil {
		t.Fatal(err)
	}
	return mask
}

// The analytic KL in the graph must equal E_q[log q(z|x) − log p(z)], which
// the graph's log-weights give by Monte Carlo: E[log w − log p(x|z)] = −KL;
// for a conditional model (trained to impute) p is p(z | x_obs).
func TestAnalyticKLMatchesMonteCarlo(t *testing.T) {
	for _, impute := range []string{"", data.Quadrant} {
		m := newTestModel(t, Config{Impute: impute})
		// Make q far from the prior so that the KL is not small.
		encOut := m.net.(*convNet).enc.out
		for i := range encOut.B.Data {
			encOut.B.Data[i] = float32(i%3) - 1
		}
		const b, k = 2, 20000
		run := runPosterior(t, m, randomBinary(b, 1, 8, 8, 3), trainingMasks(t, m, b), k, 5)
		lw, ll := run.logW, run.logLik
		for i := 0; i < b; i++ {
			var s, ss float64
			for j := 0; j < k; j++ {
				r := float64(lw[i*k+j] - ll[i*k+j]) // log p(z) − log q(z|x)
				s += r
				ss += r * r
			}
			mean := s / k
			se := math.Sqrt((ss/k - mean*mean) / k)
			kl := float64(run.kls[0][i])
			if kl < 1 {
				t.Fatalf("impute %q: KL %g too small for a meaningful test", impute, kl)
			}
			if math.Abs(-mean-kl) > 5*se+1e-3 {
				t.Errorf("impute %q, image %d: analytic KL %.4f, Monte Carlo %.4f ± %.4f", impute, i, kl, -mean, se)
			}
		}
	}
}

// With K samples the training loss is −mean_b log (1/K) Σ_k w_bk; rows of
// the log-weights are grouped per image as b·K + k.
func TestIWAELossIsLogMeanExpOfWeights(t *testing.T) {
	const b, k = 3, 5
	m := newTestModel(t, Config{IWAE: k})
	obj, err := m.Objective(b)
	if err != nil {
		t.Fatal(err)
	}
	o := obj.(*objective)
	lossOut, lwOut := o.g.Output(o.loss), o.g.Output(o.post.logW)
	prog, err := o.g.Compile(o.loss)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Feed(randomBinary(b, 1, 8, 8, 1), rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Fatal(err)
	}
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	lw := lwOut.Values()
	var want float64
	for i := 0; i < b; i++ {
		row := make([]float64, k)
		for j := range row {
			row[j] = float64(lw[i*k+j])
		}
		want -= logMeanExp(row) / b
	}
	if got := lossOut.Scalar(); math.Abs(got-want) > 1e-3*math.Abs(want) {
		t.Fatalf("IWAE loss %.5f, log-mean-exp of the weights gives %.5f", got, want)
	}
}

// When q(z|x) = p(z) and the decoder ignores z, every importance weight is
// p(x|z) = p(x), so the estimate is exact for any K; this checks chunking,
// padding of the last batch and the log-mean-exp accumulation.
func TestNLLExactWhenWeightsAreConstant(t *testing.T) {
	m := newTestModel(t, Config{})
	net := m.net.(*convNet)
	nn.Fill(net.enc.out.W.Data, 0)
	nn.Fill(net.enc.out.B.Data, 0) // μ = 0, log σ² = 0
	nn.Fill(net.decIn.W.Data, 0)   // the decoder sees only biases
	mean, err := m.Sample(1, 0, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	x := randomBinary(5, 1, 8, 8, 9)
	want := make([]float64, x.N)
	for i := range want {
		for j, v := range x.At(i) {
			p := float64(mean.Pix[j])
			want[i] -= float64(v)*math.Log(p) + float64(1-v)*math.Log1p(-p)
		}
	}
	for _, k := range []int{1, 7, 200, 700} { // 700 = 512 + 188: two chunk sizes
		got, err := m.NLL(x, k, rand.New(rand.NewPCG(1, 1)), nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-4*want[i] {
				t.Errorf("K=%d image %d: NLL %.5f, exact %.5f", k, i, got[i], want[i])
			}
		}
	}
}

func TestNLLBoundTightensWithK(t *testing.T) {
	m := newTestModel(t, Config{})
	x := randomBinary(4, 1, 8, 8, 4)
	avg := func(k int) float64 {
		v, err := m.NLL(x, k, rand.New(rand.NewPCG(uint64(k), 3)), nil)
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, u := range v {
			s += u
		}
		return s / float64(len(v))
	}
	// E[L_1] ≤ E[L_K]: the 1-sample NLL estimate is on average the largest.
	if l1, l100 := avg(1), avg(100); !(l100 < l1) {
		t.Fatalf("NLL with K=100 (%.3f) is not below K=1 (%.3f)", l100, l1)
	}
}

func TestAccumulateLogSumExp(t *testing.T) {
	vals := []float64{-1000, 3, -2, 700, 699.5, -math.Inf(1)}
	m, s := math.Inf(-1), 0.0
	for _, v := range vals {
		accumulateLogSumExp(&m, &s, v)
	}
	want := 700 + math.Log(1+math.Exp(-0.5)+math.Exp(-697)+math.Exp(-702)) // e^-1700 underflows to 0
	if got := m + math.Log(s); math.Abs(got-want) > 1e-12 {
		t.Fatalf("log Σ exp = %.15g, want %.15g", got, want)
	}
	accumulateLogSumExp(&m, &s, math.NaN())
	if !math.IsNaN(m + math.Log(s)) {
		t.Fatal("NaN weight did not make the result NaN")
	}
}

// Each likelihood against its closed form, over all values and over the
// values a 0/1 weight selects (the missing pixels of an imputation model).
func TestLikelihoodsKnownAnswers(t *testing.T) {
	x := []float32{0, 1, 128.0 / 255, 1, 0, 3.0 / 255}
	sel := []float32{1, 0, 1, 1, 0, 1}
	for _, like := range []string{Bernoulli, Gaussian, Logistic} {
		for _, weighted := range []bool{false, true} {
			m := newTestModel(t, Config{Likelihood: like, C: 1, H: 4, W: 4})
			p := outMaps(like)
			g := nn.NewGraph()
			xn := g.Input("x", 1, 1, 2, 3)
			out := g.Input("out", 1, p, 2, 3)
			var w *nn.Node
			if weighted {
				w = g.Input("w", 1, 1, 2, 3)
				g.Set(w, sel)
			}
			ll := g.Output(m.logLikelihood(g, xn, out, w))
			prog, err := g.Compile(nil)
			if err != nil {
				t.Fatal(err)
			}
			params := []float32{-2, 0.5, 0.3, 4, -0.1, -0.9 /* second map */, -1, 0.2, -3, 0, 1, -4}
			g.Set(xn, x)
			g.Set(out, params[:p*6])
			if err := prog.Run(); err != nil {
				t.Fatal(err)
			}
			var want float64
			for i, xv := range x {
				if weighted && sel[i] == 0 {
					continue
				}
				xi, a := float64(xv), float64(params[i])
				switch like {
				case Bernoulli: // x·ℓ − log(1 + e^ℓ)
					want += xi*a - math.Log1p(math.Exp(a))
				case Gaussian: // log N(x; m, e^v)
					v := float64(params[6+i])
					want += -0.5*math.Log(2*math.Pi) - 0.5*v - (xi-a)*(xi-a)/(2*math.Exp(v))
				case Logistic: // CDF differences of a logistic in [−1, 1] space, bins of width 2/255
					s := math.Exp(float64(params[6+i]))
					cdf := func(u float64) float64 { return 1 / (1 + math.Exp(-(u-a)/s)) }
					c := 2*xi - 1
					lo, hi := cdf(c-1.0/255), cdf(c+1.0/255)
					if xv == 0 {
						lo = 0
					}
					if xv == 1 {
						hi = 1
					}
					want += math.Log(hi - lo)
				}
			}
			if got := ll.Scalar(); math.Abs(got-want) > 1e-4*math.Abs(want)+1e-4 {
				t.Errorf("%s (weighted %v): log p(x|z) = %.6f, closed form %.6f", like, weighted, got, want)
			}
		}
	}
}

func TestSampleAtTemperatureZeroIsDeterministic(t *testing.T) {
	for _, cfg := range []Config{{}, {Arch: Hier, Latents: "1x4d,2x2,1x4"}} {
		m := newTestModel(t, cfg)
		s, err := m.Sample(3, 0, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < 3; i++ {
			for j, v := range s.At(i) {
				if v != s.At(0)[j] {
					t.Fatalf("%s: samples at T=0 differ at image %d pixel %d", m.cfg.Arch, i, j)
				}
			}
		}
		s2, _ := m.Sample(3, 1, rand.New(rand.NewPCG(1, 1)))
		if s2.Pix[0] == s2.Pix[s2.Dim()] && s2.Pix[1] == s2.Pix[s2.Dim()+1] {
			t.Errorf("%s: samples at T=1 look identical", m.cfg.Arch)
		}
		for _, v := range s2.Pix {
			if v < 0 || v > 1 {
				t.Fatalf("%s: sample pixel %g outside [0, 1]", m.cfg.Arch, v)
			}
		}
		if _, err := m.Sample(1, -1, rand.New(rand.NewPCG(1, 1))); err == nil {
			t.Errorf("%s: negative temperature accepted", m.cfg.Arch)
		}
	}
}

// In the hierarchical VAE the KL of a conv layer is analytic given the
// layers above, so per sample Σₗ KLₗ − (log q(z|x) − log p(z)) has mean 0
// over samples; the log-densities come from the Gaussian log-pdf ops and
// the KLs from the pairwise KL op, two independent routes.
func TestHierKLMatchesMonteCarlo(t *testing.T) {
	for _, cfg := range []Config{{Prior: Learned}, {Prior: Standard}, {Prior: Learned, Impute: data.Half}} {
		cfg.Arch, cfg.Latents, cfg.ZChannels = Hier, "1x3d,2x2,2x4", 2
		m := newTestModel(t, cfg)
		prior := cfg.Prior + " prior"
		if cfg.Impute != "" {
			prior = "conditional " + prior
			n := m.net.(*hierNet)
			for i := range n.ctx.top.W.Data {
				n.ctx.top.W.Data[i] *= 8
			}
		}
		// Push q and p apart: scale up every small-gain output layer and
		// shift q's means.
		n := m.net.(*hierNet)
		for _, l := range n.td {
			for _, c := range []*nn.Conv{l.prior, l.merge2} {
				if c == nil {
					continue
				}
				for i := range c.W.Data {
					c.W.Data[i] *= 8
				}
			}
			nn.Fill(l.merge2.B.Data[:2], 0.7)
		}
		nn.Fill(n.bu.top.B.Data[:3], -0.5)
		const b, k = 2, 4000
		run := runPosterior(t, m, randomBinary(b, 1, 8, 8, 3), trainingMasks(t, m, b), k, 5)
		lw, ll, kls := run.logW, run.logLik, run.kls
		var s, ss, klSum float64
		for r := range b * k {
			kl := float64(kls[0][r/k]) // the top layer's KL is per image
			for _, o := range kls[1:] {
				kl += float64(o[r])
			}
			d := kl + float64(lw[r]-ll[r]) // KL − (log q − log p)
			s += d
			ss += d * d
			klSum += kl
		}
		mean := s / (b * k)
		se := math.Sqrt((ss/(b*k) - mean*mean) / (b * k))
		if klSum/(b*k) < 3 {
			t.Fatalf("%s: KL %.3f too small for a meaningful test", prior, klSum/(b*k))
		}
		if math.Abs(mean) > 5*se+1e-3 {
			t.Errorf("%s: Σ KL − (log q − log p) averages %.4f ± %.4f over samples, want 0", prior, mean, se)
		}
	}
}

// With an autoregressive reconstruction p(x|z) is still a distribution: on
// 4×4 binary images, Σₓ p(x|z) over all 2¹⁶ images is 1 for any decoder
// output. A mask that let a pixel see itself would break this.
func TestARLikelihoodSumsToOne(t *testing.T) {
	m := newTestModel(t, Config{C: 1, H: 4, W: 4, AR: 3, ARWidth: 4})
	const n = 1 << 16
	g := nn.NewGraph()
	x := g.Input("x", n, 1, 4, 4)
	f := g.Input("f", n, 4, 4, 4)
	ll := g.Output(m.logLikelihood(g, x, m.likelihoodParams(g, x, f), nil))
	prog, err := g.Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	xs := g.InputData(x)
	for i := range n {
		for j := range 16 {
			xs[i*16+j] = float32(i >> j & 1)
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	feat := make([]float32, 64)
	for i := range feat {
		feat[i] = float32(2 * rng.NormFloat64())
	}
	fs := g.InputData(f)
	for i := range n {
		copy(fs[i*64:], feat)
	}
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	maxV, sum := math.Inf(-1), 0.0
	for _, v := range ll.Values() {
		accumulateLogSumExp(&maxV, &sum, float64(v))
	}
	if logZ := maxV + math.Log(sum); math.Abs(logZ) > 1e-4 {
		t.Fatalf("log Σₓ p(x|z) = %.6f, want 0", logZ)
	}
}

// Samples of a model with an autoregressive reconstruction are drawn
// values: binary for Bernoulli, on the 256 levels for the logistic.
func TestARSamplesAreDrawnValues(t *testing.T) {
	for _, lik := range []string{Bernoulli, Logistic} {
		m := newTestModel(t, Config{Arch: Hier, Latents: "1x4d,1x2,1x4", AR: 2, ARWidth: 2, Likelihood: lik})
		s, err := m.Sample(2, 1, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		levels := map[string]float64{Bernoulli: 1, Logistic: 255}[lik]
		distinct := map[float32]bool{}
		for _, v := range s.Pix {
			if q := float64(v) * levels; math.Abs(q-math.Round(q)) > 1e-4 || v < 0 || v > 1 {
				t.Fatalf("%s: sample value %g is not one of the levels", lik, v)
			}
			distinct[v] = true
		}
		if len(distinct) < 2 {
			t.Errorf("%s: all %d sample values equal", lik, len(s.Pix))
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Arch: "deep", C: 1, H: 8, W: 8}, "arch"},
		{Config{Likelihood: "poisson", C: 1, H: 8, W: 8}, "likelihood"},
		{Config{IWAE: 5, Beta: 2, C: 1, H: 8, W: 8}, "beta"},
		{Config{C: 1, H: 10, W: 8}, "multiples of 4"},
		{Config{Arch: Conv, Latent: -1, C: 1, H: 8, W: 8}, "latent"},
		{Config{ZChannels: -2, C: 1, H: 8, W: 8}, "zchannels"},
		{Config{Prior: "vamp", C: 1, H: 8, W: 8}, "prior"},
		{Config{WarmUp: -1, C: 1, H: 8, W: 8}, "warmup"},
		{Config{Latents: "1x8d", C: 1, H: 8, W: 8}, "at least one conv layer"},
		{Config{Impute: "stripes", C: 1, H: 8, W: 8}, "impute occlusion"},
	} {
		if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", c.cfg, err, c.want)
		}
	}
}

func TestFactorizedBernoulliNLL(t *testing.T) {
	x := data.Images{N: 1, C: 1, H: 1, W: 2, Pix: []float32{1, 0}}
	// n = 3, means 2/3 and 0: π = (2 + ½)/4 = 0.625 and (0 + ½)/4 = 0.125.
	got := FactorizedBernoulliNLL([]float64{2.0 / 3, 0}, 3, x)[0]
	want := -math.Log(0.625) - math.Log(0.875)
	if math.Abs(got-want) > 1e-12 {
		t.Fatalf("NLL %.12f, want %.12f", got, want)
	}
}

// A few dozen steps on real MNIST must lower the loss well below its start,
// for each architecture and with the autoregressive reconstruction.
func TestTrainsOnMNIST(t *testing.T) {
	trainSet, _, err := data.Load(data.MNIST, "")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	for _, c := range []struct {
		cfg   Config
		ratio float64 // the last loss must be below ratio × the first
	}{
		{Config{Arch: Conv, Width: 8, Latent: 8}, 0.6},
		{Config{Arch: Hier, Width: 8, Latents: "1x8d,2x7,2x14", ZChannels: 2}, 0.6},
		{Config{Arch: Hier, Width: 8, Latents: "1x8d,1x7,1x14", ZChannels: 2, AR: 2, ARWidth: 4}, 0.6},
		// Imputation: the loss covers the missing pixels only, from a lower start.
		{Config{Arch: Hier, Width: 8, Latents: "1x8d,1x7,1x14", ZChannels: 2, Impute: AllOcclusions}, 0.7},
	} {
		cfg := c.cfg
		cfg.C, cfg.H, cfg.W = 1, 28, 28
		m, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := data.NewBatcher(trainSet.Subset(2000), 32, 1)
		if err != nil {
			t.Fatal(err)
		}
		tr := &train.Trainer{
			Config:  train.Config{Steps: 60, Batch: 32, LR: 3e-3, LogEvery: 10, SaveEvery: 60},
			Model:   m,
			Batches: b,
			Prepare: data.Binary.Apply,
			Dir:     t.TempDir(),
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		recs, err := train.ReadMetrics(tr.Dir + "/metrics.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		first, last := recs[0].Values["loss"], recs[len(recs)-1].Values["loss"]
		if !(last < c.ratio*first) || !(last < 260) {
			t.Errorf("%s (AR %d, impute %q): loss went from %.1f to %.1f in 60 steps", cfg.Arch, cfg.AR, cfg.Impute, first, last)
		}
	}
}

func TestParseLatents(t *testing.T) {
	ls, err := ParseLatents("1x32d, 2x7,3x14,1x28", 28, 28)
	want := []LatentLayer{{Dense: true, Units: 32}, {Res: 7}, {Res: 7}, {Res: 14}, {Res: 14}, {Res: 14}, {Res: 28}}
	if err != nil || !slices.Equal(ls, want) {
		t.Fatalf("got %v, %v; want %v", ls, err, want)
	}
	if ls, err := ParseLatents("1x16d,2x8", 32, 64); err != nil || len(ls) != 3 {
		t.Errorf("32x64 images, height 8 (maps 8x16): %v, %v", ls, err)
	}
	for spec, why := range map[string]string{
		"":                "want NxR",
		"5x7":             "first group must be one dense layer",
		"2x32d,5x7":       "first group must be one dense layer",
		"1x32d,2x7d":      "only the top layer may be dense",
		"1x32d,2x6":       "power of two",
		"1x32d,2x56":      "power of two",
		"1x32d,2x14,2x7":  "must not decrease",
		"1x32d,0x7":       "want NxR",
		"1x32d,2xseven":   "positive number",
		"1x32d,2x7,x14":   "want NxR",
		"1x32d,2x7,3x-14": "positive number",
	} {
		if _, err := ParseLatents(spec, 28, 28); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: error %v, want one saying %q", spec, err, why)
		}
	}
}

// The loss with warm-up and free bits is recon + β_t Σₗ max(KLₗ, λ), from
// the graph's own per-layer KL metrics: at step 5 of a 10-step warm-up
// β_t = β/2.
func TestWarmUpAndFreeBitsLoss(t *testing.T) {
	const b, lambda = 4, 0.3
	m := newTestModel(t, Config{Arch: Hier, Latents: "1x3d,1x2,1x4", Beta: 0.8, WarmUp: 10, FreeBits: lambda})
	obj, err := m.Objective(b)
	if err != nil {
		t.Fatal(err)
	}
	o := obj.(*objective)
	outs := map[string]*nn.Output{"loss": o.g.Output(o.loss)}
	for name, n := range o.metrics {
		outs[name] = o.g.Output(n)
	}
	prog, err := o.g.Compile(o.loss)
	if err != nil {
		t.Fatal(err)
	}
	o.SetStep(5)
	if err := o.Feed(randomBinary(b, 1, 8, 8, 1), rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Fatal(err)
	}
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	want := outs["recon"].Scalar()
	below := 0
	for l := range 3 {
		kl := outs[fmt.Sprintf("kl/%d", l)].Scalar()
		if kl < lambda {
			below++
		}
		want += 0.4 * max(kl, lambda)
	}
	if below == 0 {
		t.Fatal("no layer below the free bits: the floor is not exercised")
	}
	if got := outs["loss"].Scalar(); math.Abs(got-want) > 1e-4*math.Abs(want) {
		t.Fatalf("loss %.5f, recon + β_t Σ max(KL, λ) = %.5f", got, want)
	}
	if bound := outs["bound"].Scalar(); math.Abs(bound-outs["recon"].Scalar()-outs["kl"].Scalar()) > 1e-4*bound {
		t.Fatalf("bound %.5f ≠ recon + kl", bound)
	}
}

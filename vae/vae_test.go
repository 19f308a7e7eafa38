package vae

import (
	"context"
	"math"
	"math/rand/v2"
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

// The analytic KL in the graph must equal E_q[log q(z|x) − log p(z)], which
// the graph's log-weights give by Monte Carlo: E[log w − log p(x|z)] = −KL.
func TestAnalyticKLMatchesMonteCarlo(t *testing.T) {
	m := newTestModel(t, Config{})
	// Make q far from the prior so that the KL is not small.
	encOut := m.net.(*convNet).encOut
	for i := range encOut.B.Data {
		encOut.B.Data[i] = float32(i%3) - 1
	}
	const b, k = 2, 20000
	g := nn.NewGraph()
	p := m.buildPosterior(g, b, k)
	klOut, lwOut, llOut := g.Output(p.kls[0]), g.Output(p.logW), g.Output(p.logLik)
	prog, err := g.Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.feed(g, randomBinary(b, 1, 8, 8, 3), rand.New(rand.NewPCG(5, 5))); err != nil {
		t.Fatal(err)
	}
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	lw, ll := lwOut.Values(), llOut.Values()
	for i := 0; i < b; i++ {
		var s, ss float64
		for j := 0; j < k; j++ {
			r := float64(lw[i*k+j] - ll[i*k+j]) // log p(z) − log q(z|x)
			s += r
			ss += r * r
		}
		mean := s / k
		se := math.Sqrt((ss/k - mean*mean) / k)
		kl := float64(klOut.Values()[i])
		if kl < 1 {
			t.Fatalf("KL %g too small for a meaningful test", kl)
		}
		if math.Abs(-mean-kl) > 5*se+1e-3 {
			t.Errorf("image %d: analytic KL %.4f, Monte Carlo %.4f ± %.4f", i, kl, -mean, se)
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
	nn.Fill(net.encOut.W.Data, 0)
	nn.Fill(net.encOut.B.Data, 0) // μ = 0, log σ² = 0
	nn.Fill(net.decIn.W.Data, 0)  // the decoder sees only biases
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

func TestLikelihoodsKnownAnswers(t *testing.T) {
	x := []float32{0, 1, 128.0 / 255, 1, 0, 3.0 / 255}
	for _, like := range []string{Bernoulli, Gaussian, Logistic} {
		m := newTestModel(t, Config{Likelihood: like, C: 1, H: 4, W: 4})
		p := outMaps(like)
		g := nn.NewGraph()
		xn := g.Input("x", 1, 1, 2, 3)
		out := g.Input("out", 1, p, 2, 3)
		ll := g.Output(m.logLikelihood(g, xn, out))
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
			t.Errorf("%s: log p(x|z) = %.6f, closed form %.6f", like, got, want)
		}
	}
}

func TestSampleAtTemperatureZeroIsTheMeanOfZ0(t *testing.T) {
	m := newTestModel(t, Config{})
	s, err := m.Sample(3, 0, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 3; i++ {
		for j, v := range s.At(i) {
			if v != s.At(0)[j] {
				t.Fatalf("samples at T=0 differ at image %d pixel %d", i, j)
			}
		}
	}
	s2, _ := m.Sample(3, 1, rand.New(rand.NewPCG(1, 1)))
	if s2.Pix[0] == s2.Pix[s2.Dim()] && s2.Pix[1] == s2.Pix[s2.Dim()+1] {
		t.Error("samples at T=1 look identical")
	}
	for _, v := range s2.Pix {
		if v < 0 || v > 1 {
			t.Fatalf("sample pixel %g outside [0, 1]", v)
		}
	}
	if _, err := m.Sample(1, -1, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("negative temperature accepted")
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
		{Config{Latent: -1, C: 1, H: 8, W: 8}, "latent"},
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

// A few dozen steps on real MNIST must lower the loss well below its start.
func TestTrainsOnMNIST(t *testing.T) {
	trainSet, _, err := data.Load(data.MNIST, "")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	m, err := New(Config{Arch: Conv, C: 1, H: 28, W: 28, Width: 8, Latent: 8}, rand.New(rand.NewPCG(1, 1)))
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
	if !(last < 0.6*first) || !(last < 260) {
		t.Fatalf("loss went from %.1f to %.1f in 60 steps", first, last)
	}
}

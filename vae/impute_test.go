package vae

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/nn"
)

// When the decoder ignores z, p(x|z) is the same for every z, so the
// predictive mean of every missing value is exactly the decoder's mean
// there, whatever the chain does; observed values are never touched.
func TestImputeKnownAnswerWhenDecoderIgnoresZ(t *testing.T) {
	m := newTestModel(t, Config{})
	net := m.net.(*convNet)
	nn.Fill(net.decIn.W.Data, 0)
	for i := range net.decOut.B.Data {
		net.decOut.B.Data[i] = 0.3 // not symmetric around ½, so a flipped index would show
	}
	want, err := m.Sample(1, 0, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	x := randomBinary(70, 1, 8, 8, 1) // 70 = 64 + 6: two passes
	mask, err := data.Occlude(data.Quadrant, x.N, 1, 8, 8, rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	imp, err := m.Impute(x, mask, 4, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	d := x.Dim()
	for j, mv := range mask.Pix {
		switch {
		case mv != 0 && (imp.Mean.Pix[j] != x.Pix[j] || imp.Draws.Pix[j] != x.Pix[j]):
			t.Fatalf("observed value %d changed: %g → mean %g, draw %g", j, x.Pix[j], imp.Mean.Pix[j], imp.Draws.Pix[j])
		case mv != 0 && imp.Last.Pix[j] != x.Pix[j]:
			t.Fatalf("observed value %d changed in Last", j)
		case mv == 0 && imp.Last.Pix[j] != want.Pix[j%d]:
			t.Fatalf("missing value %d: last mean %g, decoder mean %g", j, imp.Last.Pix[j], want.Pix[j%d])
		case mv == 0 && math.Abs(float64(imp.Mean.Pix[j]-want.Pix[j%d])) > 1e-6:
			t.Fatalf("missing value %d: predictive mean %g, decoder mean %g", j, imp.Mean.Pix[j], want.Pix[j%d])
		case mv == 0 && imp.Draws.Pix[j] != 0 && imp.Draws.Pix[j] != 1:
			t.Fatalf("missing value %d: Bernoulli draw %g", j, imp.Draws.Pix[j])
		}
	}
}

// With an autoregressive reconstruction the chain draws missing pixels
// with the observed ones clamped.
func TestImputeWithAR(t *testing.T) {
	m := newTestModel(t, Config{Arch: Hier, Latents: "1x4d,1x2,1x4", AR: 2, ARWidth: 2})
	x := randomBinary(3, 1, 8, 8, 4)
	mask, _ := data.Occlude(data.Random, x.N, 1, 8, 8, rand.New(rand.NewPCG(2, 2)))
	imp, err := m.Impute(x, mask, 3, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	for j, mv := range mask.Pix {
		if mv != 0 && (imp.Draws.Pix[j] != x.Pix[j] || imp.Mean.Pix[j] != x.Pix[j]) {
			t.Fatalf("observed value %d changed", j)
		}
		if mv == 0 && (imp.Mean.Pix[j] <= 0 || imp.Mean.Pix[j] >= 1 || (imp.Draws.Pix[j] != 0 && imp.Draws.Pix[j] != 1)) {
			t.Fatalf("missing value %d: mean %g, draw %g", j, imp.Mean.Pix[j], imp.Draws.Pix[j])
		}
	}
	if _, err := m.Impute(x, mask, 0, rand.New(rand.NewPCG(3, 3))); err == nil {
		t.Error("0 iterations accepted")
	}
	if _, err := m.Impute(x, randomBinary(2, 1, 8, 8, 1), 1, rand.New(rand.NewPCG(3, 3))); err == nil {
		t.Error("mask of 2 images for 3 accepted")
	}
}

func TestMissingErrorKnownAnswer(t *testing.T) {
	x := data.Images{N: 2, C: 1, H: 1, W: 3, Pix: []float32{1, 0, 1, 0, 0, 1}}
	mask := data.Images{N: 2, C: 1, H: 1, W: 3, Pix: []float32{0, 0, 1, 1, 1, 1}}
	pred := data.Images{N: 2, C: 1, H: 1, W: 3, Pix: []float32{0.8, 0.25, 0, 0.5, 0.5, 0.5}}
	nll, sq, miss := MissingError(x, mask, pred, true)
	wantNLL := -math.Log(0.8) - math.Log(0.75)
	if math.Abs(nll[0]-wantNLL) > 1e-6 || nll[1] != 0 || math.Abs(sq[0]-(0.04+0.0625)) > 1e-6 || sq[1] != 0 || miss[0] != 2 || miss[1] != 0 {
		t.Fatalf("nll %v (want %g, 0), squared error %v (want 0.1025, 0), missing %v", nll, wantNLL, sq, miss)
	}
}

// A model trained to impute is conditional: its prior and decoder read
// only the observed values, q reads the whole image. Changing a missing
// value of x leaves the prior pass (what Impute draws from) bit-identical
// and changes q (the KLs) and the likelihood, which covers the missing
// values; changing an observed value changes the prior pass.
func TestConditionalModelSplitsObservedAndMissing(t *testing.T) {
	for _, arch := range []string{Conv, Hier} {
		m := newTestModel(t, Config{Arch: arch, Latents: "1x4d,1x2,1x4", Impute: data.Center})
		const b = 2
		mask, err := m.TrainingMasks(b, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		x := randomBinary(b, 1, 8, 8, 2)
		const missing, observed = 3*8 + 3, 0 // pixel (3,3) is in the centre square, (0,0) is not
		if mask.Pix[missing] != 0 || mask.Pix[observed] != 1 {
			t.Fatalf("centre mask %v", mask.Pix[:64])
		}
		flip := func(j int) data.Images {
			y := x.Clone()
			y.Pix[j] = 1 - y.Pix[j]
			return y
		}

		ig, err := m.newImputeGraph(b)
		if err != nil {
			t.Fatal(err)
		}
		prior := func(x data.Images) []float32 {
			copy(ig.g.InputData(ig.x), x.Pix)
			copy(ig.g.InputData(ig.mask), mask.Pix)
			rng := rand.New(rand.NewPCG(4, 4))
			for _, e := range ig.eps {
				fillNormal(ig.g.InputData(e), 1, rng)
			}
			if err := ig.prog.Run(); err != nil {
				t.Fatal(err)
			}
			return slices.Clone(ig.out.Values())
		}
		p0 := prior(x)
		if p1 := prior(flip(missing)); !slices.Equal(p0, p1) {
			t.Errorf("%s: a missing value changed the prior pass", arch)
		}
		if p2 := prior(flip(observed)); slices.Equal(p0, p2) {
			t.Errorf("%s: an observed value did not change the prior pass", arch)
		}
		ig.prog.Close()

		g := nn.NewGraph()
		p := m.buildPosterior(g, b, 1)
		var kls []*nn.Output
		for _, k := range p.kls {
			kls = append(kls, g.Output(k))
		}
		ll := g.Output(p.logLik)
		prog, err := g.Compile(nil)
		if err != nil {
			t.Fatal(err)
		}
		run := func(x data.Images) (kl []float32, logLik float32) {
			if err := p.feed(g, x, mask, rand.New(rand.NewPCG(3, 3))); err != nil {
				t.Fatal(err)
			}
			if err := prog.Run(); err != nil {
				t.Fatal(err)
			}
			for _, o := range kls {
				kl = append(kl, o.Values()...)
			}
			return kl, ll.Values()[0]
		}
		kl0, ll0 := run(x)
		if kl1, ll1 := run(flip(missing)); slices.Equal(kl0, kl1) || ll1 == ll0 {
			t.Errorf("%s: a missing value did not change q (%v → %v) or the likelihood (%g → %g)", arch, kl0, kl1, ll0, ll1)
		}
	}
}

// With nothing missing, p(x_miss | x_obs) = 1, so the importance weights
// p(z | x_obs)/q(z | x, m) of a conditional model have mean exactly 1 for
// any weights: log mean w → 0. Wrong normalisation of either density, or
// a q and p of different variables, would show. The output layers of q
// and p are scaled up so that the two differ.
func TestConditionalWeightsHaveMeanOneWhenNothingIsMissing(t *testing.T) {
	for _, arch := range []string{Conv, Hier} {
		m := newTestModel(t, Config{Arch: arch, Latent: 2, Latents: "1x2d,1x2", ZChannels: 1, Impute: data.Center})
		// Heads of q: broader, log σ² ≈ 0.6; heads of p: means shifted by
		// 0.8, log σ² ≈ −0.2. With q broader than p the weights are
		// bounded, so their mean converges fast. Each head's biases are
		// (μ, log σ²) of its z dimensions (2 dense units, or 1 channel).
		for _, p := range m.ps.List() {
			head, _ := strings.CutSuffix(p.Name, ".b")
			z, inQ := 2, head == "enc.out" || head == "bu.top"
			switch {
			case inQ || head == "ctx.out" || head == "ctx.top":
			case strings.HasSuffix(head, ".merge2") || strings.HasSuffix(head, ".prior"):
				z, inQ = 1, strings.HasSuffix(head, ".merge2")
			default:
				continue
			}
			for i := range m.ps.Get(head + ".w").Data {
				m.ps.Get(head + ".w").Data[i] *= 0.3
			}
			for j := range z {
				if inQ {
					p.Data[z+j] = 0.6
				} else {
					p.Data[j] += 0.8
					p.Data[z+j] = -0.2
				}
			}
		}
		const b, k = 2, 40000
		all := data.NewImages(b, 1, 8, 8)
		nn.Fill(all.Pix, 1)
		run := runPosterior(t, m, randomBinary(b, 1, 8, 8, 5), all, k, 6)
		if slices.ContainsFunc(run.logLik, func(v float32) bool { return v != 0 }) {
			t.Fatalf("%s: log-likelihood of no missing values is not 0", arch)
		}
		var kl float64 // Σ over layers of the mean KL
		for _, o := range run.kls {
			for _, v := range o {
				kl += float64(v) / float64(len(o))
			}
		}
		if kl < 0.3 {
			t.Fatalf("%s: KL %.3f: q and p too close for a meaningful test", arch, kl)
		}
		for i := range b {
			v := make([]float64, k)
			for j := range k {
				v[j] = float64(run.logW[i*k+j])
			}
			// The standard error of the mean of w, relative to 1, bounds
			// that of log mean w.
			var s, ss float64
			for _, x := range v {
				s += math.Exp(x)
				ss += math.Exp(2 * x)
			}
			se := math.Sqrt((ss/k - (s/k)*(s/k)) / k)
			if got := logMeanExp(v); math.Abs(got) > 5*se+1e-3 {
				t.Errorf("%s image %d: log mean w = %.4f (±%.4f), want 0 (KL %.2f)", arch, i, got, se, kl)
			}
		}
	}
}

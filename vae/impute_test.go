package vae

import (
	"math"
	"math/rand/v2"
	"slices"
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

// A model trained to impute encodes only the observed values: changing a
// missing value of x leaves q (every KL) unchanged and changes only the
// log-likelihood, which covers the missing values; changing an observed
// value changes q.
func TestImputationModelSeesOnlyObservedValues(t *testing.T) {
	for _, arch := range []string{Conv, Hier} {
		m := newTestModel(t, Config{Arch: arch, Latents: "1x4d,1x2,1x4", Impute: data.Center})
		const b = 2
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
		mask, err := m.occlude(b, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		x := randomBinary(b, 1, 8, 8, 2)
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
		const missing, observed = 3*8 + 3, 0 // pixel (3,3) is in the centre square, (0,0) is not
		if mask.Pix[missing] != 0 || mask.Pix[observed] != 1 {
			t.Fatalf("centre mask %v", mask.Pix[:64])
		}
		flip := func(j int) data.Images {
			y := x.Clone()
			y.Pix[j] = 1 - y.Pix[j]
			return y
		}
		kl1, ll1 := run(flip(missing))
		if !slices.Equal(kl0, kl1) || ll1 == ll0 {
			t.Errorf("%s: a missing value changed q (%v → %v) or not the likelihood (%g → %g)", arch, kl0, kl1, ll0, ll1)
		}
		if kl2, _ := run(flip(observed)); slices.Equal(kl0, kl2) {
			t.Errorf("%s: an observed value did not change q", arch)
		}
	}
}

package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

func TestBernoulliLogLik(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	logits := opsRand(rng, -6, 6, 3, 2, 2, 2)
	x := opsRand(rng, 0, 1, 3, 2, 2, 2)
	for i := range opsData(x) {
		if i%3 != 0 { // mostly bits, some grey values
			opsData(x)[i] = math.Round(opsData(x)[i])
		}
	}
	opsData(logits)[0], opsData(logits)[1] = 40, -40 // far tails stay exact
	want := make([]float64, 3)
	for i, l := range opsData(logits) {
		p := 1 / (1 + math.Exp(-l))
		xi := opsData(x)[i]
		// x log p + (1 − x) log(1 − p), with log(1 − p) = log p − ℓ.
		want[i/8] += xi*math.Log(p) + (1-xi)*(math.Log(p)-l)
	}
	f := func(n []*gorgonia.Node) (*gorgonia.Node, error) { return nn.BernoulliLogLik(n[0], n[1]) }
	opsCheck(t, f, want, tensor.Shape{3}, 1e-6, []int{0}, logits, x)
}

func TestWeightedBernoulliLogLik(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2))
	logits := opsRand(rng, -6, 6, 3, 2, 4)
	x, w := opsRand(rng, 0, 1, 3, 2, 4), opsRand(rng, 0, 1, 3, 2, 4)
	for i := range opsData(x) {
		opsData(x)[i] = math.Round(opsData(x)[i])
		if i%4 != 0 { // mostly a 0/1 mask, some real weights
			opsData(w)[i] = math.Round(opsData(w)[i])
		}
	}
	want := make([]float64, 3)
	for i, l := range opsData(logits) {
		p := 1 / (1 + math.Exp(-l))
		xi := opsData(x)[i]
		want[i/8] += opsData(w)[i] * (xi*math.Log(p) + (1-xi)*math.Log1p(-p))
	}
	f := func(n []*gorgonia.Node) (*gorgonia.Node, error) { return nn.WeightedBernoulliLogLik(n[0], n[1], n[2]) }
	opsCheck(t, f, want, tensor.Shape{3}, 1e-6, []int{0}, logits, x, w)
}

func TestGaussianKLPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 3))
	muQ, lvQ := opsRand(rng, -2, 2, 3, 2, 2, 2), opsRand(rng, -3, 2, 3, 2, 2, 2)
	muP, lvP := opsRand(rng, -2, 2, 3, 2, 2, 2), opsRand(rng, -3, 2, 3, 2, 2, 2)
	want := make([]float64, 3)
	for i, mq := range opsData(muQ) {
		// KL(N(mq, sq²) ‖ N(mp, sp²)) = log(sp/sq) + (sq² + (mq − mp)²)/(2sp²) − ½.
		sq, sp, mp := math.Exp(opsData(lvQ)[i]/2), math.Exp(opsData(lvP)[i]/2), opsData(muP)[i]
		want[i/8] += math.Log(sp/sq) + (sq*sq+(mq-mp)*(mq-mp))/(2*sp*sp) - 0.5
	}
	f := func(n []*gorgonia.Node) (*gorgonia.Node, error) { return nn.GaussianKLPair(n[0], n[1], n[2], n[3]) }
	opsCheck(t, f, want, tensor.Shape{3}, 1e-5, nil, muQ, lvQ, muP, lvP)
}

func TestGaussianLogPdf(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 4))
	z, mu, lv := opsRand(rng, -3, 3, 4, 6), opsRand(rng, -2, 2, 4, 6), opsRand(rng, -3, 2, 4, 6)
	want := make([]float64, 4)
	for i, x := range opsData(z) {
		// log of e^(−(x−m)²/2s²) / (s√(2π)).
		s, m := math.Exp(opsData(lv)[i]/2), opsData(mu)[i]
		want[i/6] += math.Log(math.Exp(-(x-m)*(x-m)/(2*s*s)) / (s * math.Sqrt(2*math.Pi)))
	}
	f := func(n []*gorgonia.Node) (*gorgonia.Node, error) { return nn.GaussianLogPdf(n[0], n[1], n[2]) }
	opsCheck(t, f, want, tensor.Shape{4}, 1e-5, nil, z, mu, lv)
}

func TestGaussianKL(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 2))
	mu, lv := opsRand(rng, -2, 2, 4, 5), opsRand(rng, -3, 2, 4, 5)
	want := make([]float64, 4)
	for i, m := range opsData(mu) {
		// KL(N(m, s²) ‖ N(0, 1)) = log(1/s) + (s² + m²)/2 − ½.
		s2 := math.Exp(opsData(lv)[i])
		want[i/5] += -0.5*math.Log(s2) + (s2+m*m)/2 - 0.5
	}
	f := func(n []*gorgonia.Node) (*gorgonia.Node, error) { return nn.GaussianKL(n[0], n[1]) }
	opsCheck(t, f, want, tensor.Shape{4}, 1e-6, nil, mu, lv)
	g := gorgonia.NewGraph()
	a := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(2, 3), gorgonia.WithName("a"))
	b := gorgonia.NewMatrix(g, tensor.Float64, gorgonia.WithShape(3, 2), gorgonia.WithName("b"))
	if _, err := nn.GaussianKL(a, b); err == nil {
		t.Error("inputs of different shapes accepted")
	}
}

package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

// opsDLogisticRef is log P by the textbook formulas with plain sigmoids:
// fine for moderate arguments, which is all the tests give it.
func opsDLogisticRef(x, mu, logScale float64, bins int) float64 {
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	d, s, c := 1/float64(bins-1), math.Exp(logScale), 2*x-1-mu
	switch {
	case x == 0:
		return math.Log(sig((c + d) / s))
	case x == 1:
		return math.Log(1 - sig((c-d)/s))
	}
	if p := opsInnerBinProb(x, mu, s, bins); p >= 1e-5 {
		return math.Log(p)
	}
	m := c / s
	return math.Log(math.Exp(-m)/(s*math.Pow(1+math.Exp(-m), 2))) + math.Log(2*d)
}

// opsInnerBinProb is σ(a) − σ(b) for an inner bin, computed directly.
func opsInnerBinProb(x, mu, s float64, bins int) float64 {
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	d, c := 1/float64(bins-1), 2*x-1-mu
	return sig((c+d)/s) - sig((c-d)/s)
}

// opsDLogistic returns the float64 log-probabilities of x under (mu, logScale).
func opsDLogistic(t *testing.T, bins int, dt tensor.Dtype, x, mu, ls []float64) []float64 {
	t.Helper()
	n := len(x)
	f := func(in []*gorgonia.Node) (*gorgonia.Node, error) {
		return nn.DiscretizedLogisticLogProb(in[0], in[1], in[2], bins)
	}
	mk := func(v []float64) *tensor.Dense { return tensor.New(tensor.WithShape(n), tensor.WithBacking(v)) }
	got, _ := opsRun(t, dt, f, mk(x), mk(mu), mk(ls))
	return got
}

// TestDiscretizedLogisticValues checks closed-form values: with 3 bins,
// mu = 0 and s = 1 the bins hold σ(−½), tanh(¼) and 1 − σ(½); the others are
// 40-digit evaluations of the definition (low, middle, high and two
// density-fallback bins).
func TestDiscretizedLogisticValues(t *testing.T) {
	got := opsDLogistic(t, 3, tensor.Float64, []float64{0, 0.5, 1}, []float64{0, 0, 0}, []float64{0, 0, 0})
	opsClose(t, "3 bins", got, []float64{math.Log(0.3775406687981454), math.Log(0.24491866240370913), math.Log(0.3775406687981454)}, 1e-14)

	x := []float64{128.0 / 255, 0, 1, 200.0 / 255, 3.0 / 255}
	mu := []float64{0.2, -0.9, 0.95, -0.9, 0.99}
	ls := []float64{math.Log(0.5), math.Log(0.1), math.Log(0.02), math.Log(0.01), math.Log(0.03)}
	want := []float64{-5.5794709840871754031, -1.2847448151264051054, -2.3991103244285822462, -147.10569127664960516, -66.890578075121636415}
	opsClose(t, "256 bins", opsDLogistic(t, 256, tensor.Float64, x, mu, ls), want, 1e-13)
	opsClose(t, "256 bins float32", opsDLogistic(t, 256, tensor.Float32, x, mu, ls), want, 1e-5)
}

// TestDiscretizedLogisticSumsToOne sums P over all bins for several
// locations and scales, including ones far outside [−1, 1] and scales much
// narrower than a bin. Where every inner bin holds at least 1e-5 the sum is
// 1 to rounding; otherwise the density fallback of the tail bins (as in
// PixelCNN++) shifts it slightly: by 1.5e-6 at worst here, for s = 0.002.
func TestDiscretizedLogisticSumsToOne(t *testing.T) {
	for _, bins := range []int{2, 3, 16, 256} {
		for _, p := range [][2]float64{{0, 1}, {0.3, 0.05}, {-0.97, 0.2}, {0.5, 0.002}, {2.5, 0.5}, {-40, 3}, {0.1, 30}} {
			x, mu, ls := make([]float64, bins), make([]float64, bins), make([]float64, bins)
			exact := true
			for i := range x {
				x[i], mu[i], ls[i] = float64(i)/float64(bins-1), p[0], math.Log(p[1])
				if i > 0 && i < bins-1 && opsInnerBinProb(x[i], p[0], p[1], bins) < 1e-5 {
					exact = false
				}
			}
			var sum float64
			for _, lp := range opsDLogistic(t, bins, tensor.Float64, x, mu, ls) {
				sum += math.Exp(lp)
			}
			tol := 1e-5
			if exact {
				tol = 1e-14
			}
			if math.Abs(sum-1) > tol {
				t.Errorf("%d bins, mu %v, s %v: probabilities sum to 1 %+.3g", bins, p[0], p[1], sum-1)
			}
		}
	}
}

// TestDiscretizedLogisticExtremes checks finite log-probabilities and
// gradients far in the tails and at tiny and huge scales.
func TestDiscretizedLogisticExtremes(t *testing.T) {
	x := []float64{0, 1, 0.5, 0, 1, 0.5, 0.5, 0}
	mu := []float64{1000, -1000, 1e4, -1000, 1000, 0.5, 0, 0}
	ls := []float64{0, 0, -7, -20, -20, 20, -20, 30}
	g := gorgonia.NewGraph()
	mk := func(name string, v []float64) *gorgonia.Node {
		return gorgonia.NewTensor(g, tensor.Float64, 1, gorgonia.WithShape(len(v)), gorgonia.WithName(name),
			gorgonia.WithValue(tensor.New(tensor.WithShape(len(v)), tensor.WithBacking(v))))
	}
	xn, mun, lsn := mk("x", x), mk("mu", mu), mk("ls", ls)
	lp, err := nn.DiscretizedLogisticLogProb(xn, mun, lsn, 256)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := gorgonia.Sum(lp)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := gorgonia.Grad(loss, mun, lsn)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]gorgonia.Value, 3)
	for i, n := range append([]*gorgonia.Node{lp}, grads...) {
		gorgonia.Read(n, &vals[i])
	}
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		for j, f := range v.Data().([]float64) {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				t.Errorf("output %d element %d (x %v, mu %v, logScale %v) = %v", i, j, x[j], mu[j], ls[j], f)
			}
		}
	}
	// At mu = 1000, s = 1 the lowest bin has P = σ(−1001 + 1/255) ≈ exp(−1001 + 1/255).
	if got, want := vals[0].Data().([]float64)[0], -1001+1.0/255; math.Abs(got-want) > 1e-12 {
		t.Errorf("far lowest bin: log P = %.17g, want %.17g", got, want)
	}
}

func TestDiscretizedLogistic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, bins := range []int{5, 256} {
		x, mu, ls := opsRand(rng, 0, 1, 4, 5), opsRand(rng, -1.1, 1.1, 4, 5), opsRand(rng, math.Log(0.01), 0, 4, 5)
		for i := range opsData(x) {
			opsData(x)[i] = math.Round(opsData(x)[i]*float64(bins-1)) / float64(bins-1)
		}
		opsData(x)[0], opsData(x)[1] = 0, 1
		want := make([]float64, 20)
		var inner, fallback int
		for i := range want {
			xi, mi, li := opsData(x)[i], opsData(mu)[i], opsData(ls)[i]
			want[i] = opsDLogisticRef(xi, mi, li, bins)
			if xi > 0 && xi < 1 {
				inner++
				if opsInnerBinProb(xi, mi, math.Exp(li), bins) < 1e-5 {
					fallback++
				}
			}
		}
		if bins == 256 && (fallback == 0 || fallback == inner) {
			t.Fatalf("%d of %d inner bins use the density fallback; the test needs both kinds", fallback, inner)
		}
		f := func(in []*gorgonia.Node) (*gorgonia.Node, error) {
			return nn.DiscretizedLogisticLogProb(in[0], in[1], in[2], bins)
		}
		opsCheck(t, f, want, tensor.Shape{4, 5}, 1e-4, []int{1, 2}, x, mu, ls)
	}
}

func TestDiscretizedLogisticErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	node := func(name string, shape ...int) *gorgonia.Node {
		return gorgonia.NewTensor(g, tensor.Float32, len(shape), gorgonia.WithShape(shape...), gorgonia.WithName(name))
	}
	x, mu, ls := node("x", 2, 3), node("mu", 2, 3), node("ls", 2, 3)
	if _, err := nn.DiscretizedLogisticLogProb(x, mu, node("ls32", 3, 2), 256); err == nil {
		t.Error("mismatched shapes accepted")
	}
	if _, err := nn.DiscretizedLogisticLogProb(x, mu, ls, 1); err == nil {
		t.Error("1 bin accepted")
	}
	y, err := nn.DiscretizedLogisticLogProb(x, mu, ls, 256)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gorgonia.Sum(y)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gorgonia.Grad(s, x); err == nil {
		t.Error("gradient with respect to x accepted")
	}
}

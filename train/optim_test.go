package train

import (
	"math"
	"testing"

	"github.com/genmodel/genmodel/nn"
)

// adamRef is Adam/Adamax for one scalar written out in float64 from Kingma &
// Ba (2015), Algorithm 1 and §7.1, as an independent reference.
func adamRef(grads []float64, theta, lr, b1, b2, eps float64, maxNorm bool) float64 {
	var m, v float64
	for i, g := range grads {
		t := float64(i + 1)
		m = b1*m + (1-b1)*g
		if maxNorm {
			v = math.Max(b2*v, math.Abs(g))
			theta -= lr / (1 - math.Pow(b1, t)) * m / (v + eps)
			continue
		}
		v = b2*v + (1-b2)*g*g
		mh := m / (1 - math.Pow(b1, t))
		vh := v / (1 - math.Pow(b2, t))
		theta -= lr * mh / (math.Sqrt(vh) + eps)
	}
	return theta
}

func TestAdamMatchesReference(t *testing.T) {
	grads := []float64{0.5, -1.25, 3, 0.01, -0.2, 2.5, -4, 0.75}
	for _, maxNorm := range []bool{false, true} {
		ps := nn.NewParams()
		p := ps.Add("w", 2)
		p.Data[0], p.Data[1] = 1.5, -0.5
		opt := NewAdam(ps, 0.9, 0.999, 1e-8, maxNorm)
		for _, g := range grads {
			// The second coordinate sees the gradient scaled by 2 and then the
			// clip factor ½, which must cancel.
			opt.Step([]*nn.Param{p}, [][]float32{{float32(g), float32(2 * g)}}, 0.01, 0.5)
		}
		for i, theta0 := range []float64{1.5, -0.5} {
			want := adamRef(halve(grads, i == 0), theta0, 0.01, 0.9, 0.999, 1e-8, maxNorm)
			if got := float64(p.Data[i]); math.Abs(got-want) > 1e-6 {
				t.Errorf("%s coord %d: θ = %.9f, reference %.9f", opt.Name(), i, got, want)
			}
		}
		if opt.T != len(grads) {
			t.Errorf("%s: T = %d, want %d", opt.Name(), opt.T, len(grads))
		}
	}
}

// halve returns the gradients the optimizer effectively sees: g·½ for the
// first coordinate, (2g)·½ = g for the second.
func halve(gs []float64, first bool) []float64 {
	out := make([]float64, len(gs))
	for i, g := range gs {
		if first {
			out[i] = g / 2
		} else {
			out[i] = g
		}
	}
	return out
}

func TestAdamFirstStepIsSignTimesLR(t *testing.T) {
	// After one step m̂ = g and v̂ = g², so Δθ = −lr·g/(|g|+ε) ≈ −lr·sign(g).
	ps := nn.NewParams()
	p := ps.Add("w", 3)
	opt := NewAdam(ps, 0.9, 0.999, 1e-8, false)
	opt.Step([]*nn.Param{p}, [][]float32{{4, -0.001, 0}}, 0.1, 1)
	want := []float32{-0.1, 0.1, 0}
	for i := range want {
		if math.Abs(float64(p.Data[i]-want[i])) > 1e-5 {
			t.Errorf("θ[%d] = %g, want %g", i, p.Data[i], want[i])
		}
	}
}

func TestAdamStateRoundTrip(t *testing.T) {
	ps := nn.NewParams()
	p := ps.Add("w", 2)
	a := NewAdam(ps, 0.9, 0.999, 1e-8, false)
	a.Step([]*nn.Param{p}, [][]float32{{1, 2}}, 0.1, 1)
	b := NewAdam(ps, 0.9, 0.999, 1e-8, false)
	if err := b.LoadState(a.State(), a.T); err != nil {
		t.Fatal(err)
	}
	if b.M["w"][1] != a.M["w"][1] || b.V["w"][0] != a.V["w"][0] || b.T != 1 {
		t.Fatal("state not restored")
	}
	if err := b.LoadState(map[string][]float32{"opt.m/w": {1, 2}}, 1); err == nil {
		t.Fatal("missing opt.v accepted")
	}
	if err := b.LoadState(map[string][]float32{"opt.m/w": {1}, "opt.v/w": {1, 2}}, 1); err == nil {
		t.Fatal("wrong size accepted")
	}
}

func TestGradNormAndClip(t *testing.T) {
	n := GradNorm([][]float32{{3}, {0, 4}})
	if n != 5 {
		t.Fatalf("norm of (3, 0, 4) = %g, want 5", n)
	}
	if s := ClipScale(5, 2); s != 0.4 {
		t.Errorf("ClipScale(5, 2) = %g, want 0.4", s)
	}
	if s := ClipScale(5, 10); s != 1 {
		t.Errorf("ClipScale below the limit = %g, want 1", s)
	}
	if s := ClipScale(5, -1); s != 1 {
		t.Errorf("negative limit must disable clipping, got %g", s)
	}
	if !math.IsNaN(GradNorm([][]float32{{float32(math.NaN())}})) {
		t.Error("NaN gradient gave a finite norm")
	}
}

func TestEMAWarmupDecay(t *testing.T) {
	ps := nn.NewParams()
	p := ps.Add("w", 1)
	e := NewEMA(ps, 0.999)
	p.Data[0] = 1
	// Update 1: d = min(0.999, 2/11); e = 0·d + 1·(1 − d) = 9/11.
	e.Update(ps, 1)
	if got, want := float64(e.Values["w"][0]), 9.0/11; math.Abs(got-want) > 1e-6 {
		t.Fatalf("EMA after update 1 = %g, want %g", got, want)
	}
	// Update 10000: d = 0.999; e = 0.999·9/11 + 0.001·3.
	p.Data[0] = 3
	e.Update(ps, 10000)
	if got, want := float64(e.Values["w"][0]), 0.999*9/11+0.001*3; math.Abs(got-want) > 1e-6 {
		t.Fatalf("EMA after a late update = %g, want %g", got, want)
	}
}

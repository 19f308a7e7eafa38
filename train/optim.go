package train

import (
	"fmt"
	"math"

	"github.com/genmodel/genmodel/kernels"
	"github.com/genmodel/genmodel/nn"
)

// Adam is the Adam optimizer (Kingma & Ba 2015) and, with Max set, its
// infinity-norm variant Adamax (same paper, §7.1). For gradient g at update t:
//
//	m ← β₁m + (1−β₁)g
//	Adam:   v ← β₂v + (1−β₂)g²,   θ ← θ − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
//	Adamax: u ← max(β₂u, |g|),    θ ← θ − lr/(1−β₁ᵗ) · m/(u + ε)
//
// The moments are kept per parameter name so that they can be checkpointed.
type Adam struct {
	Beta1, Beta2, Eps float64
	Max               bool // Adamax
	T                 int  // updates applied so far
	M, V              map[string][]float32
}

// NewAdam returns an optimizer with zero moments for ps.
func NewAdam(ps *nn.Params, beta1, beta2, eps float64, max bool) *Adam {
	a := &Adam{Beta1: beta1, Beta2: beta2, Eps: eps, Max: max, M: map[string][]float32{}, V: map[string][]float32{}}
	for _, p := range ps.List() {
		a.M[p.Name] = make([]float32, p.Size())
		a.V[p.Name] = make([]float32, p.Size())
	}
	return a
}

// Name is "adam" or "adamax".
func (a *Adam) Name() string {
	if a.Max {
		return "adamax"
	}
	return "adam"
}

// Step applies one update with learning rate lr, gradients scaled by
// gradScale first (the clipping factor; 1 for none).
func (a *Adam) Step(params []*nn.Param, grads [][]float32, lr, gradScale float64) {
	a.T++
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	c1 := 1 - math.Pow(a.Beta1, float64(a.T))
	c2 := 1 - math.Pow(a.Beta2, float64(a.T))
	s := float32(gradScale)
	eps := float32(a.Eps)
	for i, p := range params {
		m, v, w, g := a.M[p.Name], a.V[p.Name], p.Data, grads[i]
		kernels.ForRanges(len(w), elementGrain, func(lo, hi int) {
			m, v, w, g := m[lo:hi], v[lo:hi], w[lo:hi], g[lo:hi]
			if a.Max {
				step := float32(lr / c1)
				for j := range w {
					gj := g[j] * s
					m[j] = b1*m[j] + (1-b1)*gj
					v[j] = max(b2*v[j], abs32(gj))
					w[j] -= step * m[j] / (v[j] + eps)
				}
				return
			}
			// θ −= lr·m̂/(√v̂+ε) with m̂ = m/c1 and √v̂ = √v/√c2.
			step, rc2 := float32(lr/c1), float32(1/math.Sqrt(c2))
			for j := range w {
				gj := g[j] * s
				m[j] = b1*m[j] + (1-b1)*gj
				v[j] = b2*v[j] + (1-b2)*gj*gj
				w[j] -= step * m[j] / (sqrt32(v[j])*rc2 + eps)
			}
		})
	}
}

// elementGrain is the fewest parameters an elementwise update gives a
// goroutine.
const elementGrain = 1 << 14

// State returns the moment tensors keyed "opt.m/<param>" and "opt.v/<param>"
// (for Adamax "opt.v" holds the infinity norm u).
func (a *Adam) State() map[string][]float32 {
	out := make(map[string][]float32, 2*len(a.M))
	for name, m := range a.M {
		out["opt.m/"+name] = m
		out["opt.v/"+name] = a.V[name]
	}
	return out
}

// LoadState restores moments saved by State and the update count t.
func (a *Adam) LoadState(state map[string][]float32, t int) error {
	for name, m := range a.M {
		for _, key := range []string{"opt.m/" + name, "opt.v/" + name} {
			src, ok := state[key]
			if !ok {
				return fmt.Errorf("optimizer state %q missing", key)
			}
			if len(src) != len(m) {
				return fmt.Errorf("optimizer state %q has %d values, want %d", key, len(src), len(m))
			}
		}
		copy(m, state["opt.m/"+name])
		copy(a.V[name], state["opt.v/"+name])
	}
	a.T = t
	return nil
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// GradNorm returns the global L2 norm √(Σᵢ‖gᵢ‖²), accumulated in float64.
// It is NaN or Inf when any gradient is.
func GradNorm(grads [][]float32) float64 {
	var s float64
	for _, g := range grads {
		for _, v := range g {
			s += float64(v) * float64(v)
		}
	}
	return math.Sqrt(s)
}

// ClipScale is the factor that brings a gradient of norm n down to limit:
// min(1, limit/n). A negative limit disables clipping.
func ClipScale(n, limit float64) float64 {
	if limit < 0 || n <= limit {
		return 1
	}
	return limit / n
}

// EMA keeps an exponential moving average of the weights for sampling and
// evaluation: e ← d·e + (1−d)·θ with d = min(decay, (1+t)/(10+t)) at update
// t, so that early averages are not dominated by the initial weights.
type EMA struct {
	Decay  float64
	Values map[string][]float32
}

// NewEMA starts the average at the current weights.
func NewEMA(ps *nn.Params, decay float64) *EMA {
	return &EMA{Decay: decay, Values: ps.Snapshot()}
}

// Update folds the current weights in after update number t (1-based).
func (e *EMA) Update(ps *nn.Params, t int) {
	d := float32(min(e.Decay, float64(1+t)/float64(10+t)))
	for _, p := range ps.List() {
		ev, pv := e.Values[p.Name], p.Data
		kernels.ForRanges(len(pv), elementGrain, func(lo, hi int) {
			for j, w := range pv[lo:hi] {
				ev[lo+j] = d*ev[lo+j] + (1-d)*w
			}
		})
	}
}

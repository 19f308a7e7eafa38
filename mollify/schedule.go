package mollify

import (
	"fmt"
	"math"
)

// Schedule gives the mollification level s(t) for t ∈ [0, 1], the fraction of
// the mollification phase done: s(0) = 1 (most smoothing) decaying to s(1) = 0.
// Implementations clamp t to [0, 1] and clip s to [MinLevel, 1].
type Schedule interface {
	S(t float64) float64
	String() string
}

// MinLevel is the floor of every schedule, as in the paper's code, so that
// s stays positive until the phase ends.
const MinLevel = 1e-9

// Default schedule parameters. The sigmoid ones are the paper's; the cosine
// ones give s(t) = cos²(tπ/2).
const (
	DefaultSigmoidStart = 0.0
	DefaultSigmoidEnd   = 3.0
	DefaultSigmoidTau   = 0.7
	DefaultCosineStart  = 0.0
	DefaultCosineEnd    = 1.0
	DefaultCosineTau    = 1.0
)

// ScheduleNames lists the names ParseSchedule accepts.
var ScheduleNames = []string{"sigmoid", "linear", "cosine"}

// ParseSchedule returns the named schedule ("sigmoid", "linear" or "cosine")
// with its default parameters.
func ParseSchedule(name string) (Schedule, error) {
	switch name {
	case "sigmoid":
		return Sigmoid(DefaultSigmoidStart, DefaultSigmoidEnd, DefaultSigmoidTau)
	case "linear":
		return Linear(), nil
	case "cosine":
		return Cosine(DefaultCosineStart, DefaultCosineEnd, DefaultCosineTau)
	}
	return nil, fmt.Errorf("mollify: unknown Schedule %q, want one of %q", name, ScheduleNames)
}

// Linear returns the schedule s(t) = 1 − t.
func Linear() Schedule { return linear{} }

type linear struct{}

func (linear) S(t float64) float64 { return clipLevel(1 - clampUnit(t)) }
func (linear) String() string      { return "linear" }

// Sigmoid returns the sigmoid schedule of the paper's code (after Chen, "On
// the importance of noise scheduling for diffusion models", 2023): with
// σ(z) = 1/(1+e^(−z)), v(u) = σ(u/τ) and u = start + t·(end−start),
//
//	s(t) = (v(end) − v(u)) / (v(end) − v(start)),
//
// so s(0) = 1 and s(1) = 0. The paper uses start = 0, end = 3, τ = 0.7.
// It needs τ > 0 and end > start.
func Sigmoid(start, end, tau float64) (Schedule, error) {
	g := sigmoid{warp{start, end, tau}}
	if err := g.check("sigmoid", g.v); err != nil {
		return nil, err
	}
	return g, nil
}

// Cosine returns the cosine schedule, the sigmoid construction with a cosine
// in place of the logistic function: with v(u) = cos(uπ/2)^(2τ) and
// u = start + t·(end−start),
//
//	s(t) = (v(end) − v(u)) / (v(end) − v(start)).
//
// v decreases on [0, 1], so numerator and denominator are both negative and
// s(0) = 1, s(1) = 0. With the defaults start = 0, end = 1, τ = 1, v(end) = 0
// and v(start) = 1, so s(t) = cos²(tπ/2). It needs τ > 0 and
// 0 ≤ start < end ≤ 1 (outside [0, 1] the cosine turns negative).
func Cosine(start, end, tau float64) (Schedule, error) {
	if start < 0 || end > 1 {
		return nil, fmt.Errorf("mollify: cosine schedule: Start = %v, End = %v, want 0 ≤ Start < End ≤ 1", start, end)
	}
	g := cosine{warp{start, end, tau}}
	if err := g.check("cosine", g.v); err != nil {
		return nil, err
	}
	return g, nil
}

type sigmoid struct{ warp }

func (g sigmoid) v(u float64) float64 { return 1 / (1 + math.Exp(-u/g.tau)) }
func (g sigmoid) S(t float64) float64 { return g.level(g.v, t) }
func (g sigmoid) String() string      { return g.format("sigmoid") }

type cosine struct{ warp }

func (g cosine) v(u float64) float64 { return math.Pow(math.Cos(u*math.Pi/2), 2*g.tau) }
func (g cosine) S(t float64) float64 { return g.level(g.v, t) }
func (g cosine) String() string      { return g.format("cosine") }

// warp holds the parameters of a schedule
// s(t) = (v(end) − v(u)) / (v(end) − v(start)), u = start + t·(end−start),
// for a strictly monotone v.
type warp struct{ start, end, tau float64 }

func (w warp) level(v func(float64) float64, t float64) float64 {
	u := w.start + clampUnit(t)*(w.end-w.start)
	return clipLevel((v(w.end) - v(u)) / (v(w.end) - v(w.start)))
}

// check validates the parameters, including that v(start) and v(end) differ
// in float64 (a sigmoid far in its tail saturates).
func (w warp) check(name string, v func(float64) float64) error {
	if !(w.tau > 0) || math.IsInf(w.tau, 1) {
		return fmt.Errorf("mollify: %s schedule: Tau = %v, want a finite Tau > 0", name, w.tau)
	}
	if math.IsInf(w.start, 0) || math.IsInf(w.end, 0) || !(w.end > w.start) {
		return fmt.Errorf("mollify: %s schedule: Start = %v, End = %v, want finite End > Start", name, w.start, w.end)
	}
	if v(w.end) == v(w.start) {
		return fmt.Errorf("mollify: %s schedule is degenerate: v(Start = %v) = v(End = %v) in float64", name, w.start, w.end)
	}
	return nil
}

func (w warp) format(name string) string {
	return fmt.Sprintf("%s(start=%g,end=%g,tau=%g)", name, w.start, w.end, w.tau)
}

func clampUnit(t float64) float64 { return min(max(t, 0), 1) }

func clipLevel(s float64) float64 { return min(max(s, MinLevel), 1) }

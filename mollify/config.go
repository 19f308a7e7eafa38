package mollify

import (
	"fmt"
	"math"
)

// Config selects and parameterises a mollifier; it is saved in a run's
// config.json. A zero field takes its default.
type Config struct {
	// Kind is "gaussian" (noise), "blur", or "" / "none" for no
	// mollification (the other fields are then ignored).
	Kind string `json:"kind"`
	// Schedule is "sigmoid" (default), "linear" or "cosine".
	Schedule string `json:"schedule"`
	// Frac is the fraction of training spent mollifying, in (0, 1];
	// default DefaultFrac = 0.6.
	Frac float64 `json:"frac"`
	// Start, End and Tau parameterise the sigmoid and cosine schedules
	// (see Sigmoid and Cosine); linear ignores them. Defaults: sigmoid
	// start 0, end 3, τ 0.7; cosine start 0, end 1, τ 1. Because zero means
	// default, End = 0 cannot be chosen.
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Tau   float64 `json:"tau"`
	// MaxSigma is the initial blur σ in pixels for Kind "blur";
	// default DefaultMaxSigma = 3.
	MaxSigma float64 `json:"max_sigma"`
}

// New builds the mollifier cfg describes, after filling in defaults and
// checking the values; errors name the offending field and value.
func New(cfg Config) (Mollifier, error) {
	switch cfg.Kind {
	case "", "none":
		return None{}, nil
	case "gaussian", "blur":
	default:
		return nil, fmt.Errorf("mollify: unknown Kind %q, want \"gaussian\", \"blur\" or \"\" (off)", cfg.Kind)
	}
	sched, err := cfg.schedule()
	if err != nil {
		return nil, err
	}
	frac := orDefault(cfg.Frac, DefaultFrac)
	if cfg.Kind == "gaussian" {
		return NewGaussian(sched, frac)
	}
	if cfg.MaxSigma < 0 || math.IsNaN(cfg.MaxSigma) {
		return nil, fmt.Errorf("mollify: MaxSigma = %v, want MaxSigma ≥ 0 (0: default %g)", cfg.MaxSigma, DefaultMaxSigma)
	}
	return NewBlur(sched, frac, orDefault(cfg.MaxSigma, DefaultMaxSigma))
}

// schedule builds the configured schedule with defaults filled in.
func (cfg Config) schedule() (Schedule, error) {
	switch cfg.Schedule {
	case "", "sigmoid":
		return Sigmoid(orDefault(cfg.Start, DefaultSigmoidStart), orDefault(cfg.End, DefaultSigmoidEnd), orDefault(cfg.Tau, DefaultSigmoidTau))
	case "cosine":
		return Cosine(orDefault(cfg.Start, DefaultCosineStart), orDefault(cfg.End, DefaultCosineEnd), orDefault(cfg.Tau, DefaultCosineTau))
	}
	return ParseSchedule(cfg.Schedule)
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

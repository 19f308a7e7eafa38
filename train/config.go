package train

import "fmt"

// Config holds the trainer's settings. A zero field takes the default given
// in its comment, so Config{} is a usable configuration.
type Config struct {
	Steps     int     `json:"steps"`      // optimizer steps; default 3000
	Batch     int     `json:"batch"`      // images per step; default 64
	LR        float64 `json:"lr"`         // learning rate; default 1e-3
	Optimizer string  `json:"optimizer"`  // "adam" (default) or "adamax"
	Beta1     float64 `json:"beta1"`      // default 0.9
	Beta2     float64 `json:"beta2"`      // default 0.999
	Eps       float64 `json:"eps"`        // default 1e-8
	ClipNorm  float64 `json:"clip_norm"`  // global gradient-norm limit; default 200, negative: no clipping
	EMADecay  float64 `json:"ema_decay"`  // default 0.999
	MaxSkips  int     `json:"max_skips"`  // consecutive non-finite steps before giving up; default 50
	LogEvery  int     `json:"log_every"`  // steps between metrics lines; default 10
	SaveEvery int     `json:"save_every"` // steps between checkpoints; default 500
	Keep      int     `json:"keep"`       // checkpoints kept on disk; default 3
	Seed      uint64  `json:"seed"`       // seeds the run's random source and the data order
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Steps, 3000)
	def(&c.Batch, 64)
	deff(&c.LR, 1e-3)
	if c.Optimizer == "" {
		c.Optimizer = "adam"
	}
	deff(&c.Beta1, 0.9)
	deff(&c.Beta2, 0.999)
	deff(&c.Eps, 1e-8)
	deff(&c.ClipNorm, 200)
	deff(&c.EMADecay, 0.999)
	def(&c.MaxSkips, 50)
	def(&c.LogEvery, 10)
	def(&c.SaveEvery, 500)
	def(&c.Keep, 3)
	return c
}

// Validate reports the first setting that cannot work, naming it.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch {
	case c.Steps < 0:
		return fmt.Errorf("steps must be positive, got %d", c.Steps)
	case c.Batch < 0:
		return fmt.Errorf("batch must be positive, got %d", c.Batch)
	case c.LR < 0:
		return fmt.Errorf("lr must be positive, got %g", c.LR)
	case c.Optimizer != "adam" && c.Optimizer != "adamax":
		return fmt.Errorf("optimizer must be adam or adamax, got %q", c.Optimizer)
	case c.Beta1 < 0 || c.Beta1 >= 1:
		return fmt.Errorf("beta1 must be in [0,1), got %g", c.Beta1)
	case c.Beta2 < 0 || c.Beta2 >= 1:
		return fmt.Errorf("beta2 must be in [0,1), got %g", c.Beta2)
	case c.Eps < 0:
		return fmt.Errorf("eps must be positive, got %g", c.Eps)
	case c.EMADecay < 0 || c.EMADecay >= 1:
		return fmt.Errorf("ema_decay must be in [0,1), got %g", c.EMADecay)
	case c.MaxSkips < 0, c.LogEvery < 0, c.SaveEvery < 0, c.Keep < 0:
		return fmt.Errorf("max_skips, log_every, save_every and keep must be positive")
	}
	return nil
}

package mollify

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/data"
)

// Gaussian is the paper's Gaussian mollifier: variance-preserving noise
// whose variance s follows a Schedule. Build it with NewGaussian or New.
type Gaussian struct {
	phase
}

// NewGaussian returns a Gaussian mollifier that runs sched over the first
// frac ∈ (0, 1] of training.
func NewGaussian(sched Schedule, frac float64) (Gaussian, error) {
	p, err := newPhase(sched, frac)
	return Gaussian{p}, err
}

// Apply replaces each pixel by its variance-preserving noisy version, the
// paper's Gaussian mollification
//
//	x̃ = √(1−s)·x + √s·ε,  ε ~ N(0, 1) drawn from rng, one per pixel,
//
// with s = s(progress/Frac). Deviation from the formula as written: variance
// preservation (Var x̃ = Var x) only holds for centred data, and pixels live
// in [0, 1], so the formula is applied to u = 2x − 1 ∈ [−1, 1] and mapped
// back:
//
//	x̃ = (√(1−s)·(2x−1) + √s·ε + 1) / 2.
//
// The output is real-valued and may leave [0, 1]; a later step (e.g. dynamic
// binarization, which clamps) deals with it. Once the phase is over x is
// returned untouched and rng is not used.
func (g Gaussian) Apply(x data.Images, progress float64, rng *rand.Rand) data.Images {
	s, on := g.level(progress)
	if !on {
		return x
	}
	keep, noise := math.Sqrt(1-s), math.Sqrt(s)
	for i, v := range x.Pix {
		u := 2*float64(v) - 1
		x.Pix[i] = float32((keep*u + noise*rng.NormFloat64() + 1) / 2)
	}
	return x
}

// Level is the noise variance s at progress (on the centred scale u = 2x−1),
// 0 once the phase is over.
func (g Gaussian) Level(progress float64) float64 {
	s, _ := g.level(progress)
	return s
}

func (g Gaussian) String() string { return fmt.Sprintf("gaussian(%v)", g.phase) }

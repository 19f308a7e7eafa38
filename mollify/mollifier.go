package mollify

import (
	"math/rand/v2"

	"github.com/genmodel/genmodel/data"
)

// Mollifier smooths a training batch according to the progress of training.
type Mollifier interface {
	// Apply mollifies x.Pix in place and returns x. progress ∈ [0, 1] is the
	// fraction of training done; rng is the run's random source. The caller
	// must own x (a copy, not a view into the data set).
	Apply(x data.Images, progress float64, rng *rand.Rand) data.Images
	// Level is the mollification level at progress, for logging: the noise
	// variance s for Gaussian, the blur σ in pixels for Blur, 0 when the data
	// are clean.
	Level(progress float64) float64
	String() string
}

// None is the identity Mollifier: training on clean data throughout.
type None struct{}

// Apply returns x unchanged and draws no random numbers.
func (None) Apply(x data.Images, _ float64, _ *rand.Rand) data.Images { return x }

// Level is always 0.
func (None) Level(float64) float64 { return 0 }

func (None) String() string { return "none" }

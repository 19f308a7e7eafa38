package nn

import (
	"math"
	"math/rand/v2"
)

// HeNormal fills w with N(0, gain²/fanIn) draws: the He et al. (2015)
// initialisation, variance preserving for ReLU-like units when gain = √2.
func HeNormal(w []float32, fanIn int, gain float64, rng *rand.Rand) {
	std := gain / math.Sqrt(float64(fanIn))
	for i := range w {
		w[i] = float32(rng.NormFloat64() * std)
	}
}

// Fill sets every value of w to v.
func Fill(w []float32, v float32) {
	for i := range w {
		w[i] = v
	}
}

package data

import (
	"math"
	"math/rand/v2"
)

// Binarize applies dynamic binarization in place: each pixel becomes a fresh
// Bernoulli draw, x ← 1 if u < clamp(x, 0, 1) else 0 with u ~ U[0, 1), so
// that P(x' = 1) = clamp(x, 0, 1) (up to the 2⁻²⁴ resolution of u). Values
// outside [0, 1], e.g. after noise was added, are clamped first; NaN gives 0.
// Pixels already in {0, 1} are left unchanged.
func Binarize(x Images, rng *rand.Rand) {
	for i, v := range x.Pix {
		if rng.Float32() < min(max(v, 0), 1) {
			x.Pix[i] = 1
		} else {
			x.Pix[i] = 0
		}
	}
}

// staticBinarizeStream is the PCG stream used by StaticBinarize ("binarize"
// in ASCII), distinct from the Batcher's per-epoch streams.
const staticBinarizeStream = 0x62696e6172697a65

// StaticBinarize returns a copy of set whose pixels are binarized once, with
// Binarize and the source rand.New(rand.NewPCG(seed, staticBinarizeStream)):
// the same seed always gives the same bits. The labels are shared with set.
func StaticBinarize(set *Set, seed uint64) *Set {
	out := *set
	out.Images = set.Images.Clone()
	Binarize(out.Images, rand.New(rand.NewPCG(seed, staticBinarizeStream)))
	return &out
}

// TestSeed is the seed of the one randomisation of a test set (the static
// binarization for Bernoulli models, the dequantization for continuous ones;
// see Pixels.TestSet), so that test NLLs are computed on the same values and
// are comparable across runs and models.
const TestSeed = 20150320

// TrainSeed is the seed of the one static binarization of a training set
// (Pixels StaticBinary), so that every run sees the same fixed data set.
const TrainSeed = 20150321

// Dequantize applies uniform dequantization in place:
// x ← (255·x + u)/256 with u ~ U[0, 1) drawn afresh for each pixel (u has
// 24 random bits, as many as the float32 result can hold). For clean
// data x = k/255 this gives (k + u)/256 ∈ [k/256, (k+1)/256): 255·x is
// computed in float32, where it rounds back to exactly k, k + u is exact in
// float64, and the result is rounded down to float32, so ⌊256·x'⌋ = k exactly.
//
// A density p on [0, 1)^D fit to dequantized data lower-bounds the discrete
// likelihood: the probability of the image k under the discretized model is
// P(k) = ∫_{[0,1)^D} p((k + u)/256)·256^−D du, and Jensen's inequality gives
//
//	log P(k) ≥ E_u[log p((k + u)/256)] − D·log 256.
//
// Continuous models therefore report their log-likelihoods in bits/dim with
// the 256 bins counted, −log₂ p(x')/D + 8, an upper bound on the bits/dim
// −log₂ P(k)/D of the discrete data.
func Dequantize(x Images, rng *rand.Rand) {
	for i, v := range x.Pix {
		x.Pix[i] = dequantize(v, rng.Float32())
	}
}

// dequantize returns (255·x + u)/256 rounded down to float32, with 255·x
// rounded to float32 first (exactly k for x = k/255).
func dequantize(x, u float32) float32 {
	v := (float64(float32(255*x)) + float64(u)) / 256
	f := float32(v)
	if float64(f) > v {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

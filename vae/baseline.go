package vae

import (
	"math"

	"github.com/genmodel/genmodel/data"
)

// FactorizedBernoulliNLL is the trivial model any VAE of binary images must
// beat: independent pixels with p(xᵢ = 1) = πᵢ, where πᵢ is the training-set
// mean of pixel i smoothed as (nπᵢ + ½)/(n + 1) so no pixel has probability
// 0 or 1. It returns −Σᵢ [xᵢ log πᵢ + (1 − xᵢ) log(1 − πᵢ)] in nats for each
// binary image of x.
func FactorizedBernoulliNLL(mean []float64, n int, x data.Images) []float64 {
	logP := make([]float64, len(mean))
	logQ := make([]float64, len(mean))
	for i, m := range mean {
		p := (float64(n)*m + 0.5) / float64(n+1)
		logP[i], logQ[i] = math.Log(p), math.Log1p(-p)
	}
	out := make([]float64, x.N)
	for j := range out {
		var s float64
		for i, v := range x.At(j) {
			s -= float64(v)*logP[i] + float64(1-v)*logQ[i]
		}
		out[j] = s
	}
	return out
}

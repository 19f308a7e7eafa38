package fid

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/kernels"
)

// KID is the Kernel Inception Distance of two feature sets (Bińkowski et
// al. 2018): the mean and standard deviation, over Subsets random subsets
// of Size feature vectors from each set, of the unbiased estimate of the
// squared MMD with the cubic polynomial kernel k(x, y) = (xᵀy/d + 1)³:
//
//	MMD²ᵤ = Σ_{i≠j} k(xᵢ, xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ)/(m(m−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ)/m².
type KID struct {
	Mean, Std     float64
	Subsets, Size int
}

// KIDSettings are the subsets KIDOf draws: Subsets of Size vectors each
// (defaults 100 and 1000, as the TensorFlow and torch-fidelity code; Size
// is cut to the smaller set's size, and when both sets are that small one
// subset, the whole sets, is used), drawn without replacement within a
// subset from Seed.
type KIDSettings struct {
	Subsets, Size int
	Seed          uint64
}

// KIDOf computes the KID of feature sets a and b, rows of d values.
func KIDOf(a, b []float32, d int, s KIDSettings) (KID, error) {
	if d < 1 || len(a)%d != 0 || len(b)%d != 0 {
		return KID{}, fmt.Errorf("fid: KID: %d and %d values are not rows of %d", len(a), len(b), d)
	}
	na, nb := len(a)/d, len(b)/d
	if s.Subsets == 0 {
		s.Subsets = 100
	}
	if s.Size == 0 {
		s.Size = 1000
	}
	m := min(s.Size, na, nb)
	if m < 2 || s.Subsets < 1 {
		return KID{}, fmt.Errorf("fid: KID needs subsets of at least 2 vectors from each set (have %d and %d)", na, nb)
	}
	if m == na && m == nb {
		s.Subsets = 1 // every subset would be both whole sets
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x4b4944))
	xs, ys := make([]float32, m*d), make([]float32, m*d)
	kxx, kyy, kxy := make([]float32, m*m), make([]float32, m*m), make([]float32, m*m)
	vals := make([]float64, s.Subsets)
	for t := range vals {
		pick(xs, a, na, d, rng)
		pick(ys, b, nb, d, rng)
		polyKernel(kxx, xs, xs, m, d)
		polyKernel(kyy, ys, ys, m, d)
		polyKernel(kxy, xs, ys, m, d)
		var sxx, syy, sxy float64
		for i := range m {
			for j := range m {
				if i != j {
					sxx += float64(kxx[i*m+j])
					syy += float64(kyy[i*m+j])
				}
				sxy += float64(kxy[i*m+j])
			}
		}
		mm := float64(m)
		vals[t] = (sxx+syy)/(mm*(mm-1)) - 2*sxy/(mm*mm)
	}
	var mean, ss float64
	for _, v := range vals {
		mean += v
	}
	mean /= float64(len(vals))
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	return KID{Mean: mean, Std: math.Sqrt(ss / float64(len(vals))), Subsets: s.Subsets, Size: m}, nil
}

// pick copies len(dst)/d rows of src (n rows of d) drawn without
// replacement into dst.
func pick(dst, src []float32, n, d int, rng *rand.Rand) {
	for i, r := range rng.Perm(n)[:len(dst)/d] {
		copy(dst[i*d:(i+1)*d], src[r*d:(r+1)*d])
	}
}

// polyKernel sets k (m×m) to (xᵢᵀyⱼ/d + 1)³ for rows of x and y.
func polyKernel(k, x, y []float32, m, d int) {
	kernels.Gemm(false, true, m, m, d, 1/float32(d), x, d, y, d, 0, k, m)
	for i, v := range k {
		v++
		k[i] = v * v * v
	}
}

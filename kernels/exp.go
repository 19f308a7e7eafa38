package kernels

import "math"

// Exp sets y = eˣ in float32, to a few units in the last place, for x in
// [−87.3, 88.3]; above it gives +Inf (eˣ overflows float32 from 88.72),
// below it 0 (no subnormal results); a NaN gives a NaN. x and y have one
// length and may be the same slice. It runs on the calling goroutine.
func Exp(x, y []float32) {
	if len(y) != len(x) {
		panic("kernels: Exp lengths differ")
	}
	exp32.exp(x, y)
}

// ELU sets y = x for x > 0 and y = eˣ − 1 otherwise (the exponential linear
// unit), in float32, to a few units in the last place (see expm1Neg32),
// with the vector kernel this CPU runs best. A NaN in x gives a NaN in y.
// x and y have one length and may be the same slice. ELU runs on the
// calling goroutine.
func ELU(x, y []float32) {
	if len(y) != len(x) {
		panic("kernels: ELU lengths differ")
	}
	exp32.elu(x, y)
}

// ELUGrad sets dx = dy · ELU′(x), written with the output y = ELU(x):
// ELU′ is 1 where y > 0 and eˣ = y + 1 elsewhere, so dx = dy · (min(y, 0) + 1).
// It runs on the calling goroutine.
func ELUGrad(y, dy, dx []float32) {
	if len(dy) != len(y) || len(dx) != len(y) {
		panic("kernels: ELUGrad lengths differ")
	}
	exp32.eluGrad(y, dy, dx)
}

// expKernel implements Exp, ELU and ELUGrad.
type expKernel struct {
	name     string
	exp, elu func(x, y []float32)
	eluGrad  func(y, dy, dx []float32)
}

var exp32 = expKernels()[0]

// goExp is the portable kernel, and the tail of the vector ones. ELU's
// positive part is taken by clearing the bits of negative numbers (their
// sign bit, spread by a shift, is the mask), with no branch on the
// unpredictable sign, plus expm1Neg32 of the negative part.
var goExp = expKernel{name: "go", exp: expGo, elu: eluForwardGo, eluGrad: eluBackwardGo}

func expGo(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = exp32Go(v)
	}
}

func eluForwardGo(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		u := math.Float32bits(v)
		neg := uint32(int32(u) >> 31)
		y[i] = math.Float32frombits(u&^neg) + expm1Neg32(math.Float32frombits(u&neg))
	}
}

func eluBackwardGo(y, dy, dx []float32) {
	dy, dx = dy[:len(y)], dx[:len(y)]
	for i, v := range y {
		u := math.Float32bits(v)
		dx[i] = dy[i] * (math.Float32frombits(u&uint32(int32(u)>>31)) + 1)
	}
}

// expm1Neg32 is eˣ − 1 for x ≤ 0 in float32 arithmetic, to a few units in
// the last place, several times faster than math.Expm1 through float64
// (whose conversions also chain one call to the next): with k = round(x/ln 2)
// and r = x − k ln 2 (|r| ≤ ½ ln 2, ln 2 split in two parts for accuracy),
// eˣ − 1 = 2ᵏ q + (2ᵏ − 1), q = eʳ − 1 by its Taylor polynomial of degree 7
// (the first term left out is below 6e-9). k is rounded by adding 1.5·2²³,
// which leaves k in the low bits of the sum, so no conversion between
// floats and integers is needed. x is clamped at −40, where eˣ − 1 = −1 in
// float32. The vector kernels do the same arithmetic, lane by lane, with
// fused multiply-adds.
func expm1Neg32(x float32) float32 {
	x = max(x, eluClamp)
	t := x*eluInvLn2 + eluRound
	k := t - eluRound
	r := (x - k*eluLn2Hi) - k*eluLn2Lo
	q := r * (1 + r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	s := math.Float32frombits((math.Float32bits(t) - eluBias) << 23) // 2ᵏ: t's bits are those of 1.5·2²³ plus k
	return s*q + (s - 1)
}

// exp32Go is eˣ as Exp defines it, with the reduction of expm1Neg32:
// eˣ = 2ᵏ q + 2ᵏ.
func exp32Go(x float32) float32 {
	switch {
	case x > expHi:
		return float32(math.Inf(1))
	case x < expLo:
		return 0
	case x != x:
		return x
	}
	t := x*eluInvLn2 + eluRound
	k := t - eluRound
	r := (x - k*eluLn2Hi) - k*eluLn2Lo
	q := r * (1 + r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	s := math.Float32frombits((math.Float32bits(t) - eluBias) << 23)
	return s*q + s
}

const (
	eluClamp         = -40
	eluInvLn2        = 1 / math.Ln2
	eluRound         = 12582912.0 // 1.5·2²³
	eluLn2Hi         = 0.693145751953125
	eluLn2Lo         = 1.428606765330187045e-06
	eluBias   uint32 = 0x4B400000 - 127 // the bits of 1.5·2²³ less the exponent bias
	expLo            = -87.3            // 2ᵏ stays a normal number
	expHi            = 88.3             // and finite
)

// eluConsts holds the constants of the vector kernels, each repeated over
// 16 lanes: the ELU clamp, 1/ln 2, 1.5·2²³, the two parts of ln 2, the
// Taylor coefficients 1/7! … 1/2!, 1, the exponent bias (as bits), Exp's
// range and +Inf.
var eluConsts = func() (t [16][16]float32) {
	v := [16]float32{eluClamp, eluInvLn2, eluRound, eluLn2Hi, eluLn2Lo,
		1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 1.0 / 2, 1,
		math.Float32frombits(eluBias), expLo, expHi, float32(math.Inf(1))}
	for i := range t {
		for j := range t[i] {
			t[i][j] = v[i]
		}
	}
	return t
}()

package mollify

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/data"
)

// DefaultMaxSigma is the blur σ, in pixels, at the start of mollification,
// sized for 28×28 images.
const DefaultMaxSigma = 3.0

// MinBlurSigma is the blur σ, in pixels, below which Blur is the identity.
const MinBlurSigma = 0.05

// Blur is the paper's blurring mollifier: a Gaussian blur of each channel
// whose width shrinks with the schedule. Build it with NewBlur or New.
type Blur struct {
	phase
	maxSigma float64
}

// NewBlur returns a blurring mollifier that runs sched over the first
// frac ∈ (0, 1] of training, starting at σ = maxSigma > 0 pixels.
func NewBlur(sched Schedule, frac, maxSigma float64) (Blur, error) {
	if !(maxSigma > 0) || math.IsInf(maxSigma, 1) {
		return Blur{}, fmt.Errorf("mollify: MaxSigma = %v, want a finite MaxSigma > 0", maxSigma)
	}
	p, err := newPhase(sched, frac)
	return Blur{phase: p, maxSigma: maxSigma}, err
}

// Apply blurs each channel of each image of x in place with a Gaussian of
// standard deviation σ = Level(progress) pixels: the blur variance
// σ² = MaxSigma²·s(t) follows the schedule as the noise variance s does for
// Gaussian. The blur is separable, with kernel k(d) ∝ exp(−d²/2σ²) for
// |d| ≤ ⌈3σ⌉ normalised to sum 1, and a mirror boundary (… c b a | a b c …)
// so that a constant image stays constant and the sum of each channel is
// conserved. For σ < MinBlurSigma (and after the phase) x is untouched.
// Blur draws no random numbers; rng may be nil.
func (b Blur) Apply(x data.Images, progress float64, _ *rand.Rand) data.Images {
	gaussianBlur(x, b.Level(progress))
	return x
}

// Level is the blur σ = MaxSigma·√s(t) in pixels, 0 once the phase is over.
func (b Blur) Level(progress float64) float64 {
	s, on := b.level(progress)
	if !on {
		return 0
	}
	return b.maxSigma * math.Sqrt(s)
}

func (b Blur) String() string {
	return fmt.Sprintf("blur(maxSigma=%g,%v)", b.maxSigma, b.phase)
}

// gaussianBlur blurs every H×W plane of x in place with a separable Gaussian
// of standard deviation sigma pixels; sigma < MinBlurSigma is the identity.
func gaussianBlur(x data.Images, sigma float64) {
	if !(sigma >= MinBlurSigma) || x.H == 0 || x.W == 0 {
		return
	}
	k := gaussianKernel(sigma)
	rows, cols := mirrorTaps(x.W, len(k)), mirrorTaps(x.H, len(k))
	plane := x.H * x.W
	tmp := make([]float32, plane)
	for p := 0; p+plane <= len(x.Pix); p += plane {
		img := x.Pix[p : p+plane]
		for y := range x.H {
			convolve(tmp[y*x.W:(y+1)*x.W], img[y*x.W:(y+1)*x.W], 1, k, rows)
		}
		for c := range x.W {
			convolve(img[c:], tmp[c:], x.W, k, cols)
		}
	}
}

// gaussianKernel returns exp(−d²/2σ²)/Z for d = −r … r, r = ⌈3σ⌉, with Z
// making the weights sum to 1.
func gaussianKernel(sigma float64) []float64 {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	z := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		z += k[i]
	}
	for i := range k {
		k[i] /= z
	}
	return k
}

// mirrorTaps returns, for each of n output positions i and each of the m
// kernel taps j (offset d = j − m/2), the source index i+d folded into
// [0, n) by mirror reflection about the pixel edges: −1 → 0, n → n−1, and so
// on periodically (period 2n), so any kernel width works for any n.
func mirrorTaps(n, m int) []int {
	taps := make([]int, n*m)
	r := m / 2
	for i := range n {
		for j := range m {
			q := (i + j - r) % (2 * n)
			if q < 0 {
				q += 2 * n
			}
			if q >= n {
				q = 2*n - 1 - q
			}
			taps[i*m+j] = q
		}
	}
	return taps
}

// convolve writes dst[i·stride] = Σ_j k[j]·src[taps[i·m+j]·stride] for the
// n = len(taps)/len(k) positions of one row or column.
func convolve(dst, src []float32, stride int, k []float64, taps []int) {
	m := len(k)
	for i := range len(taps) / m {
		acc := 0.0
		for j, w := range k {
			acc += w * float64(src[taps[i*m+j]*stride])
		}
		dst[i*stride] = float32(acc)
	}
}

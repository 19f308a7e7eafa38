package nn

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// DiscretizedLogisticLogProb returns, elementwise, the log-probability of x
// under a logistic distribution discretised to bins bins, as in PixelCNN++
// (Salimans et al. 2017). x, mu and logScale have one shape; the output has
// it too.
//
// x holds values in [0, 1] on the grid i/(bins−1). They are mapped to
// x' = 2x − 1 in [−1, 1], and mu and s = exp(logScale) are the location and
// scale of the logistic in that [−1, 1] space (as PixelCNN++'s means and
// log-scales). With the bin half-width δ = 1/(bins−1), the CDF σ((t − mu)/s)
// and the bin edges a = (x' − mu + δ)/s, b = (x' − mu − δ)/s:
//
//	lowest bin  (x = 0):  log P = log σ(a)             = −softplus(−a)
//	highest bin (x = 1):  log P = log(1 − σ(b))        = −softplus(b)
//	other bins:           log P = log(σ(a) − σ(b))
//	                            = a − softplus(a) − softplus(b) + log(−expm1(b − a)),
//
// and where that inner bin probability is below 1e-5 the density at the bin
// centre times the bin width,
//
//	log P = m − logScale − 2·softplus(m) + log 2δ,   m = (x' − mu)/s,
//
// exactly as PixelCNN++ does. Every form is evaluated in float64 without
// cancellation, so large |x' − mu|/s neither overflows nor loses accuracy.
// Gradients flow to mu and logScale, not to x.
func DiscretizedLogisticLogProb(x, mu, logScale *gorgonia.Node, bins int) (*gorgonia.Node, error) {
	ns := []*gorgonia.Node{x, mu, logScale}
	if err := checkNodes("discretized logistic", ns, []string{"x", "mu", "logScale"}, []int{-1, -1, -1}); err != nil {
		return nil, err
	}
	if bins < 2 {
		return nil, fmt.Errorf("nn: discretized logistic: bins = %d, want at least 2", bins)
	}
	if !x.Shape().Eq(mu.Shape()) || !x.Shape().Eq(logScale.Shape()) {
		return nil, fmt.Errorf("nn: discretized logistic: x %v, mu %v and logScale %v must have one shape", x.Shape(), mu.Shape(), logScale.Shape())
	}
	return gorgonia.ApplyOp(dlogisticOp{pureOp: fresh(), bins: bins, dims: x.Dims()}, ns...)
}

// dlogisticOp is DiscretizedLogisticLogProb of tensors of dims dimensions.
type dlogisticOp struct {
	pureOp
	bins, dims int
}

func (op dlogisticOp) Arity() int    { return 3 }
func (op dlogisticOp) Type() hm.Type { return fnType(op.dims, op.dims, op.dims, op.dims) }
func (op dlogisticOp) String() string {
	return fmt.Sprintf("DiscretizedLogisticLogProb(%d bins, %dd)", op.bins, op.dims)
}
func (op dlogisticOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op dlogisticOp) Hashcode() uint32      { return hashOf(op) }
func (op dlogisticOp) DiffWRT(int) []bool    { return []bool{false, true, true} }

func (op dlogisticOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	return sameShapes(op, ds)
}

// sameShapes returns the common shape of op's inputs, or an error.
func sameShapes(op gorgonia.Op, ds []gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	for _, si := range s[1:] {
		if !si.Eq(s[0]) {
			return nil, fmt.Errorf("nn: %v: input shapes %v differ", op, s)
		}
	}
	return s[0].Clone(), nil
}

func (op dlogisticOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(lp []float32, in [][]float32) error {
			dlogisticForward(op.bins, in[0], in[1], in[2], lp)
			return nil
		},
		func(lp []float64, in [][]float64) error {
			dlogisticForward(op.bins, in[0], in[1], in[2], lp)
			return nil
		})
}

// dlogisticForward sets lp to the log-probabilities of x.
func dlogisticForward[T kernels.Float](bins int, x, mu, ls, lp []T) {
	for i := range lp {
		lp[i] = T(dlogistic(bins, float64(x[i]), float64(mu[i]), float64(ls[i])).lp)
	}
}

func (op dlogisticOp) SymDiff(in gorgonia.Nodes, _, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	dmu, err := gorgonia.ApplyOp(dlogisticGradOp{pureOp: fresh(), bins: op.bins, dims: op.dims, wrtScale: false}, in[0], in[1], in[2], dy)
	if err != nil {
		return nil, err
	}
	dls, err := gorgonia.ApplyOp(dlogisticGradOp{pureOp: fresh(), bins: op.bins, dims: op.dims, wrtScale: true}, in[0], in[1], in[2], dy)
	return gorgonia.Nodes{nil, dmu, dls}, err
}

// dlogisticGradOp maps x, mu, logScale and the output gradient dy to
// dy·∂logP/∂mu, or dy·∂logP/∂logScale when wrtScale is set.
type dlogisticGradOp struct {
	pureOp
	bins, dims int
	wrtScale   bool
}

func (op dlogisticGradOp) Arity() int { return 4 }
func (op dlogisticGradOp) Type() hm.Type {
	return fnType(op.dims, op.dims, op.dims, op.dims, op.dims)
}
func (op dlogisticGradOp) String() string {
	return fmt.Sprintf("DiscretizedLogisticGrad(%d bins, %dd, wrt logScale %t)", op.bins, op.dims, op.wrtScale)
}
func (op dlogisticGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op dlogisticGradOp) Hashcode() uint32      { return hashOf(op) }

func (op dlogisticGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	return sameShapes(op, ds)
}

func (op dlogisticGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(g []float32, in [][]float32) error { dlogisticBackward(op, in, g); return nil },
		func(g []float64, in [][]float64) error { dlogisticBackward(op, in, g); return nil })
}

// dlogisticBackward sets g to the gradient of op from in = (x, mu, logScale, dy).
func dlogisticBackward[T kernels.Float](op dlogisticGradOp, in [][]T, g []T) {
	x, mu, ls, dy := in[0], in[1], in[2], in[3]
	for i := range g {
		r := dlogistic(op.bins, float64(x[i]), float64(mu[i]), float64(ls[i]))
		d := r.dmu
		if op.wrtScale {
			d = r.dls
		}
		g[i] = T(float64(dy[i]) * d)
	}
}

// dlogisticResult is log P and its partial derivatives.
type dlogisticResult struct{ lp, dmu, dls float64 }

// minBinLogProb is log 1e-5: below it an inner bin uses the density at its
// centre.
var minBinLogProb = math.Log(1e-5)

// dlogistic returns log P(x) of the discretised logistic (see
// DiscretizedLogisticLogProb) with ∂/∂mu and ∂/∂logScale. With
// inv = exp(−logScale), ∂a/∂mu = ∂b/∂mu = ∂m/∂mu = −inv and
// ∂a/∂logScale = −a (likewise b, m), and
//
//	d log σ(a)/da = σ(−a),   d log(1 − σ(b))/db = −σ(b),
//	∂ log(σ(a) − σ(b))/∂a = σ'(a)/P = exp(a − 2·softplus(a) − log P),
//	∂ log(σ(a) − σ(b))/∂b = −exp(b − 2·softplus(b) − log P),
//	d(m − 2·softplus(m))/dm = 1 − 2σ(m).
func dlogistic(bins int, x, mu, logScale float64) dlogisticResult {
	delta := 1 / float64(bins-1)
	inv := math.Exp(-logScale)
	c := 2*x - 1 - mu
	a, b := inv*(c+delta), inv*(c-delta)
	switch {
	case x < delta/2: // lowest bin: P = σ(a)
		fa := sigmoid(-a)
		return dlogisticResult{lp: -softplus(-a), dmu: -inv * fa, dls: -a * fa}
	case x > 1-delta/2: // highest bin: P = 1 − σ(b)
		fb := -sigmoid(b)
		return dlogisticResult{lp: -softplus(b), dmu: -inv * fb, dls: -b * fb}
	}
	lp := a - softplus(a) - softplus(b) + math.Log(-math.Expm1(b-a))
	if lp >= minBinLogProb {
		fa := math.Exp(a - 2*softplus(a) - lp)
		fb := -math.Exp(b - 2*softplus(b) - lp)
		return dlogisticResult{lp: lp, dmu: -inv * (fa + fb), dls: -(a*fa + b*fb)}
	}
	m := inv * c
	fm := 1 - 2*sigmoid(m)
	return dlogisticResult{lp: m - logScale - 2*softplus(m) + math.Log(2*delta), dmu: -inv * fm, dls: -m*fm - 1}
}

// softplus is log(1 + eᶻ), computed as max(z, 0) + log1p(e^−|z|).
func softplus(z float64) float64 { return max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) }

// sigmoid is 1/(1 + e⁻ᶻ), evaluated without overflow for either sign.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

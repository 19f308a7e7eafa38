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

// Per-example terms of a VAE's bound as single ops: each maps same-shaped
// tensors (B, ...) to one value per example (B), summed in float64, with a
// hand-written gradient, instead of a chain of elementwise ops and a sum.

// BernoulliLogLik returns, per example b,
//
//	Σᵢ xᵢ ℓᵢ − softplus(ℓᵢ) = Σᵢ log p(xᵢ | σ(ℓᵢ))
//
// for logits ℓ and targets x of one shape (B, ...), x in [0, 1]. The
// gradient is ∂/∂ℓᵢ = g_b · (xᵢ − σ(ℓᵢ)); x gets none.
func BernoulliLogLik(logits, x *gorgonia.Node) (*gorgonia.Node, error) {
	return applyPerExample(bernoulliLogLik, logits, x)
}

// WeightedBernoulliLogLik returns, per example b,
//
//	Σᵢ wᵢ (xᵢ ℓᵢ − softplus(ℓᵢ))
//
// for logits ℓ, targets x and weights w of one shape (B, ...): with w a 0/1
// mask, the log-likelihood of the selected values only. The gradient is
// ∂/∂ℓᵢ = g_b wᵢ (xᵢ − σ(ℓᵢ)); x and w get none.
func WeightedBernoulliLogLik(logits, x, w *gorgonia.Node) (*gorgonia.Node, error) {
	return applyPerExample(weightedBernoulliLogLik, logits, x, w)
}

// GaussianKL returns, per example b, the KL divergence of N(μ, diag e^v)
// from N(0, I):
//
//	½ Σⱼ (μⱼ² + e^vⱼ − vⱼ − 1)
//
// for μ and log-variances v of one shape (B, ...). The gradients are
// ∂/∂μⱼ = g_b μⱼ and ∂/∂vⱼ = g_b ½(e^vⱼ − 1).
func GaussianKL(mu, logVar *gorgonia.Node) (*gorgonia.Node, error) {
	return applyPerExample(gaussianKL, mu, logVar)
}

// GaussianKLPair returns, per example b, the KL divergence of
// q = N(μq, diag e^vq) from p = N(μp, diag e^vp):
//
//	½ Σⱼ (vpⱼ − vqⱼ + (e^vqⱼ + (μqⱼ − μpⱼ)²) e^−vpⱼ − 1)
//
// for four inputs of one shape (B, ...). With d = μq − μp and r = e^−vp the
// gradients are ∂/∂μq = g_b d r = −∂/∂μp, ∂/∂vq = g_b ½(e^vq r − 1) and
// ∂/∂vp = g_b ½(1 − (e^vq + d²) r).
func GaussianKLPair(muQ, logVarQ, muP, logVarP *gorgonia.Node) (*gorgonia.Node, error) {
	return applyPerExample(gaussianKLPair, muQ, logVarQ, muP, logVarP)
}

// GaussianLogPdf returns, per example b, the log density of z under
// N(μ, diag e^v):
//
//	−½ Σⱼ ((zⱼ − μⱼ)² e^−vⱼ + vⱼ + log 2π)
//
// for three inputs of one shape (B, ...). With d = z − μ and r = e^−v the
// gradients are ∂/∂z = −g_b d r = −∂/∂μ and ∂/∂v = g_b ½(d² r − 1).
func GaussianLogPdf(z, mu, logVar *gorgonia.Node) (*gorgonia.Node, error) {
	return applyPerExample(gaussianLogPdf, z, mu, logVar)
}

// perExample names a per-example term of same-shaped inputs.
type perExample string

const (
	bernoulliLogLik         perExample = "BernoulliLogLik"         // (ℓ, x)
	weightedBernoulliLogLik perExample = "WeightedBernoulliLogLik" // (ℓ, x, w)
	gaussianKL              perExample = "GaussianKL"              // (μ, v)
	gaussianKLPair          perExample = "GaussianKLPair"          // (μq, vq, μp, vp)
	gaussianLogPdf          perExample = "GaussianLogPdf"          // (z, μ, v)
)

// arity is the number of inputs of the term.
func (k perExample) arity() int {
	switch k {
	case gaussianKLPair:
		return 4
	case gaussianLogPdf, weightedBernoulliLogLik:
		return 3
	}
	return 2
}

var log2Pi = math.Log(2 * math.Pi)

// term is the summand of the term at one element, u holding the inputs.
func (k perExample) term(u *[4]float64) float64 {
	switch k {
	case bernoulliLogLik:
		return u[1]*u[0] - softplus(u[0])
	case weightedBernoulliLogLik:
		return u[2] * (u[1]*u[0] - softplus(u[0]))
	case gaussianKL:
		return 0.5 * (u[0]*u[0] + math.Exp(u[1]) - u[1] - 1)
	case gaussianKLPair:
		d := u[0] - u[2]
		return 0.5 * (u[3] - u[1] + (math.Exp(u[1])+d*d)*math.Exp(-u[3]) - 1)
	default: // gaussianLogPdf
		d := u[0] - u[1]
		return -0.5 * (d*d*math.Exp(-u[2]) + u[2] + log2Pi)
	}
}

// partial is the derivative of the summand with respect to input wrt.
func (k perExample) partial(wrt int, u *[4]float64) float64 {
	switch k {
	case bernoulliLogLik:
		return u[1] - sigmoid(u[0])
	case weightedBernoulliLogLik:
		return u[2] * (u[1] - sigmoid(u[0]))
	case gaussianKL:
		if wrt == 0 {
			return u[0]
		}
		return 0.5 * math.Expm1(u[1])
	case gaussianKLPair:
		d, r := u[0]-u[2], math.Exp(-u[3])
		switch wrt {
		case 0:
			return d * r
		case 1:
			return 0.5 * (math.Exp(u[1])*r - 1)
		case 2:
			return -d * r
		}
		return 0.5 * (1 - (math.Exp(u[1])+d*d)*r)
	default: // gaussianLogPdf
		d, r := u[0]-u[1], math.Exp(-u[2])
		switch wrt {
		case 0:
			return -d * r
		case 1:
			return d * r
		}
		return 0.5 * (d*d*r - 1)
	}
}

// differentiable reports whether input i gets a gradient: every input but
// the Bernoulli targets and weights.
func (k perExample) differentiable(i int) bool {
	return (k != bernoulliLogLik && k != weightedBernoulliLogLik) || i == 0
}

func applyPerExample(kind perExample, ns ...*gorgonia.Node) (*gorgonia.Node, error) {
	names, dims := make([]string, len(ns)), make([]int, len(ns))
	for i := range ns {
		names[i], dims[i] = fmt.Sprintf("input %d", i), -1
	}
	if err := checkNodes(string(kind), ns, names, dims); err != nil {
		return nil, err
	}
	for _, n := range ns[1:] {
		if !n.Shape().Eq(ns[0].Shape()) {
			return nil, fmt.Errorf("nn: %s: inputs %v and %v differ in shape", kind, ns[0].Shape(), n.Shape())
		}
	}
	return gorgonia.ApplyOp(perExampleOp{pureOp: fresh(), kind: kind, dims: ns[0].Dims()}, ns...)
}

// perExampleOp is one of the per-example terms of (B, ...) tensors.
type perExampleOp struct {
	pureOp
	kind perExample
	dims int
}

func (op perExampleOp) Arity() int { return op.kind.arity() }
func (op perExampleOp) Type() hm.Type {
	dims := make([]int, op.Arity()+1)
	for i := range op.Arity() {
		dims[i] = op.dims
	}
	dims[op.Arity()] = 1
	return fnType(dims...)
}
func (op perExampleOp) String() string        { return fmt.Sprintf("%s(%dd)", op.kind, op.dims) }
func (op perExampleOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op perExampleOp) Hashcode() uint32      { return hashOf(op) }

func (op perExampleOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = op.kind.differentiable(i)
	}
	return d
}

// sameShapes checks that the first n shapes of s are equal.
func (op perExampleOp) sameShapes(s []tensor.Shape, n int) error {
	for _, x := range s[1:n] {
		if !x.Eq(s[0]) {
			return fmt.Errorf("nn: %v: inputs %v and %v differ in shape", op, s[0], x)
		}
	}
	return nil
}

func (op perExampleOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if err := op.sameShapes(s, len(s)); err != nil {
		return nil, err
	}
	return tensor.Shape{s[0][0]}, nil
}

func (op perExampleOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(out []float32, in [][]float32) error { perExampleForward(op.kind, in, out); return nil },
		func(out []float64, in [][]float64) error { perExampleForward(op.kind, in, out); return nil })
}

func (op perExampleOp) SymDiff(in gorgonia.Nodes, _, g *gorgonia.Node) (gorgonia.Nodes, error) {
	grads := make(gorgonia.Nodes, len(in))
	args := append(append(gorgonia.Nodes{}, in...), g)
	for i := range in {
		if !op.kind.differentiable(i) {
			continue
		}
		d, err := gorgonia.ApplyOp(perExampleGradOp{op.withCache(), i}, args...)
		if err != nil {
			return nil, err
		}
		grads[i] = d
	}
	return grads, nil
}

// perExampleForward sets out[b] to the term of example b of the inputs in.
// Ranges of examples run in parallel.
func perExampleForward[T kernels.Float](kind perExample, in [][]T, out []T) {
	if in32, ok := any(in).([][]float32); ok && kind.gaussian() {
		gaussianForward32(kind, in32, any(out).([]float32))
		return
	}
	d := len(in[0]) / len(out)
	kernels.ForRanges(len(out), max(1, elementGrain/d), func(lo, hi int) {
		var u [4]float64
		for b := lo; b < hi; b++ {
			var s float64
			for i := b * d; i < (b+1)*d; i++ {
				for j, x := range in {
					u[j] = float64(x[i])
				}
				s += kind.term(&u)
			}
			out[b] = T(s)
		}
	})
}

// withCache returns op with an output cache of its own.
func (op perExampleOp) withCache() perExampleOp {
	op.pureOp = fresh()
	return op
}

// perExampleGradOp is the gradient of a perExampleOp with respect to its
// input wrt, from the inputs and the gradient g (B) of the output.
type perExampleGradOp struct {
	perExampleOp
	wrt int
}

func (op perExampleGradOp) Arity() int { return op.kind.arity() + 1 }
func (op perExampleGradOp) Type() hm.Type {
	dims := make([]int, op.Arity()+1)
	for i := range dims {
		dims[i] = op.dims
	}
	dims[op.Arity()-1] = 1
	return fnType(dims...)
}
func (op perExampleGradOp) String() string {
	return fmt.Sprintf("%sGrad%d(%dd)", op.kind, op.wrt, op.dims)
}
func (op perExampleGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op perExampleGradOp) Hashcode() uint32      { return hashOf(op) }

func (op perExampleGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	n := op.kind.arity()
	if err := op.sameShapes(s, n); err != nil {
		return nil, err
	}
	if g := s[n]; len(g) != 1 || g[0] != s[0][0] {
		return nil, fmt.Errorf("nn: %v: gradient %v does not fit inputs %v", op, g, s[0])
	}
	return s[0].Clone(), nil
}

func (op perExampleGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	n := op.kind.arity()
	return execute(op, vs,
		func(out []float32, in [][]float32) error {
			perExampleBackward(op.kind, op.wrt, in[:n], in[n], out)
			return nil
		},
		func(out []float64, in [][]float64) error {
			perExampleBackward(op.kind, op.wrt, in[:n], in[n], out)
			return nil
		})
}

// perExampleBackward sets d to the gradient with respect to input wrt of
// the inputs in, given the gradient g (B) of the per-example terms. Ranges
// of elements run in parallel.
func perExampleBackward[T kernels.Float](kind perExample, wrt int, in [][]T, g, d []T) {
	if in32, ok := any(in).([][]float32); ok && kind.gaussian() {
		gaussianBackward32(kind, wrt, in32, any(g).([]float32), any(d).([]float32))
		return
	}
	n := len(d) / len(g)
	kernels.ForRanges(len(d), elementGrain, func(lo, hi int) {
		var u [4]float64
		for i := lo; i < hi; i++ {
			for j, x := range in {
				u[j] = float64(x[i])
			}
			d[i] = T(float64(g[i/n]) * kind.partial(wrt, &u))
		}
	})
}

// gaussian reports whether the term is one of the Gaussian ones, which
// have float32 paths through the vector exponential kernels.Exp.
func (k perExample) gaussian() bool {
	return k == gaussianKL || k == gaussianKLPair || k == gaussianLogPdf
}

// expBlock is the number of elements whose exponentials are taken at once
// by the float32 paths: their buffers stay in the first-level cache.
const expBlock = 512

// gaussianForward32 is perExampleForward of a Gaussian term in float32:
// the terms of a block of elements at once (gaussianTerms32), summed per
// example in float64.
func gaussianForward32(kind perExample, in [][]float32, out []float32) {
	d := len(in[0]) / len(out)
	kernels.ForRanges(len(out), max(1, elementGrain/d), func(lo, hi int) {
		var t, e [expBlock]float32
		for b := lo; b < hi; b++ {
			var s float64
			for i := b * d; i < (b+1)*d; i += expBlock {
				n := min(expBlock, (b+1)*d-i)
				gaussianTerms32(kind, in, i, t[:n], e[:n])
				for _, v := range t[:n] {
					s += float64(v)
				}
			}
			out[b] = float32(s)
		}
	})
}

// gaussianTerms32 sets t to the summands of kind at elements i0, i0+1, …
// of the inputs (see perExample.term), using e as scratch:
//
//	GaussianKL       ½ (μ² + eᵛ − v − 1)
//	GaussianKLPair   ½ (vp − vq + e^(vq−vp) + (μq − μp)² e^(−vp) − 1)
//	GaussianLogPdf   −½ ((z − μ)² e^(−v) + v + log 2π)
func gaussianTerms32(kind perExample, in [][]float32, i0 int, t, e []float32) {
	n := len(t)
	switch kind {
	case gaussianKL:
		mu, v := in[0][i0:i0+n], in[1][i0:i0+n]
		kernels.Exp(v, e)
		for i := range t {
			t[i] = 0.5 * (mu[i]*mu[i] + e[i] - v[i] - 1)
		}
	case gaussianKLPair:
		muQ, vQ, muP, vP := in[0][i0:i0+n], in[1][i0:i0+n], in[2][i0:i0+n], in[3][i0:i0+n]
		for i := range t {
			t[i], e[i] = vQ[i]-vP[i], -vP[i]
		}
		kernels.Exp(t, t)
		kernels.Exp(e, e)
		for i := range t {
			d := muQ[i] - muP[i]
			t[i] = 0.5 * (vP[i] - vQ[i] + t[i] + d*d*e[i] - 1)
		}
	default: // gaussianLogPdf
		z, mu, v := in[0][i0:i0+n], in[1][i0:i0+n], in[2][i0:i0+n]
		for i := range e {
			e[i] = -v[i]
		}
		kernels.Exp(e, e)
		l2p := float32(log2Pi)
		for i := range t {
			d := z[i] - mu[i]
			t[i] = -0.5 * (d*d*e[i] + v[i] + l2p)
		}
	}
}

// gaussianBackward32 is perExampleBackward of a Gaussian term in float32:
// the partials of a block of elements at once (gaussianPartials32), then
// scaled by each example's gradient.
func gaussianBackward32(kind perExample, wrt int, in [][]float32, g, d []float32) {
	n := len(d) / len(g)
	kernels.ForRanges(len(d), elementGrain, func(lo, hi int) {
		var e1, e2 [expBlock]float32
		for i := lo; i < hi; i += expBlock {
			m := min(expBlock, hi-i)
			gaussianPartials32(kind, wrt, in, i, d[i:i+m], e1[:m], e2[:m])
		}
		for b := lo / n; b*n < hi; b++ {
			seg := d[max(lo, b*n):min(hi, (b+1)*n)]
			for j := range seg {
				seg[j] *= g[b]
			}
		}
	})
}

// gaussianPartials32 sets p to the partials of the summands of kind with
// respect to input wrt at elements i0, i0+1, … (see perExample.partial),
// using e1 and e2 as scratch; with d = μq − μp (KL pair) or z − μ (log pdf):
//
//	GaussianKL       μ;  ½ (eᵛ − 1)
//	GaussianKLPair   d e^(−vp);  ½ (e^(vq−vp) − 1);  −d e^(−vp);  ½ (1 − e^(vq−vp) − d² e^(−vp))
//	GaussianLogPdf   −d e^(−v);  d e^(−v);  ½ (d² e^(−v) − 1)
func gaussianPartials32(kind perExample, wrt int, in [][]float32, i0 int, p, e1, e2 []float32) {
	n := len(p)
	x := func(j int) []float32 { return in[j][i0 : i0+n] }
	neg := func(dst, src []float32) {
		for i, v := range src {
			dst[i] = -v
		}
		kernels.Exp(dst, dst)
	}
	switch {
	case kind == gaussianKL && wrt == 0:
		copy(p, x(0))
	case kind == gaussianKL:
		kernels.Exp(x(1), p)
		for i := range p {
			p[i] = 0.5 * (p[i] - 1)
		}
	case kind == gaussianKLPair && wrt == 1:
		vQ, vP := x(1), x(3)
		for i := range p {
			p[i] = vQ[i] - vP[i]
		}
		kernels.Exp(p, p)
		for i := range p {
			p[i] = 0.5 * (p[i] - 1)
		}
	case kind == gaussianKLPair:
		muQ, vQ, muP, vP := x(0), x(1), x(2), x(3)
		neg(e2, vP)
		switch wrt {
		case 0, 2:
			sign := float32(1 - wrt) // +1 for μq, −1 for μp
			for i := range p {
				p[i] = sign * (muQ[i] - muP[i]) * e2[i]
			}
		default:
			for i := range e1 {
				e1[i] = vQ[i] - vP[i]
			}
			kernels.Exp(e1, e1)
			for i := range p {
				d := muQ[i] - muP[i]
				p[i] = 0.5 * (1 - e1[i] - d*d*e2[i])
			}
		}
	default: // gaussianLogPdf
		z, mu := x(0), x(1)
		neg(e2, x(2))
		for i := range p {
			d := z[i] - mu[i]
			switch wrt {
			case 0:
				p[i] = -d * e2[i]
			case 1:
				p[i] = d * e2[i]
			default:
				p[i] = 0.5 * (d*d*e2[i] - 1)
			}
		}
	}
}

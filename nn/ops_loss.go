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

// Per-example likelihood terms of a VAE as single ops: each maps tensors of
// shape (B, ...) to one value per example (B), summed in float64, with a
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

// perExample names a per-example term of two same-shaped inputs.
type perExample string

const (
	bernoulliLogLik perExample = "BernoulliLogLik"
	gaussianKL      perExample = "GaussianKL"
)

func applyPerExample(kind perExample, a, b *gorgonia.Node) (*gorgonia.Node, error) {
	if err := checkNodes(string(kind), []*gorgonia.Node{a, b}, []string{"a", "b"}, []int{-1, -1}); err != nil {
		return nil, err
	}
	if !a.Shape().Eq(b.Shape()) {
		return nil, fmt.Errorf("nn: %s: inputs %v and %v differ in shape", kind, a.Shape(), b.Shape())
	}
	return gorgonia.ApplyOp(perExampleOp{pureOp: fresh(), kind: kind, dims: a.Dims()}, a, b)
}

// perExampleOp is one of the per-example terms of two (B, ...) tensors.
type perExampleOp struct {
	pureOp
	kind perExample
	dims int
}

func (op perExampleOp) Arity() int            { return 2 }
func (op perExampleOp) Type() hm.Type         { return fnType(op.dims, op.dims, 1) }
func (op perExampleOp) String() string        { return fmt.Sprintf("%s(%dd)", op.kind, op.dims) }
func (op perExampleOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op perExampleOp) Hashcode() uint32      { return hashOf(op) }

func (op perExampleOp) DiffWRT(int) []bool {
	return []bool{true, op.kind == gaussianKL}
}

func (op perExampleOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	if !s[0].Eq(s[1]) {
		return nil, fmt.Errorf("nn: %v: inputs %v and %v differ in shape", op, s[0], s[1])
	}
	return tensor.Shape{s[0][0]}, nil
}

func (op perExampleOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(out []float32, in [][]float32) error { perExampleForward(op.kind, in[0], in[1], out); return nil },
		func(out []float64, in [][]float64) error { perExampleForward(op.kind, in[0], in[1], out); return nil })
}

func (op perExampleOp) SymDiff(in gorgonia.Nodes, _, g *gorgonia.Node) (gorgonia.Nodes, error) {
	da, err := gorgonia.ApplyOp(perExampleGradOp{op.withCache(), 0}, in[0], in[1], g)
	if err != nil || op.kind != gaussianKL {
		return gorgonia.Nodes{da, nil}, err
	}
	db, err := gorgonia.ApplyOp(perExampleGradOp{op.withCache(), 1}, in[0], in[1], g)
	return gorgonia.Nodes{da, db}, err
}

// perExampleForward sets out[b] to the term of example b of a and c.
// Ranges of examples run in parallel.
func perExampleForward[T kernels.Float](kind perExample, a, c, out []T) {
	d := len(a) / len(out)
	kernels.ForRanges(len(out), max(1, elementGrain/d), func(lo, hi int) {
		for b := lo; b < hi; b++ {
			var s float64
			for i, av := range a[b*d : (b+1)*d] {
				u, v := float64(av), float64(c[b*d+i])
				if kind == bernoulliLogLik {
					s += v*u - softplus(u)
				} else {
					s += u*u + math.Exp(v) - v - 1
				}
			}
			if kind == gaussianKL {
				s /= 2
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

func (op perExampleGradOp) Arity() int    { return 3 }
func (op perExampleGradOp) Type() hm.Type { return fnType(op.dims, op.dims, 1, op.dims) }
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
	if !s[0].Eq(s[1]) || len(s[2]) != 1 || s[2][0] != s[0][0] {
		return nil, fmt.Errorf("nn: %v: inputs %v, %v and gradient %v do not fit", op, s[0], s[1], s[2])
	}
	return s[0].Clone(), nil
}

func (op perExampleGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	return execute(op, vs,
		func(out []float32, in [][]float32) error {
			perExampleBackward(op.kind, op.wrt, in[0], in[1], in[2], out)
			return nil
		},
		func(out []float64, in [][]float64) error {
			perExampleBackward(op.kind, op.wrt, in[0], in[1], in[2], out)
			return nil
		})
}

// perExampleBackward sets d to the gradient with respect to input wrt.
// Ranges of elements run in parallel.
func perExampleBackward[T kernels.Float](kind perExample, wrt int, a, c, g, d []T) {
	n := len(a) / len(g)
	kernels.ForRanges(len(d), elementGrain, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			gb, u, v := float64(g[i/n]), float64(a[i]), float64(c[i])
			switch {
			case kind == bernoulliLogLik:
				d[i] = T(gb * (v - sigmoid(u)))
			case wrt == 0:
				d[i] = T(gb * u)
			default:
				d[i] = T(gb * 0.5 * math.Expm1(v))
			}
		}
	})
}

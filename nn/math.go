package nn

import (
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Elementwise binary ops of same-shaped nodes (or a scalar and a tensor).

// Add returns a + b.
func (g *Graph) Add(a, b *Node) *Node {
	if !g.ok("add", a, b) {
		return nil
	}
	n, err := gorgonia.Add(a, b)
	return g.wrap("add", n, err)
}

// Sub returns a − b.
func (g *Graph) Sub(a, b *Node) *Node {
	if !g.ok("sub", a, b) {
		return nil
	}
	n, err := gorgonia.Sub(a, b)
	return g.wrap("sub", n, err)
}

// Mul returns the elementwise product a ⊙ b.
func (g *Graph) Mul(a, b *Node) *Node {
	if !g.ok("mul", a, b) {
		return nil
	}
	n, err := gorgonia.HadamardProd(a, b)
	return g.wrap("mul", n, err)
}

// Scale returns c·a for a constant c.
func (g *Graph) Scale(a *Node, c float32) *Node {
	if !g.ok("scale", a) {
		return nil
	}
	n, err := gorgonia.Mul(a, gorgonia.NewConstant(c))
	return g.wrap("scale", n, err)
}

// Shift returns a + c for a constant c.
func (g *Graph) Shift(a *Node, c float32) *Node {
	if !g.ok("shift", a) {
		return nil
	}
	n, err := gorgonia.Add(a, gorgonia.NewConstant(c))
	return g.wrap("shift", n, err)
}

// Affine returns x·w + b for x (B, In), w (In, Out) and b (Out).
func (g *Graph) Affine(x, w, b *Node) *Node {
	if !g.ok("affine", x, w, b) {
		return nil
	}
	n, err := Affine(x, w, b)
	return g.wrap("affine", n, err)
}

// unary applies a gorgonia unary op with sticky errors.
func (g *Graph) unary(name string, f func(*Node) (*Node, error), a *Node) *Node {
	if !g.ok(name, a) {
		return nil
	}
	n, err := f(a)
	return g.wrap(name, n, err)
}

// Exp returns eᵃ elementwise.
func (g *Graph) Exp(a *Node) *Node { return g.unary("exp", gorgonia.Exp, a) }

// Log returns ln a elementwise.
func (g *Graph) Log(a *Node) *Node { return g.unary("log", gorgonia.Log, a) }

// Square returns a² elementwise.
func (g *Graph) Square(a *Node) *Node { return g.unary("square", gorgonia.Square, a) }

// Neg returns −a.
func (g *Graph) Neg(a *Node) *Node { return g.unary("neg", gorgonia.Neg, a) }

// ReLU returns max(a, 0) elementwise.
func (g *Graph) ReLU(a *Node) *Node { return g.unary("relu", ReLU, a) }

// ELU returns a for a > 0 and eᵃ − 1 otherwise (Clevert et al. 2016, α = 1).
func (g *Graph) ELU(a *Node) *Node { return g.unary("elu", ELU, a) }

// Reshape returns a viewed with a new shape of the same size.
func (g *Graph) Reshape(a *Node, shape ...int) *Node {
	if !g.ok("reshape", a) {
		return nil
	}
	n, err := gorgonia.Reshape(a, tensor.Shape(shape))
	return g.wrap("reshape", n, err)
}

// Sum sums a over the given axes (all axes when none are given).
func (g *Graph) Sum(a *Node, axes ...int) *Node {
	if !g.ok("sum", a) {
		return nil
	}
	n, err := gorgonia.Sum(a, axes...)
	return g.wrap("sum", n, err)
}

// Mean averages a over the given axes (all axes when none are given).
func (g *Graph) Mean(a *Node, axes ...int) *Node {
	if !g.ok("mean", a) {
		return nil
	}
	n, err := gorgonia.Mean(a, axes...)
	return g.wrap("mean", n, err)
}

// SumPerExample sums every axis but the first: (B, ...) → (B).
func (g *Graph) SumPerExample(a *Node) *Node {
	if !g.ok("sum-per-example", a) {
		return nil
	}
	shape := a.Shape()
	if len(shape) == 1 {
		return a
	}
	flat := g.Reshape(a, shape[0], shape.TotalSize()/shape[0])
	return g.Sum(flat, 1)
}

// Cols returns columns [from, to) of a 2-D node.
func (g *Graph) Cols(a *Node, from, to int) *Node {
	if !g.ok("cols", a) {
		return nil
	}
	n, err := gorgonia.Slice(a, nil, gorgonia.S(from, to))
	// gorgonia drops an axis sliced to length 1; keep it.
	return g.Reshape(g.wrap("cols", n, err), a.Shape()[0], to-from)
}

// Conv2d convolves x (N,C,H,W), upsampled by up when up > 1, with
// w (K,C,KH,KW), adds b (K) when not nil, and returns (N,K,OH,OW).
func (g *Graph) Conv2d(x, w, b *Node, stride, pad [2]int, up int) *Node {
	if !g.ok("conv2d", x, w) {
		return nil
	}
	n, err := Conv2d(x, w, b, stride, pad, up)
	return g.wrap("conv2d", n, err)
}

// Upsample repeats every pixel of x (N,C,H,W) into a factor×factor block.
func (g *Graph) Upsample(x *Node, factor int) *Node {
	if !g.ok("upsample", x) {
		return nil
	}
	n, err := UpsampleNearest(x, factor)
	return g.wrap("upsample", n, err)
}

// LogSumExp returns log Σ exp over axis, computed stably; the axis is removed.
func (g *Graph) LogSumExp(a *Node, axis int) *Node {
	if !g.ok("logsumexp", a) {
		return nil
	}
	n, err := LogSumExp(a, axis)
	return g.wrap("logsumexp", n, err)
}

// RepeatRows maps (B, ...) to (B·k, ...), row b·k+j a copy of row b.
func (g *Graph) RepeatRows(a *Node, k int) *Node {
	if !g.ok("repeat-rows", a) {
		return nil
	}
	n, err := RepeatRows(a, k)
	return g.wrap("repeat-rows", n, err)
}

// Channels returns channels [from, to) of an (N, C, H, W) node.
func (g *Graph) Channels(a *Node, from, to int) *Node {
	if !g.ok("channels", a) {
		return nil
	}
	n, err := Channels(a, from, to)
	return g.wrap("channels", n, err)
}

// Concat joins tensors (N, Cᵢ, …) along the channel axis into (N, Σ Cᵢ, …).
func (g *Graph) Concat(xs ...*Node) *Node {
	if !g.ok("concat", xs...) {
		return nil
	}
	n, err := Concat(xs...)
	return g.wrap("concat", n, err)
}

// DiscretizedLogistic returns, elementwise, log P(x) for x ∈ [0, 1] on the
// grid k/(bins−1) under a logistic discretised to bins bins whose location
// loc and scale exp(logScale) live in the [−1, 1] space of 2x − 1, as in
// PixelCNN++ (see DiscretizedLogisticLogProb).
func (g *Graph) DiscretizedLogistic(x, loc, logScale *Node, bins int) *Node {
	if !g.ok("discretized-logistic", x, loc, logScale) {
		return nil
	}
	n, err := DiscretizedLogisticLogProb(x, loc, logScale, bins)
	return g.wrap("discretized-logistic", n, err)
}

// BernoulliLogLik returns Σᵢ xᵢℓᵢ − softplus(ℓᵢ) per example (B) for logits
// and targets of shape (B, ...).
func (g *Graph) BernoulliLogLik(logits, x *Node) *Node {
	if !g.ok("bernoulli-loglik", logits, x) {
		return nil
	}
	n, err := BernoulliLogLik(logits, x)
	return g.wrap("bernoulli-loglik", n, err)
}

// WeightedBernoulliLogLik returns Σᵢ wᵢ(xᵢℓᵢ − softplus(ℓᵢ)) per example (B)
// for logits, targets and weights of shape (B, ...).
func (g *Graph) WeightedBernoulliLogLik(logits, x, w *Node) *Node {
	if !g.ok("weighted-bernoulli-loglik", logits, x, w) {
		return nil
	}
	n, err := WeightedBernoulliLogLik(logits, x, w)
	return g.wrap("weighted-bernoulli-loglik", n, err)
}

// GaussianKLPair returns KL(N(μq, diag e^vq) ‖ N(μp, diag e^vp)) per example
// (B) for inputs of shape (B, ...).
func (g *Graph) GaussianKLPair(muQ, logVarQ, muP, logVarP *Node) *Node {
	if !g.ok("gaussian-kl-pair", muQ, logVarQ, muP, logVarP) {
		return nil
	}
	n, err := GaussianKLPair(muQ, logVarQ, muP, logVarP)
	return g.wrap("gaussian-kl-pair", n, err)
}

// GaussianLogPdf returns log N(z; μ, diag e^v) per example (B) for inputs
// of shape (B, ...).
func (g *Graph) GaussianLogPdf(z, mu, logVar *Node) *Node {
	if !g.ok("gaussian-logpdf", z, mu, logVar) {
		return nil
	}
	n, err := GaussianLogPdf(z, mu, logVar)
	return g.wrap("gaussian-logpdf", n, err)
}

// GaussianKL returns KL(N(μ, diag e^v) ‖ N(0, I)) per example (B) for μ and
// log-variances v of shape (B, ...).
func (g *Graph) GaussianKL(mu, logVar *Node) *Node {
	if !g.ok("gaussian-kl", mu, logVar) {
		return nil
	}
	n, err := GaussianKL(mu, logVar)
	return g.wrap("gaussian-kl", n, err)
}

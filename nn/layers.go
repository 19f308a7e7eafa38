package nn

import (
	"math"
	"math/rand/v2"
)

// Dense is an affine map y = x·W + b of x (B, In) to y (B, Out).
type Dense struct {
	W, B    *Param // W (In, Out), B (Out)
	In, Out int
}

// NewDense adds the parameters "<name>.w" and "<name>.b" to ps, with W drawn
// from N(0, gain²/In) and b = 0.
func NewDense(ps *Params, name string, in, out int, gain float64, rng *rand.Rand) *Dense {
	d := &Dense{W: ps.Add(name+".w", in, out), B: ps.Add(name+".b", out), In: in, Out: out}
	HeNormal(d.W.Data, in, gain, rng)
	return d
}

// Apply returns x·W + b.
func (d *Dense) Apply(g *Graph, x *Node) *Node {
	return g.Affine(x, g.Param(d.W), g.Param(d.B))
}

// Conv is a 2-D convolution with bias: y[n,k] = b[k] + Σ_c w[k,c] ⋆ x[n,c],
// with the given stride and zero padding, of x upsampled by nearest
// neighbour when Up > 1.
type Conv struct {
	W, B        *Param // W (Out, In, KH, KW), B (Out)
	Stride, Pad [2]int
	Up          int
}

// NewConv adds "<name>.w" and "<name>.b" for a k×k convolution from in to out
// channels, W drawn from N(0, gain²/(in·k·k)) and b = 0.
func NewConv(ps *Params, name string, in, out, k, stride, pad int, gain float64, rng *rand.Rand) *Conv {
	c := &Conv{
		W:      ps.Add(name+".w", out, in, k, k),
		B:      ps.Add(name+".b", out),
		Stride: [2]int{stride, stride},
		Pad:    [2]int{pad, pad},
	}
	HeNormal(c.W.Data, in*k*k, gain, rng)
	return c
}

// Apply convolves x (N, In, H, W).
func (c *Conv) Apply(g *Graph, x *Node) *Node {
	return g.Conv2d(x, g.Param(c.W), g.Param(c.B), c.Stride, c.Pad, c.Up)
}

// Gains for HeNormal: √2 before a ReLU-like unit, 1 before a linear output.
var (
	GainReLU   = math.Sqrt2
	GainLinear = 1.0
)

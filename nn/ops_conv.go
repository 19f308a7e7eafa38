package nn

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/kernels"
)

// Conv2d convolves x (N, C, H, W) with the filters w (K, C, KH, KW) and
// adds the bias b (K) when b is not nil, returning y (N, K, OH, OW) in NCHW:
//
//	y[n,k,i,j] = b[k] + Σ_{c,p,q} w[k,c,p,q] · x[n, c, i·sh − ph + p, j·sw − pw + q]
//
// with stride (sh, sw), zero padding pad = (ph, pw) on each side, and
// OH = (H + 2ph − KH)/sh + 1, OW = (W + 2pw − KW)/sw + 1. With up > 1 the
// convolution reads x upsampled by nearest neighbour, x[n, c, h/up, v/up]
// over (H·up, W·up), without making the upsampled tensor. Gradients with
// respect to x, w and b are the kernels' backward convolutions.
func Conv2d(x, w, b *gorgonia.Node, stride, pad [2]int, up int) (*gorgonia.Node, error) {
	ns, names, dims := []*gorgonia.Node{x, w}, []string{"x", "w"}, []int{4, 4}
	if b != nil {
		ns, names, dims = append(ns, b), append(names, "b"), append(dims, 1)
	}
	if err := checkNodes("conv2d", ns, names, dims); err != nil {
		return nil, err
	}
	if up < 0 {
		return nil, fmt.Errorf("nn: conv2d: negative upsampling factor %d", up)
	}
	op := conv2dOp{pureOp: fresh(), stride: stride, pad: pad, up: max(up, 1), bias: b != nil, kept: new(phasedCache)}
	shapes := []gorgonia.DimSizer{x.Shape(), w.Shape()}
	if b != nil {
		shapes = append(shapes, b.Shape())
	}
	if _, err := op.InferShape(shapes...); err != nil {
		return nil, err
	}
	return gorgonia.ApplyOp(op, ns...)
}

// conv2dOp is Conv2d: inputs x, w and, if bias, b. Its forward pass keeps
// the phased copy of x in kept for the filter gradient of the same run.
type conv2dOp struct {
	pureOp
	stride, pad [2]int
	up          int // nearest-neighbour upsampling of x, ≥ 1
	bias        bool
	kept        *phasedCache
}

// phasedCache carries the phased images of a convolution's input (see
// kernels.PhasedSize) from the forward op to its filter-gradient op, which
// then need not phase the input again. The filter-gradient op takes the
// forward output as an input, so it always runs after the forward op of the
// same run; it uses the images only if they were made from the very x it
// gets.
type phasedCache struct {
	wanted bool // a filter-gradient op reads the cache
	buf    any  // []float32 or []float64
	from   any  // *float32 or *float64: the first element of the x they were made from
}

// keep returns the cache's buffer of n elements for images of x, allocating
// it on first use, or nil when no filter gradient wants them (a graph
// without gradients, where phasing into per-goroutine scratch that stays in
// cache is faster).
func keep[T kernels.Float](c *phasedCache, x []T, n int) []T {
	if !c.wanted {
		return nil
	}
	buf, ok := c.buf.([]T)
	if !ok || len(buf) != n {
		buf = make([]T, n)
		c.buf = buf
	}
	c.from = &x[0]
	return buf
}

// kept returns the cached images if they were made from x, else nil.
func kept[T kernels.Float](c *phasedCache, x []T, n int) []T {
	buf, ok := c.buf.([]T)
	if from, _ := c.from.(*T); !ok || len(buf) != n || from != &x[0] {
		return nil
	}
	return buf
}

func (op conv2dOp) Arity() int {
	if op.bias {
		return 3
	}
	return 2
}

func (op conv2dOp) Type() hm.Type {
	if op.bias {
		return fnType(4, 4, 1, 4)
	}
	return fnType(4, 4, 4)
}

func (op conv2dOp) String() string {
	return fmt.Sprintf("Conv2d(stride %v, pad %v, up %d, bias %t)", op.stride, op.pad, op.up, op.bias)
}
func (op conv2dOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op conv2dOp) Hashcode() uint32      { return hashOf(op) }
func (op conv2dOp) DiffWRT(n int) []bool  { return []bool{true, true, true}[:n] }

// geom returns the convolution geometry of x and w, or why they do not fit.
func (op conv2dOp) geom(x, w tensor.Shape) (kernels.ConvGeom, error) {
	if len(x) != 4 || len(w) != 4 {
		return kernels.ConvGeom{}, fmt.Errorf("nn: %v: x %v and w %v must have 4 dimensions", op, x, w)
	}
	if x[1] != w[1] {
		return kernels.ConvGeom{}, fmt.Errorf("nn: %v: x %v has %d channels but w %v expects %d", op, x, x[1], w, w[1])
	}
	g := kernels.ConvGeom{N: x[0], C: x[1], H: x[2] * op.up, W: x[3] * op.up, K: w[0], KH: w[2], KW: w[3],
		SH: op.stride[0], SW: op.stride[1], PH: op.pad[0], PW: op.pad[1], Up: op.up}
	if err := g.Validate(); err != nil {
		return g, fmt.Errorf("nn: %v of x %v with w %v: %w", op, x, w, err)
	}
	return g, nil
}

func (op conv2dOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	g, err := op.geom(s[0], s[1])
	if err != nil {
		return nil, err
	}
	if op.bias && (len(s[2]) != 1 || s[2][0] != g.K) {
		return nil, fmt.Errorf("nn: %v: bias has shape %v, want (%d)", op, s[2], g.K)
	}
	return tensor.Shape{g.N, g.K, g.OutH(), g.OutW()}, nil
}

func (op conv2dOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) < 2 {
		return nil, fmt.Errorf("nn: %v: got %d inputs", op, len(vs))
	}
	g, err := op.geom(vs[0].Shape(), vs[1].Shape())
	if err != nil {
		return nil, err
	}
	n := g.N * kernels.PhasedSize(g)
	return execute(op, vs,
		func(y []float32, in [][]float32) error {
			return kernels.Conv2DForward(g, in[0], in[1], bias(in), y, keep(op.kept, in[0], n))
		},
		func(y []float64, in [][]float64) error {
			return kernels.Conv2DForward(g, in[0], in[1], bias(in), y, keep(op.kept, in[0], n))
		})
}

// bias returns the third input, or nil when there are two.
func bias[T kernels.Float](in [][]T) []T {
	if len(in) < 3 {
		return nil
	}
	return in[2]
}

// SymDiff returns dx = conv2dDataGrad(w, dy), dw = conv2dFilterGrad(x, dy)
// and, with a bias, db = conv2dBiasGrad(dy).
func (op conv2dOp) SymDiff(in gorgonia.Nodes, y, dy *gorgonia.Node) (gorgonia.Nodes, error) {
	x, w := in[0].Shape(), in[1].Shape()
	dx, err := gorgonia.ApplyOp(conv2dDataGradOp{pureOp: fresh(), stride: op.stride, pad: op.pad, up: op.up, h: x[2], w: x[3]}, in[1], dy)
	if err != nil {
		return nil, err
	}
	op.kept.wanted = true
	dw, err := gorgonia.ApplyOp(conv2dFilterGradOp{pureOp: fresh(), stride: op.stride, pad: op.pad, up: op.up, kh: w[2], kw: w[3], kept: op.kept}, in[0], dy, y)
	if err != nil {
		return nil, err
	}
	if !op.bias {
		return gorgonia.Nodes{dx, dw}, nil
	}
	db, err := gorgonia.ApplyOp(biasGradOp{pureOp: fresh(), dims: 4}, dy)
	return gorgonia.Nodes{dx, dw, db}, err
}

// conv2dDataGradOp is dx (N, C, h, w) of a convolution with the given
// stride, padding and upsampling, from its filters w (K, C, KH, KW) and the output
// gradient dy (N, K, OH, OW). The input size (h, w) is a parameter because
// a strided convolution maps several sizes to the same output size.
type conv2dDataGradOp struct {
	pureOp
	stride, pad [2]int
	up, h, w    int
}

func (op conv2dDataGradOp) Arity() int    { return 2 }
func (op conv2dDataGradOp) Type() hm.Type { return fnType(4, 4, 4) }
func (op conv2dDataGradOp) String() string {
	return fmt.Sprintf("Conv2dDataGrad(stride %v, pad %v, up %d, input %dx%d)", op.stride, op.pad, op.up, op.h, op.w)
}
func (op conv2dDataGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op conv2dDataGradOp) Hashcode() uint32      { return hashOf(op) }

// geom returns the forward geometry of filters w and output gradient dy.
func (op conv2dDataGradOp) geom(w, dy tensor.Shape) (kernels.ConvGeom, error) {
	if len(w) != 4 || len(dy) != 4 {
		return kernels.ConvGeom{}, fmt.Errorf("nn: %v: w %v and dy %v must have 4 dimensions", op, w, dy)
	}
	fwd := conv2dOp{stride: op.stride, pad: op.pad, up: op.up}
	g, err := fwd.geom(tensor.Shape{dy[0], w[1], op.h, op.w}, w)
	if err == nil && (dy[1] != g.K || dy[2] != g.OutH() || dy[3] != g.OutW()) {
		err = fmt.Errorf("nn: %v: dy %v does not match w %v", op, dy, w)
	}
	return g, err
}

func (op conv2dDataGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	g, err := op.geom(s[0], s[1])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{g.N, g.C, g.H / op.up, g.W / op.up}, nil
}

func (op conv2dDataGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 2 {
		return nil, fmt.Errorf("nn: %v: got %d inputs, want 2", op, len(vs))
	}
	g, err := op.geom(vs[0].Shape(), vs[1].Shape())
	if err != nil {
		return nil, err
	}
	return execute(op, vs,
		func(dx []float32, in [][]float32) error { return kernels.Conv2DBackwardData(g, in[1], in[0], dx) },
		func(dx []float64, in [][]float64) error { return kernels.Conv2DBackwardData(g, in[1], in[0], dx) })
}

// conv2dFilterGradOp is dw (K, C, kh, kw) of a convolution with the given
// stride, padding and upsampling, from its input x (N, C, H, W) and output gradient
// dy (N, K, OH, OW). Its third input, the forward output y, only orders it
// after the forward op, whose phased images it reads from kept.
type conv2dFilterGradOp struct {
	pureOp
	stride, pad [2]int
	up, kh, kw  int
	kept        *phasedCache
}

func (op conv2dFilterGradOp) Arity() int    { return 3 }
func (op conv2dFilterGradOp) Type() hm.Type { return fnType(4, 4, 4, 4) }
func (op conv2dFilterGradOp) String() string {
	return fmt.Sprintf("Conv2dFilterGrad(stride %v, pad %v, up %d, filter %dx%d)", op.stride, op.pad, op.up, op.kh, op.kw)
}
func (op conv2dFilterGradOp) WriteHash(h hash.Hash) { writeHash(h, op) }
func (op conv2dFilterGradOp) Hashcode() uint32      { return hashOf(op) }

// geom returns the forward geometry of input x and output gradient dy.
func (op conv2dFilterGradOp) geom(x, dy tensor.Shape) (kernels.ConvGeom, error) {
	if len(x) != 4 || len(dy) != 4 {
		return kernels.ConvGeom{}, fmt.Errorf("nn: %v: x %v and dy %v must have 4 dimensions", op, x, dy)
	}
	fwd := conv2dOp{stride: op.stride, pad: op.pad, up: op.up}
	g, err := fwd.geom(x, tensor.Shape{dy[1], x[1], op.kh, op.kw})
	if err == nil && (dy[0] != g.N || dy[2] != g.OutH() || dy[3] != g.OutW()) {
		err = fmt.Errorf("nn: %v: dy %v does not match x %v", op, dy, x)
	}
	return g, err
}

func (op conv2dFilterGradOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	s, err := shapeArgs(op, ds)
	if err != nil {
		return nil, err
	}
	g, err := op.geom(s[0], s[1])
	if err != nil {
		return nil, err
	}
	return tensor.Shape{g.K, g.C, g.KH, g.KW}, nil
}

func (op conv2dFilterGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 3 {
		return nil, fmt.Errorf("nn: %v: got %d inputs, want 3", op, len(vs))
	}
	g, err := op.geom(vs[0].Shape(), vs[1].Shape())
	if err != nil {
		return nil, err
	}
	n := g.N * kernels.PhasedSize(g)
	return execute(op, vs,
		func(dw []float32, in [][]float32) error {
			return kernels.Conv2DBackwardFilter(g, in[0], in[1], dw, nil, kept(op.kept, in[0], n))
		},
		func(dw []float64, in [][]float64) error {
			return kernels.Conv2DBackwardFilter(g, in[0], in[1], dw, nil, kept(op.kept, in[0], n))
		})
}

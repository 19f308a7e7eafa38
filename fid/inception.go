package fid

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/kernels"
)

// Tensor is one array of a state dict: its shape and values.
type Tensor struct {
	Shape []int
	Data  []float32
}

// StateDict maps the parameter names of a network, as PyTorch names them,
// to their values.
type StateDict map[string]Tensor

// bnEps is the BatchNorm ε of the FID Inception.
const bnEps = 0.001

// InceptionSize is the side of the images the FID Inception reads.
const InceptionSize = 299

// FeatureDims are the feature sizes Inception.Features gives, as
// pytorch-fid's --dims: 64 (after the first max pool), 192 (after the
// second), 768 (after Mixed_6e) and 2048 (pool3, the FID standard), each
// the spatial mean of its maps.
var FeatureDims = []int{64, 192, 768, 2048}

// Inception is the FID Inception-v3 network exactly as pytorch-fid defines
// it (FIDInceptionA/C/E_1/E_2 in its inception.py, after the TensorFlow
// FID graph): the torchvision Inception-v3 layers with
//
//   - average pools that exclude padding (count_include_pad=False) in
//     Mixed_5b … 5d, 6b … 6e and 7b,
//   - a max pool, not an average pool, in Mixed_7c's pool branch,
//   - 1008 output classes (fc), not 1000.
//
// Stem: Conv2d_1a_3x3 (3→32, stride 2), Conv2d_2a_3x3 (32→32),
// Conv2d_2b_3x3 (32→64, padding 1), max pool 3/2; Conv2d_3b_1x1 (64→80),
// Conv2d_4a_3x3 (80→192), max pool 3/2; then Mixed_5b, 5c, 5d, 6a, 6b, 6c,
// 6d, 6e, 7a, 7b, 7c and a global average pool to the 2048 pool3 features.
// Every convolution is a BasicConv2d (see basicConv). It runs on the
// kernels package, batched over images on all cores, with no graph.
type Inception struct {
	stem   [5]*basicConv
	mixed5 [3]blockA
	m6a    blockB
	mixed6 [4]blockC
	m7a    blockD
	mixed7 [2]blockE
	fcW    []float32 // (1008, 2048); nil when the state dict has no fc
	fcB    []float32
}

// NewInception builds the network from a state dict with pytorch-fid's key
// names (Conv2d_1a_3x3.conv.weight, Mixed_6b.branch7x7dbl_3.bn.running_var,
// fc.weight, …). Every missing key, every shape that differs and every
// key the network does not have is reported by name;
// num_batches_tracked entries are ignored, and fc is optional.
func NewInception(sd StateDict) (*Inception, error) {
	return build(&builder{sd: sd, used: map[string]bool{}})
}

// build reads the network out of b's state dict.
func build(b *builder) (*Inception, error) {
	sd := b.sd
	net := &Inception{}
	net.stem = [5]*basicConv{
		b.conv("Conv2d_1a_3x3", 3, 32, 3, 3, 2, 0, 0),
		b.conv("Conv2d_2a_3x3", 32, 32, 3, 3, 1, 0, 0),
		b.conv("Conv2d_2b_3x3", 32, 64, 3, 3, 1, 1, 1),
		b.conv("Conv2d_3b_1x1", 64, 80, 1, 1, 1, 0, 0),
		b.conv("Conv2d_4a_3x3", 80, 192, 3, 3, 1, 0, 0),
	}
	net.mixed5 = [3]blockA{b.blockA("Mixed_5b", 192, 32), b.blockA("Mixed_5c", 256, 64), b.blockA("Mixed_5d", 288, 64)}
	net.m6a = b.blockB("Mixed_6a", 288)
	net.mixed6 = [4]blockC{b.blockC("Mixed_6b", 128), b.blockC("Mixed_6c", 160), b.blockC("Mixed_6d", 160), b.blockC("Mixed_6e", 192)}
	net.m7a = b.blockD("Mixed_7a")
	net.mixed7 = [2]blockE{b.blockE("Mixed_7b", 1280, false), b.blockE("Mixed_7c", 2048, true)}
	if _, ok := sd["fc.weight"]; ok {
		net.fcW, net.fcB = b.tensor("fc.weight", 1008, 2048), b.tensor("fc.bias", 1008)
	}
	var extra []string
	for k := range sd {
		if !b.used[k] && !strings.HasSuffix(k, ".num_batches_tracked") {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		b.errs = append(b.errs, fmt.Errorf("unexpected key %q", k))
	}
	if len(b.errs) > 0 {
		const most = 8
		errs := b.errs
		if len(errs) > most {
			errs = append(errs[:most:most], fmt.Errorf("and %d more", len(b.errs)-most))
		}
		return nil, fmt.Errorf("fid: FID Inception weights: %w", errors.Join(errs...))
	}
	return net, nil
}

// HasLogits reports whether the weights had the 1008-class fc layer.
func (net *Inception) HasLogits() bool { return net.fcW != nil }

// Features returns the dims-dimensional features (one of FeatureDims) of
// n images x (n, 3, 299, 299), preprocessed (see Preprocess), as n rows.
func (net *Inception) Features(x []float32, n, dims int) ([]float32, error) {
	if !slices.Contains(FeatureDims, dims) {
		return nil, fmt.Errorf("fid: Inception features of %d dimensions: choose one of %v", dims, FeatureDims)
	}
	const s = InceptionSize
	if n < 1 || len(x) != n*3*s*s {
		return nil, fmt.Errorf("fid: Inception input of %d values is not %d images of 3×%d×%d", len(x), n, s, s)
	}
	h := act{n, 3, s, s, x}
	h = net.stem[2].apply(net.stem[1].apply(net.stem[0].apply(h)))
	h = maxPool(h, 3, 2, 0)
	if dims == 64 {
		return spatialMean(h), nil
	}
	h = maxPool(net.stem[4].apply(net.stem[3].apply(h)), 3, 2, 0)
	if dims == 192 {
		return spatialMean(h), nil
	}
	for _, m := range net.mixed5 {
		h = m.apply(h)
	}
	h = net.m6a.apply(h)
	for _, m := range net.mixed6 {
		h = m.apply(h)
	}
	if dims == 768 {
		return spatialMean(h), nil
	}
	h = net.m7a.apply(h)
	for _, m := range net.mixed7 {
		h = m.apply(h)
	}
	return spatialMean(h), nil
}

// Logits returns the 1008 class logits fc(f) of n rows of pool3 features.
func (net *Inception) Logits(pool3 []float32, n int) ([]float32, error) {
	if net.fcW == nil {
		return nil, errors.New("fid: these Inception weights have no fc layer")
	}
	if len(pool3) != n*2048 {
		return nil, fmt.Errorf("fid: %d values are not %d rows of 2048 pool3 features", len(pool3), n)
	}
	out := make([]float32, n*1008)
	for i := range n {
		copy(out[i*1008:], net.fcB)
	}
	kernels.Gemm(false, true, n, 1008, 2048, 1, pool3, 2048, net.fcW, 2048, 1, out, 1008)
	return out, nil
}

// Preprocess turns images with intensities in [0, 1] (1 channel, repeated
// to RGB, or 3) into the Inception's input as pytorch-fid prepares it:
// bilinear resize to 299×299 (align_corners=False), then 2x − 1.
func Preprocess(im data.Images) ([]float32, error) {
	if im.C != 1 && im.C != 3 {
		return nil, fmt.Errorf("fid: images of %d channels: the Inception reads grayscale or RGB", im.C)
	}
	const s = InceptionSize
	out := make([]float32, im.N*3*s*s)
	kernels.ForRanges(im.N, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := ResizeBilinear(im.At(i), im.C, im.H, im.W, s, s)
			dst := out[i*3*s*s : (i+1)*3*s*s]
			for ch := range 3 {
				src := r[(ch%im.C)*s*s : (ch%im.C+1)*s*s]
				for j, v := range src {
					dst[ch*s*s+j] = 2*v - 1
				}
			}
		}
	})
	return out, nil
}

// InceptionKeys lists the keys of the FID Inception's state dict and their
// shapes (without num_batches_tracked), fc included.
func InceptionKeys() map[string][]int {
	b := &builder{sd: StateDict{"fc.weight": {}}, used: map[string]bool{}, shapes: map[string][]int{}}
	build(b)
	return b.shapes
}

// builder reads layers out of a state dict, noting the keys it used and
// every problem (and, when shapes is not nil, the shape of every key).
type builder struct {
	sd     StateDict
	used   map[string]bool
	errs   []error
	shapes map[string][]int
}

// tensor returns the values of key, which must have the given shape.
func (b *builder) tensor(key string, shape ...int) []float32 {
	b.used[key] = true
	if b.shapes != nil {
		b.shapes[key] = shape
	}
	t, ok := b.sd[key]
	switch {
	case !ok:
		b.errs = append(b.errs, fmt.Errorf("missing key %q", key))
		return nil
	case !slices.Equal(t.Shape, shape):
		b.errs = append(b.errs, fmt.Errorf("key %q has shape %v, want %v", key, t.Shape, shape))
		return nil
	case len(t.Data) != prod(shape):
		b.errs = append(b.errs, fmt.Errorf("key %q has %d values for shape %v", key, len(t.Data), shape))
		return nil
	}
	return t.Data
}

func prod(shape []int) int {
	p := 1
	for _, s := range shape {
		p *= s
	}
	return p
}

// conv reads the BasicConv2d name (name.conv.weight, name.bn.*) and folds
// its BatchNorm into the convolution, in float64.
func (b *builder) conv(name string, in, out, kh, kw, stride, ph, pw int) *basicConv {
	w := b.tensor(name+".conv.weight", out, in, kh, kw)
	gamma, beta := b.tensor(name+".bn.weight", out), b.tensor(name+".bn.bias", out)
	mean, variance := b.tensor(name+".bn.running_mean", out), b.tensor(name+".bn.running_var", out)
	l := &basicConv{name: name, geom: kernels.ConvGeom{C: in, K: out, KH: kh, KW: kw, SH: stride, SW: stride, PH: ph, PW: pw}}
	if w == nil || gamma == nil || beta == nil || mean == nil || variance == nil {
		return l
	}
	l.w, l.b = make([]float32, len(w)), make([]float32, out)
	per := in * kh * kw
	for k := range out {
		s := float64(gamma[k]) / math.Sqrt(float64(variance[k])+bnEps)
		for i := k * per; i < (k+1)*per; i++ {
			l.w[i] = float32(s * float64(w[i]))
		}
		l.b[k] = float32(float64(beta[k]) - s*float64(mean[k]))
	}
	return l
}

// blockA is InceptionA (Mixed_5b … 5d) with the FID average pool.
type blockA struct{ b1, b5a, b5b, d1, d2, d3, pool *basicConv }

func (b *builder) blockA(name string, in, poolFeatures int) blockA {
	n := func(s string) string { return name + "." + s }
	return blockA{
		b1:   b.conv(n("branch1x1"), in, 64, 1, 1, 1, 0, 0),
		b5a:  b.conv(n("branch5x5_1"), in, 48, 1, 1, 1, 0, 0),
		b5b:  b.conv(n("branch5x5_2"), 48, 64, 5, 5, 1, 2, 2),
		d1:   b.conv(n("branch3x3dbl_1"), in, 64, 1, 1, 1, 0, 0),
		d2:   b.conv(n("branch3x3dbl_2"), 64, 96, 3, 3, 1, 1, 1),
		d3:   b.conv(n("branch3x3dbl_3"), 96, 96, 3, 3, 1, 1, 1),
		pool: b.conv(n("branch_pool"), in, poolFeatures, 1, 1, 1, 0, 0),
	}
}

func (m blockA) apply(x act) act {
	return concat(m.b1.apply(x), m.b5b.apply(m.b5a.apply(x)), m.d3.apply(m.d2.apply(m.d1.apply(x))), m.pool.apply(avgPool3(x)))
}

// blockB is InceptionB (Mixed_6a).
type blockB struct{ b3, d1, d2, d3 *basicConv }

func (b *builder) blockB(name string, in int) blockB {
	n := func(s string) string { return name + "." + s }
	return blockB{
		b3: b.conv(n("branch3x3"), in, 384, 3, 3, 2, 0, 0),
		d1: b.conv(n("branch3x3dbl_1"), in, 64, 1, 1, 1, 0, 0),
		d2: b.conv(n("branch3x3dbl_2"), 64, 96, 3, 3, 1, 1, 1),
		d3: b.conv(n("branch3x3dbl_3"), 96, 96, 3, 3, 2, 0, 0),
	}
}

func (m blockB) apply(x act) act {
	return concat(m.b3.apply(x), m.d3.apply(m.d2.apply(m.d1.apply(x))), maxPool(x, 3, 2, 0))
}

// blockC is InceptionC (Mixed_6b … 6e) with the FID average pool; c7 is
// the width of its 7×7 factorized branches.
type blockC struct{ b1, s1, s2, s3, d1, d2, d3, d4, d5, pool *basicConv }

func (b *builder) blockC(name string, c7 int) blockC {
	n := func(s string) string { return name + "." + s }
	const in = 768
	return blockC{
		b1:   b.conv(n("branch1x1"), in, 192, 1, 1, 1, 0, 0),
		s1:   b.conv(n("branch7x7_1"), in, c7, 1, 1, 1, 0, 0),
		s2:   b.conv(n("branch7x7_2"), c7, c7, 1, 7, 1, 0, 3),
		s3:   b.conv(n("branch7x7_3"), c7, 192, 7, 1, 1, 3, 0),
		d1:   b.conv(n("branch7x7dbl_1"), in, c7, 1, 1, 1, 0, 0),
		d2:   b.conv(n("branch7x7dbl_2"), c7, c7, 7, 1, 1, 3, 0),
		d3:   b.conv(n("branch7x7dbl_3"), c7, c7, 1, 7, 1, 0, 3),
		d4:   b.conv(n("branch7x7dbl_4"), c7, c7, 7, 1, 1, 3, 0),
		d5:   b.conv(n("branch7x7dbl_5"), c7, 192, 1, 7, 1, 0, 3),
		pool: b.conv(n("branch_pool"), in, 192, 1, 1, 1, 0, 0),
	}
}

func (m blockC) apply(x act) act {
	s := m.s3.apply(m.s2.apply(m.s1.apply(x)))
	d := m.d5.apply(m.d4.apply(m.d3.apply(m.d2.apply(m.d1.apply(x)))))
	return concat(m.b1.apply(x), s, d, m.pool.apply(avgPool3(x)))
}

// blockD is InceptionD (Mixed_7a).
type blockD struct{ a1, a2, s1, s2, s3, s4 *basicConv }

func (b *builder) blockD(name string) blockD {
	n := func(s string) string { return name + "." + s }
	const in = 768
	return blockD{
		a1: b.conv(n("branch3x3_1"), in, 192, 1, 1, 1, 0, 0),
		a2: b.conv(n("branch3x3_2"), 192, 320, 3, 3, 2, 0, 0),
		s1: b.conv(n("branch7x7x3_1"), in, 192, 1, 1, 1, 0, 0),
		s2: b.conv(n("branch7x7x3_2"), 192, 192, 1, 7, 1, 0, 3),
		s3: b.conv(n("branch7x7x3_3"), 192, 192, 7, 1, 1, 3, 0),
		s4: b.conv(n("branch7x7x3_4"), 192, 192, 3, 3, 2, 0, 0),
	}
}

func (m blockD) apply(x act) act {
	return concat(m.a2.apply(m.a1.apply(x)), m.s4.apply(m.s3.apply(m.s2.apply(m.s1.apply(x)))), maxPool(x, 3, 2, 0))
}

// blockE is InceptionE: FIDInceptionE_1 (Mixed_7b, average pool without
// padding) or, with maxPool, FIDInceptionE_2 (Mixed_7c, max pool).
type blockE struct {
	b1, t1, t2a, t2b, d1, d2, d3a, d3b, pool *basicConv
	maxPool                                  bool
}

func (b *builder) blockE(name string, in int, maxPool bool) blockE {
	n := func(s string) string { return name + "." + s }
	return blockE{
		b1:      b.conv(n("branch1x1"), in, 320, 1, 1, 1, 0, 0),
		t1:      b.conv(n("branch3x3_1"), in, 384, 1, 1, 1, 0, 0),
		t2a:     b.conv(n("branch3x3_2a"), 384, 384, 1, 3, 1, 0, 1),
		t2b:     b.conv(n("branch3x3_2b"), 384, 384, 3, 1, 1, 1, 0),
		d1:      b.conv(n("branch3x3dbl_1"), in, 448, 1, 1, 1, 0, 0),
		d2:      b.conv(n("branch3x3dbl_2"), 448, 384, 3, 3, 1, 1, 1),
		d3a:     b.conv(n("branch3x3dbl_3a"), 384, 384, 1, 3, 1, 0, 1),
		d3b:     b.conv(n("branch3x3dbl_3b"), 384, 384, 3, 1, 1, 1, 0),
		pool:    b.conv(n("branch_pool"), in, 192, 1, 1, 1, 0, 0),
		maxPool: maxPool,
	}
}

func (m blockE) apply(x act) act {
	t := m.t1.apply(x)
	d := m.d2.apply(m.d1.apply(x))
	var p act
	if m.maxPool {
		p = maxPool(x, 3, 1, 1)
	} else {
		p = avgPool3(x)
	}
	return concat(m.b1.apply(x), m.t2a.apply(t), m.t2b.apply(t), m.d3a.apply(d), m.d3b.apply(d), m.pool.apply(p))
}

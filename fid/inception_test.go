package fid

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// syntheticWeights is a deterministic state dict of the FID Inception:
// value i of key k is a smooth function of i and k, scaled per kind of
// tensor so that activations neither vanish nor explode through the 94
// layers (see synthetic).
func syntheticWeights() StateDict {
	sd := StateDict{}
	for key, shape := range InceptionKeys() {
		sd[key] = Tensor{Shape: shape, Data: synthetic(key, shape)}
	}
	return sd
}

// synthetic is value i of key: with h = (Σ bytes of key mod 997)/997 and
// u = sin(0.7·i + 6.283·h),
//
//	conv weights  u/√fan_in         γ  1 + 0.2u     β  0.1u
//	running mean  0.1u              running var  1 + 0.5|u|
//	fc weight     u·√(3/2048)       fc bias  0.1u
func synthetic(key string, shape []int) []float32 {
	var sum int
	for _, c := range []byte(key) {
		sum += int(c)
	}
	h := float64(sum%997) / 997
	n := 1
	for _, s := range shape {
		n *= s
	}
	v := make([]float32, n)
	for i := range v {
		u := math.Sin(0.7*float64(i) + 6.283*h)
		var x float64
		switch {
		case strings.HasSuffix(key, "conv.weight"):
			x = u * math.Sqrt(1/float64(n/shape[0]))
		case strings.HasSuffix(key, "bn.weight"):
			x = 1 + 0.2*u
		case strings.HasSuffix(key, "running_var"):
			x = 1 + 0.5*math.Abs(u)
		case key == "fc.weight":
			x = u * math.Sqrt(3.0/2048)
		default: // bn.bias, running_mean, fc.bias
			x = 0.1 * u
		}
		v[i] = float32(x)
	}
	return v
}

// pytorch-fid's state dict has 566 keys: 94 BasicConv2d with a conv
// weight and 5 BatchNorm entries (num_batches_tracked among them), and fc.
func TestInceptionKeys(t *testing.T) {
	keys := InceptionKeys()
	convs := 0
	for k := range keys {
		if strings.HasSuffix(k, ".conv.weight") {
			convs++
		}
	}
	if convs != 94 || len(keys) != 94*5+2 {
		t.Errorf("%d convolutions, %d keys; want 94 and %d (566 with num_batches_tracked)", convs, len(keys), 94*5+2)
	}
	for k, s := range map[string][]int{
		"Conv2d_1a_3x3.conv.weight":              {32, 3, 3, 3},
		"Mixed_6b.branch7x7dbl_3.bn.running_var": {128},
		"Mixed_6e.branch7x7_2.conv.weight":       {192, 192, 1, 7},
		"Mixed_7c.branch3x3dbl_3b.conv.weight":   {384, 384, 3, 1},
		"Mixed_7b.branch_pool.conv.weight":       {192, 1280, 1, 1},
		"fc.weight":                              {1008, 2048},
	} {
		if !slices.Equal(keys[k], s) {
			t.Errorf("%s: shape %v, want %v", k, keys[k], s)
		}
	}
}

// Missing keys, wrong shapes and unknown keys are named; num_batches_tracked
// and a missing fc are fine.
func TestNewInceptionReportsKeys(t *testing.T) {
	sd := syntheticWeights()
	sd["Conv2d_1a_3x3.bn.num_batches_tracked"] = Tensor{Shape: []int{}, Data: []float32{0}}
	delete(sd, "fc.weight")
	delete(sd, "fc.bias")
	net, err := NewInception(sd)
	if err != nil || net.HasLogits() {
		t.Fatalf("complete weights without fc: %v (logits %v)", err, net != nil && net.HasLogits())
	}
	delete(sd, "Mixed_6b.branch7x7dbl_3.bn.running_var")
	sd["Mixed_5b.branch1x1.conv.weight"] = Tensor{Shape: []int{64, 192}, Data: make([]float32, 64*192)}
	sd["Mixed_8a.conv.weight"] = Tensor{Shape: []int{1}, Data: []float32{1}}
	_, err = NewInception(sd)
	for _, want := range []string{
		`missing key "Mixed_6b.branch7x7dbl_3.bn.running_var"`,
		`key "Mixed_5b.branch1x1.conv.weight" has shape [64 192], want [64 192 1 1]`,
		`unexpected key "Mixed_8a.conv.weight"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %s", err, want)
		}
	}
}

// A BasicConv2d with its BatchNorm folded gives ReLU(BN(conv(x))) computed
// the long way, in float64.
func TestBasicConvFoldsBatchNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	const c, k, h, w = 3, 4, 5, 6
	sd := StateDict{}
	r := func(n int, lo, hi float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(lo + (hi-lo)*rng.Float64())
		}
		return v
	}
	sd["l.conv.weight"] = Tensor{[]int{k, c, 1, 3}, r(k*c*3, -1, 1)}
	sd["l.bn.weight"] = Tensor{[]int{k}, r(k, 0.5, 2)}
	sd["l.bn.bias"] = Tensor{[]int{k}, r(k, -1, 1)}
	sd["l.bn.running_mean"] = Tensor{[]int{k}, r(k, -1, 1)}
	sd["l.bn.running_var"] = Tensor{[]int{k}, r(k, 0.1, 2)}
	b := &builder{sd: sd, used: map[string]bool{}}
	l := b.conv("l", c, k, 1, 3, 1, 0, 1)
	if len(b.errs) > 0 {
		t.Fatal(b.errs)
	}
	x := act{2, c, h, w, r(2*c*h*w, -2, 2)}
	y := l.apply(x)
	at := func(key string, i int) float64 { return float64(sd[key].Data[i]) }
	for n := range 2 {
		for o := range k {
			for i := range h {
				for j := range w {
					var s float64
					for ch := range c {
						for q := range 3 {
							if jj := j - 1 + q; jj >= 0 && jj < w {
								s += at("l.conv.weight", (o*c+ch)*3+q) * float64(x.v[((n*c+ch)*h+i)*w+jj])
							}
						}
					}
					bn := (s-at("l.bn.running_mean", o))/math.Sqrt(at("l.bn.running_var", o)+bnEps)*at("l.bn.weight", o) + at("l.bn.bias", o)
					want := math.Max(bn, 0)
					if got := float64(y.v[((n*k+o)*h+i)*w+j]); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
						t.Fatalf("(%d,%d,%d,%d): %g, want %g", n, o, i, j, got, want)
					}
				}
			}
		}
	}
}

// Max pools ignore padding; the FID average pool divides by the pixels
// inside the image: at a corner of a 3×3 window with padding 1, four.
func TestPoolsKnownValues(t *testing.T) {
	x := act{1, 1, 3, 3, []float32{1, 2, 3, 4, 5, 6, 7, 8, -9}}
	if got := maxPool(x, 3, 2, 0); got.h != 1 || got.w != 1 || got.v[0] != 8 {
		t.Errorf("max pool 3/2: %v", got)
	}
	if got := maxPool(x, 3, 1, 1); !slices.Equal(got.v, []float32{5, 6, 6, 8, 8, 8, 8, 8, 8}) {
		t.Errorf("max pool 3/1 pad 1: %v", got.v)
	}
	got := avgPool3(x)
	want := []float32{(1 + 2 + 4 + 5) / 4.0, (1 + 2 + 3 + 4 + 5 + 6) / 6.0, (2 + 3 + 5 + 6) / 4.0,
		(1 + 2 + 4 + 5 + 7 + 8) / 6.0, (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 - 9) / 9.0, (2 + 3 + 5 + 6 + 8 - 9) / 6.0,
		(4 + 5 + 7 + 8) / 4.0, (4 + 5 + 6 + 7 + 8 - 9) / 6.0, (5 + 6 + 8 - 9) / 4.0}
	for i := range want {
		if math.Abs(float64(got.v[i]-want[i])) > 1e-6 {
			t.Fatalf("avg pool without padding: %v, want %v", got.v, want)
		}
	}
}

// The separable pools equal a direct loop over every window, on random
// maps of odd sizes: max pools bit for bit (a NaN included), the average
// pool to float32 rounding.
func TestPoolsMatchWindowLoops(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, hw := range [][2]int{{1, 1}, {1, 5}, {4, 1}, {7, 7}, {8, 11}, {17, 35}} {
		x := newAct(2, 3, hw[0], hw[1])
		for i := range x.v {
			x.v[i] = float32(rng.NormFloat64())
		}
		x.v[len(x.v)/2] = float32(math.NaN())
		for _, ksp := range [][3]int{{3, 2, 0}, {3, 1, 1}, {2, 2, 0}} {
			k, s, p := ksp[0], ksp[1], ksp[2]
			if hw[0]+2*p < k || hw[1]+2*p < k {
				continue
			}
			got := maxPool(x, k, s, p)
			for q := range x.n * x.c {
				in, out := x.plane(q/x.c, q%x.c), got.plane(q/x.c, q%x.c)
				for i := range got.h {
					for j := range got.w {
						m := float32(math.Inf(-1))
						for a := max(i*s-p, 0); a < min(i*s-p+k, x.h); a++ {
							for b := max(j*s-p, 0); b < min(j*s-p+k, x.w); b++ {
								m = max(m, in[a*x.w+b])
							}
						}
						if v := out[i*got.w+j]; v != m && !(v != v && m != m) {
							t.Fatalf("%v max pool %v: (%d,%d) = %v, want %v", hw, ksp, i, j, v, m)
						}
					}
				}
			}
		}
		x.v[len(x.v)/2] = 0
		got := avgPool3(x)
		for q := range x.n * x.c {
			in, out := x.plane(q/x.c, q%x.c), got.plane(q/x.c, q%x.c)
			for i := range x.h {
				for j := range x.w {
					var sum, mag float64
					cnt := 0
					for a := max(i-1, 0); a < min(i+2, x.h); a++ {
						for b := max(j-1, 0); b < min(j+2, x.w); b++ {
							sum += float64(in[a*x.w+b])
							mag += math.Abs(float64(in[a*x.w+b]))
							cnt++
						}
					}
					if d := math.Abs(float64(out[i*x.w+j]) - sum/float64(cnt)); d > 1e-6*mag {
						t.Fatalf("%v avg pool: (%d,%d) = %v, want %v", hw, i, j, out[i*x.w+j], sum/float64(cnt))
					}
				}
			}
		}
	}
}

// Every output size comes out, finite and not constant, and an image's
// features do not depend on the others in its batch.
func TestInceptionFeatures(t *testing.T) {
	net, err := NewInception(syntheticWeights())
	if err != nil {
		t.Fatal(err)
	}
	const s = InceptionSize
	rng := rand.New(rand.NewPCG(7, 7))
	x := make([]float32, 2*3*s*s)
	for i := range x {
		x[i] = float32(2*rng.Float64() - 1)
	}
	for _, dims := range FeatureDims {
		both, err := net.Features(x, 2, dims)
		if err != nil {
			t.Fatal(err)
		}
		one, _ := net.Features(x[3*s*s:], 1, dims)
		if len(both) != 2*dims || !slices.Equal(both[dims:], one) {
			t.Fatalf("dims %d: %d values; the second image alone differs: %v", dims, len(both), !slices.Equal(both[dims:], one))
		}
		lo, hi := both[0], both[0]
		for _, v := range both {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("dims %d: non-finite feature", dims)
			}
			lo, hi = min(lo, v), max(hi, v)
		}
		if hi-lo < 1e-3 {
			t.Errorf("dims %d: features all within [%g, %g]", dims, lo, hi)
		}
		t.Logf("dims %d: features in [%g, %g]", dims, lo, hi)
	}
	pool3, _ := net.Features(x, 2, 2048)
	logits, err := net.Logits(pool3, 2)
	if err != nil || len(logits) != 2*1008 {
		t.Fatalf("logits: %d values, %v", len(logits), err)
	}
	want := float64(net.fcB[5])
	for j := range 2048 {
		want += float64(net.fcW[5*2048+j]) * float64(pool3[2048+j])
	}
	if math.Abs(float64(logits[1008+5])-want) > 1e-4*(1+math.Abs(want)) {
		t.Errorf("logit 5 of image 1: %g, want %g", logits[1008+5], want)
	}
	if _, err := net.Features(x, 2, 100); err == nil {
		t.Error("100 feature dimensions accepted")
	}
}

package nn_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/nn"
)

// opsConvRef is the direct convolution of x (N,C,H,W), upsampled by up,
// with w (K,C,KH,KW) plus b (K) when not nil.
func opsConvRef(x, w *tensor.Dense, b []float64, stride, pad [2]int, up int) ([]float64, tensor.Shape) {
	xs, ws := x.Shape(), w.Shape()
	n, c, h, wd, k, kh, kw := xs[0], xs[1], xs[2]*up, xs[3]*up, ws[0], ws[2], ws[3]
	oh, ow := (h+2*pad[0]-kh)/stride[0]+1, (wd+2*pad[1]-kw)/stride[1]+1
	xd, wdat := opsData(x), opsData(w)
	y := make([]float64, n*k*oh*ow)
	for in := range n {
		for ik := range k {
			for i := range oh {
				for j := range ow {
					var s float64
					if b != nil {
						s = b[ik]
					}
					for ic := range c {
						for p := range kh {
							for q := range kw {
								r, col := i*stride[0]-pad[0]+p, j*stride[1]-pad[1]+q
								if r >= 0 && r < h && col >= 0 && col < wd {
									s += wdat[((ik*c+ic)*kh+p)*kw+q] * xd[((in*c+ic)*xs[2]+r/up)*xs[3]+col/up]
								}
							}
						}
					}
					y[((in*k+ik)*oh+i)*ow+j] = s
				}
			}
		}
	}
	return y, tensor.Shape{n, k, oh, ow}
}

func TestConv2d(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	cases := []struct {
		kh, kw      int
		stride, pad [2]int
		bias        bool
		up          int
	}{
		{3, 3, [2]int{1, 1}, [2]int{1, 1}, true, 1},
		{3, 3, [2]int{2, 2}, [2]int{1, 1}, true, 1},
		{5, 5, [2]int{2, 1}, [2]int{1, 2}, false, 1},
		{1, 7, [2]int{1, 1}, [2]int{0, 3}, true, 1},
		{7, 1, [2]int{2, 2}, [2]int{3, 0}, false, 1},
		{1, 1, [2]int{1, 1}, [2]int{0, 0}, true, 1},
		{3, 3, [2]int{1, 1}, [2]int{1, 1}, true, 2},
		{3, 3, [2]int{2, 2}, [2]int{1, 1}, false, 2},
		{1, 1, [2]int{1, 1}, [2]int{0, 0}, true, 3},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d stride %v pad %v bias %t up %d", c.kh, c.kw, c.stride, c.pad, c.bias, c.up), func(t *testing.T) {
			x, w, b := opsRand(rng, -1, 1, 2, 3, 7, 6), opsRand(rng, -1, 1, 4, 3, c.kh, c.kw), opsRand(rng, -1, 1, 4)
			ins := []*tensor.Dense{x, w}
			var bd []float64
			if c.bias {
				ins, bd = append(ins, b), opsData(b)
			}
			want, shape := opsConvRef(x, w, bd, c.stride, c.pad, c.up)
			f := func(in []*gorgonia.Node) (*gorgonia.Node, error) {
				var bn *gorgonia.Node
				if c.bias {
					bn = in[2]
				}
				return nn.Conv2d(in[0], in[1], bn, c.stride, c.pad, c.up)
			}
			opsCheck(t, f, want, shape, 1e-5, nil, ins...)
		})
	}
}

// TestConv2dOfView feeds the convolution a channel slice, a non-contiguous
// view, which the op must materialise.
func TestConv2dOfView(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x, w := opsRand(rng, -1, 1, 2, 5, 5, 4), opsRand(rng, -1, 1, 3, 2, 3, 3)
	sub := tensor.New(tensor.WithShape(2, 2, 5, 4), tensor.Of(tensor.Float64))
	for n := range 2 {
		copy(opsData(sub)[n*40:(n+1)*40], opsData(x)[(n*5+1)*20:(n*5+3)*20])
	}
	want, shape := opsConvRef(sub, w, nil, [2]int{1, 1}, [2]int{1, 1}, 1)
	f := func(in []*gorgonia.Node) (*gorgonia.Node, error) {
		v, err := gorgonia.Slice(in[0], nil, gorgonia.S(1, 3))
		if err != nil {
			return nil, err
		}
		return nn.Conv2d(v, in[1], nil, [2]int{1, 1}, [2]int{1, 1}, 1)
	}
	opsCheck(t, f, want, shape, 1e-5, nil, x, w)
}

func TestConv2dErrors(t *testing.T) {
	g := gorgonia.NewGraph()
	node := func(dt tensor.Dtype, shape ...int) *gorgonia.Node {
		return gorgonia.NewTensor(g, dt, len(shape), gorgonia.WithShape(shape...))
	}
	x, w, b := node(tensor.Float32, 2, 3, 5, 5), node(tensor.Float32, 4, 3, 3, 3), node(tensor.Float32, 4)
	one, zero := [2]int{1, 1}, [2]int{0, 0}
	cases := map[string]func() (*gorgonia.Node, error){
		"nil x":            func() (*gorgonia.Node, error) { return nn.Conv2d(nil, w, b, one, one, 1) },
		"3-d x":            func() (*gorgonia.Node, error) { return nn.Conv2d(node(tensor.Float32, 3, 5, 5), w, b, one, one, 1) },
		"channel mismatch": func() (*gorgonia.Node, error) { return nn.Conv2d(node(tensor.Float32, 2, 2, 5, 5), w, b, one, one, 1) },
		"bias length":      func() (*gorgonia.Node, error) { return nn.Conv2d(x, w, node(tensor.Float32, 3), one, one, 1) },
		"bias rank":        func() (*gorgonia.Node, error) { return nn.Conv2d(x, w, node(tensor.Float32, 4, 1), one, one, 1) },
		"filter too large": func() (*gorgonia.Node, error) {
			return nn.Conv2d(node(tensor.Float32, 2, 3, 2, 2), w, nil, one, zero, 1)
		},
		"zero stride":  func() (*gorgonia.Node, error) { return nn.Conv2d(x, w, b, zero, one, 1) },
		"negative pad": func() (*gorgonia.Node, error) { return nn.Conv2d(x, w, b, one, [2]int{-1, 0}, 1) },
		"negative up":  func() (*gorgonia.Node, error) { return nn.Conv2d(x, w, b, one, one, -2) },
		"mixed dtypes": func() (*gorgonia.Node, error) {
			return nn.Conv2d(x, node(tensor.Float64, 4, 3, 3, 3), nil, one, one, 1)
		},
		"int dtype": func() (*gorgonia.Node, error) { return nn.Conv2d(node(tensor.Int, 2, 3, 5, 5), w, nil, one, one, 1) },
	}
	for name, f := range cases {
		if n, err := f(); err == nil {
			t.Errorf("%s: accepted, gave %v", name, n.Shape())
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

package autoregressive

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/genmodel/genmodel/nn"
)

// pass is a compiled forward pass of a Net for fixed shapes.
type pass struct {
	g     *nn.Graph
	x, f  *nn.Node
	theta *nn.Output
	prog  *nn.Program
}

func newPass(t *testing.T, n *Net, rows, h, w int) *pass {
	t.Helper()
	g := nn.NewGraph()
	p := &pass{g: g, x: g.Input("x", rows, n.cfg.C, h, w), f: g.Input("f", rows, n.cfg.Cond, h, w)}
	p.theta = g.Output(n.Apply(g, p.x, p.f))
	prog, err := g.Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	p.prog = prog
	return p
}

func (p *pass) run(t *testing.T, x, f []float32) []float32 {
	t.Helper()
	if err := p.g.Set(p.x, x); err != nil {
		t.Fatal(err)
	}
	if err := p.g.Set(p.f, f); err != nil {
		t.Fatal(err)
	}
	if err := p.prog.Run(); err != nil {
		t.Fatal(err)
	}
	return append([]float32(nil), p.theta.Values()...)
}

func normals(n int, rng *rand.Rand) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// newTestNet builds a Net whose masked-out weights are random too, so that
// only the masking inside Apply can keep the order.
func newTestNet(t *testing.T, cfg Config, seed uint64) *Net {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0))
	ps := nn.NewParams()
	n, err := New(ps, "ar", cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range append([]masked{n.first, n.out}, n.hidden...) {
		for j, keep := range m.mask {
			if keep == 0 {
				m.conv.W.Data[j] = float32(rng.NormFloat64())
			}
		}
	}
	return n
}

func TestMaskKnownAnswer(t *testing.T) {
	// 3×3, one input and one output channel: A keeps the 4 pixels before
	// the centre, B also the centre.
	want := map[MaskKind][]float32{
		A: {1, 1, 1, 1, 0, 0, 0, 0, 0},
		B: {1, 1, 1, 1, 1, 0, 0, 0, 0},
	}
	for kind, w := range want {
		got := Mask(kind, 3, []int{0}, []int{0})
		for i := range w {
			if got[i] != w[i] {
				t.Fatalf("%v mask %v, want %v", kind, got, w)
			}
		}
	}
	// RGB, 1×1, type A: output group g sees input groups < g at the centre.
	got := Mask(A, 1, []int{0, 1, 2}, []int{0, 1, 2})
	wantRGB := []float32{0, 0, 0, 1, 0, 0, 1, 1, 0}
	for i := range wantRGB {
		if got[i] != wantRGB[i] {
			t.Fatalf("RGB A mask %v, want %v", got, wantRGB)
		}
	}
}

// Perturbing input value (pixel j, channel c) must leave every parameter of
// the values up to and including it unchanged (raster order, channels in
// order within a pixel), and must change some later one.
func TestOutputsDependOnlyOnEarlierInputs(t *testing.T) {
	for _, cfg := range []Config{
		{C: 1, Cond: 2, Params: 1, Width: 8, Layers: 4, Kernel: 5},
		{C: 3, Cond: 2, Params: 2, Width: 6, Layers: 3, Kernel: 3},
	} {
		n := newTestNet(t, cfg, 1)
		const h, w = 6, 5
		hw, c, p := h*w, cfg.C, cfg.Params
		rng := rand.New(rand.NewPCG(2, 0))
		x, f := normals(c*hw, rng), normals(cfg.Cond*hw, rng)
		pa := newPass(t, n, 1, h, w)
		base := pa.run(t, x, f)
		for _, j := range []int{0, 7, 14, hw - 1} {
			for cj := range c {
				xp := append([]float32(nil), x...)
				xp[cj*hw+j] += 5
				got := pa.run(t, xp, f)
				changedLater := false
				for pi := range p {
					for ci := range c {
						for i := range hw {
							k := (pi*c+ci)*hw + i
							earlier := i < j || (i == j && ci <= cj)
							if earlier && got[k] != base[k] {
								t.Fatalf("C=%d: θ[param %d, channel %d, pixel %d] changed when input (pixel %d, channel %d) did", c, pi, ci, i, j, cj)
							}
							if !earlier && got[k] != base[k] {
								changedLater = true
							}
						}
					}
				}
				if !changedLater && (j < hw-1 || cj < c-1) {
					t.Errorf("C=%d: no later output depends on input (pixel %d, channel %d)", c, j, cj)
				}
			}
		}
	}
}

// Masked weights get no gradient: they neither act nor learn.
func TestMaskedWeightsGetNoGradient(t *testing.T) {
	n := newTestNet(t, Config{C: 1, Cond: 1, Params: 1, Width: 4, Layers: 3}, 3)
	g := nn.NewGraph()
	x, f := g.Input("x", 2, 1, 5, 5), g.Input("f", 2, 1, 5, 5)
	rng := rand.New(rand.NewPCG(4, 0))
	copy(g.InputData(x), normals(50, rng))
	copy(g.InputData(f), normals(50, rng))
	theta := n.Apply(g, x, f)
	r := g.Input("r", 2, 1, 5, 5)
	copy(g.InputData(r), normals(50, rng))
	prog, err := g.Compile(g.Sum(g.Mul(theta, r)))
	if err != nil {
		t.Fatal(err)
	}
	if err := prog.Run(); err != nil {
		t.Fatal(err)
	}
	layers := map[*nn.Param][]float32{n.first.conv.W: n.first.mask, n.hidden[0].conv.W: n.hidden[0].mask, n.out.conv.W: n.out.mask}
	for i, p := range prog.Params() {
		mask, ok := layers[p]
		if !ok {
			continue
		}
		var kept float64
		for j, gr := range prog.Grad(i) {
			if mask[j] == 0 && gr != 0 {
				t.Fatalf("%s: masked weight %d has gradient %g", p.Name, j, gr)
			}
			kept += math.Abs(float64(gr))
		}
		if kept == 0 {
			t.Errorf("%s: no weight has a gradient", p.Name)
		}
		delete(layers, p)
	}
	if len(layers) > 0 {
		t.Fatalf("%d masked layers not among the program's parameters", len(layers))
	}
}

// bernoulliDraw returns x = [u < sigmoid(θ)] with a fixed uniform u per
// value, so that a sample can be checked against the Net afterwards.
func bernoulliDraw(u []float32) func(v int, theta float32) float32 {
	return func(v int, theta float32) float32 {
		if float64(u[v]) < 1/(1+math.Exp(-float64(theta))) {
			return 1
		}
		return 0
	}
}

// A sequential sample is a fixed point of its own conditionals: every value
// is what the draw gives for the parameters the Net computes on the final
// images, because those parameters only see earlier values. A sampler that
// drew all values from one pass would fail this (checked below as well).
func TestSamplingIsSequential(t *testing.T) {
	for _, cfg := range []Config{
		{C: 1, Cond: 2, Params: 1, Width: 8, Layers: 3},
		{C: 2, Cond: 1, Params: 1, Width: 4, Layers: 4, Kernel: 3},
	} {
		n := newTestNet(t, cfg, 5)
		// Strong weights, so that values depend visibly on earlier ones.
		for _, m := range append([]masked{n.first, n.out}, n.hidden...) {
			for j := range m.conv.W.Data {
				m.conv.W.Data[j] *= 3
			}
		}
		const rows, h, w = 3, 5, 4
		hw, c := h*w, cfg.C
		rng := rand.New(rand.NewPCG(6, 0))
		f := normals(rows*cfg.Cond*hw, rng)
		u := make([]float32, rows*c*hw)
		for i := range u {
			u[i] = rng.Float32()
		}
		s, err := n.NewSampler(rows, h, w)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		calls := 0
		draw := bernoulliDraw(u)
		x, err := s.Sample(f, func(b, ci, i int, theta []float32) float32 {
			v := (b*c+ci)*hw + i
			if want := (b*c+calls/rows%c)*hw + calls/(rows*c); v != want {
				t.Fatalf("draw %d is for value %d, want %d (raster order, channels within a pixel, images innermost)", calls, v, want)
			}
			calls++
			return draw(v, theta[0])
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls != rows*c*hw {
			t.Fatalf("draw called %d times, want %d", calls, rows*c*hw)
		}
		pa := newPass(t, n, rows, h, w)
		consistent := func(x []float32) bool {
			theta := pa.run(t, x, f)
			for v := range x {
				if x[v] != draw(v, theta[v]) {
					return false
				}
			}
			return true
		}
		if !consistent(x) {
			t.Errorf("C=%d: the sample is not what its own conditionals give: not drawn value by value in order", c)
		}
		// One pass on empty images, every value drawn at once: not a
		// sample of the model, and the check must see it.
		theta0 := pa.run(t, make([]float32, len(x)), f)
		oneShot := make([]float32, len(x))
		for v := range oneShot {
			oneShot[v] = draw(v, theta0[v])
		}
		if consistent(oneShot) {
			t.Errorf("C=%d: the check cannot tell a one-pass draw from a sequential one", c)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{
		{C: 0, Cond: 1, Params: 1},
		{C: 3, Cond: 1, Params: 1, Width: 8},
		{C: 1, Cond: 1, Params: 1, Layers: 1},
		{C: 1, Cond: 1, Params: 1, Kernel: 4},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

package vae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/genmodel/genmodel/nn"
)

// hierNet is the hierarchical VAE, after Matryoshka networks (Bachman, NIPS
// 2016), with latent layers z₀ (dense, the top), z₁ … z_L (conv maps of Z
// channels at non-decreasing resolutions; see ParseLatents). With act the
// activation, w the width and every conv 3×3 unless said:
//
// Bottom-up (BU), from x: h = stem(x) at H×W; for i = L … 1, h is brought
// down to zᵢ's resolution by stride-2 convs h ← down(act(h)) and passed
// through a residual block h ← h + c₂(act(c₁(act(h)))), and bᵢ = h is the
// BU state of layer i. q(z₀|x) is dense on flatten(act(h)) at the end.
//
// Top-down (TD), the generator: the TD state starts as h = dense(z₀)
// reshaped to (w, R₁, ·). For i = 1 … L:
//
//	h ← up(h) (and m ← up'(m))          when zᵢ's resolution is higher (conv on h upsampled, nearest)
//	p(zᵢ|z<ᵢ) = N(μp, σp²), (μp, log σp²) = prior(act(h))        (or N(0, I) with Prior standard)
//	q(zᵢ|x, z<ᵢ) = N(μq, σq²), (μq, log σq², m) = merge₂(act(merge₁(concat(h, bᵢ, m))))
//	h ← h + res₂(act(res₁(concat(zᵢ, h))))                         (the residual module)
//
// where the merge state m carries inference information down the layers
// (merge₂ is 1×1; the first layer's merge has no m). Output: the state is
// brought up to H×W, and the likelihood parameters are
// out(act(out₁(act(h)))). Every latent thus reaches the output along the
// residual stream, a deterministic path, and inference shares the TD pass.
//
// A model trained to impute is conditional, p(x_miss | x_obs) =
// ∫ p(x_miss | z, x_obs) p(z | x_obs) dz: a second BU stack of the same
// shape, the context, reads (x ⊙ m, m) for the observation mask m and gives
// states cᵢ, a state c_out at H×W and a dense head. The head is the prior
// p(z₀ | x_obs); every TD layer adds ctxᵢ(act(cᵢ)) (1×1) to h before its
// prior, and the output adds ctx_out(act(c_out)) once h is at H×W, so that
// the observed values reach every prior and the output directly. The BU
// stack of q reads (x, m), the whole image: q(z | x, m).
type hierNet struct {
	cfg    Config
	layers []LatentLayer
	maps   []int // resolutions (heights) from H down to the coarsest latent map

	bu, ctx *buStack // ctx: models trained to impute, else nil

	topIn        *nn.Dense
	td           []tdLayer // per conv latent layer (index i − 1)
	outUp        *nn.Conv  // nil when the last latent map is H×W already
	ctxOut       *nn.Conv  // with ctx
	out1, outMap *nn.Conv
}

// buStack is a bottom-up network: stem, stride-2 downs, one residual
// block per conv latent layer and a dense head on the coarsest state.
type buStack struct {
	stem   *nn.Conv
	blocks []resBlock       // per conv latent layer (index i − 1)
	downs  map[int]*nn.Conv // stride-2 conv from height r to r/2, by r
	top    *nn.Dense        // 2·U outputs: μ and log σ² of a Gaussian over z₀
}

// resBlock is h + c₂(act(c₁(act(h)))).
type resBlock struct{ c1, c2 *nn.Conv }

// tdLayer holds the TD modules of one conv latent layer.
type tdLayer struct {
	res, up        int      // map height; upsampling from the layer above (1: none)
	upH, upM       *nn.Conv // up > 1: the TD and merge states brought to res
	ctx            *nn.Conv // 1×1 from the context state, with ctx
	prior          *nn.Conv // learned prior: 2·Z maps
	merge1, merge2 *nn.Conv // 2·Z + w maps out
	res1, res2     *nn.Conv
}

func newHierNet(cfg Config, ps *nn.Params, rng *rand.Rand) (*hierNet, error) {
	layers, err := ParseLatents(cfg.Latents, cfg.H, cfg.W)
	if err != nil {
		return nil, err
	}
	w, z := cfg.Width, cfg.ZChannels
	n := &hierNet{cfg: cfg, layers: layers}
	coarsest := layers[1].Res
	for r := cfg.H; r >= coarsest; r /= 2 {
		n.maps = append(n.maps, r)
	}
	// Residual branches end small, so that the stream starts near the identity.
	branch := nn.GainLinear / math.Sqrt(float64(2*len(layers)))
	const small = 0.1 // outputs of q and p start near N(0, I)
	conv := func(name string, in, out, k, stride int, gain float64) *nn.Conv {
		return nn.NewConv(ps, name, in, out, k, stride, k/2, gain, rng)
	}
	top := layers[0].Units
	newBU := func(prefix string) *buStack {
		b := &buStack{stem: conv(prefix+".stem", cfg.encoderChannels(), w, 3, 1, nn.GainReLU), downs: map[int]*nn.Conv{}}
		for _, r := range n.maps[:len(n.maps)-1] {
			b.downs[r] = conv(fmt.Sprintf("%s.down%d", prefix, r), w, w, 3, 2, nn.GainReLU)
		}
		for i := 1; i < len(layers); i++ {
			b.blocks = append(b.blocks, resBlock{
				c1: conv(fmt.Sprintf("%s.%d.c1", prefix, i), w, w, 3, 1, nn.GainReLU),
				c2: conv(fmt.Sprintf("%s.%d.c2", prefix, i), w, w, 3, 1, branch),
			})
		}
		b.top = nn.NewDense(ps, prefix+".top", w*coarsest*n.mapW(coarsest), 2*top, small, rng)
		return b
	}
	n.bu = newBU("bu")
	if cfg.Impute != "" {
		n.ctx = newBU("ctx")
	}
	n.topIn = nn.NewDense(ps, "td.top", top, w*coarsest*n.mapW(coarsest), nn.GainLinear, rng)
	res := coarsest
	for i := 1; i < len(layers); i++ {
		name := func(s string) string { return fmt.Sprintf("td.%d.%s", i, s) }
		l := tdLayer{res: layers[i].Res, up: layers[i].Res / res}
		if l.up > 1 {
			l.upH = conv(name("up"), w, w, 3, 1, nn.GainLinear)
			l.upH.Up = l.up
			if i > 1 {
				l.upM = conv(name("upm"), w, w, 3, 1, nn.GainLinear)
				l.upM.Up = l.up
			}
		}
		if n.ctx != nil {
			l.ctx = conv(name("ctx"), w, w, 1, 1, branch)
		}
		if cfg.Prior == Learned {
			l.prior = conv(name("prior"), w, 2*z, 3, 1, small)
		}
		mergeIn := 3 * w
		if i == 1 {
			mergeIn = 2 * w
		}
		l.merge1 = conv(name("merge1"), mergeIn, w, 3, 1, nn.GainReLU)
		l.merge2 = conv(name("merge2"), w, 2*z+w, 1, 1, small)
		l.res1 = conv(name("res1"), z+w, w, 3, 1, nn.GainReLU)
		l.res2 = conv(name("res2"), w, w, 3, 1, branch)
		n.td = append(n.td, l)
		res = l.res
	}
	if up := cfg.H / res; up > 1 {
		n.outUp = conv("td.outup", w, w, 3, 1, nn.GainLinear)
		n.outUp.Up = up
	}
	if n.ctx != nil {
		n.ctxOut = conv("td.ctxout", w, w, 1, 1, branch)
	}
	n.out1 = conv("td.out1", w, w, 3, 1, nn.GainReLU)
	n.outMap = conv("td.out", w, decoderMaps(cfg), 3, 1, nn.GainLinear)
	return n, nil
}

// mapW is the width of a map of height r, W·r/H.
func (n *hierNet) mapW(r int) int { return n.cfg.W * r / n.cfg.H }

func (n *hierNet) noise(rows int) [][]int {
	shapes := [][]int{{rows, n.layers[0].Units}}
	for _, l := range n.layers[1:] {
		shapes = append(shapes, []int{rows, n.cfg.ZChannels, l.Res, n.mapW(l.Res)})
	}
	return shapes
}

func (n *hierNet) act(g *nn.Graph, x *nn.Node) *nn.Node { return act(n.cfg, g, x) }

// buPass is what a BU stack computes from its input: the stem's state at
// H×W, the states b₁ … b_L and the head's μ and log σ² over z₀.
type buPass struct {
	full   *nn.Node
	states []*nn.Node
	mu, lv *nn.Node
}

// bottomUp runs BU stack s on x.
func (n *hierNet) bottomUp(g *nn.Graph, s *buStack, x *nn.Node) buPass {
	p := buPass{states: make([]*nn.Node, len(n.td))}
	p.full = s.stem.Apply(g, x)
	h, r := p.full, n.cfg.H
	for i := len(n.td) - 1; i >= 0; i-- {
		for ; r > n.td[i].res; r /= 2 {
			h = s.downs[r].Apply(g, n.act(g, h))
		}
		blk := s.blocks[i]
		h = g.Add(h, blk.c2.Apply(g, n.act(g, blk.c1.Apply(g, n.act(g, h)))))
		p.states[i] = h
	}
	if h == nil {
		return p
	}
	b := x.Shape()[0]
	head := s.top.Apply(g, g.Reshape(n.act(g, h), b, h.Shape().TotalSize()/b))
	u := n.layers[0].Units
	p.mu, p.lv = g.Cols(head, 0, u), g.Cols(head, u, 2*u)
	return p
}

// repeat repeats every row of the pass k times (k samples per image).
func (p buPass) repeat(g *nn.Graph, k int) buPass {
	if k == 1 {
		return p
	}
	r := buPass{full: g.RepeatRows(p.full, k), mu: g.RepeatRows(p.mu, k), lv: g.RepeatRows(p.lv, k)}
	for _, s := range p.states {
		r.states = append(r.states, g.RepeatRows(s, k))
	}
	return r
}

// priorOf returns p(zᵢ|z<ᵢ)'s μ and log σ² from the TD state h of layer l,
// or nil for the standard prior.
func (n *hierNet) priorOf(g *nn.Graph, l tdLayer, h *nn.Node) (mu, logVar *nn.Node) {
	if l.prior == nil {
		return nil, nil
	}
	p := l.prior.Apply(g, n.act(g, h))
	z := n.cfg.ZChannels
	return g.Channels(p, 0, z), g.Channels(p, z, 2*z)
}

// topDown runs the TD pass from z₀ for rows samples, with the context
// pass ctx (rows rows) of a conditional model, else nil. At conv layer i
// (1-based), with the TD state h already at the layer's resolution,
// latent(i, h) returns zᵢ. It returns the likelihood parameters.
func (n *hierNet) topDown(g *nn.Graph, z0 *nn.Node, ctx *buPass, latent func(i int, h *nn.Node) *nn.Node) *nn.Node {
	if z0 == nil {
		return nil
	}
	rows, r := z0.Shape()[0], n.layers[1].Res
	h := g.Reshape(n.topIn.Apply(g, z0), rows, n.cfg.Width, r, n.mapW(r))
	for i, l := range n.td {
		if l.upH != nil {
			h = l.upH.Apply(g, h)
		}
		if ctx != nil {
			h = g.Add(h, l.ctx.Apply(g, n.act(g, ctx.states[i])))
		}
		z := latent(i+1, h)
		h = g.Add(h, l.res2.Apply(g, n.act(g, l.res1.Apply(g, g.Concat(z, h)))))
	}
	if n.outUp != nil {
		h = n.outUp.Apply(g, h)
	}
	if ctx != nil {
		h = g.Add(h, n.ctxOut.Apply(g, n.act(g, ctx.full)))
	}
	return n.outMap.Apply(g, n.act(g, n.out1.Apply(g, n.act(g, h))))
}

// gaussianTerms returns the KL(q‖p) of a latent layer and its share of
// log p(z) − log q(z) at the sample z: analytic against N(0, I) when p's μ
// is nil, else between the two Gaussians.
func gaussianTerms(g *nn.Graph, z, eps, muQ, lvQ, muP, lvP *nn.Node) (kl, ratio *nn.Node) {
	if muP == nil {
		return g.GaussianKL(muQ, lvQ), standardLogRatio(g, z, lvQ, eps)
	}
	return g.GaussianKLPair(muQ, lvQ, muP, lvP), g.Sub(g.GaussianLogPdf(z, muP, lvP), g.GaussianLogPdf(z, muQ, lvQ))
}

func (n *hierNet) infer(g *nn.Graph, x, cond *nn.Node, k int, eps []*nn.Node) (out, logRatio *nn.Node, kls []*nn.Node) {
	bu := n.bottomUp(g, n.bu, x)
	var ctx *buPass
	if n.ctx != nil {
		c := n.bottomUp(g, n.ctx, cond)
		// The top layer's KL is per image, so it is taken before the rows
		// are repeated.
		kls = []*nn.Node{g.GaussianKLPair(bu.mu, bu.lv, c.mu, c.lv)}
		c = c.repeat(g, k)
		ctx = &c
	} else {
		kls = []*nn.Node{g.GaussianKL(bu.mu, bu.lv)}
	}
	mu0, lv0 := g.RepeatRows(bu.mu, k), g.RepeatRows(bu.lv, k)
	z0 := reparam(g, mu0, lv0, eps[0])
	if ctx != nil {
		logRatio = g.Sub(g.GaussianLogPdf(z0, ctx.mu, ctx.lv), g.GaussianLogPdf(z0, mu0, lv0))
	} else {
		logRatio = standardLogRatio(g, z0, lv0, eps[0])
	}
	zc, w := n.cfg.ZChannels, n.cfg.Width
	var m *nn.Node // the merge state
	out = n.topDown(g, z0, ctx, func(i int, h *nn.Node) *nn.Node {
		l := n.td[i-1]
		in := []*nn.Node{h, g.RepeatRows(bu.states[i-1], k)}
		if m != nil {
			if l.upM != nil {
				m = l.upM.Apply(g, m)
			}
			in = append(in, m)
		}
		q := l.merge2.Apply(g, n.act(g, l.merge1.Apply(g, g.Concat(in...))))
		muQ, lvQ := g.Channels(q, 0, zc), g.Channels(q, zc, 2*zc)
		m = g.Channels(q, 2*zc, 2*zc+w)
		z := reparam(g, muQ, lvQ, eps[i])
		muP, lvP := n.priorOf(g, l, h)
		kl, ratio := gaussianTerms(g, z, eps[i], muQ, lvQ, muP, lvP)
		kls = append(kls, kl)
		logRatio = g.Add(logRatio, ratio)
		return z
	})
	return out, logRatio, kls
}

func (n *hierNet) generate(g *nn.Graph, cond *nn.Node, eps []*nn.Node) *nn.Node {
	z0 := eps[0]
	var ctx *buPass
	if n.ctx != nil {
		c := n.bottomUp(g, n.ctx, cond)
		ctx = &c
		z0 = reparam(g, c.mu, c.lv, eps[0])
	}
	return n.topDown(g, z0, ctx, func(i int, h *nn.Node) *nn.Node {
		muP, lvP := n.priorOf(g, n.td[i-1], h)
		if muP == nil {
			return eps[i]
		}
		return reparam(g, muP, lvP, eps[i])
	})
}

package autoregressive

import (
	"fmt"

	"github.com/genmodel/genmodel/nn"
)

// Sampler draws images from a Net for a fixed batch of rows images of
// H×W pixels.
type Sampler struct {
	net     *Net
	g       *nn.Graph
	x, f    *nn.Node
	theta   *nn.Output
	prog    *nn.Program
	rows    int
	h, w, c int
}

// NewSampler compiles the Net's pass for rows images of h×w pixels.
func (n *Net) NewSampler(rows, h, w int) (*Sampler, error) {
	if rows < 1 || h < 1 || w < 1 {
		return nil, fmt.Errorf("autoregressive: sampler for %d images of %dx%d", rows, h, w)
	}
	g := nn.NewGraph()
	s := &Sampler{net: n, g: g, rows: rows, h: h, w: w, c: n.cfg.C}
	s.x = g.Input("x", rows, n.cfg.C, h, w)
	s.f = g.Input("f", rows, n.cfg.Cond, h, w)
	s.theta = g.Output(n.Apply(g, s.x, s.f))
	prog, err := g.Compile(nil)
	if err != nil {
		return nil, err
	}
	s.prog = prog
	return s, nil
}

// Close releases the compiled pass.
func (s *Sampler) Close() error { return s.prog.Close() }

// Sample draws rows images given the features f (rows, Cond, H, W), one
// value at a time in raster order of the pixels and, within a pixel, in
// order of the channels: before drawing x[b, c, i] the Net is run on the
// images drawn so far (later values still zero, which the masks ignore)
// and draw(b, c, i, θ) is called with that value's Params parameters θ
// (image b, channel c, pixel i). draw may return a known value instead of
// a drawn one: the later values are then conditioned on it. It
// returns the images (rows, C, H, W). H·W·C passes of the Net are made.
func (s *Sampler) Sample(f []float32, draw func(b, c, i int, theta []float32) float32) ([]float32, error) {
	if err := s.g.Set(s.f, f); err != nil {
		return nil, err
	}
	x := s.g.InputData(s.x)
	clear(x)
	p, hw := s.net.cfg.Params, s.h*s.w
	theta := make([]float32, p)
	for i := range hw {
		for c := range s.c {
			if err := s.prog.Run(); err != nil {
				return nil, err
			}
			out := s.theta.Values()
			for b := range s.rows {
				for j := range p {
					theta[j] = out[((b*p+j)*s.c+c)*hw+i]
				}
				x[(b*s.c+c)*hw+i] = draw(b, c, i, theta)
			}
		}
	}
	return append([]float32(nil), x...), nil
}

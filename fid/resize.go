package fid

// ResizeBilinear resizes c planes of h×w values (row-major, plane after
// plane) to oh×ow by bilinear interpolation with PyTorch's
// align_corners=False convention (F.interpolate(mode="bilinear"), no
// antialiasing), which pytorch-fid applies before Inception. Output pixel
// i along an axis reads source coordinate
//
//	s = max(0, (i + ½)·in/out − ½),  i₀ = ⌊s⌋,  i₁ = min(i₀ + 1, in − 1),  λ = s − i₀,
//
// and the value is (1 − λ)·v[i₀] + λ·v[i₁], along rows and then columns.
// The weights are computed in float32 as PyTorch computes them.
func ResizeBilinear(src []float32, c, h, w, oh, ow int) []float32 {
	ys, xs := bilinearTaps(h, oh), bilinearTaps(w, ow)
	dst := make([]float32, c*oh*ow)
	for p := range c {
		in, out := src[p*h*w:(p+1)*h*w], dst[p*oh*ow:(p+1)*oh*ow]
		for i, y := range ys {
			r0, r1 := in[y.i0*w:(y.i0+1)*w], in[y.i1*w:(y.i1+1)*w]
			row := out[i*ow : (i+1)*ow]
			for j, x := range xs {
				top := (1-x.l)*r0[x.i0] + x.l*r0[x.i1]
				bottom := (1-x.l)*r1[x.i0] + x.l*r1[x.i1]
				row[j] = (1-y.l)*top + y.l*bottom
			}
		}
	}
	return dst
}

// tap is the two source indices and the weight λ of the second for one
// output coordinate.
type tap struct {
	i0, i1 int
	l      float32
}

// bilinearTaps returns the taps of the out coordinates of an axis of in
// values (see ResizeBilinear).
func bilinearTaps(in, out int) []tap {
	scale := float32(in) / float32(out)
	taps := make([]tap, out)
	for i := range taps {
		s := max(0, scale*(float32(i)+0.5)-0.5)
		i0 := int(s)
		taps[i] = tap{i0: i0, i1: min(i0+1, in-1), l: s - float32(i0)}
	}
	return taps
}

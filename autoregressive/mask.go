package autoregressive

// MaskKind says whether a masked convolution may see the current pixel.
type MaskKind int

const (
	// A (the first layer, on the image): output channel group g at pixel p
	// sees every channel at pixels before p in raster order, and at p only
	// the input groups before g.
	A MaskKind = iota
	// B (the layers after): as A, but at p also input group g itself.
	B
)

func (k MaskKind) String() string {
	if k == A {
		return "A"
	}
	return "B"
}

// Mask returns the 0/1 mask of a k×k convolution's weights (out, in, k, k),
// k odd, for the raster order of pixels (row by row, left to right) and of
// the image's channels within a pixel. inGroup[i] and outGroup[o] give the
// image channel (0 … C−1) that input channel i and output channel o belong
// to. Weight (o, i, r, c) is kept when the kernel offset (r, c) is above the
// centre row, or on it and left of the centre; at the centre itself when
// inGroup[i] < outGroup[o] (kind A) or ≤ (kind B). Offsets below or right of
// the centre are masked: they look at pixels not yet generated.
func Mask(kind MaskKind, k int, inGroup, outGroup []int) []float32 {
	in, out := len(inGroup), len(outGroup)
	m := make([]float32, out*in*k*k)
	centre := k / 2
	for o := range out {
		for i := range in {
			for r := range k {
				for c := range k {
					keep := r < centre || (r == centre && c < centre)
					if r == centre && c == centre {
						keep = inGroup[i] < outGroup[o] || (kind == B && inGroup[i] == outGroup[o])
					}
					if keep {
						m[((o*in+i)*k+r)*k+c] = 1
					}
				}
			}
		}
	}
	return m
}

// blockGroups assigns n channels to c image channels in contiguous blocks
// (hidden layers): channel j belongs to j·c/n.
func blockGroups(n, c int) []int {
	g := make([]int, n)
	for j := range g {
		g[j] = j * c / n
	}
	return g
}

// paramGroups assigns the p·c output maps of a likelihood with p parameters
// per image channel, laid out as p blocks of c maps, to their image
// channel: map j belongs to j mod c.
func paramGroups(p, c int) []int {
	g := make([]int, p*c)
	for j := range g {
		g[j] = j % c
	}
	return g
}

package data

import "fmt"

// Images is a batch of N images stored contiguously in NCHW order:
// pixel (n, c, y, x) is Pix[((n*C+c)*H+y)*W+x]. Pixel intensities are float32,
// in [0, 1] for clean data.
type Images struct {
	N, C, H, W int
	Pix        []float32
}

// NewImages allocates a zeroed batch of n images of shape c×h×w.
func NewImages(n, c, h, w int) Images {
	return Images{N: n, C: c, H: h, W: w, Pix: make([]float32, n*c*h*w)}
}

// Dim is the number of values per image, C·H·W.
func (im Images) Dim() int { return im.C * im.H * im.W }

// At returns the pixels of image i as a sub-slice of Pix (no copy).
func (im Images) At(i int) []float32 {
	d := im.Dim()
	return im.Pix[i*d : (i+1)*d]
}

// Clone returns a deep copy.
func (im Images) Clone() Images {
	out := im
	out.Pix = append([]float32(nil), im.Pix...)
	return out
}

// Shape returns (N, C, H, W) as a slice, the layout gorgonia tensors use.
func (im Images) Shape() []int { return []int{im.N, im.C, im.H, im.W} }

// String describes the batch shape, e.g. "64x1x28x28".
func (im Images) String() string { return fmt.Sprintf("%dx%dx%dx%d", im.N, im.C, im.H, im.W) }

package samples

import (
	"fmt"
	"image"

	"github.com/genmodel/genmodel/data"
)

// Imputations lays out an imputation gallery with one column per image:
// the originals, the occluded images (missing values, mask 0, drawn as a
// grey checkerboard of 2-pixel cells so they cannot pass for image), then
// one row per imputation.
func Imputations(orig, mask data.Images, imputed ...data.Images) (image.Image, error) {
	if mask.N != orig.N || mask.Dim() != orig.Dim() {
		return nil, fmt.Errorf("imputation gallery: mask %v does not match images %v", mask, orig)
	}
	rows := append([]data.Images{orig, Occluded(orig, mask)}, imputed...)
	all := data.NewImages(len(rows)*orig.N, orig.C, orig.H, orig.W)
	for r, x := range rows {
		if x.N != orig.N || x.Dim() != orig.Dim() {
			return nil, fmt.Errorf("imputation gallery: row %d is %v, want %v", r, x, orig)
		}
		copy(all.Pix[r*len(orig.Pix):], x.Pix)
	}
	return Grid(all, orig.N, 2)
}

// Occluded returns x with its missing values (mask 0) replaced by a grey
// checkerboard of 2-pixel cells, 0.3 and 0.7.
func Occluded(x, mask data.Images) data.Images {
	out := x.Clone()
	plane := x.H * x.W
	for j, m := range mask.Pix {
		if m != 0 {
			continue
		}
		i := j % plane
		y, xx := i/x.W, i%x.W
		out.Pix[j] = 0.3
		if (y/2+xx/2)%2 == 1 {
			out.Pix[j] = 0.7
		}
	}
	return out
}

package samples

import (
	"image/color"
	"testing"

	"github.com/genmodel/genmodel/data"
)

func TestImputationsLayout(t *testing.T) {
	orig := data.NewImages(3, 1, 4, 4)
	for i := range orig.Pix {
		orig.Pix[i] = 1
	}
	mask := orig.Clone()
	mask.Pix[5] = 0 // image 0, pixel (1, 1)
	imp := orig.Clone()
	imp.Pix[5] = 0.5
	img, err := Imputations(orig, mask, imp, imp)
	if err != nil {
		t.Fatal(err)
	}
	// 3 columns, 4 rows (original, occluded, 2 imputations) of 4 px tiles, 2 px apart.
	if b := img.Bounds(); b.Dx() != 3*6+2 || b.Dy() != 4*6+2 {
		t.Fatalf("gallery %v", b)
	}
	at := func(row, col, y, x int) color.RGBA {
		return color.RGBAModel.Convert(img.At(2+col*6+x, 2+row*6+y)).(color.RGBA)
	}
	if c := at(0, 0, 1, 1); c.R != 255 {
		t.Errorf("original pixel %v, want white", c)
	}
	if c := at(1, 0, 1, 1); c.R != to8(0.3) {
		t.Errorf("occluded pixel %v, want the checkerboard's 0.3", c)
	}
	if c := at(1, 0, 1, 2); c.R != 255 {
		t.Errorf("observed pixel of the occluded row %v, want white", c)
	}
	if c := at(3, 0, 1, 1); c.R != to8(0.5) {
		t.Errorf("imputed pixel %v, want 0.5", c)
	}
	if _, err := Imputations(orig, mask, data.NewImages(2, 1, 4, 4)); err == nil {
		t.Error("an imputation row of 2 images for 3 accepted")
	}
}

func TestOccludedCheckerboard(t *testing.T) {
	x := data.NewImages(1, 1, 4, 4)
	mask := data.NewImages(1, 1, 4, 4) // everything missing
	got := Occluded(x, mask).Pix
	want := []float32{0.3, 0.3, 0.7, 0.7, 0.3, 0.3, 0.7, 0.7, 0.7, 0.7, 0.3, 0.3, 0.7, 0.7, 0.3, 0.3}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("checkerboard %v, want %v", got, want)
		}
	}
}

package samples

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/genmodel/genmodel/data"
)

func TestGridPlacesTiles(t *testing.T) {
	// Three 2x3 gray images with distinct constant values, two per row.
	x := data.NewImages(3, 1, 2, 3)
	vals := []float32{0, 0.5, 1}
	for n, v := range vals {
		for i := range x.At(n) {
			x.At(n)[i] = v
		}
	}
	img, err := Grid(x, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Width 2·(3+1)+1 = 9, height 2·(2+1)+1 = 7.
	if b := img.Bounds(); b.Dx() != 9 || b.Dy() != 7 {
		t.Fatalf("grid is %dx%d, want 9x7", b.Dx(), b.Dy())
	}
	want := map[[2]int]uint8{
		{1, 1}: 0, {3, 2}: 0, // tile 0 spans x 1..3, y 1..2
		{5, 1}: 128, {7, 2}: 128, // tile 1 spans x 5..7; 0.5 → round(127.5) = 128
		{1, 4}: 255, {3, 5}: 255, // tile 2, second row, y 4..5
	}
	for p, v := range want {
		r, _, _, _ := img.At(p[0], p[1]).RGBA()
		if uint8(r>>8) != v {
			t.Errorf("pixel %v = %d, want %d", p, r>>8, v)
		}
	}
	if got := img.At(4, 1).(color.RGBA); got.R != 128 || got.G != 128 {
		t.Errorf("padding pixel = %v, want grey", got)
	}
}

func TestGridErrors(t *testing.T) {
	if _, err := Grid(data.NewImages(0, 1, 2, 2), 2, 1); err == nil {
		t.Error("empty batch accepted")
	}
	if _, err := Grid(data.NewImages(1, 2, 2, 2), 2, 1); err == nil {
		t.Error("2-channel images accepted")
	}
}

func TestTo8Clips(t *testing.T) {
	for _, c := range []struct {
		in   float32
		want uint8
	}{{-1, 0}, {0, 0}, {1.0 / 255, 1}, {0.5, 128}, {1, 255}, {7, 255}} {
		if got := to8(c.in); got != c.want {
			t.Errorf("to8(%g) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestSaveGridWritesPNG(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.png")
	if err := SaveGrid(p, data.NewImages(5, 3, 4, 4)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	// 5 tiles → 3 columns, 2 rows of 4x4 with 2 px padding: 3·6+2 = 20 by 2·6+2 = 14.
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 14 {
		t.Fatalf("PNG is %dx%d, want 20x14", b.Dx(), b.Dy())
	}
}

package samples

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/internal/atomicfile"
)

// Grid lays the images of x out in rows of cols tiles, pad pixels apart on a
// mid-grey background. Intensities in [0, 1] map to 0..255 (values outside
// are clipped). One channel gives a grayscale image, three an RGB one.
func Grid(x data.Images, cols, pad int) (image.Image, error) {
	if x.N < 1 {
		return nil, fmt.Errorf("grid: no images")
	}
	if x.C != 1 && x.C != 3 {
		return nil, fmt.Errorf("grid: images have %d channels, want 1 or 3", x.C)
	}
	if cols < 1 {
		return nil, fmt.Errorf("grid: cols must be ≥ 1, got %d", cols)
	}
	cols = min(cols, x.N)
	rows := (x.N + cols - 1) / cols
	w := cols*(x.W+pad) + pad
	h := rows*(x.H+pad) + pad
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{128, 128, 128, 255}), image.Point{}, draw.Src)
	plane := x.H * x.W
	for n := 0; n < x.N; n++ {
		ox := pad + (n%cols)*(x.W+pad)
		oy := pad + (n/cols)*(x.H+pad)
		pix := x.At(n)
		for y := 0; y < x.H; y++ {
			for xx := 0; xx < x.W; xx++ {
				var c [3]uint8
				for ch := 0; ch < 3; ch++ {
					c[ch] = to8(pix[min(ch, x.C-1)*plane+y*x.W+xx])
				}
				img.SetRGBA(ox+xx, oy+y, color.RGBA{c[0], c[1], c[2], 255})
			}
		}
	}
	return img, nil
}

// to8 maps v ∈ [0, 1] to round(255·v), clipping; NaN maps to 0.
func to8(v float32) uint8 {
	if math.IsNaN(float64(v)) || v <= 0 {
		return 0
	}
	if v >= 1 {
		return 255
	}
	return uint8(v*255 + 0.5)
}

// SavePNG writes img to path atomically.
func SavePNG(path string, img image.Image) error {
	return atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// SaveGrid is Grid followed by SavePNG, with a near-square layout.
func SaveGrid(path string, x data.Images) error {
	cols := int(math.Ceil(math.Sqrt(float64(x.N))))
	img, err := Grid(x, cols, 2)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return SavePNG(path, img)
}

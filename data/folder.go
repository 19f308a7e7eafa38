package data

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // decoders for ReadImageFolder
	_ "image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ImageExts are the file extensions ReadImageFolder reads (any case).
var ImageExts = []string{".png", ".jpg", ".jpeg"}

// ImageFiles lists the image files (ImageExts) of dir, sorted by name.
func ImageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && slices.Contains(ImageExts, strings.ToLower(filepath.Ext(e.Name()))) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s holds no images (%s)", dir, strings.Join(ImageExts, ", "))
	}
	return files, nil
}

// ReadImages decodes image files of one size into a batch of c channels
// (1: grayscale, 3: RGB) with intensities k/255: grayscale images are
// repeated to RGB, and RGB ones turned to gray by the ITU-R 601 luma
// L = 0.299 R + 0.587 G + 0.114 B (as PIL's convert("L")). An unreadable
// file, or one of another size than the first, is an error naming it.
func ReadImages(files []string, c int) (Images, error) {
	if c != 1 && c != 3 {
		return Images{}, fmt.Errorf("data: images of %d channels: 1 or 3", c)
	}
	if len(files) == 0 {
		return Images{}, errors.New("data: no image files")
	}
	var out Images
	for i, path := range files {
		img, err := decodeImage(path)
		if err != nil {
			return Images{}, err
		}
		b := img.Bounds()
		if i == 0 {
			out = NewImages(len(files), c, b.Dy(), b.Dx())
		} else if b.Dx() != out.W || b.Dy() != out.H {
			return Images{}, fmt.Errorf("data: %s is %dx%d, but %s is %dx%d: the images of a set must share one size",
				path, b.Dx(), b.Dy(), files[0], out.W, out.H)
		}
		px, plane := out.At(i), out.H*out.W
		for y := range out.H {
			for x := range out.W {
				r, g, bl := rgb8(img.At(b.Min.X+x, b.Min.Y+y))
				j := y*out.W + x
				if c == 1 {
					px[j] = float32(luma(r, g, bl)) / 255
				} else {
					px[j], px[plane+j], px[2*plane+j] = float32(r)/255, float32(g)/255, float32(bl)/255
				}
			}
		}
	}
	return out, nil
}

func decodeImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("data: %s: not a readable PNG or JPEG image: %w", path, err)
	}
	return img, nil
}

// rgb8 returns the 8-bit RGB of a colour, alpha ignored (as PIL's
// convert("RGB") drops it).
func rgb8(c color.Color) (r, g, b uint8) {
	switch c := c.(type) {
	case color.Gray:
		return c.Y, c.Y, c.Y
	case color.NRGBA:
		return c.R, c.G, c.B
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return n.R, n.G, n.B
}

// luma is PIL's L = (299 R + 587 G + 114 B)/1000, rounded.
func luma(r, g, b uint8) uint8 {
	return uint8((299*int(r) + 587*int(g) + 114*int(b) + 500) / 1000)
}

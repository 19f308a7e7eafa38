package data

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// Gray and colour files read as gray (luma) or RGB (repeated gray), in
// name order; other files are skipped.
func TestReadImageFolder(t *testing.T) {
	dir := t.TempDir()
	gray := image.NewGray(image.Rect(0, 0, 3, 2))
	gray.SetGray(1, 0, color.Gray{Y: 51})
	rgba := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	rgba.SetNRGBA(2, 1, color.NRGBA{R: 255, G: 0, B: 0, A: 128})
	writePNG(t, filepath.Join(dir, "b.png"), gray)
	writePNG(t, filepath.Join(dir, "a.PNG"), rgba)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	files, err := ImageFiles(dir)
	if err != nil || len(files) != 2 || filepath.Base(files[0]) != "a.PNG" {
		t.Fatalf("files %v, %v", files, err)
	}
	g, err := ReadImages(files, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Red's luma: round(299·255/1000) = 76.
	if g.N != 2 || g.C != 1 || g.H != 2 || g.W != 3 || g.At(0)[5] != 76.0/255 || g.At(1)[1] != 51.0/255 {
		t.Fatalf("gray: %v, %v", g, g.Pix)
	}
	c, err := ReadImages(files, 3)
	if err != nil {
		t.Fatal(err)
	}
	if c.At(0)[5] != 1 || c.At(0)[6+5] != 0 || c.At(1)[1] != 51.0/255 || c.At(1)[6+1] != 51.0/255 || c.At(1)[12+1] != 51.0/255 {
		t.Fatalf("rgb: %v", c.Pix)
	}
}

func TestReadImageFolderErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ImageFiles(dir); err == nil || !strings.Contains(err.Error(), "holds no images") {
		t.Errorf("empty folder: %v", err)
	}
	writePNG(t, filepath.Join(dir, "a.png"), image.NewGray(image.Rect(0, 0, 3, 2)))
	writePNG(t, filepath.Join(dir, "b.png"), image.NewGray(image.Rect(0, 0, 4, 2)))
	os.WriteFile(filepath.Join(dir, "c.jpg"), []byte("not a jpeg"), 0o644)
	files, _ := ImageFiles(dir)
	if _, err := ReadImages(files[:2], 1); err == nil || !strings.Contains(err.Error(), "b.png is 4x2") {
		t.Errorf("mixed sizes: %v", err)
	}
	if _, err := ReadImages(files[2:], 1); err == nil || !strings.Contains(err.Error(), "c.jpg: not a readable") {
		t.Errorf("bad file: %v", err)
	}
}

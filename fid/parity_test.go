package fid

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/genmodel/genmodel/data"
)

// inceptionFixture is what fid/testdata/make_fixture.py wrote with PyTorch.
type inceptionFixture struct {
	Cases []struct {
		C, H, W  int
		IDs      []int
		Resized  [][]float64            `json:"resized_every_997"`
		Features map[string][][]float64 `json:"features"`
		Logits   [][]float64            `json:"logits"`
	} `json:"cases"`
}

// fixtureImage is image i of the fixture script: channel ch at (y, x) is
// ½ + ½ sin(0.31x + 0.17y(ch + 1) + 1.3i), rounded to k/255.
func fixtureImage(i, c, h, w int) []float32 {
	v := make([]float32, c*h*w)
	for ch := range c {
		for y := range h {
			for x := range w {
				s := 0.5 + 0.5*math.Sin(0.31*float64(x)+0.17*float64(y)*float64(ch+1)+1.3*float64(i))
				v[(ch*h+y)*w+x] = float32(math.Floor(s*255+0.5) / 255)
			}
		}
	}
	return v
}

// closeTo reports whether got matches want to within rel of each value's
// magnitude plus rel of the mean magnitude (a scale for values near 0).
func closeTo(got []float32, want []float64, rel float64) (worst float64, ok bool) {
	var scale float64
	for _, w := range want {
		scale += math.Abs(w)
	}
	scale /= float64(len(want))
	ok = len(got) == len(want)
	for i := range min(len(got), len(want)) {
		e := math.Abs(float64(got[i])-want[i]) / (math.Abs(want[i]) + scale)
		worst = max(worst, e)
		if e > rel {
			ok = false
		}
	}
	return worst, ok
}

// The Go network, preprocessing and fc against PyTorch running
// pytorch-fid's network on the same synthetic weights and images: the
// resized input to float32 rounding, features and logits to 1e-3.
func TestInceptionMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/inception_fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx inceptionFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	net, err := NewInception(syntheticWeights())
	if err != nil {
		t.Fatal(err)
	}
	const s = InceptionSize
	for _, c := range fx.Cases {
		im := data.NewImages(len(c.IDs), c.C, c.H, c.W)
		for j, id := range c.IDs {
			copy(im.At(j), fixtureImage(id, c.C, c.H, c.W))
		}
		x, err := Preprocess(im)
		if err != nil {
			t.Fatal(err)
		}
		for j := range c.IDs {
			for k, want := range c.Resized[j] {
				if got := (x[j*3*s*s+k*997] + 1) / 2; math.Abs(float64(got)-want) > 1e-6 {
					t.Fatalf("image %d: resized value %d is %g, PyTorch %g", c.IDs[j], k*997, got, want)
				}
			}
		}
		for _, dims := range FeatureDims {
			f, err := net.Features(x, im.N, dims)
			if err != nil {
				t.Fatal(err)
			}
			for j := range c.IDs {
				worst, ok := closeTo(f[j*dims:(j+1)*dims], c.Features[itoa(dims)][j], 1e-3)
				if !ok {
					t.Errorf("image %d, %d-d features: worst relative error %.2g", c.IDs[j], dims, worst)
				}
				t.Logf("image %d, %d-d features: worst relative error %.2g", c.IDs[j], dims, worst)
			}
			if dims == 2048 {
				logits, err := net.Logits(f, im.N)
				if err != nil {
					t.Fatal(err)
				}
				for j := range c.IDs {
					if worst, ok := closeTo(logits[j*1008:(j+1)*1008], c.Logits[j], 1e-3); !ok {
						t.Errorf("image %d, logits: worst relative error %.2g", c.IDs[j], worst)
					}
				}
			}
		}
	}
}

func itoa(d int) string {
	b, _ := json.Marshal(d)
	return string(b)
}

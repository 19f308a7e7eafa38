package data

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestOcclude(t *testing.T) {
	const n, c, h, w = 200, 2, 8, 6
	// hiddenOK says which hidden sets each kind may produce, by pixel.
	inQuad := func(qy, qx, y, x int) bool { return (y >= h/2) == (qy == 1) && (x >= w/2) == (qx == 1) }
	for _, kind := range Occlusions() {
		m, err := Occlude(kind, n, c, h, w, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		var hiddenTotal int
		shapes := map[string]bool{}
		for i := range n {
			img := m.At(i)
			var key strings.Builder
			hidden := 0
			for y := range h {
				for x := range w {
					v := img[y*w+x]
					if img[(h+y)*w+x] != v || (v != 0 && v != 1) {
						t.Fatalf("%s: image %d pixel (%d,%d): channels %g and %g", kind, i, y, x, v, img[(h+y)*w+x])
					}
					if v == 0 {
						hidden++
						key.WriteByte('x')
					} else {
						key.WriteByte('.')
					}
				}
			}
			hiddenTotal += hidden
			shapes[key.String()] = true
			switch kind {
			case Quadrant:
				ok := false
				for q := range 4 {
					match := true
					for y := range h {
						for x := range w {
							match = match && (img[y*w+x] == 0) == inQuad(q/2, q%2, y, x)
						}
					}
					ok = ok || match
				}
				if !ok {
					t.Fatalf("quadrant: image %d hides %s, not a quadrant", i, key.String())
				}
			case Center:
				for y := range h {
					for x := range w {
						want := y >= 2 && y < 6 && x >= 1 && x < 4
						if (img[y*w+x] == 0) != want {
							t.Fatalf("center: pixel (%d,%d) hidden %v", y, x, !want)
						}
					}
				}
			case Half:
				if hidden != h*w/2 {
					t.Fatalf("half: %d pixels hidden, want %d", hidden, h*w/2)
				}
			}
		}
		frac := float64(hiddenTotal) / float64(n*h*w)
		want := map[string]int{Quadrant: 4, Center: 1, Half: 4, Random: n}[kind]
		if kind == Random {
			if frac < 0.45 || frac > 0.55 {
				t.Errorf("random: %.3f of pixels hidden, want about 0.5", frac)
			}
			continue
		}
		if len(shapes) != want {
			t.Errorf("%s: %d distinct masks over %d images, want %d", kind, len(shapes), n, want)
		}
	}
	if _, err := Occlude("stripes", 1, 1, 4, 4, rand.New(rand.NewPCG(1, 1))); err == nil || !strings.Contains(err.Error(), "quadrant") {
		t.Errorf("unknown kind: %v", err)
	}
}

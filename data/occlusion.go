package data

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Occlusion kinds: which pixels of an image are hidden for imputation.
const (
	Quadrant = "quadrant" // one of the four quadrants, chosen at random per image
	Center   = "center"   // the central (H/2)×(W/2) square
	Half     = "half"     // the top, bottom, left or right half, chosen at random per image
	Random   = "random"   // every pixel independently with probability ½
)

// Occlusions lists the occlusion kinds.
func Occlusions() []string { return []string{Quadrant, Center, Half, Random} }

// Occlude returns the observation masks of n images of shape (c, h, w): 1
// where a value is observed, 0 where it is missing. A pixel is hidden in all
// its channels. Random choices come from rng.
func Occlude(kind string, n, c, h, w int, rng *rand.Rand) (Images, error) {
	if h < 2 || w < 2 {
		return Images{}, fmt.Errorf("data: images of %dx%d are too small to occlude", h, w)
	}
	m := NewImages(n, c, h, w)
	for i := range n {
		var hidden func(y, x int) bool
		switch kind {
		case Quadrant:
			qy, qx := rng.IntN(2), rng.IntN(2)
			hidden = func(y, x int) bool { return (y >= h/2) == (qy == 1) && (x >= w/2) == (qx == 1) }
		case Center:
			hidden = func(y, x int) bool { return y >= h/4 && y < h/4+h/2 && x >= w/4 && x < w/4+w/2 }
		case Half:
			switch rng.IntN(4) {
			case 0:
				hidden = func(y, _ int) bool { return y < h/2 }
			case 1:
				hidden = func(y, _ int) bool { return y >= h/2 }
			case 2:
				hidden = func(_, x int) bool { return x < w/2 }
			default:
				hidden = func(_, x int) bool { return x >= w/2 }
			}
		case Random:
			hidden = func(int, int) bool { return rng.IntN(2) == 0 }
		default:
			return Images{}, fmt.Errorf("data: unknown occlusion %q (known: %s)", kind, strings.Join(Occlusions(), ", "))
		}
		img := m.At(i)
		for y := range h {
			for x := range w {
				if hidden(y, x) {
					continue
				}
				for ch := range c {
					img[(ch*h+y)*w+x] = 1
				}
			}
		}
	}
	return m, nil
}

package kernels

import (
	"math/rand/v2"
	"testing"
)

func TestUpsampleNearest(t *testing.T) {
	t.Run("float32", testUpsample[float32])
	t.Run("float64", testUpsample[float64])
}

func testUpsample[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, c, h, w = 2, 3, 5, 4
	for _, f := range []int{1, 2, 3} {
		x, dy := randn(rng, n*c*h*w), randn(rng, n*c*h*w*f*f)
		wantY, wantDx := make([]float64, len(dy)), make([]float64, len(x))
		for b := range n * c {
			for i := range h * f {
				for j := range w * f {
					wantY[(b*h*f+i)*w*f+j] = x[(b*h+i/f)*w+j/f]
					wantDx[(b*h+i/f)*w+j/f] += dy[(b*h*f+i)*w*f+j]
				}
			}
		}
		y, dx := make([]T, len(dy)), make([]T, len(x))
		if err := UpsampleNearest(as[T](x), n, c, h, w, f, y); err != nil {
			t.Fatal(err)
		}
		assertClose(t, "upsample", y, wantY)
		if err := UpsampleNearestBackward(as[T](dy), n, c, h, w, f, dx); err != nil {
			t.Fatal(err)
		}
		assertClose(t, "upsample backward", dx, wantDx)
	}
	if UpsampleNearest(make([]T, 4), 1, 1, 2, 2, 2, make([]T, 15)) == nil {
		t.Error("wrong output length accepted")
	}
	if UpsampleNearestBackward(make([]T, 4), 1, 1, 2, 2, 0, make([]T, 4)) == nil {
		t.Error("factor 0 accepted")
	}
}

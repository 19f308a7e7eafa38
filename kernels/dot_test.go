package kernels

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// dotRowsRand returns dotRows random rows of each operand for n segments of
// length k, a rows sa apart and b rows sb apart, in float32 and float64.
func dotRowsRand(rng *rand.Rand, k, n, sa, sb int) (a, b [dotRows][]float32, af, bf [dotRows][]float64) {
	for i := range dotRows {
		af[i], bf[i] = randn(rng, max(0, (n-1)*sa+k)), randn(rng, max(0, (n-1)*sb+k))
		a[i], b[i] = as[float32](af[i]), as[float32](bf[i])
	}
	return a, b, af, bf
}

// Every dot kernel of this CPU computes the tile of dot products of its
// rows, over several segments, for lengths that are and are not multiples
// of its vector width, to float32 rounding of the exact sums.
func TestDotKernelsMatchNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, dk := range dotKernels() {
		for _, k := range []int{0, 1, 15, 16, 17, 100, 224} {
			const n = 3 // segments, a rows k+5 apart and b rows k+2 apart
			sa, sb := k+5, k+2
			a, b, af, bf := dotRowsRand(rng, k, n, sa, sb)
			sums := make([]float32, dk.ra*dk.rb)
			for i := range sums {
				sums[i] = float32(math.NaN()) // overwritten, not added to
			}
			dk.run(k, n, sa, sb, &a, &b, sums)
			for i := range dk.ra {
				for j := range dk.rb {
					var want, mag float64
					for m := range n {
						for p := range k {
							want += af[i][m*sa+p] * bf[j][m*sb+p]
							mag += math.Abs(af[i][m*sa+p] * bf[j][m*sb+p])
						}
					}
					got := float64(sums[i*dk.rb+j])
					if math.Abs(got-want) > 1e-6*(mag+1) {
						t.Fatalf("%s k=%d: dot(a%d, b%d) = %v, want %v", dk.name, k, i, j, got, want)
					}
				}
			}
		}
	}
}

// Each assembly kernel does the arithmetic of the Go kernel with as many
// lanes, bit for bit: same FMAs per lane, same reduction of the lanes.
func TestDotKernelsMatchGoBitwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, dk := range dotKernels() {
		ref := goDotKernel[float32](dk.lanes)
		for _, k := range []int{1, 7, 16, 37, 224} {
			const n = 4
			a, b, _, _ := dotRowsRand(rng, k, n, k+3, k+1)
			got, want := make([]float32, dk.ra*dk.rb), make([]float32, ref.ra*ref.rb)
			dk.run(k, n, k+3, k+1, &a, &b, got)
			ref.run(k, n, k+3, k+1, &a, &b, want)
			for i := range dk.ra {
				if g, w := got[i*dk.rb:][:dk.rb], want[i*ref.rb:][:dk.rb]; !slices.Equal(g, w) {
					t.Fatalf("%s k=%d row %d: %v, Go kernel with %d lanes %v", dk.name, k, i, g, dk.lanes, w)
				}
			}
		}
	}
}

// reduceLanes adds halves, then pairs: on values whose sums round
// differently by order, it gives the sum in exactly that order.
func TestReduceLanesOrder(t *testing.T) {
	v := []float32{1, 2, 3, 4, 5, 6, 7, 8, 1e8, 9, 10, 11, -1e8, 12, 13, 14}
	// Halves: 1+1e8, 2+9, 3+10, 4+11, 5−1e8, 6+12, 7+13, 8+14, then
	// (1e8+1 + 5−1e8), 11+18, 13+20, 15+22, then (x0+x1) + (x2+x3).
	h := []float32{1 + 1e8, 2 + 9, 3 + 10, 4 + 11, 5 - 1e8, 6 + 12, 7 + 13, 8 + 14}
	q := []float32{h[0] + h[4], h[1] + h[5], h[2] + h[6], h[3] + h[7]}
	want := (q[0] + q[1]) + (q[2] + q[3])
	if got := reduceLanes(slices.Clone(v)); got != want {
		t.Fatalf("reduceLanes = %v, want %v", got, want)
	}
}

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Every dot kernel of this CPU accumulates the tile of dot products of its
// rows, across calls, for lengths that are and are not multiples of its
// vector width; the assembly and the Go kernel agree to rounding.
func TestDotKernelsMatchNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, dk := range dotKernels() {
		for _, k := range []int{0, 1, 15, 16, 17, 100, 224} {
			// Three segments, a rows k+5 apart and b rows k+2 apart.
			const n = 3
			sa, sb := k+5, k+2
			var a, b [dotRows][]float32
			var af, bf [dotRows][]float64
			for i := range dotRows {
				af[i], bf[i] = randn(rng, (n-1)*sa+k), randn(rng, (n-1)*sb+k)
				a[i], b[i] = as[float32](af[i]), as[float32](bf[i])
			}
			acc := make([]float32, dk.ra*dk.rb*dk.lanes)
			dk.run(k, n, sa, sb, &a, &b, acc)
			dk.run(k, n, sa, sb, &a, &b, acc) // a second call adds the same again
			sums := make([]float32, dk.ra*dk.rb)
			reduceLanes(acc, dk.lanes, sums)
			for i := range dk.ra {
				for j := range dk.rb {
					var want, mag float64
					for m := range n {
						for p := range k {
							want += 2 * af[i][m*sa+p] * bf[j][m*sb+p]
							mag += 2 * math.Abs(af[i][m*sa+p]*bf[j][m*sb+p])
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

// On small integers everything is exact: all kernels agree bit for bit.
func TestDotKernelsExactOnIntegers(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const k = 37
	var a, b [dotRows][]float32
	for i := range dotRows {
		a[i], b[i] = make([]float32, k), make([]float32, k)
		for p := range k {
			a[i][p], b[i][p] = float32(rng.IntN(9)-4), float32(rng.IntN(9)-4)
		}
	}
	var ref []float32
	for _, dk := range dotKernels() {
		acc := make([]float32, dk.ra*dk.rb*dk.lanes)
		dk.run(k, 1, k, k, &a, &b, acc)
		sums := make([]float32, dk.ra*dk.rb)
		reduceLanes(acc, dk.lanes, sums)
		if ref == nil {
			ref = sums
			continue
		}
		for i := range sums {
			if sums[i] != ref[i] {
				t.Fatalf("%s: product %d = %v, want %v", dk.name, i, sums[i], ref[i])
			}
		}
	}
}

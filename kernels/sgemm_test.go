package kernels

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// gemmCase is one product with operands stored with padded strides.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	lda, ldb, ldc  int
	a, b, c        []float64
}

func newGemmCase(rng *rand.Rand, m, n, k int, tA, tB bool, gen func() float64) gemmCase {
	rowsA, colsA := m, k
	if tA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if tB {
		rowsB, colsB = n, k
	}
	g := gemmCase{transA: tA, transB: tB, m: m, n: n, k: k, lda: colsA + 3, ldb: colsB + 5, ldc: n + 7}
	fill := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = gen()
		}
		return s
	}
	g.a, g.b, g.c = fill(rowsA*g.lda), fill(rowsB*g.ldb), fill(m*g.ldc)
	return g
}

// run computes the case in float32 with plan p (serially, or split over
// goroutines) and returns C.
func (g gemmCase) run(p *gemmPlan[float32], par bool, alpha, beta float32) []float32 {
	c := as[float32](g.c)
	a, b := matrix[float32]{as[float32](g.a), g.lda, g.transA}, matrix[float32]{as[float32](g.b), g.ldb, g.transB}
	if par {
		p.parallel(g.m, g.n, g.k, alpha, a, b, beta, c, g.ldc)
	} else {
		p.mul(g.m, g.n, g.k, alpha, a, b, beta, c, g.ldc)
	}
	return c
}

// sgemmShapes cross the block sizes: k beyond kc = 256, m beyond mc = 144,
// n beyond nc = 1024, and sizes that are not multiples of any tile.
var sgemmShapes = [][3]int{{1, 1, 1}, {5, 3, 2}, {13, 33, 7}, {37, 70, 300}, {150, 29, 513}, {7, 1100, 9}, {64, 96, 128}}

// Every micro-kernel the CPU has, through the blocked driver, agrees with a
// naive float64 product on odd shapes, transposes and strides.
func TestSgemmKernelsMatchNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, kern := range cpuKernels() {
		p := newPlan(kern)
		for _, sz := range sgemmShapes {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				g := newGemmCase(rng, sz[0], sz[1], sz[2], tr[0], tr[1], rng.NormFloat64)
				for _, ab := range [][2]float32{{1, 0}, {0.75, -1.5}, {-2, 1}} {
					want := append([]float64(nil), g.c...)
					naiveGemm(g.transA, g.transB, g.m, g.n, g.k, float64(ab[0]), g.a, g.lda, g.b, g.ldb, float64(ab[1]), want, g.ldc)
					// The rounding error of a float32 sum of k terms stays within
					// about √k units of |alpha|·Σ|a||b| + |beta·c| (a bug is off
					// by whole terms).
					mag := abs(g.c)
					naiveGemm(g.transA, g.transB, g.m, g.n, g.k, math.Abs(float64(ab[0])), abs(g.a), g.lda, abs(g.b), g.ldb, math.Abs(float64(ab[1])), mag, g.ldc)
					got := g.run(p, false, ab[0], ab[1])
					for i := range got {
						if d := math.Abs(float64(got[i]) - want[i]); d > 2*math.Sqrt(float64(g.k))*0x1p-24*mag[i] {
							t.Fatalf("%s %v trans %v alpha,beta %v: C[%d] = %v, want %v", kern.name, sz, tr, ab, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// On small integers every product and sum is exact in float32, so all
// kernels and the naive product must agree bit for bit.
func TestSgemmKernelsExactOnIntegers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	small := func() float64 { return float64(rng.IntN(7) - 3) }
	for _, sz := range sgemmShapes {
		g := newGemmCase(rng, sz[0], sz[1], sz[2], sz[0]%2 == 0, sz[1]%2 == 1, small)
		want := append([]float64(nil), g.c...)
		naiveGemm(g.transA, g.transB, g.m, g.n, g.k, 2, g.a, g.lda, g.b, g.ldb, -1, want, g.ldc)
		for _, kern := range cpuKernels() {
			got := g.run(newPlan(kern), false, 2, -1)
			if !slices.Equal(got, as[float32](want)) {
				t.Fatalf("%s %v: not exact", kern.name, sz)
			}
		}
	}
}

// The portable Go kernel and the assembly ones round alike on random data
// (up to the rare double rounding of Go's float64 fused multiply-add).
func TestSgemmGoKernelMatchesAssembly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	g := newGemmCase(rng, 40, 70, 300, false, true, rng.NormFloat64)
	for _, kern := range cpuKernels() {
		got := g.run(newPlan(goKernel[float32](kern.mr, kern.nr)), false, 1.5, 0.5)
		asm := g.run(newPlan(kern), false, 1.5, 0.5)
		differ := 0
		for i := range got {
			if got[i] != asm[i] {
				differ++
				if math.Abs(float64(got[i]-asm[i])) > 4e-7*math.Abs(float64(asm[i]))+1e-30 {
					t.Fatalf("%s: element %d: Go %v, assembly %v", kern.name, i, got[i], asm[i])
				}
			}
		}
		if differ > len(got)/1000 {
			t.Fatalf("%s: %d of %d elements differ from the Go kernel", kern.name, differ, len(got))
		}
	}
}

// Splitting C over goroutines changes nothing, for any GOMAXPROCS.
func TestSgemmParallelIsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, sz := range [][3]int{{300, 260, 257}, {40, 900, 200}, {900, 30, 300}} {
		g := newGemmCase(rng, sz[0], sz[1], sz[2], false, false, rng.NormFloat64)
		want := g.run(plan32, false, 1, 0.25)
		for _, procs := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(procs)
			if got := g.run(plan32, true, 1, 0.25); !slices.Equal(got, want) {
				t.Fatalf("%v with GOMAXPROCS %d differs from the serial product", sz, procs)
			}
		}
	}
}

// beta = 0 must not read C (NaN stays out); alpha = 0 or k = 0 scale C.
func TestSgemmBetaZeroAndDegenerate(t *testing.T) {
	for _, kern := range cpuKernels() {
		p := newPlan(kern)
		a, b := matrix[float32]{[]float32{1, 2, 3, 4, 5, 6}, 3, false}, matrix[float32]{[]float32{1, 0, 0, 1, 1, 1}, 2, false}
		c := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.NaN()), 7}
		p.mul(2, 2, 3, 1, a, b, 0, c, 2)
		if !slices.Equal(c, []float32{4, 5, 10, 11}) {
			t.Errorf("%s: beta 0 gave %v", kern.name, c)
		}
		c = []float32{1, 2, 3, 4}
		p.mul(2, 2, 3, 0, a, b, 3, c, 2)
		if !slices.Equal(c, []float32{3, 6, 9, 12}) {
			t.Errorf("%s: alpha 0 gave %v", kern.name, c)
		}
		c = []float32{1, 2, 3, 4}
		p.mul(2, 2, 0, 1, matrix[float32]{}, matrix[float32]{}, 0, c, 2)
		if !slices.Equal(c, []float32{0, 0, 0, 0}) {
			t.Errorf("%s: k 0, beta 0 gave %v", kern.name, c)
		}
	}
}

func TestGemmPanicsOnShortSlices(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Gemm with a too short C did not panic")
		}
	}()
	Gemm(false, false, 2, 2, 2, float32(1), make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
}

func TestBestKernelIsListed(t *testing.T) {
	ks := cpuKernels()
	if plan32.kerns[0].name != ks[0].name || ks[len(ks)-1].name != "go" {
		t.Fatalf("plan uses %q; kernels %v", plan32.kerns[0].name, ks)
	}
	t.Logf("micro-kernels on this CPU: %d, using %s", len(ks), GemmKernel())
}

func TestPickWastesFewestRows(t *testing.T) {
	k12, k8, k4 := goKernel[float32](12, 4), goKernel[float32](8, 4), goKernel[float32](4, 4)
	k8.speed, k4.speed = 0.97, 0.82
	p := newPlan(k12, k8, k4)
	// 100 rows: 12-row tiles compute 108, 8-row 104/0.97 ≈ 107, 4-row 100/0.82 ≈ 122.
	for m, want := range map[int]int{1: 4, 12: 12, 24: 12, 32: 8, 36: 12, 64: 8, 288: 12, 100: 8} {
		if got := p.pick(m).mr; got != want {
			t.Errorf("pick(%d) = %d rows, want %d", m, got, want)
		}
	}
}

// cpuKernels lists every float32 micro-kernel of this CPU, best first.
func cpuKernels() []microKernel[float32] {
	var ks []microKernel[float32]
	for _, set := range kernelSets() {
		ks = append(ks, set...)
	}
	return ks
}

func BenchmarkSgemm(b *testing.B) {
	for _, n := range []int{256, 512, 1024} {
		rng := rand.New(rand.NewPCG(1, 1))
		a, bb, c := as[float32](randn(rng, n*n)), as[float32](randn(rng, n*n)), make([]float32, n*n)
		b.Run(itoa(n), func(b *testing.B) {
			for b.Loop() {
				Gemm(false, false, n, n, n, 1, a, n, bb, n, 0, c, n)
			}
			b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

func abs(s []float64) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = math.Abs(v)
	}
	return out
}

// A micro-kernel reading its B rows in place gives bit for bit what it gives
// on the same rows packed, and refuses offsets outside b.
func TestMicroKernelDirectMatchesPacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, kern := range cpuKernels() {
		const k = 37
		b := as[float32](randn(rng, 300))
		offs := make([]int32, k)
		packed := make([]float32, k*kern.nr)
		for p := range offs {
			offs[p] = int32(rng.IntN(len(b) - kern.nr + 1))
			copy(packed[p*kern.nr:(p+1)*kern.nr], b[offs[p]:])
		}
		a := as[float32](randn(rng, k*kern.mr))
		c1, c2 := as[float32](randn(rng, kern.mr*kern.nr)), make([]float32, kern.mr*kern.nr)
		copy(c2, c1)
		kern.run(k, a, packed, c1, kern.nr, 0.5, 2)
		kern.runDirect(k, a, b, offs, c2, kern.nr, 0.5, 2)
		if !slices.Equal(c1, c2) {
			t.Fatalf("%s %dx%d: direct and packed B differ", kern.name, kern.mr, kern.nr)
		}
		if kern.name == "go" {
			continue // the Go kernel's bounds are Go's own
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: offset past b accepted", kern.name)
				}
			}()
			offs[5] = int32(len(b) - kern.nr + 1)
			kern.runDirect(k, a, b, offs, c2, kern.nr, 1, 0)
		}()
	}
}

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

// runCase computes case g in type T with plan p (serially, or split over
// goroutines) and returns C.
func runCase[T Float](g gemmCase, p *gemmPlan[T], par bool, alpha, beta T) []T {
	c := as[T](g.c)
	a, b := matrix[T]{as[T](g.a), g.lda, g.transA}, matrix[T]{as[T](g.b), g.ldb, g.transB}
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
					got := runCase(g, p, false, ab[0], ab[1])
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
			got := runCase(g, newPlan(kern), false, 2, -1)
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
		got := runCase(g, newPlan(goKernel[float32](kern.mr, kern.nr)), false, 1.5, 0.5)
		asm := runCase(g, newPlan(kern), false, 1.5, 0.5)
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
		want := runCase(g, plan32, false, 1, 0.25)
		for _, procs := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(procs)
			if got := runCase(g, plan32, true, 1, 0.25); !slices.Equal(got, want) {
				t.Fatalf("%v with GOMAXPROCS %d differs from the serial product", sz, procs)
			}
		}
	}
}

// beta = 0 must not read C (NaN stays out); alpha = 0 or k = 0 scale C.
func TestGemmBetaZeroAndDegenerate(t *testing.T) {
	for _, kern := range cpuKernels() {
		testBetaZero(t, kern)
	}
	for _, kern := range cpuKernels64() {
		testBetaZero(t, kern)
	}
}

func testBetaZero[T Float](t *testing.T, kern microKernel[T]) {
	p := newPlan(kern)
	a, b := matrix[T]{[]T{1, 2, 3, 4, 5, 6}, 3, false}, matrix[T]{[]T{1, 0, 0, 1, 1, 1}, 2, false}
	c := []T{T(math.NaN()), T(math.Inf(1)), T(math.NaN()), 7}
	p.mul(2, 2, 3, 1, a, b, 0, c, 2)
	if !slices.Equal(c, []T{4, 5, 10, 11}) {
		t.Errorf("%s %dx%d: beta 0 gave %v", kern.name, kern.mr, kern.nr, c)
	}
	c = []T{1, 2, 3, 4}
	p.mul(2, 2, 3, 0, a, b, 3, c, 2)
	if !slices.Equal(c, []T{3, 6, 9, 12}) {
		t.Errorf("%s %dx%d: alpha 0 gave %v", kern.name, kern.mr, kern.nr, c)
	}
	c = []T{1, 2, 3, 4}
	p.mul(2, 2, 0, 1, matrix[T]{}, matrix[T]{}, 0, c, 2)
	if !slices.Equal(c, []T{0, 0, 0, 0}) {
		t.Errorf("%s %dx%d: k 0, beta 0 gave %v", kern.name, kern.mr, kern.nr, c)
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
func cpuKernels() []microKernel[float32] { return slices.Concat(kernelSets()...) }

// cpuKernels64 lists every float64 micro-kernel of this CPU, best first.
func cpuKernels64() []microKernel[float64] { return slices.Concat(kernelSets64()...) }

func BenchmarkSgemm(b *testing.B) { benchGemm[float32](b) }

func BenchmarkDgemm(b *testing.B) { benchGemm[float64](b) }

// BenchmarkMicroKernels64 times each float64 micro-kernel on one core at
// k = 256 (the speeds in kernelSets64).
func BenchmarkMicroKernels64(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, kern := range cpuKernels64() {
		const k = 256
		a, bb, c := as[float64](randn(rng, k*kern.mr)), as[float64](randn(rng, k*kern.nr)), make([]float64, kern.mr*kern.nr)
		b.Run(kern.name+"/"+itoa(kern.mr)+"x"+itoa(kern.nr), func(b *testing.B) {
			for b.Loop() {
				kern.run(k, a, bb, c, kern.nr, 1, 0)
			}
			b.ReportMetric(2*float64(k*kern.mr*kern.nr)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func benchGemm[T Float](b *testing.B) {
	for _, n := range []int{256, 512, 1024} {
		rng := rand.New(rand.NewPCG(1, 1))
		a, bb, c := as[T](randn(rng, n*n)), as[T](randn(rng, n*n)), make([]T, n*n)
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
		testDirectMatchesPacked(t, rng, kern)
	}
	for _, kern := range cpuKernels64() {
		testDirectMatchesPacked(t, rng, kern)
	}
}

func testDirectMatchesPacked[T Float](t *testing.T, rng *rand.Rand, kern microKernel[T]) {
	const k = 37
	b := as[T](randn(rng, 300))
	offs := make([]int32, k)
	packed := make([]T, k*kern.nr)
	for p := range offs {
		offs[p] = int32(rng.IntN(len(b) - kern.nr + 1))
		copy(packed[p*kern.nr:(p+1)*kern.nr], b[offs[p]:])
	}
	a := as[T](randn(rng, k*kern.mr))
	c1, c2 := as[T](randn(rng, kern.mr*kern.nr)), make([]T, kern.mr*kern.nr)
	copy(c2, c1)
	kern.run(k, a, packed, c1, kern.nr, 0.5, 2)
	kern.runDirect(k, a, b, offs, c2, kern.nr, 0.5, 2)
	if !slices.Equal(c1, c2) {
		t.Fatalf("%s %dx%d: direct and packed B differ", kern.name, kern.mr, kern.nr)
	}
	if kern.name == "go" {
		return // the Go kernel's bounds are Go's own
	}
	defer func() {
		if recover() == nil {
			t.Errorf("%s %dx%d: offset past b accepted", kern.name, kern.mr, kern.nr)
		}
	}()
	offs[5] = int32(len(b) - kern.nr + 1)
	kern.runDirect(k, a, b, offs, c2, kern.nr, 1, 0)
}

// The float64 kernels round exactly as the portable one: a float64 fused
// multiply-add in hardware and math.FMA are the same operation, so through
// the blocked driver every kernel gives the Go kernel's C bit for bit, on
// odd shapes, transposes, strides, alpha and beta; and the Go kernel agrees
// with the naive product (TestGemmMatchesNaive).
func TestDgemmKernelsMatchGoBitwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, kern := range cpuKernels64() {
		ref := newPlan(goKernel[float64](kern.mr, kern.nr))
		for _, sz := range sgemmShapes {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				g := newGemmCase(rng, sz[0], sz[1], sz[2], tr[0], tr[1], rng.NormFloat64)
				for _, ab := range [][2]float64{{1, 0}, {0.75, -1.5}} {
					want := runCase(g, ref, false, ab[0], ab[1])
					if got := runCase(g, newPlan(kern), false, ab[0], ab[1]); !slices.Equal(got, want) {
						t.Fatalf("%s %dx%d %v trans %v alpha,beta %v: differs from the Go kernel", kern.name, kern.mr, kern.nr, sz, tr, ab)
					}
				}
			}
		}
	}
}

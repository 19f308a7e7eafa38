package kernels

import (
	"sync"
)

// gemmPlan multiplies matrices in the layered scheme of Goto & van de Geijn
// (2008) as BLIS organises it (Van Zee & van de Geijn 2015):
//
//	for jc over n in steps of nc:            B block kc×nc packed into nr-wide panels
//	  for pc over k in steps of kc:
//	    for ic over m in steps of mc:        A block mc×kc packed into mr-high panels
//	      for jr, ir over the block:         micro-kernel: an mr×nr tile of C,
//	                                         Σ over kc of rank-1 updates in registers
//
// The operands are packed through operandA and operandB, so that an operand
// need not exist as a matrix: the convolutions pack image patches straight
// from the image (implicit im2col). Every element of C is accumulated over k
// in the same order whatever the tile it falls in, so results do not depend
// on how C is split between goroutines.
type gemmPlan[T Float] struct {
	kerns      []microKernel[T] // one family: the same nr, rows mr in decreasing order
	mc, kc, nc int              // block sizes; mc a multiple of every mr, nc of nr
	pool       sync.Pool
}

// The plans in use: each type on the best micro-kernels of this CPU.
var (
	plan32 = newPlan(kernelSets()[0]...)
	plan64 = newPlan(kernelSets64()[0]...)
)

// newPlan returns a plan over a family of kernels sharing nr, whose mr all
// divide 144.
func newPlan[T Float](kerns ...microKernel[T]) *gemmPlan[T] {
	nr := kerns[0].nr
	p := &gemmPlan[T]{kerns: kerns, mc: 144, kc: 256, nc: nr * (1024 / nr)}
	p.pool.New = func() any { return new(packBuffers[T]) }
	return p
}

// pick returns the kernel expected to be fastest on m rows of C: the least
// ⌈m/mr⌉·mr/speed, the rows it computes (padding included) over its speed.
// So 32 rows run on 8-row tiles rather than on 12-row ones with a ragged
// last tile, and a single row on 4-row tiles.
func (p *gemmPlan[T]) pick(m int) microKernel[T] {
	cost := func(k microKernel[T]) float64 { return float64((m+k.mr-1)/k.mr*k.mr) / k.speed }
	best := p.kerns[0]
	for _, k := range p.kerns[1:] {
		if cost(k) < cost(best) {
			best = k
		}
	}
	return best
}

// planOf is the plan for element type T.
func planOf[T Float]() *gemmPlan[T] {
	var z T
	if _, ok := any(z).(float32); ok {
		return any(plan32).(*gemmPlan[T])
	}
	return any(plan64).(*gemmPlan[T])
}

// operandA is the left factor of a product, an m×k matrix. packA copies its
// mc×kc block at (i0, p0) into dst as ⌈mc/mr⌉ panels, each kc columns of mr
// consecutive values: panel r holds A[i0 + r·mr + i, p0 + p] at
// (r·kc + p)·mr + i, zero past row mc.
type operandA[T Float] interface {
	packA(dst []T, i0, mc, p0, kc, mr int)
}

// operandB is the right factor of a product, a k×n matrix. packB copies its
// kc×nc block at (p0, j0) into dst as ⌈nc/nr⌉ panels, each kc rows of nr
// consecutive values: panel s holds B[p0 + p, j0 + s·nr + j] at
// (s·kc + p)·nr + j, zero past column nc.
type operandB[T Float] interface {
	packB(dst []T, p0, kc, j0, nc, nr int)
}

// directB is a B operand whose rows the micro-kernels can read in place:
// direct returns, for the rows p0 .. p0+kc−1 from column j0 on, a base slice
// and the offset of each row in it, every row holding at least maxNR values
// there (columns past the operand's are read, their results discarded).
type directB[T Float] interface {
	operandB[T]
	direct(p0, kc, j0 int) (base []T, offs []int32)
}

// packBuffers holds the packed A and B blocks of one goroutine.
type packBuffers[T Float] struct{ a, b []T }

// mul computes C = alpha·A·B + beta·C on the calling goroutine, for A m×k,
// B k×n and C m×n with row stride ldc. beta = 0 does not read C.
func (p *gemmPlan[T]) mul(m, n, k int, alpha T, a operandA[T], b operandB[T], beta T, c []T, ldc int) {
	p.mulWith(p.pick(m), m, n, k, alpha, a, b, beta, c, ldc)
}

// mulWith is mul on the given kernel of the plan's family.
func (p *gemmPlan[T]) mulWith(kern microKernel[T], m, n, k int, alpha T, a operandA[T], b operandB[T], beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	mr, nr := kern.mr, kern.nr
	buf := p.pool.Get().(*packBuffers[T])
	defer p.pool.Put(buf)
	buf.a = grow(buf.a, p.mc*p.kc)
	buf.b = grow(buf.b, p.nc*p.kc)
	var tile [maxMR * maxNR]T
	db, direct := b.(directB[T])
	direct = direct && kern.runDirect != nil
	for jc := 0; jc < n; jc += p.nc {
		nc := min(p.nc, n-jc)
		for pc := 0; pc < k; pc += p.kc {
			kc := min(p.kc, k-pc)
			if !direct {
				b.packB(buf.b, pc, kc, jc, nc, nr)
			}
			bet := beta
			if pc > 0 {
				bet = 1
			}
			for ic := 0; ic < m; ic += p.mc {
				mc := min(p.mc, m-ic)
				pa := buf.a
				if pre, ok := a.(*packedA[T]); ok && pre.mr == mr {
					pa = pre.block(ic, pc)
				} else {
					a.packA(pa, ic, mc, pc, kc, mr)
				}
				for jr := 0; jr < nc; jr += nr {
					// run computes the tile of A panel ap and this column panel into t.
					run := func(ap, t []T, ldt int, alpha, beta T) {
						kern.run(kc, ap, buf.b[jr*kc:(jr+nr)*kc], t, ldt, alpha, beta)
					}
					if direct {
						base, offs := db.direct(pc, kc, jc+jr)
						run = func(ap, t []T, ldt int, alpha, beta T) {
							kern.runDirect(kc, ap, base, offs, t, ldt, alpha, beta)
						}
					}
					nn := min(nr, nc-jr)
					for ir := 0; ir < mc; ir += mr {
						ap := pa[ir*kc : (ir+mr)*kc]
						mm := min(mr, mc-ir)
						ci := (ic+ir)*ldc + jc + jr
						if mm == mr && nn == nr {
							run(ap, c[ci:], ldc, alpha, bet)
							continue
						}
						// An edge tile: compute it whole into tile, keep the part
						// inside C, combined exactly as the kernel would.
						run(ap, tile[:], nr, 1, 0)
						for i := range mm {
							row := c[ci+i*ldc : ci+i*ldc+nn]
							for j := range row {
								row[j] = scaleAdd(alpha, tile[i*nr+j], bet, row[j])
							}
						}
					}
				}
			}
		}
	}
}

// packedA is an A operand packed once, block by block, for the kernel its
// plan picks, so that products sharing it (a convolution's filters, image
// after image) do not pack it again.
type packedA[T Float] struct {
	p        *gemmPlan[T]
	m, k, mr int
	data     []T
}

// prepack packs the m×k operand a for products on p.
func (p *gemmPlan[T]) prepack(a operandA[T], m, k int) *packedA[T] {
	mr := p.pick(m).mr
	pa := &packedA[T]{p: p, m: m, k: k, mr: mr, data: make([]T, (m+mr-1)/mr*mr*k)}
	for ic := 0; ic < m; ic += p.mc {
		for pc := 0; pc < k; pc += p.kc {
			a.packA(pa.block(ic, pc), ic, min(p.mc, m-ic), pc, min(p.kc, k-pc), mr)
		}
	}
	return pa
}

// block returns the packed block at (i0, p0), as packA would have written
// it: the rows of block ic start at i0·k, its columns p0.. at offset
// (rows of the block)·p0.
func (a *packedA[T]) block(i0, p0 int) []T {
	rows := (min(a.p.mc, a.m-i0) + a.mr - 1) / a.mr * a.mr
	kc := min(a.p.kc, a.k-p0)
	off := i0*a.k + rows*p0
	return a.data[off : off+rows*kc]
}

func (a *packedA[T]) packA(dst []T, i0, mc, p0, kc, mr int) {
	panic("kernels: a prepacked operand is read in place, never packed again")
}

// scaleAdd returns alpha·t + beta·c rounded as the kernels round it: the two
// products to T first, then the sum; beta = 0 ignores c (even NaN).
func scaleAdd[T Float](alpha, t, beta, c T) T {
	if beta == 0 {
		return T(alpha * t)
	}
	return T(alpha*t) + T(beta*c)
}

// scaleRows sets C = beta·C for the m×n matrix C (zero when beta is 0).
func scaleRows[T Float](m, n int, beta T, c []T, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

func grow[T Float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// matrix is a stored matrix operand: element (i, j) at s[i·ld + j], or at
// s[j·ld + i] when trans (the operand is then the transpose of what is
// stored).
type matrix[T Float] struct {
	s     []T
	ld    int
	trans bool
}

func (a matrix[T]) packA(dst []T, i0, mc, p0, kc, mr int) {
	for r := 0; r*mr < mc; r++ {
		panel := dst[r*kc*mr : (r+1)*kc*mr]
		rows := min(mr, mc-r*mr)
		if a.trans {
			for p := range kc {
				d := panel[p*mr : (p+1)*mr]
				copy(d, a.s[(p0+p)*a.ld+i0+r*mr:][:rows])
				clear(d[rows:])
			}
			continue
		}
		for i := range rows {
			for p, v := range a.s[(i0+r*mr+i)*a.ld+p0:][:kc] {
				panel[p*mr+i] = v
			}
		}
		for i := rows; i < mr; i++ {
			for p := range kc {
				panel[p*mr+i] = 0
			}
		}
	}
}

// packB packs B as packA packs Bᵀ: the panel layouts are each other's
// transpose.
func (b matrix[T]) packB(dst []T, p0, kc, j0, nc, nr int) {
	matrix[T]{b.s, b.ld, !b.trans}.packA(dst, j0, nc, p0, kc, nr)
}

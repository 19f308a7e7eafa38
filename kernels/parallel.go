package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workers is the number of goroutines to use for n independent items: at
// most runtime.GOMAXPROCS(0), at least 1.
func workers(n int) int { return max(1, min(n, runtime.GOMAXPROCS(0))) }

// parallel calls f(w, i) once for every item i in [0, n), on nw goroutines.
// w in [0, nw) names the goroutine running the item, so that f can use
// per-goroutine scratch memory. Items are dealt dynamically, so f must write
// results that depend on i alone, never on w or on the order of items.
func parallel(n, nw int, f func(w, i int)) {
	if nw <= 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range nw {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(w, i)
			}
		})
	}
	wg.Wait()
}

// ForRanges calls f on contiguous ranges [lo, hi) that cover [0, n), one per
// goroutine, on up to GOMAXPROCS goroutines, each range at least grain
// items long (so that a short loop stays on one goroutine). f must write
// results that depend on the items alone, never on how [0, n) was cut.
func ForRanges(n, grain int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	nw := workers(n / max(grain, 1))
	parallel(nw, nw, func(_, part int) { f(part*n/nw, (part+1)*n/nw) })
}

// Scratch buffers are recycled across calls, so that a training step does
// not allocate its convolution workspace afresh each time.
var (
	pool32, pool64 sync.Pool // of *[]float32, *[]float64
)

// scratch returns nw buffers of size elements each, with arbitrary contents,
// and the function that gives them back for reuse; no buffer may be used
// after release.
func scratch[T Float](nw, size int) (bufs [][]T, release func()) {
	pool := &pool64
	var z T
	if _, ok := any(z).(float32); ok {
		pool = &pool32
	}
	held := make([]*[]T, nw)
	bufs = make([][]T, nw)
	for i := range bufs {
		b, _ := pool.Get().(*[]T)
		if b == nil || cap(*b) < size {
			s := make([]T, size)
			b = &s
		}
		held[i], bufs[i] = b, (*b)[:size]
	}
	return bufs, func() {
		for _, b := range held {
			pool.Put(b)
		}
	}
}

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

// scratch returns nw buffers of size elements each.
func scratch[T Float](nw, size int) [][]T {
	bufs := make([][]T, nw)
	for i := range bufs {
		bufs[i] = make([]T, size)
	}
	return bufs
}

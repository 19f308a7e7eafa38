package kernels

import (
	"runtime"
	"sync"
	"testing"
)

// ForRanges covers [0, n) with disjoint ranges, none shorter than the grain
// unless there is only one.
func TestForRanges(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 5} {
		runtime.GOMAXPROCS(procs)
		for _, c := range [][2]int{{0, 1}, {1, 1}, {7, 1}, {100, 30}, {100, 1000}, {1 << 16, 1 << 14}} {
			n, grain := c[0], c[1]
			seen := make([]int, n)
			var mu sync.Mutex
			var ranges [][2]int
			ForRanges(n, grain, func(lo, hi int) {
				mu.Lock()
				defer mu.Unlock()
				ranges = append(ranges, [2]int{lo, hi})
				for i := lo; i < hi; i++ {
					seen[i]++
				}
			})
			for i, s := range seen {
				if s != 1 {
					t.Fatalf("procs %d, n %d: item %d visited %d times", procs, n, i, s)
				}
			}
			if len(ranges) > procs {
				t.Fatalf("procs %d, n %d: %d ranges", procs, n, len(ranges))
			}
			for _, r := range ranges {
				if len(ranges) > 1 && r[1]-r[0] < grain {
					t.Fatalf("procs %d, n %d, grain %d: range %v", procs, n, grain, r)
				}
			}
		}
	}
}

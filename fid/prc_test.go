package fid

import (
	"math/rand/v2"
	"testing"
)

// Hand-worked in one dimension with k = 1. Real {0, 1, 2, 10}: radii 1, 1,
// 1, 8. Generated {0.5, 5, 20}: radii 4.5, 4.5, 15. 0.5 is within 1 of 0
// and 5 within 8 of 10, 20 is 10 from 10: precision 2/3. Every real point
// is inside: 0, 1, 2 within 4.5 of 0.5, 10 within 15 of 20: recall 1.
func TestPrecisionRecallKnownAnswer(t *testing.T) {
	got, err := PrecisionRecallOf([]float32{0, 1, 2, 10}, []float32{0.5, 5, 20}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Precision != 2.0/3 || got.Recall != 1 {
		t.Errorf("precision %g, recall %g; want 2/3 and 1", got.Precision, got.Recall)
	}
	// With k = 2 the real radii are 2, 1, 2, 9 and 20 is still outside;
	// the generated radii 19.5, 15, 19.5 cover every real point.
	got, _ = PrecisionRecallOf([]float32{0, 1, 2, 10}, []float32{0.5, 5, 20}, 1, 2)
	if got.Precision != 2.0/3 || got.Recall != 1 {
		t.Errorf("k=2: precision %g, recall %g; want 2/3 and 1", got.Precision, got.Recall)
	}
}

// A generator that covers a quarter of the real data (mode dropping) has
// high precision and low recall; one that spreads too wide, the reverse.
// Sets larger than a block exercise the blocked distances.
func TestPrecisionRecallModes(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	const n, d = 1500, 4
	cluster := func(c int) []float32 {
		v := make([]float32, d)
		for j := range v {
			v[j] = float32(rng.NormFloat64()*0.1) + float32(4*c*(j%2))
		}
		return v
	}
	var real, dropped, wide []float32
	for i := range n {
		real = append(real, cluster(i%4)...)
		dropped = append(dropped, cluster(0)...)
		w := cluster(i % 4)
		for j := range w {
			w[j] += float32(rng.NormFloat64() * 3)
		}
		wide = append(wide, w...)
	}
	pr, err := PrecisionRecallOf(real, dropped, d, 3)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Precision < 0.9 || pr.Recall > 0.35 {
		t.Errorf("one mode of four: precision %g, recall %g", pr.Precision, pr.Recall)
	}
	pr, _ = PrecisionRecallOf(real, wide, d, 3)
	if pr.Precision > 0.3 || pr.Recall < 0.7 {
		t.Errorf("too wide: precision %g, recall %g", pr.Precision, pr.Recall)
	}
	if _, err := PrecisionRecallOf(real[:3*d], dropped, d, 3); err == nil {
		t.Error("3 real vectors with k = 3")
	}
}

package mollify_test

import (
	"math"
	"strings"
	"testing"

	"github.com/genmodel/genmodel/mollify"
)

// want lists hand-computed schedule values.
type want struct{ t, s float64 }

func checkSchedule(t *testing.T, sched mollify.Schedule, cases []want) {
	t.Helper()
	for _, c := range cases {
		if got := sched.S(c.t); math.Abs(got-c.s) > 1e-8 {
			t.Errorf("%v: s(%v) = %.10f, want %.10f", sched, c.t, got, c.s)
		}
	}
}

func TestSigmoidValues(t *testing.T) {
	sched, err := mollify.ParseSchedule("sigmoid") // start 0, end 3, τ 0.7
	if err != nil {
		t.Fatal(err)
	}
	// σ(z) = 1/(1+e^−z); v(end) = σ(3/0.7) = σ(4.2857143) = 0.98642308,
	// v(start) = σ(0) = 0.5, so the denominator is 0.48642308.
	checkSchedule(t, sched, []want{
		{0, 1},
		// u = 0.75, σ(0.75/0.7 = 1.0714286) = 1/(1+0.34251886) = 0.74486850;
		// (0.98642308 − 0.74486850)/0.48642308 = 0.24155458/0.48642308
		{0.25, 0.49659359},
		// u = 1.5, σ(2.1428571) = 0.89499941; 0.09142367/0.48642308
		{0.5, 0.18795092},
		// u = 2.25, σ(3.2142857) = 0.96136835; 0.02505473/0.48642308
		{0.75, 0.05150811},
		// numerator 0, clipped to the floor
		{1, mollify.MinLevel},
	})

	// Chen's symmetric sigmoid (start −3, end 3, τ 1): at t = 0.5, u = 0 and
	// σ(0) = 0.5 is the midpoint of σ(−3) = 0.04742587 and σ(3) = 0.95257413.
	sym, err := mollify.Sigmoid(-3, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkSchedule(t, sym, []want{{0, 1}, {0.5, 0.5}})
}

func TestLinearValues(t *testing.T) {
	sched, err := mollify.ParseSchedule("linear")
	if err != nil {
		t.Fatal(err)
	}
	checkSchedule(t, sched, []want{
		{-0.5, 1}, // t clamped to 0
		{0, 1},
		{0.25, 0.75},
		{0.5, 0.5},
		{0.75, 0.25},
		{1, mollify.MinLevel},
		{2, mollify.MinLevel}, // t clamped to 1
	})
}

func TestCosineValues(t *testing.T) {
	sched, err := mollify.ParseSchedule("cosine") // start 0, end 1, τ 1: s = cos²(tπ/2)
	if err != nil {
		t.Fatal(err)
	}
	checkSchedule(t, sched, []want{
		{0, 1},
		{0.25, 0.85355339}, // cos²(π/8) = (1 + cos(π/4))/2 = (2 + √2)/4
		{0.5, 0.5},         // cos²(π/4)
		{0.75, 0.14644661}, // cos²(3π/8) = (2 − √2)/4
		{1, mollify.MinLevel},
	})

	// τ = 0.5: v(u) = cos(uπ/2), s = cos(tπ/2).
	half, err := mollify.Cosine(0, 1, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	checkSchedule(t, half, []want{
		{1.0 / 3, 0.86602540}, // cos(π/6) = √3/2
		{0.5, 0.70710678},     // cos(π/4) = √2/2
	})

	// start 0.2: v(start) = cos²(0.1π) = (1 + cos 36°)/2 = (1 + 0.80901699)/2
	// = 0.90450850, v(end) = 0. At t = 0.5, u = 0.6 and
	// v(u) = cos²(0.3π) = (1 + cos 108°)/2 = (1 − 0.30901699)/2 = 0.34549150,
	// s = 0.34549150/0.90450850 = 0.38196601 = (3 − √5)/2.
	shifted, err := mollify.Cosine(0.2, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkSchedule(t, shifted, []want{{0, 1}, {0.5, 0.38196601}})
}

func TestSchedulesDecrease(t *testing.T) {
	for _, name := range mollify.ScheduleNames {
		sched, err := mollify.ParseSchedule(name)
		if err != nil {
			t.Fatal(err)
		}
		const n = 1000
		prev := sched.S(0)
		if prev != 1 {
			t.Errorf("%s: s(0) = %v, want 1", name, prev)
		}
		for i := 1; i <= n; i++ {
			s := sched.S(float64(i) / n)
			if s > prev || s < mollify.MinLevel {
				t.Fatalf("%s: s(%v) = %v after %v: not decreasing within [MinLevel, 1]", name, float64(i)/n, s, prev)
			}
			if s == prev && s > mollify.MinLevel {
				t.Fatalf("%s: s flat at %v near t = %v", name, s, float64(i)/n)
			}
			prev = s
		}
	}
}

func TestParseScheduleUnknown(t *testing.T) {
	_, err := mollify.ParseSchedule("exponential")
	if err == nil {
		t.Fatal("no error for an unknown schedule")
	}
	for _, s := range []string{"exponential", "sigmoid", "linear", "cosine"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}

package mollify

import (
	"errors"
	"fmt"
)

// DefaultFrac is the fraction of training spent mollifying: the paper anneals
// over the first 30k of 50k steps.
const DefaultFrac = 0.6

// phase maps training progress to the schedule level: mollification runs for
// the first frac of training, with t = progress/frac the fraction of the
// phase done.
type phase struct {
	sched Schedule
	frac  float64
}

func newPhase(sched Schedule, frac float64) (phase, error) {
	if sched == nil {
		return phase{}, errors.New("mollify: nil Schedule")
	}
	if !(frac > 0 && frac <= 1) {
		return phase{}, fmt.Errorf("mollify: Frac = %v, want 0 < Frac ≤ 1", frac)
	}
	return phase{sched: sched, frac: frac}, nil
}

// level returns s(progress/frac) and true while the phase lasts, and 0 and
// false once t = progress/frac ≥ 1 (or progress is NaN): the data are then
// clean.
func (p phase) level(progress float64) (float64, bool) {
	t := progress / p.frac
	if !(t < 1) {
		return 0, false
	}
	return p.sched.S(t), true
}

func (p phase) String() string {
	return fmt.Sprintf("schedule=%v,frac=%g", p.sched, p.frac)
}

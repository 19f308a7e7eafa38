package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/mollify"
	"github.com/genmodel/genmodel/nn"
)

// Batches gives the clean training batch of a step. It must be a pure
// function of the step (no hidden state), so that a resumed run sees the
// same data as an uninterrupted one; data.Batcher is one.
type Batches interface {
	Batch(step int) data.Images
}

// Trainer trains a Model. Set the exported fields, optionally Restore a
// checkpoint, then Run. The loop, for step k of Config.Steps:
//
//	x := Batches.Batch(k)
//	x = Mollifier.Apply(x, k/Steps, rng)   // data mollification, the one line
//	Prepare(x, rng)                        // e.g. dynamic binarization
//	loss, ∇ := objective(x)
//	skip if loss or ‖∇‖ is not finite; else clip ‖∇‖, Adam/Adamax, EMA
type Trainer struct {
	Config    Config
	Model     Model
	Batches   Batches
	Mollifier mollify.Mollifier // nil: mollify.None
	// Prepare is the per-batch pixel transform applied after mollification
	// (dynamic binarization, dequantization); nil for none.
	Prepare func(x data.Images, rng *rand.Rand)
	// Dir is the run folder: metrics.jsonl, loss.png and checkpoints/ go there.
	Dir string
	// RunConfig is the run's resolved configuration, stored in checkpoints.
	RunConfig json.RawMessage
	// Progress receives the progress bar; nil for none.
	Progress io.Writer
	// AfterSave, when set, is called after each checkpoint is written.
	AfterSave func(step int) error

	cfg     Config
	step    int
	updates int
	skipped int
	streak  int     // consecutive skipped steps up to now
	elapsed float64 // training seconds before this process
	src     *rand.PCG
	rng     *rand.Rand
	opt     *Adam
	ema     *EMA
	records []Record
	win     window
	ready   bool
}

// ErrDiverged is wrapped by the error Run returns when too many consecutive
// steps had a non-finite loss or gradient.
var ErrDiverged = errors.New("training diverged")

// Step returns the number of steps completed.
func (t *Trainer) Step() int { return t.step }

// EMA returns the exponential moving average of the weights, by name.
func (t *Trainer) EMA() map[string][]float32 {
	t.init()
	return t.ema.Values
}

func (t *Trainer) init() {
	if t.ready {
		return
	}
	t.cfg = t.Config.WithDefaults()
	t.src = rand.NewPCG(t.cfg.Seed, t.cfg.Seed^0x9e3779b97f4a7c15)
	t.rng = rand.New(t.src)
	ps := t.Model.Params()
	t.opt = NewAdam(ps, t.cfg.Beta1, t.cfg.Beta2, t.cfg.Eps, t.cfg.Optimizer == "adamax")
	t.ema = NewEMA(ps, t.cfg.EMADecay)
	if t.Mollifier == nil {
		t.Mollifier = mollify.None{}
	}
	t.ready = true
}

// Restore loads the state saved in a checkpoint: weights, EMA, optimizer
// moments, counters and the random source, so that Run continues the run
// exactly where the checkpoint left it.
func (t *Trainer) Restore(path string) error {
	t.init()
	c, err := LoadCheckpoint(path)
	if err != nil {
		return err
	}
	if c.Optimizer != t.opt.Name() {
		return fmt.Errorf("checkpoint %s was made with %s, this run uses %s", path, c.Optimizer, t.opt.Name())
	}
	ps := t.Model.Params()
	if err := c.Weights(ps, false); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := t.ema.load(ps, c.EMA); err != nil {
		return fmt.Errorf("checkpoint %s: EMA: %w", path, err)
	}
	if err := t.opt.LoadState(c.Opt, c.Updates); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := t.src.UnmarshalBinary(c.RNG); err != nil {
		return fmt.Errorf("checkpoint %s: random state: %w", path, err)
	}
	t.step, t.updates, t.skipped, t.streak, t.elapsed = c.Step, c.Updates, c.Skipped, c.Streak, c.Elapsed
	t.win = window{}
	if len(c.Window) > 0 {
		if err := json.Unmarshal(c.Window, &t.win); err != nil {
			return fmt.Errorf("checkpoint %s: metrics window: %w", path, err)
		}
	}
	return nil
}

func (e *EMA) load(ps *nn.Params, vals map[string][]float32) error {
	tmp := nn.NewParams()
	for _, p := range ps.List() {
		tmp.Add(p.Name, p.Shape...)
	}
	if err := tmp.Load(vals); err != nil {
		return err
	}
	e.Values = tmp.Snapshot()
	return nil
}

// checkpoint snapshots the current state.
func (t *Trainer) checkpoint() *Checkpoint {
	ps := t.Model.Params()
	shapes := map[string][]int{}
	for _, p := range ps.List() {
		shapes[p.Name] = p.Shape
	}
	rng, _ := t.src.MarshalBinary()
	win, _ := json.Marshal(t.win)
	return &Checkpoint{
		Window: win,
		Step:   t.step, Updates: t.updates, Skipped: t.skipped, Elapsed: t.elapsed,
		Optimizer: t.opt.Name(), RNG: rng, Config: t.RunConfig,
		Shapes: shapes, Params: ps.Snapshot(), EMA: t.ema.Values, Opt: t.opt.State(),
	}
}

// save writes a checkpoint of the current state, prunes old ones, redraws
// loss.png and calls AfterSave.
func (t *Trainer) save() error {
	dir := filepath.Join(t.Dir, "checkpoints")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := t.checkpoint().Save(filepath.Join(dir, checkpointName(t.step))); err != nil {
		return err
	}
	if names, err := Checkpoints(t.Dir); err == nil && len(names) > t.cfg.Keep {
		for _, old := range names[:len(names)-t.cfg.Keep] {
			os.Remove(old)
		}
	}
	if len(t.records) > 0 {
		if err := PlotLoss(filepath.Join(t.Dir, "loss.png"), t.records, "training loss"); err != nil {
			return err
		}
	}
	if t.AfterSave != nil {
		return t.AfterSave(t.step)
	}
	return nil
}

// window accumulates metrics between two log lines. It is checkpointed so
// that a resumed run logs the same averages as an uninterrupted one.
type window struct {
	N       int                `json:"n"`
	Clipped int                `json:"clipped"`
	Sums    map[string]float64 `json:"sums"`
}

func (w *window) add(name string, v float64) {
	if w.Sums == nil {
		w.Sums = map[string]float64{}
	}
	w.Sums[name] += v
}

// Run trains until Config.Steps steps are done or ctx is cancelled. On
// cancellation, failure or panic it first saves a checkpoint of the last
// finished step, so nothing is lost; a later Restore continues from there
// (exactly so after a cancellation, which is checked between steps).
func (t *Trainer) Run(ctx context.Context) (err error) {
	t.init()
	if err := t.Config.Validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(t.Dir, 0o755); err != nil {
		return fmt.Errorf("run folder: %w", err)
	}
	metricsPath := filepath.Join(t.Dir, "metrics.jsonl")
	if t.records, err = truncateMetrics(metricsPath, t.step); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	mf, err := os.OpenFile(metricsPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	defer mf.Close()

	sess, err := t.newSession()
	if err != nil {
		return err
	}
	defer sess.prog.Close()

	var bar *progressbar.ProgressBar
	if t.Progress != nil && t.step < t.cfg.Steps {
		bar = progressbar.NewOptions(t.cfg.Steps-t.step,
			progressbar.OptionSetWriter(t.Progress),
			progressbar.OptionSetWidth(24),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("step"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(250*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(t.Progress) }),
		)
	}

	saved := t.step
	start := time.Now()
	elapsed0 := t.elapsed
	defer func() {
		if r := recover(); r != nil {
			// Keep the last finished step on disk, then crash as loudly as before.
			if t.step > saved {
				t.save()
			}
			panic(r)
		}
		if err != nil && t.step > saved {
			if serr := t.save(); serr != nil {
				err = errors.Join(err, fmt.Errorf("saving checkpoint after failure: %w", serr))
			} else {
				err = fmt.Errorf("%w (state after step %d saved in %s)", err, t.step, filepath.Join(t.Dir, "checkpoints"))
			}
		}
	}()

	w := &t.win
	for t.step < t.cfg.Steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		progress := float64(t.step) / float64(t.cfg.Steps)
		loss, norm, clipped, err := t.takeStep(sess)
		if err != nil {
			return err
		}
		if !finite(loss) || !finite(norm) {
			if t.streak > t.cfg.MaxSkips {
				return fmt.Errorf("%w: %d consecutive steps up to step %d had a non-finite loss (%v) or gradient norm (%v); try a lower --lr or a stronger clip",
					ErrDiverged, t.streak, t.step, loss, norm)
			}
		} else {
			if clipped {
				w.Clipped++
			}
			w.N++
			w.add("loss", loss)
			w.add("grad_norm", norm)
			for _, name := range sess.names {
				w.add(name, sess.metrics[name].Scalar())
			}
		}
		t.elapsed = elapsed0 + time.Since(start).Seconds()
		if bar != nil {
			bar.Add(1)
		}
		last := t.step == t.cfg.Steps
		if t.step%t.cfg.LogEvery == 0 || last {
			rec := Record{Step: t.step, Values: map[string]float64{
				"lr":      t.cfg.LR,
				"mollify": t.Mollifier.Level(progress),
				"skipped": float64(t.skipped),
				"time_s":  t.elapsed,
			}}
			if w.N > 0 {
				for name, s := range w.Sums {
					rec.Values[name] = s / float64(w.N)
				}
				rec.Values["clipped"] = float64(w.Clipped) / float64(w.N)
			}
			line, _ := rec.MarshalJSON()
			if _, err := mf.Write(append(line, '\n')); err != nil {
				return fmt.Errorf("metrics: %w", err)
			}
			t.records = append(t.records, rec)
			if bar != nil && w.N > 0 {
				bar.Describe(fmt.Sprintf("step %d/%d  loss %.2f", t.step, t.cfg.Steps, rec.Values["loss"]))
			}
			*w = window{}
		}
		if t.step%t.cfg.SaveEvery == 0 || last {
			if err := t.save(); err != nil {
				return err
			}
			saved = t.step
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// session is a model's training graph, compiled and ready to take steps.
type session struct {
	obj     Objective
	prog    *nn.Program
	loss    *nn.Output
	metrics map[string]*nn.Output
	names   []string // metric names, sorted
	params  []*nn.Param
	grads   [][]float32
}

func (t *Trainer) newSession() (*session, error) {
	obj, err := t.Model.Objective(t.cfg.Batch)
	if err != nil {
		return nil, fmt.Errorf("build objective: %w", err)
	}
	g := obj.Graph()
	s := &session{obj: obj, loss: g.Output(obj.Loss()), metrics: map[string]*nn.Output{}}
	for name, n := range obj.Metrics() {
		s.names = append(s.names, name)
		s.metrics[name] = g.Output(n)
	}
	sort.Strings(s.names)
	if s.prog, err = g.Compile(obj.Loss()); err != nil {
		return nil, fmt.Errorf("compile objective: %w", err)
	}
	s.params = s.prog.Params()
	s.grads = make([][]float32, len(s.params))
	return s, nil
}

// takeStep runs training step t.step + 1: the batch, mollified and prepared,
// through the loss and its gradient, then, when both are finite, one clipped
// optimizer update and the EMA; otherwise the step is counted as skipped.
// It returns the loss, the gradient norm and whether it was clipped.
func (t *Trainer) takeStep(s *session) (loss, norm float64, clipped bool, err error) {
	x := t.Batches.Batch(t.step)
	x = t.Mollifier.Apply(x, float64(t.step)/float64(t.cfg.Steps), t.rng)
	if t.Prepare != nil {
		t.Prepare(x, t.rng)
	}
	if sch, ok := s.obj.(Scheduled); ok {
		sch.SetStep(t.step)
	}
	if err := s.obj.Feed(x, t.rng); err != nil {
		return 0, 0, false, fmt.Errorf("step %d: %w", t.step+1, err)
	}
	if err := s.prog.Run(); err != nil {
		return 0, 0, false, fmt.Errorf("step %d: %w", t.step+1, err)
	}
	loss = s.loss.Scalar()
	for i := range s.params {
		s.grads[i] = s.prog.Grad(i)
	}
	norm = GradNorm(s.grads)
	t.step++
	if !finite(loss) || !finite(norm) {
		t.skipped++
		t.streak++
		return loss, norm, false, nil
	}
	t.streak = 0
	scale := ClipScale(norm, t.cfg.ClipNorm)
	t.opt.Step(s.params, s.grads, t.cfg.LR, scale)
	t.updates++
	t.ema.Update(t.Model.Params(), t.updates)
	return loss, norm, scale < 1, nil
}

// TimeSteps takes n training steps exactly as Run does, without writing
// anything, and returns the wall time of each: the benchmark of a step.
func (t *Trainer) TimeSteps(n int) ([]time.Duration, error) {
	t.init()
	s, err := t.newSession()
	if err != nil {
		return nil, err
	}
	defer s.prog.Close()
	ds := make([]time.Duration, n)
	for i := range ds {
		t0 := time.Now()
		if _, _, _, err := t.takeStep(s); err != nil {
			return nil, err
		}
		ds[i] = time.Since(t0)
	}
	return ds, nil
}

// TimeForward evaluates the loss (no gradient) n times on training batches
// and returns the wall time of each: the benchmark of a forward pass.
func (t *Trainer) TimeForward(n int) ([]time.Duration, error) {
	t.init()
	obj, err := t.Model.Objective(t.cfg.Batch)
	if err != nil {
		return nil, err
	}
	g := obj.Graph()
	g.Output(obj.Loss())
	prog, err := g.Compile(nil)
	if err != nil {
		return nil, err
	}
	defer prog.Close()
	ds := make([]time.Duration, n)
	for i := range ds {
		t0 := time.Now()
		x := t.Batches.Batch(i)
		if t.Prepare != nil {
			t.Prepare(x, t.rng)
		}
		if err := obj.Feed(x, t.rng); err != nil {
			return nil, err
		}
		if err := prog.Run(); err != nil {
			return nil, err
		}
		ds[i] = time.Since(t0)
	}
	return ds, nil
}

package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/mollify"
	"github.com/genmodel/genmodel/nn"
)

// toyModel regresses the pixel sum of 2x2 images: loss = mean (x·w + b +
// 0.1ε − Σx)², with ε ~ N(0, s²) drawn in Feed so that the run's random
// source matters to the result, and s = 1 + step/10⁴ set through SetStep
// so that the step schedule does too. It records the steps it was set to.
type toyModel struct {
	ps    *nn.Params
	d     *nn.Dense
	steps []int
}

func newToy(seed uint64) *toyModel {
	ps := nn.NewParams()
	return &toyModel{ps: ps, d: nn.NewDense(ps, "d", 4, 1, 1, rand.New(rand.NewPCG(seed, 0)))}
}

func (m *toyModel) Params() *nn.Params { return m.ps }

type toyObjective struct {
	m              *toyModel
	g              *nn.Graph
	x, noise, loss *nn.Node
	metrics        map[string]*nn.Node
	scale          float64
}

func (m *toyModel) Objective(batch int) (Objective, error) {
	g := nn.NewGraph()
	o := &toyObjective{m: m, g: g, x: g.Input("x", batch, 4), noise: g.Input("noise", batch), scale: 1}
	pred := g.Reshape(m.d.Apply(g, o.x), batch)
	resid := g.Sub(g.Add(pred, g.Scale(o.noise, 0.1)), g.Sum(o.x, 1))
	o.loss = g.Mean(g.Square(resid))
	o.metrics = map[string]*nn.Node{"mean_pred": g.Mean(pred)}
	return o, g.Err()
}

func (o *toyObjective) Graph() *nn.Graph             { return o.g }
func (o *toyObjective) Loss() *nn.Node               { return o.loss }
func (o *toyObjective) Metrics() map[string]*nn.Node { return o.metrics }
func (o *toyObjective) Feed(x data.Images, rng *rand.Rand) error {
	if err := o.g.Set(o.x, x.Pix); err != nil {
		return err
	}
	for i := range o.g.InputData(o.noise) {
		o.g.InputData(o.noise)[i] = float32(rng.NormFloat64() * o.scale)
	}
	return nil
}

func (o *toyObjective) SetStep(step int) {
	o.m.steps = append(o.m.steps, step)
	o.scale = 1 + float64(step)/1e4
}

// toyBatches serves a fixed random set; steps in poison get a NaN pixel and
// onBatch, when set, is called with every step asked for.
type toyBatches struct {
	b       *data.Batcher
	poison  map[int]bool
	onBatch func(step int)
}

func newToyBatches(t *testing.T) *toyBatches {
	set := &data.Set{Images: data.NewImages(64, 1, 2, 2), Labels: make([]uint8, 64), Name: "toy"}
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range set.Images.Pix {
		set.Images.Pix[i] = rng.Float32()
	}
	b, err := data.NewBatcher(set, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	return &toyBatches{b: b, poison: map[int]bool{}}
}

func (tb *toyBatches) Batch(step int) data.Images {
	if tb.onBatch != nil {
		tb.onBatch(step)
	}
	x := tb.b.Batch(step)
	if tb.poison[step] {
		x.Pix[0] = float32(math.NaN())
	}
	return x
}

func newToyTrainer(t *testing.T, dir string, steps int) *Trainer {
	moll, err := mollify.New(mollify.Config{Kind: "gaussian"})
	if err != nil {
		t.Fatal(err)
	}
	return &Trainer{
		Config:    Config{Steps: steps, Batch: 8, LR: 0.02, LogEvery: 5, SaveEvery: 10, Keep: 10, Seed: 11},
		Model:     newToy(1),
		Batches:   newToyBatches(t),
		Mollifier: moll,
		Dir:       dir,
		RunConfig: []byte(`{"toy":true}`),
	}
}

func TestTrainerLearnsAndWritesRunFolder(t *testing.T) {
	dir := t.TempDir()
	tr := newToyTrainer(t, dir, 300)
	tr.Mollifier = nil
	tr.Config.Keep = 2
	var progress strings.Builder
	tr.Progress = &progress
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadMetrics(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 60 || recs[0].Step != 5 || recs[59].Step != 300 {
		t.Fatalf("metrics: %d records from step %d to %d, want 60 from 5 to 300", len(recs), recs[0].Step, recs[len(recs)-1].Step)
	}
	first, last := recs[0].Values["loss"], recs[59].Values["loss"]
	if !(last < first/20) || !(last < 0.05) {
		t.Fatalf("loss went from %g to %g; the toy regression should nearly solve", first, last)
	}
	for _, key := range []string{"grad_norm", "mean_pred", "lr", "mollify", "skipped", "time_s", "clipped"} {
		if _, ok := recs[59].Values[key]; !ok {
			t.Errorf("metrics line lacks %q", key)
		}
	}
	names, err := Checkpoints(dir)
	if err != nil || len(names) != 2 || !strings.HasSuffix(names[1], "step-00000300.safetensors") {
		t.Fatalf("checkpoints %v (%v), want the last 2 ending at step 300", names, err)
	}
	if png, err := os.ReadFile(filepath.Join(dir, "loss.png")); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Fatalf("loss.png missing or not a PNG (%v)", err)
	}
	if !strings.Contains(progress.String(), "step") {
		t.Errorf("progress bar wrote %q", progress.String())
	}
}

// final is the state a run ends with, compared bit for bit.
type final struct {
	params, ema, opt map[string][]float32
	losses           []float64
}

func finalState(t *testing.T, tr *Trainer) final {
	t.Helper()
	recs, err := ReadMetrics(filepath.Join(tr.Dir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var losses []float64
	for _, r := range recs {
		losses = append(losses, float64(r.Step), r.Values["loss"])
	}
	return final{tr.Model.Params().Snapshot(), tr.ema.Values, tr.opt.State(), losses}
}

func sameState(t *testing.T, what string, a, b final) {
	t.Helper()
	for _, m := range []struct {
		name string
		x, y map[string][]float32
	}{{"params", a.params, b.params}, {"ema", a.ema, b.ema}, {"optimizer", a.opt, b.opt}} {
		for k, v := range m.x {
			if !slices.Equal(v, m.y[k]) {
				t.Errorf("%s: %s %q differs: %v vs %v", what, m.name, k, v, m.y[k])
			}
		}
	}
	if !slices.Equal(a.losses, b.losses) {
		t.Errorf("%s: metrics differ:\n%v\n%v", what, a.losses, b.losses)
	}
}

func TestResumeAfterInterruptIsBitExact(t *testing.T) {
	whole := newToyTrainer(t, t.TempDir(), 40)
	if err := whole.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	first := newToyTrainer(t, dir, 40)
	ctx, cancel := context.WithCancel(context.Background())
	first.Batches.(*toyBatches).onBatch = func(step int) {
		if step == 23 {
			cancel() // as Ctrl-C during step 24
		}
	}
	err := first.Run(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "saved") {
		t.Fatalf("interrupted run returned %v, want context.Canceled with a saved checkpoint", err)
	}
	latest, err := LatestCheckpoint(dir)
	if err != nil || !strings.HasSuffix(latest, "step-00000024.safetensors") {
		t.Fatalf("latest checkpoint %q (%v), want step 24", latest, err)
	}
	second := newToyTrainer(t, dir, 40)
	second.Model = newToy(99) // other initial weights: Restore must replace them
	if err := second.Restore(latest); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameState(t, "interrupt at 24 + resume", finalState(t, whole), finalState(t, second))
}

// A Scheduled objective is told the step before every training batch, and
// a resumed run goes on from the step it was saved at.
func TestScheduledObjectiveSeesSteps(t *testing.T) {
	dir := t.TempDir()
	first := newToyTrainer(t, dir, 6)
	if err := first.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := first.Model.(*toyModel).steps; !slices.Equal(got, []int{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("steps set %v, want 0…5", got)
	}
	latest, err := LatestCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	second := newToyTrainer(t, dir, 9)
	if err := second.Restore(latest); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := second.Model.(*toyModel).steps; !slices.Equal(got, []int{6, 7, 8}) {
		t.Fatalf("resumed run set steps %v, want 6, 7, 8", got)
	}
}

func TestResumeAfterCrashTruncatesMetrics(t *testing.T) {
	whole := newToyTrainer(t, t.TempDir(), 40)
	if err := whole.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// A run that got to step 40 but whose last checkpoints were lost: it
	// resumes from step 20 with metrics.jsonl holding lines up to 40.
	dir := t.TempDir()
	crashed := newToyTrainer(t, dir, 40)
	if err := crashed.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"step-00000030.safetensors", "step-00000040.safetensors"} {
		os.Remove(filepath.Join(dir, "checkpoints", s))
	}
	again := newToyTrainer(t, dir, 40)
	latest, _ := LatestCheckpoint(dir)
	if err := again.Restore(latest); err != nil {
		t.Fatal(err)
	}
	if again.Step() != 20 {
		t.Fatalf("restored step %d, want 20", again.Step())
	}
	if err := again.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameState(t, "resume from 20", finalState(t, whole), finalState(t, again))
}

func TestNonFiniteStepIsSkipped(t *testing.T) {
	// No mollifier: its level depends on Steps, which differ here.
	ref := newToyTrainer(t, t.TempDir(), 5)
	ref.Mollifier = nil
	if err := ref.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	tr := newToyTrainer(t, t.TempDir(), 6)
	tr.Mollifier = nil
	tr.Batches.(*toyBatches).poison[5] = true
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tr.skipped != 1 || tr.updates != 5 || tr.opt.T != 5 {
		t.Fatalf("skipped %d, updates %d, optimizer t %d; want 1, 5, 5", tr.skipped, tr.updates, tr.opt.T)
	}
	want, got := ref.Model.Params().Snapshot(), tr.Model.Params().Snapshot()
	for k := range want {
		if !slices.Equal(want[k], got[k]) {
			t.Errorf("param %s changed on a skipped step: %v → %v", k, want[k], got[k])
		}
	}
}

func TestDivergenceStopsWithCheckpoint(t *testing.T) {
	dir := t.TempDir()
	tr := newToyTrainer(t, dir, 100)
	tr.Config.MaxSkips = 3
	for s := 2; s < 100; s++ {
		tr.Batches.(*toyBatches).poison[s] = true
	}
	err := tr.Run(context.Background())
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("got %v, want ErrDiverged", err)
	}
	if tr.Step() != 6 {
		t.Errorf("stopped after step %d, want 6 (2 good + 4 bad > 3 allowed)", tr.Step())
	}
	latest, err := LatestCheckpoint(dir)
	if err != nil || !strings.HasSuffix(latest, "step-00000006.safetensors") {
		t.Fatalf("no checkpoint of the last state: %q %v", latest, err)
	}
}

func TestRestoreRejectsOtherArchitecture(t *testing.T) {
	dir := t.TempDir()
	tr := newToyTrainer(t, dir, 10)
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	latest, _ := LatestCheckpoint(dir)
	other := newToyTrainer(t, t.TempDir(), 10)
	ps := nn.NewParams()
	other.Model = &toyModel{ps: ps, d: nn.NewDense(ps, "other", 4, 1, 1, rand.New(rand.NewPCG(1, 1)))}
	if err := other.Restore(latest); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("restoring into another architecture gave %v", err)
	}
}

func TestPanicSavesLastStepFirst(t *testing.T) {
	dir := t.TempDir()
	tr := newToyTrainer(t, dir, 40)
	tr.Batches.(*toyBatches).onBatch = func(step int) {
		if step == 7 {
			panic("boom")
		}
	}
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("recovered %v, want the original panic", r)
			}
		}()
		tr.Run(context.Background())
	}()
	latest, err := LatestCheckpoint(dir)
	if err != nil || !strings.HasSuffix(latest, "step-00000007.safetensors") {
		t.Fatalf("after a panic in step 8 the latest checkpoint is %q (%v), want step 7", latest, err)
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/genmodel/genmodel/data"
	"github.com/genmodel/genmodel/internal/atomicfile"
	"github.com/genmodel/genmodel/mollify"
	"github.com/genmodel/genmodel/train"
	"github.com/genmodel/genmodel/vae"
)

// runConfig is a run's whole resolved configuration: written to config.json
// and into every checkpoint, and read back by resume, sample and eval.
type runConfig struct {
	Model   string         `json:"model"`
	Dataset string         `json:"dataset"`
	DataDir string         `json:"data_dir,omitempty"`
	Pixels  data.Pixels    `json:"pixels"`
	VAE     vae.Config     `json:"vae"`
	Mollify mollify.Config `json:"mollify"`
	Train   train.Config   `json:"train"`
}

// models the CLI can train.
var models = []string{"vae"}

// defaultPixels is the pixel model a likelihood is scored with.
func defaultPixels(likelihood string) data.Pixels {
	switch likelihood {
	case vae.Logistic:
		return data.Discrete
	case vae.Gaussian:
		return data.Continuous
	}
	return data.Binary
}

// checkPixels rejects pixel models a likelihood cannot score.
func checkPixels(likelihood string, p data.Pixels) error {
	ok := map[string]bool{
		vae.Bernoulli: p.Bernoulli(),
		vae.Logistic:  p == data.Discrete,
		vae.Gaussian:  p == data.Continuous,
	}[likelihood]
	if !ok {
		return fmt.Errorf("pixels %q do not fit the %s likelihood (use %s)", p, likelihood, defaultPixels(likelihood))
	}
	return nil
}

// newModel builds the model a configuration names, weights drawn from rng.
func (rc runConfig) newModel(rng *rand.Rand) (*vae.Model, error) {
	if rc.Model != "vae" {
		return nil, fmt.Errorf("unknown model %q (known: %v)", rc.Model, models)
	}
	return vae.New(rc.VAE, rng)
}

func (rc runConfig) marshal() json.RawMessage {
	b, err := json.MarshalIndent(rc, "", "  ")
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return b
}

func (rc runConfig) save(dir string) error {
	return atomicfile.WriteBytes(filepath.Join(dir, "config.json"), append(rc.marshal(), '\n'))
}

// loadedRun is a trained run opened for sampling or evaluation.
type loadedRun struct {
	dir        string // the run folder
	cfg        runConfig
	model      *vae.Model
	checkpoint string
	step       int
}

// openRun loads the latest checkpoint of a run folder (or the given
// checkpoint file) into a fresh model, with its EMA weights when ema is set.
func openRun(dir, checkpoint string, ema bool) (*loadedRun, error) {
	if dir == "" && checkpoint == "" {
		return nil, usagef("--run DIR is required")
	}
	if checkpoint == "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("run folder: %w", err)
		}
		var err error
		if checkpoint, err = train.LatestCheckpoint(dir); err != nil {
			return nil, err
		}
	}
	c, err := train.LoadCheckpoint(checkpoint)
	if err != nil {
		return nil, err
	}
	var rc runConfig
	if err := json.Unmarshal(c.Config, &rc); err != nil {
		return nil, fmt.Errorf("checkpoint %s: config: %w", checkpoint, err)
	}
	m, err := rc.newModel(rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", checkpoint, err)
	}
	if err := c.Weights(m.Params(), ema); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", checkpoint, err)
	}
	if dir == "" {
		dir = filepath.Dir(filepath.Dir(checkpoint)) // <run>/checkpoints/<file>
	}
	return &loadedRun{dir: dir, cfg: rc, model: m, checkpoint: checkpoint, step: c.Step}, nil
}

// sets loads the run's data: the training set as stored, and the test set
// as the run's pixel model scores it (e.g. binarized once, with a fixed seed).
func (r *loadedRun) sets() (train, test *data.Set, err error) {
	train, test, err = data.Load(r.cfg.Dataset, r.cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	return train, r.cfg.Pixels.TestSet(test), nil
}

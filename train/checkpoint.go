package train

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/genmodel/genmodel/internal/tensorfile"
	"github.com/genmodel/genmodel/nn"
)

// Checkpoint is everything needed to continue a run exactly: weights, their
// EMA, optimizer moments, counters, the random source's state and the run's
// configuration. On disk it is one safetensors file: float32 tensors named
// "param/<p>", "ema/<p>" and the optimizer's "opt.m/<p>", "opt.v/<p>"; the
// scalars and the configuration (JSON) are in the header metadata.
type Checkpoint struct {
	Step      int     // steps completed
	Updates   int     // optimizer updates applied (steps minus skipped ones)
	Skipped   int     // steps skipped for non-finite loss or gradients, in all
	Streak    int     // consecutive skipped steps at the end
	Elapsed   float64 // seconds of training so far
	Optimizer string
	RNG       []byte          // the PCG source, MarshalBinary form
	Window    json.RawMessage // metrics accumulated since the last log line
	Config    json.RawMessage // the run's resolved configuration

	Shapes map[string][]int // parameter shapes, by name
	Params map[string][]float32
	EMA    map[string][]float32
	Opt    map[string][]float32
}

const checkpointFormat = "genmodel-checkpoint-v1"

// Save writes c to path atomically.
func (c *Checkpoint) Save(path string) error {
	tensors := map[string]tensorfile.Tensor{}
	add := func(prefix string, vals map[string][]float32, shapeOf func(string) []int) {
		for name, v := range vals {
			tensors[prefix+name] = tensorfile.Tensor{Shape: shapeOf(name), Data: v}
		}
	}
	paramShape := func(name string) []int { return c.Shapes[name] }
	optShape := func(key string) []int { return c.Shapes[key[strings.IndexByte(key, '/')+1:]] }
	add("param/", c.Params, paramShape)
	add("ema/", c.EMA, paramShape)
	add("", c.Opt, optShape)
	meta := map[string]string{
		"format":    checkpointFormat,
		"step":      strconv.Itoa(c.Step),
		"updates":   strconv.Itoa(c.Updates),
		"skipped":   strconv.Itoa(c.Skipped),
		"streak":    strconv.Itoa(c.Streak),
		"elapsed":   strconv.FormatFloat(c.Elapsed, 'g', -1, 64),
		"optimizer": c.Optimizer,
		"rng":       base64.StdEncoding.EncodeToString(c.RNG),
		"config":    string(c.Config),
		"window":    string(c.Window),
	}
	if err := tensorfile.Write(path, tensors, meta); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint written by Save.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	tensors, meta, err := tensorfile.Read(path)
	if err != nil {
		return nil, fmt.Errorf("load checkpoint: %w", err)
	}
	if meta["format"] != checkpointFormat {
		return nil, fmt.Errorf("load checkpoint %s: format %q, want %q", path, meta["format"], checkpointFormat)
	}
	c := &Checkpoint{
		Optimizer: meta["optimizer"],
		Config:    json.RawMessage(meta["config"]),
		Window:    json.RawMessage(meta["window"]),
		Shapes:    map[string][]int{},
		Params:    map[string][]float32{},
		EMA:       map[string][]float32{},
		Opt:       map[string][]float32{},
	}
	for _, f := range []struct {
		key string
		dst *int
	}{{"step", &c.Step}, {"updates", &c.Updates}, {"skipped", &c.Skipped}, {"streak", &c.Streak}} {
		if *f.dst, err = strconv.Atoi(meta[f.key]); err != nil {
			return nil, fmt.Errorf("load checkpoint %s: metadata %q: %w", path, f.key, err)
		}
	}
	if c.Elapsed, err = strconv.ParseFloat(meta["elapsed"], 64); err != nil {
		return nil, fmt.Errorf("load checkpoint %s: metadata \"elapsed\": %w", path, err)
	}
	if c.RNG, err = base64.StdEncoding.DecodeString(meta["rng"]); err != nil {
		return nil, fmt.Errorf("load checkpoint %s: metadata \"rng\": %w", path, err)
	}
	for name, t := range tensors {
		prefix, rest, ok := strings.Cut(name, "/")
		if !ok {
			return nil, fmt.Errorf("load checkpoint %s: unexpected tensor name %q", path, name)
		}
		switch prefix {
		case "param":
			c.Params[rest] = t.Data
			c.Shapes[rest] = t.Shape
		case "ema":
			c.EMA[rest] = t.Data
		default:
			c.Opt[name] = t.Data
		}
	}
	return c, nil
}

// Weights loads the checkpoint's weights into ps: the EMA copy when ema is
// set, else the raw weights. Names and sizes must match exactly.
func (c *Checkpoint) Weights(ps *nn.Params, ema bool) error {
	src := c.Params
	if ema {
		src = c.EMA
	}
	return ps.Load(src)
}

// checkpointName is the file name of the checkpoint after step steps.
func checkpointName(step int) string { return fmt.Sprintf("step-%08d.safetensors", step) }

// Checkpoints lists the checkpoint files of a run folder, oldest first.
func Checkpoints(runDir string) ([]string, error) {
	dir := filepath.Join(runDir, "checkpoints")
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range es {
		var step int
		if _, err := fmt.Sscanf(e.Name(), "step-%08d.safetensors", &step); err == nil && e.Name() == checkpointName(step) {
			names = append(names, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(names)
	return names, nil
}

// LatestCheckpoint returns the path of the newest checkpoint in a run folder.
func LatestCheckpoint(runDir string) (string, error) {
	if _, err := os.Stat(runDir); err != nil {
		return "", fmt.Errorf("run folder: %w", err)
	}
	names, err := Checkpoints(runDir)
	if err != nil {
		return "", fmt.Errorf("run folder %s has no checkpoints: %w", runDir, err)
	}
	if len(names) == 0 {
		return "", fmt.Errorf("run folder %s has no checkpoints in %s", runDir, filepath.Join(runDir, "checkpoints"))
	}
	return names[len(names)-1], nil
}

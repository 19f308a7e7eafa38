package train

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCheckpointRoundTrip(t *testing.T) {
	c := &Checkpoint{
		Step: 12, Updates: 11, Skipped: 1, Elapsed: 3.5, Optimizer: "adamax",
		RNG: []byte{1, 2, 3, 250}, Config: []byte(`{"a":1}`),
		Shapes: map[string][]int{"w": {2, 3}, "b": {3}},
		Params: map[string][]float32{"w": {1, 2, 3, 4, 5, 6}, "b": {-1, 0, 1e-30}},
		EMA:    map[string][]float32{"w": {6, 5, 4, 3, 2, 1}, "b": {7, 8, 9}},
		Opt:    map[string][]float32{"opt.m/w": {1, 1, 1, 1, 1, 1}, "opt.v/w": {2, 2, 2, 2, 2, 2}, "opt.m/b": {3, 3, 3}, "opt.v/b": {4, 4, 4}},
	}
	p := filepath.Join(t.TempDir(), "c.safetensors")
	if err := c.Save(p); err != nil {
		t.Fatal(err)
	}
	d, err := LoadCheckpoint(p)
	if err != nil {
		t.Fatal(err)
	}
	if d.Step != 12 || d.Updates != 11 || d.Skipped != 1 || d.Elapsed != 3.5 || d.Optimizer != "adamax" ||
		!slices.Equal(d.RNG, c.RNG) || string(d.Config) != `{"a":1}` {
		t.Fatalf("scalars differ: %+v", d)
	}
	if !slices.Equal(d.Shapes["w"], []int{2, 3}) {
		t.Errorf("shape of w = %v", d.Shapes["w"])
	}
	for _, m := range [][2]map[string][]float32{{c.Params, d.Params}, {c.EMA, d.EMA}, {c.Opt, d.Opt}} {
		if len(m[0]) != len(m[1]) {
			t.Fatalf("tensor count %d vs %d", len(m[0]), len(m[1]))
		}
		for k, v := range m[0] {
			if !slices.Equal(v, m[1][k]) {
				t.Errorf("tensor %s: %v vs %v", k, v, m[1][k])
			}
		}
	}
}

func TestLoadCheckpointErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.safetensors")
	os.WriteFile(bad, []byte("not a checkpoint at all"), 0o644)
	for _, p := range []string{bad, filepath.Join(dir, "missing.safetensors")} {
		if _, err := LoadCheckpoint(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("LoadCheckpoint(%s) error %v does not name the file", p, err)
		}
	}
	if _, err := LatestCheckpoint(filepath.Join(dir, "nope")); err == nil {
		t.Error("LatestCheckpoint of a missing folder succeeded")
	}
	if _, err := LatestCheckpoint(dir); err == nil {
		t.Error("LatestCheckpoint of a folder without checkpoints succeeded")
	}
}

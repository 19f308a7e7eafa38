package fid

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Both of torch.save's formats load, with every dtype converted and the
// transposed view copied out in its own row-major order (small_state_dict
// in make_fixture.py).
func TestLoadStateDictBothFormats(t *testing.T) {
	sinf := func(i float64) float32 { return float32(math.Sin(i)) }
	want := StateDict{
		"layer.conv.weight":            {[]int{2, 3}, []float32{0, 1.0 / 7, 2.0 / 7, 3.0 / 7, 4.0 / 7, 5.0 / 7}},
		"layer.bn.running_var":         {[]int{4}, []float32{sinf(0), sinf(1), sinf(2), sinf(3)}},
		"layer.bn.num_batches_tracked": {[]int{}, []float32{5}},
		"half":                         {[]int{2}, []float32{0.5, -1.25}},
		"transposed":                   {[]int{3, 2}, []float32{0, 1.5, 0.5, 2, 1, 2.5}},
	}
	for _, name := range []string{"state_dict_legacy.pth", "state_dict_zip.pth"} {
		sd, err := LoadStateDict(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(sd) != len(want) {
			t.Errorf("%s: %d keys, want %d", name, len(sd), len(want))
		}
		for k, w := range want {
			g := sd[k]
			if !slices.Equal(g.Shape, w.Shape) || len(g.Data) != len(w.Data) {
				t.Errorf("%s: %s has shape %v and %d values, want %v", name, k, g.Shape, len(g.Data), w.Shape)
				continue
			}
			for i := range w.Data {
				if math.Abs(float64(g.Data[i]-w.Data[i])) > 1e-7 {
					t.Errorf("%s: %s = %v, want %v", name, k, g.Data, w.Data)
					break
				}
			}
		}
	}
}

func TestLoadWeightsErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pth")
	os.WriteFile(junk, []byte("not a pickle"), 0o644)
	if _, err := LoadStateDict(junk); err == nil || !strings.Contains(err.Error(), "not a PyTorch state dict file") {
		t.Errorf("junk file: %v", err)
	}
	if _, err := LoadStateDict(filepath.Join(dir, "none.pth")); err == nil {
		t.Error("a missing file loaded")
	}
	// A file named as the official weights is checked before it is read.
	fake := filepath.Join(dir, OfficialWeightsName)
	os.WriteFile(fake, []byte("partial download"), 0o644)
	if _, err := LoadInception(fake); err == nil || !strings.Contains(err.Error(), "is not them: 16 bytes") {
		t.Errorf("fake official file: %v", err)
	}
	// A state dict that is not the FID Inception's names what it lacks.
	if _, err := LoadInception(filepath.Join("testdata", "state_dict_zip.pth")); err == nil || !strings.Contains(err.Error(), `missing key "Conv2d_1a_3x3.conv.weight"`) {
		t.Errorf("a small state dict as Inception weights: %v", err)
	}
}

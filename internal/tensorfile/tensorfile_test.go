package tensorfile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.safetensors")
	in := map[string]Tensor{
		"a":     {Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, -6.5}},
		"b/c.d": {Shape: []int{1}, Data: []float32{1e-30}},
	}
	meta := map[string]string{"format": "x", "note": "ü"}
	if err := Write(path, in, meta); err != nil {
		t.Fatal(err)
	}
	out, m, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) || !reflect.DeepEqual(meta, m) {
		t.Errorf("read back %v %v, wrote %v %v", out, m, in, meta)
	}
	junk := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(junk, []byte("junk"), 0o644)
	if _, _, err := Read(junk); err == nil || !strings.Contains(err.Error(), "not a safetensors file") {
		t.Errorf("junk: %v", err)
	}
}

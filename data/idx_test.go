package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// idxBytes builds an IDX file independently of the reader: the big-endian
// magic and dimensions followed by payload, gzip-compressed if gz.
func idxBytes(t testing.TB, magic uint32, dims []uint32, payload []byte, gz bool) []byte {
	t.Helper()
	var raw bytes.Buffer
	for _, v := range append([]uint32{magic}, dims...) {
		if err := binary.Write(&raw, binary.BigEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	raw.Write(payload)
	if !gz {
		return raw.Bytes()
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	if _, err := w.Write(raw.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// writeFile writes b to name in a fresh temporary folder and returns its path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// testPixels returns n·rows·cols bytes covering all 256 values.
func testPixels(n, rows, cols int) []byte {
	b := make([]byte, n*rows*cols)
	for i := range b {
		b[i] = byte(i*37 + i/256)
	}
	return b
}

func TestReadIDXRoundTrip(t *testing.T) {
	const n, rows, cols = 5, 4, 3
	pix := testPixels(n, rows, cols)
	labels := []byte{3, 0, 9, 255, 7}
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		// The names do not reveal the compression: it must be detected from
		// the content.
		ip := writeFile(t, dir, "images.gz", idxBytes(t, 0x803, []uint32{n, rows, cols}, pix, gz))
		lp := writeFile(t, dir, "labels", idxBytes(t, 0x801, []uint32{n}, labels, gz))

		im, err := ReadIDXImages(ip)
		if err != nil {
			t.Fatalf("gz=%v: %v", gz, err)
		}
		if im.N != n || im.C != 1 || im.H != rows || im.W != cols || len(im.Pix) != len(pix) {
			t.Fatalf("gz=%v: shape %v with %d values, want %dx1x%dx%d", gz, im, len(im.Pix), n, rows, cols)
		}
		for i, b := range pix {
			if want := float32(float64(b) / 255); im.Pix[i] != want {
				t.Fatalf("gz=%v: pixel %d = %v, want %d/255 = %v", gz, i, im.Pix[i], b, want)
			}
		}
		got, err := ReadIDXLabels(lp)
		if err != nil {
			t.Fatalf("gz=%v: %v", gz, err)
		}
		if !bytes.Equal(got, labels) {
			t.Fatalf("gz=%v: labels %v, want %v", gz, got, labels)
		}

		set, err := ReadIDXSet(ip, lp, "tiny")
		if err != nil {
			t.Fatal(err)
		}
		if set.Len() != n || set.Name != "tiny" || !bytes.Equal(set.Labels, labels) {
			t.Fatalf("ReadIDXSet: %d examples named %q, labels %v", set.Len(), set.Name, set.Labels)
		}
	}
}

func TestReadIDXEmptySet(t *testing.T) {
	path := writeFile(t, t.TempDir(), "empty", idxBytes(t, 0x803, []uint32{0, 28, 28}, nil, false))
	im, err := ReadIDXImages(path)
	if err != nil || im.N != 0 || im.H != 28 || len(im.Pix) != 0 {
		t.Fatalf("got %v with %d values, err %v; want an empty 0x1x28x28 batch", im, len(im.Pix), err)
	}
}

// TestReadIDXMalformed checks that each kind of bad file is reported with the
// file's path and the reason.
func TestReadIDXMalformed(t *testing.T) {
	dir := t.TempDir()
	good := idxBytes(t, 0x803, []uint32{2, 2, 2}, testPixels(2, 2, 2), true)
	badCRC := append([]byte(nil), good...)
	badCRC[len(badCRC)-8] ^= 0xff // gzip trailer: CRC-32 of the data
	badBody := append([]byte(nil), good...)
	badBody[len(badBody)/2] ^= 0xff

	cases := []struct {
		name   string
		labels bool // read with ReadIDXLabels instead of ReadIDXImages
		file   []byte
		want   string
	}{
		{"empty", false, nil, "truncated header: want 16 bytes, file has 0"},
		{"short-header", false, []byte{0, 0, 8, 3, 0, 0, 0}, "truncated header: want 16 bytes, file has 7"},
		{"short-label-header", true, []byte{0, 0, 8, 1, 0}, "truncated header: want 8 bytes, file has 5"},
		{"labels-as-images", false, idxBytes(t, 0x801, []uint32{2, 2, 2}, nil, false), "bad magic 0x00000801, want 0x00000803 (this is an IDX label file)"},
		{"images-as-labels", true, idxBytes(t, 0x803, []uint32{2}, nil, false), "bad magic 0x00000803, want 0x00000801 (this is an IDX image file)"},
		{"float-idx", false, idxBytes(t, 0xd03, []uint32{1, 1, 1}, make([]byte, 4), false), "element type 0x0d"},
		{"text", false, []byte("hello, world, this is not IDX"), "bad magic 0x68656c6c"},
		{"truncated", false, idxBytes(t, 0x803, []uint32{60000, 28, 28}, make([]byte, 1234), false), "want 47040000 bytes of pixels, file has 1234"},
		{"truncated-gz", false, idxBytes(t, 0x803, []uint32{60000, 28, 28}, make([]byte, 1234), true), "want 47040000 bytes of pixels, file has 1234 after decompression"},
		{"truncated-labels", true, idxBytes(t, 0x801, []uint32{10}, make([]byte, 3), false), "want 10 bytes of labels, file has 3"},
		{"trailing", false, idxBytes(t, 0x803, []uint32{1, 2, 2}, make([]byte, 5), false), "unexpected data after the 4 bytes of pixels"},
		{"zero-rows", false, idxBytes(t, 0x803, []uint32{3, 0, 28}, nil, false), "empty 0×28 images"},
		{"gzip-header", false, []byte{0x1f, 0x8b, 0, 0, 0}, "bad gzip data"},
		{"gzip-crc", false, badCRC, "bad gzip data"},
		{"gzip-body", false, badBody, "bad gzip data"},
		{"gzip-cut", false, good[:len(good)-3], "bad gzip data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, dir, c.name+".gz", c.file)
			var err error
			if c.labels {
				_, err = ReadIDXLabels(path)
			} else {
				_, err = ReadIDXImages(path)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, c.want) {
				t.Fatalf("error %q, want it to contain the path %s and %q", msg, path, c.want)
			}
		})
	}
}

func TestReadIDXMissingAndFolder(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope-idx3-ubyte.gz")
	for _, path := range []string{missing, dir} {
		if _, err := ReadIDXImages(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("ReadIDXImages(%s): error %v, want one naming the path", path, err)
		}
		if _, err := ReadIDXLabels(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("ReadIDXLabels(%s): error %v, want one naming the path", path, err)
		}
	}
	if _, err := ReadIDXImages(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: error %v does not wrap fs.ErrNotExist", err)
	}
}

// TestReadIDXLyingHeader checks that a tiny file whose header claims an absurd
// size is rejected without allocating that size.
func TestReadIDXLyingHeader(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		dims []uint32
		want string
	}{
		{"huge", []uint32{0xffffffff, 0xffffffff, 0xffffffff}, "refusing"},
		{"just-over", []uint32{1 << 15, 1 << 8, 1 << 8}, "refusing"},
		{"big-but-accepted", []uint32{1 << 15, 1 << 8, 1<<8 - 1}, "want 2139095040 bytes of pixels, file has 10"},
	}
	for _, c := range cases {
		path := writeFile(t, dir, c.name, idxBytes(t, 0x803, c.dims, make([]byte, 10), false))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ReadIDXImages(path)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one with the path and %q", c.name, err, c.want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte file", c.name, alloc, 26)
		}
	}
}

func TestReadIDXSetCountMismatch(t *testing.T) {
	dir := t.TempDir()
	ip := writeFile(t, dir, "img", idxBytes(t, 0x803, []uint32{3, 1, 1}, []byte{1, 2, 3}, false))
	lp := writeFile(t, dir, "lab", idxBytes(t, 0x801, []uint32{2}, []byte{1, 2}, true))
	_, err := ReadIDXSet(ip, lp, "x")
	if err == nil || !strings.Contains(err.Error(), ip) || !strings.Contains(err.Error(), lp) ||
		!strings.Contains(err.Error(), "3 images") || !strings.Contains(err.Error(), "2 labels") {
		t.Fatalf("error %v, want one naming both files and both counts", err)
	}
}

// FuzzDecodeIDX checks that no input makes the decoders panic, that errors
// name the file, and that what they accept is consistent.
// Run with: go test -run='^$' -fuzz=FuzzDecodeIDX ./data/
func FuzzDecodeIDX(f *testing.F) {
	f.Add(idxBytes(f, 0x803, []uint32{2, 3, 2}, testPixels(2, 3, 2), false))
	f.Add(idxBytes(f, 0x803, []uint32{2, 3, 2}, testPixels(2, 3, 2), true))
	f.Add(idxBytes(f, 0x801, []uint32{4}, []byte{1, 2, 3, 4}, false))
	f.Add(idxBytes(f, 0x801, []uint32{4}, []byte{1, 2, 3, 4}, true))
	f.Add(idxBytes(f, 0x803, []uint32{0xffffffff, 28, 28}, nil, false))
	f.Add([]byte{0x1f, 0x8b})
	const name = "fuzz-idx"
	f.Fuzz(func(t *testing.T, b []byte) {
		im, err := decodeIDXImages(name, bytes.NewReader(b))
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error %q does not name the file", err)
			}
		} else {
			if im.C != 1 || im.H < 1 || im.W < 1 || len(im.Pix) != im.N*im.H*im.W {
				t.Fatalf("accepted %v with %d values", im, len(im.Pix))
			}
			for _, v := range im.Pix {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("pixel %v outside [0, 1]", v)
				}
			}
		}
		if _, err := decodeIDXLabels(name, bytes.NewReader(b)); err != nil && !strings.Contains(err.Error(), name) {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}

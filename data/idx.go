package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// IDX magic numbers: two zero bytes, the element type (0x08 = unsigned byte)
// and the number of dimensions.
const (
	idxImagesMagic = 0x00000803 // unsigned bytes, 3 dimensions (n, rows, cols)
	idxLabelsMagic = 0x00000801 // unsigned bytes, 1 dimension (n)
)

// maxIDXBytes bounds the payload a header may declare, so that a lying header
// is reported instead of driving an absurd allocation (and so that sizes fit
// an int on 32-bit platforms). MNIST-sized sets use about 47 MB.
const maxIDXBytes = 1<<31 - 1

// ReadIDXImages reads an IDX image file (magic 0x00000803, then big-endian
// uint32 counts n, rows, cols, then n·rows·cols unsigned bytes in row-major
// order), gzip-compressed or raw: compression is detected from the gzip magic
// bytes 1f 8b, not from the file name. It returns an n×1×rows×cols batch with
// byte k mapped to the intensity k/255 ∈ [0, 1].
//
// Every error names the file and says what was wrong with it.
func ReadIDXImages(path string) (Images, error) {
	var im Images
	err := withIDXFile(path, func(r io.Reader) (err error) {
		im, err = decodeIDXImages(path, r)
		return err
	})
	return im, err
}

// ReadIDXLabels reads an IDX label file (magic 0x00000801, then a big-endian
// uint32 count n, then n unsigned bytes), gzip-compressed or raw, like
// ReadIDXImages.
func ReadIDXLabels(path string) ([]uint8, error) {
	var labels []uint8
	err := withIDXFile(path, func(r io.Reader) (err error) {
		labels, err = decodeIDXLabels(path, r)
		return err
	})
	return labels, err
}

// withIDXFile opens path and hands its contents to decode.
func withIDXFile(path string, decode func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: %w", err) // *PathError: names the file and the cause
	}
	defer f.Close()
	return decode(f)
}

// decodeIDXImages decodes an image file read from r; name is used in errors.
func decodeIDXImages(name string, r io.Reader) (Images, error) {
	dims, pix, err := decodeIDX(name, r, idxImagesMagic, "pixels")
	if err != nil {
		return Images{}, err
	}
	n, rows, cols := dims[0], dims[1], dims[2]
	if rows == 0 || cols == 0 {
		return Images{}, fmt.Errorf("data: %s: header declares empty %d×%d images", name, rows, cols)
	}
	im := NewImages(n, 1, rows, cols)
	for i, b := range pix {
		im.Pix[i] = float32(b) / 255
	}
	return im, nil
}

// decodeIDXLabels decodes a label file read from r; name is used in errors.
func decodeIDXLabels(name string, r io.Reader) ([]uint8, error) {
	_, labels, err := decodeIDX(name, r, idxLabelsMagic, "labels")
	return labels, err
}

// decodeIDX reads an IDX header with the given magic, whose low byte is the
// number of dimensions, and then exactly the payload the header declares
// (what names it in errors). The payload is read incrementally, so memory
// follows the data actually present, not the size the header claims.
func decodeIDX(name string, r io.Reader, magic uint32, what string) (dims []int, payload []byte, err error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("data: %s: %s", name, fmt.Sprintf(format, args...))
	}
	br := bufio.NewReader(r)
	var src io.Reader = br
	compressed := false
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fail("bad gzip data: %v", err)
		}
		src, compressed = zr, true
	}
	// readErr describes a read error other than a clean end of file.
	readErr := func(err error) error {
		if compressed {
			return fail("bad gzip data: %v", err)
		}
		return fail("reading: %v", err)
	}
	decompressed := ""
	if compressed {
		decompressed = " after decompression"
	}

	ndim := int(magic & 0xff)
	header := make([]byte, 4*(1+ndim))
	if got, err := io.ReadFull(src, header); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, nil, fail("truncated header: want %d bytes, file has %d%s", len(header), got, decompressed)
		}
		return nil, nil, readErr(err)
	}
	if got := binary.BigEndian.Uint32(header); got != magic {
		return nil, nil, fail("bad magic 0x%08x, want 0x%08x%s", got, magic, describeMagic(got))
	}
	size := uint64(1)
	dims = make([]int, ndim)
	for i := range dims {
		d := binary.BigEndian.Uint32(header[4*(i+1):])
		size *= uint64(d) // ≤ maxIDXBytes·(2³²−1) < 2⁶⁴: no overflow before the check below
		if size > maxIDXBytes {
			return nil, nil, fail("header declares sizes %v: more than %d bytes of %s, refusing", header32s(header[4:]), uint64(maxIDXBytes), what)
		}
		dims[i] = int(d)
	}

	payload, err = io.ReadAll(io.LimitReader(src, int64(size)+1))
	if err != nil {
		return nil, nil, readErr(err)
	}
	switch {
	case uint64(len(payload)) < size:
		return nil, nil, fail("truncated: want %d bytes of %s, file has %d%s", size, what, len(payload), decompressed)
	case uint64(len(payload)) > size:
		return nil, nil, fail("unexpected data after the %d bytes of %s its header declares", size, what)
	}
	return dims, payload, nil
}

// describeMagic hints at what a file with a wrong magic number is.
func describeMagic(m uint32) string {
	switch {
	case m == idxImagesMagic:
		return " (this is an IDX image file)"
	case m == idxLabelsMagic:
		return " (this is an IDX label file)"
	case m>>16 == 0:
		return fmt.Sprintf(" (IDX element type 0x%02x with %d dimensions; only unsigned bytes are supported)", m>>8&0xff, m&0xff)
	}
	return " (not an IDX file)"
}

// header32s decodes big-endian uint32s, for error messages.
func header32s(b []byte) []uint32 {
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return out
}

// ReadIDXSet reads an image file and its label file into a Set named name,
// checking that they hold the same number of examples.
func ReadIDXSet(imagesPath, labelsPath, name string) (*Set, error) {
	im, err := ReadIDXImages(imagesPath)
	if err != nil {
		return nil, err
	}
	labels, err := ReadIDXLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if im.N != len(labels) {
		return nil, fmt.Errorf("data: %s has %d images but %s has %d labels", imagesPath, im.N, labelsPath, len(labels))
	}
	return &Set{Images: im, Labels: labels, Name: name}, nil
}

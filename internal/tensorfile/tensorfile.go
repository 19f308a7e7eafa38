// Package tensorfile reads and writes named float32 tensors and string
// metadata as one safetensors file, written atomically.
package tensorfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/nlpodyssey/safetensors"

	"github.com/genmodel/genmodel/internal/atomicfile"
)

// Tensor is a float32 array and its shape.
type Tensor struct {
	Shape []int
	Data  []float32
}

// Write writes the tensors and the metadata to path atomically.
func Write(path string, tensors map[string]Tensor, meta map[string]string) error {
	views := map[string]safetensors.TensorView{}
	for name, t := range tensors {
		u := make([]uint64, len(t.Shape))
		for i, s := range t.Shape {
			u[i] = uint64(s)
		}
		tv, err := safetensors.NewTensorView(safetensors.F32, u, f32bytes(t.Data))
		if err != nil {
			return fmt.Errorf("%s: tensor %s: %w", path, name, err)
		}
		views[name] = tv
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		return safetensors.SerializeToWriter(views, meta, w)
	})
}

// Read reads a safetensors file of float32 tensors and its metadata.
func Read(path string) (map[string]Tensor, map[string]string, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return Decode(path, buf)
}

// Decode reads the contents buf of a safetensors file (named name in
// errors).
func Decode(name string, buf []byte) (map[string]Tensor, map[string]string, error) {
	path := name
	st, err := safetensors.Deserialize(buf)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a safetensors file: %w", path, err)
	}
	_, header, err := safetensors.ReadMetadata(buf)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	tensors := map[string]Tensor{}
	for _, nt := range st.Tensors() {
		tv := nt.TensorView
		if tv.DType() != safetensors.F32 {
			return nil, nil, fmt.Errorf("%s: tensor %s is %s, want F32", path, nt.Name, tv.DType())
		}
		shape := make([]int, len(tv.Shape()))
		for i, s := range tv.Shape() {
			shape[i] = int(s)
		}
		tensors[nt.Name] = Tensor{Shape: shape, Data: f32values(tv.Data())}
	}
	return tensors, header.Metadata(), nil
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func f32values(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	binary.Read(bytes.NewReader(b), binary.LittleEndian, v)
	return v
}

package fid

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/nlpodyssey/gopickle/pytorch"
	"github.com/nlpodyssey/gopickle/types"
)

// The official FID Inception weights, as published with pytorch-fid's
// releases (converted from the TensorFlow FID graph of 2015-12-05).
const (
	OfficialWeightsName   = "pt_inception-2015-12-05-6726825d.pth"
	OfficialWeightsURL    = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/" + OfficialWeightsName
	OfficialWeightsSHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"
	OfficialWeightsSize   = 95628359
)

// WeightsEnv names the environment variable that gives the path of the FID
// Inception weights when no --weights flag does.
const WeightsEnv = "GENMODEL_FID_WEIGHTS"

// LoadInception reads FID Inception weights from a PyTorch state dict file
// (see LoadStateDict) and builds the network. A file named as the official
// one must be it: its size and SHA-256 are checked first.
func LoadInception(path string) (*Inception, error) {
	if filepath.Base(path) == OfficialWeightsName {
		if err := checkOfficial(path); err != nil {
			return nil, err
		}
	}
	sd, err := LoadStateDict(path)
	if err != nil {
		return nil, err
	}
	net, err := NewInception(sd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, nil
}

// checkOfficial verifies the size and SHA-256 of the official weights.
func checkOfficial(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("fid: weights: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("fid: weights %s: %w", path, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); n != OfficialWeightsSize || sum != OfficialWeightsSHA256 {
		return fmt.Errorf("fid: %s is named as the official FID Inception weights but is not them: %d bytes with SHA-256 %s, want %d bytes with %s (a partial or corrupted download?)",
			path, n, sum, OfficialWeightsSize, OfficialWeightsSHA256)
	}
	return nil
}

// LoadStateDict reads a PyTorch state dict saved by torch.save, in the
// legacy pickle format or the zip format, as float32 tensors: float32,
// float64 and float16 storages are converted, and integer ones
// (num_batches_tracked) too; views (offsets, strides) are copied out.
func LoadStateDict(path string) (StateDict, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("fid: weights: %w", err)
	}
	obj, err := pytorch.Load(path)
	if err != nil {
		return nil, fmt.Errorf("fid: weights %s: not a PyTorch state dict file: %w", path, err)
	}
	var entries []*types.OrderedDictEntry
	switch d := obj.(type) {
	case *types.OrderedDict:
		for e := d.List.Front(); e != nil; e = e.Next() {
			entries = append(entries, e.Value.(*types.OrderedDictEntry))
		}
	case *types.Dict:
		for _, e := range *d {
			entries = append(entries, &types.OrderedDictEntry{Key: e.Key, Value: e.Value})
		}
	default:
		return nil, fmt.Errorf("fid: weights %s: holds a %T, not a state dict", path, obj)
	}
	sd := StateDict{}
	for _, e := range entries {
		key, ok := e.Key.(string)
		if !ok {
			return nil, fmt.Errorf("fid: weights %s: a key of type %T", path, e.Key)
		}
		t, ok := e.Value.(*pytorch.Tensor)
		if !ok {
			return nil, fmt.Errorf("fid: weights %s: %q is a %T, not a tensor", path, key, e.Value)
		}
		v, err := tensorValues(t)
		if err != nil {
			return nil, fmt.Errorf("fid: weights %s: %q: %w", path, key, err)
		}
		sd[key] = Tensor{Shape: slices.Clone(t.Size), Data: v}
	}
	return sd, nil
}

// tensorValues copies the elements of t, in row-major order of its shape,
// out of its storage.
func tensorValues(t *pytorch.Tensor) ([]float32, error) {
	var at func(i int) float32
	var size int
	switch s := t.Source.(type) {
	case *pytorch.FloatStorage:
		at, size = func(i int) float32 { return s.Data[i] }, len(s.Data)
	case *pytorch.HalfStorage:
		at, size = func(i int) float32 { return s.Data[i] }, len(s.Data)
	case *pytorch.DoubleStorage:
		at, size = func(i int) float32 { return float32(s.Data[i]) }, len(s.Data)
	case *pytorch.LongStorage:
		at, size = func(i int) float32 { return float32(s.Data[i]) }, len(s.Data)
	case *pytorch.IntStorage:
		at, size = func(i int) float32 { return float32(s.Data[i]) }, len(s.Data)
	default:
		return nil, fmt.Errorf("storage of type %T", t.Source)
	}
	n := prod(t.Size)
	if len(t.Stride) != len(t.Size) {
		return nil, fmt.Errorf("shape %v with strides %v", t.Size, t.Stride)
	}
	out := make([]float32, n)
	idx := make([]int, len(t.Size))
	for i := range out {
		off := t.StorageOffset
		for d, k := range idx {
			off += k * t.Stride[d]
		}
		if off < 0 || off >= size {
			return nil, fmt.Errorf("element %d at storage offset %d outside its %d values", i, off, size)
		}
		out[i] = at(off)
		for d := len(idx) - 1; d >= 0; d-- { // next index, row-major
			if idx[d]++; idx[d] < t.Size[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out, nil
}

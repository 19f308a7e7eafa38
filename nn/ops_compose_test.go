package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"github.com/genmodel/genmodel/internal/gradcheck"
	"github.com/genmodel/genmodel/nn"
)

// opsModel chains every op as a small likelihood model would: a strided
// conv, ELU, upsampling, a 1×1 conv giving means, K = 2 copies per example,
// the discretized logistic log-likelihood of data, and a log-sum-exp over
// each example's pixels. Inputs: x (2,2,4,4), w1 (3,2,3,3), b1 (3),
// w2 (2,3,1,1), logScale (4,2,4,4), data (4,2,4,4).
func opsModel(in []*gorgonia.Node) (*gorgonia.Node, error) {
	h, err := nn.Conv2d(in[0], in[1], in[2], [2]int{2, 2}, [2]int{1, 1}, 1)
	if err == nil {
		h, err = nn.ELU(h)
	}
	if err == nil {
		h, err = nn.UpsampleNearest(h, 2)
	}
	if err == nil {
		h, err = nn.Conv2d(h, in[3], nil, [2]int{1, 1}, [2]int{0, 0}, 1)
	}
	if err == nil {
		h, err = nn.RepeatRows(h, 2)
	}
	if err == nil {
		h, err = nn.DiscretizedLogisticLogProb(in[5], h, in[4], 16)
	}
	if err == nil {
		h, err = gorgonia.Reshape(h, tensor.Shape{4, 32})
	}
	if err == nil {
		h, err = nn.LogSumExp(h, 1)
	}
	return h, err
}

// opsModelInputs returns random inputs of opsModel.
func opsModelInputs() []*tensor.Dense {
	rng := rand.New(rand.NewPCG(8, 8))
	data := opsRand(rng, 0, 1, 4, 2, 4, 4)
	for i, v := range opsData(data) {
		opsData(data)[i] = math.Round(v*15) / 15
	}
	return []*tensor.Dense{
		opsRand(rng, -1, 1, 2, 2, 4, 4), opsRand(rng, -1, 1, 3, 2, 3, 3), opsRand(rng, -1, 1, 3),
		opsRand(rng, -1, 1, 2, 3, 1, 1), opsRand(rng, -2, 0, 4, 2, 4, 4), data,
	}
}

func TestOpsComposeGradients(t *testing.T) {
	build := func(_ *gorgonia.ExprGraph, in []*gorgonia.Node) (*gorgonia.Node, error) { return opsModel(in) }
	res, err := gradcheck.Check(build, opsModelInputs(), gradcheck.Options{Wrt: []int{0, 1, 2, 3, 4}, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gradient check: %v", res)
}

// TestOpsFloat32Gradients compares the float32 gradients of opsModel with
// the float64 ones.
func TestOpsFloat32Gradients(t *testing.T) {
	ins := opsModelInputs()
	g64, g32 := opsGrads(t, tensor.Float64, ins), opsGrads(t, tensor.Float32, ins)
	for i := range g64 {
		opsClose(t, fmt.Sprintf("gradient of input %d", i), g32[i], g64[i], 1e-4)
	}
}

// opsGrads returns the gradients of Σ opsModel with respect to its first
// five inputs, computed in dt.
func opsGrads(t *testing.T, dt tensor.Dtype, ins []*tensor.Dense) [][]float64 {
	t.Helper()
	g := gorgonia.NewGraph()
	nodes := make([]*gorgonia.Node, len(ins))
	for i, in := range ins {
		var v any = in.Clone()
		if dt == tensor.Float32 {
			f32 := make([]float32, in.Shape().TotalSize())
			for j, x := range opsData(in) {
				f32[j] = float32(x)
			}
			v = tensor.New(tensor.WithShape(in.Shape().Clone()...), tensor.WithBacking(f32))
		}
		nodes[i] = gorgonia.NewTensor(g, dt, in.Dims(), gorgonia.WithShape(in.Shape().Clone()...),
			gorgonia.WithValue(v), gorgonia.WithName(fmt.Sprintf("in%d", i)))
	}
	y, err := opsModel(nodes)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := gorgonia.Sum(y)
	if err != nil {
		t.Fatal(err)
	}
	grads, err := gorgonia.Grad(loss, nodes[:5]...)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]gorgonia.Value, len(grads))
	for i, gr := range grads {
		gorgonia.Read(gr, &vals[i])
	}
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, len(vals))
	for i, v := range vals {
		out[i] = opsFloats(v)
	}
	return out
}

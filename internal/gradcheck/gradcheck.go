// Package gradcheck compares the symbolic gradients gorgonia derives for a
// graph with central finite differences, so that every custom op's SymDiff
// can be tested the same way.
//
// For a function y = f(x₁, …, xₘ) built by the caller, the checker draws a
// fixed random weight tensor r of y's shape (standard normal) and takes the
// scalar loss L = Σᵢ rᵢ·yᵢ, so that every output element contributes with a
// different weight. The analytic gradient ∂L/∂xⱼ comes from gorgonia.Grad
// run on a TapeMachine; the numeric one from a second, forward-only graph:
//
//	∂L/∂x[e] ≈ Σᵢ rᵢ·(yᵢ(x + h·e) − yᵢ(x − h·e)) / 2h
//
// Taking the output differences before the weighted sum keeps rounding noise
// near ε·|y|/h instead of ε·|L|/h. Element errors are
//
//	|analytic − numeric| / max(|analytic|, |numeric|, Floor)
//
// and the check fails when the worst exceeds RelTol. With h = 1e-6 the
// central difference carries an absolute noise of about ε·|y|/h ≈ 1e-10·|y|,
// so gradients below the default Floor of 1e-3 are held to an absolute
// 1e-8 (RelTol·Floor) rather than to a relative error the noise alone could
// exceed. Inputs must be float64: finite differences in float32 are too
// noisy to check anything.
package gradcheck

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Build adds the function under test to g, reading the given input nodes
// (one per input tensor, in order, with the same shapes), and returns its
// output node.
type Build func(g *gorgonia.ExprGraph, inputs []*gorgonia.Node) (*gorgonia.Node, error)

// Options tunes Check. The zero value gives the defaults.
type Options struct {
	H        float64 // finite-difference step; default 1e-6
	RelTol   float64 // largest accepted element error; default 1e-5
	Floor    float64 // gradients below Floor are compared absolutely; default 1e-3
	MaxElems int     // check at most this many random elements per input; 0 for all
	Wrt      []int   // indices of the inputs to differentiate; nil for all
	Seed     uint64  // seed of the weights r and of the element subset
}

// Result describes the worst element of a check.
type Result struct {
	Err               float64 // its relative error
	Input, Index      int     // input number and flat index of the element
	Analytic, Numeric float64 // the two gradients there
	Checked           int     // number of elements compared, over all inputs
}

// String formats the worst element for error messages and logs.
func (r Result) String() string {
	return fmt.Sprintf("worst of %d elements: input %d element %d, analytic %.12g, numeric %.12g, relative error %.3g",
		r.Checked, r.Input, r.Index, r.Analytic, r.Numeric, r.Err)
}

// Check builds the function twice, once with gorgonia's symbolic gradient of
// L = Σ r⊙y and once forward-only, and compares the gradient of every
// selected input element with its central difference. It returns the worst
// element, and an error when building or running fails, when the symbolic
// graph writes into an input, when two runs of it disagree, or when the worst
// relative error exceeds opts.RelTol.
func Check(build Build, inputs []*tensor.Dense, opts Options) (Result, error) {
	opts = opts.withDefaults()
	wrt, err := opts.wrt(len(inputs))
	if err != nil {
		return Result{}, err
	}
	pristine := make([][]float64, len(inputs))
	for i, in := range inputs {
		if pristine[i], err = float64s(in); err != nil {
			return Result{}, fmt.Errorf("gradcheck: input %d: %w", i, err)
		}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))

	analytic, r, err := symbolic(build, inputs, pristine, wrt, rng)
	if err != nil {
		return Result{}, err
	}
	f, err := newForward(build, inputs, pristine)
	if err != nil {
		return Result{}, err
	}
	defer f.vm.Close()

	res := Result{Err: -1}
	for w, j := range wrt {
		for _, e := range opts.elements(len(pristine[j]), rng) {
			num, err := f.central(j, e, opts.H, r)
			if err != nil {
				return res, err
			}
			a := analytic[w][e]
			rel := math.Abs(a-num) / max(math.Abs(a), math.Abs(num), opts.Floor)
			if math.IsNaN(rel) {
				rel = math.Inf(1)
			}
			res.Checked++
			if rel > res.Err {
				res.Err, res.Input, res.Index, res.Analytic, res.Numeric = rel, j, e, a, num
			}
		}
	}
	if res.Err > opts.RelTol {
		return res, fmt.Errorf("gradcheck: gradient mismatch (tolerance %.3g): %v", opts.RelTol, res)
	}
	return res, nil
}

// withDefaults fills in unset options.
func (o Options) withDefaults() Options {
	if o.H == 0 {
		o.H = 1e-6
	}
	if o.RelTol == 0 {
		o.RelTol = 1e-5
	}
	if o.Floor == 0 {
		o.Floor = 1e-3
	}
	return o
}

// wrt returns the indices of the inputs to differentiate.
func (o Options) wrt(n int) ([]int, error) {
	if n == 0 {
		return nil, fmt.Errorf("gradcheck: no inputs")
	}
	if o.Wrt == nil {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	if len(o.Wrt) == 0 {
		return nil, fmt.Errorf("gradcheck: Wrt is empty")
	}
	for _, j := range o.Wrt {
		if j < 0 || j >= n {
			return nil, fmt.Errorf("gradcheck: Wrt index %d out of range [0, %d)", j, n)
		}
	}
	return o.Wrt, nil
}

// elements returns the flat indices to check in an input of n elements: all
// of them, or MaxElems distinct random ones in increasing order.
func (o Options) elements(n int, rng *rand.Rand) []int {
	if o.MaxElems <= 0 || o.MaxElems >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := rng.Perm(n)[:o.MaxElems]
	slices.Sort(idx)
	return idx
}

// float64s returns a copy of the elements of a float64 tensor.
func float64s(t *tensor.Dense) ([]float64, error) {
	switch {
	case t == nil:
		return nil, fmt.Errorf("nil tensor")
	case t.Dtype() != tensor.Float64:
		return nil, fmt.Errorf("dtype %v, want float64", t.Dtype())
	case t.Dims() == 0:
		return nil, fmt.Errorf("scalar inputs are not supported; use shape (1)")
	}
	if t.IsMaterializable() {
		t = t.Materialize().(*tensor.Dense)
	}
	return slices.Clone(t.Data().([]float64)[:t.Shape().TotalSize()]), nil
}

// inputNodes adds one input node per tensor to g, each bound to a fresh
// tensor holding the data in vals, and returns the nodes and their data.
func inputNodes(g *gorgonia.ExprGraph, inputs []*tensor.Dense, vals [][]float64) ([]*gorgonia.Node, [][]float64) {
	nodes, data := make([]*gorgonia.Node, len(inputs)), make([][]float64, len(inputs))
	for i, in := range inputs {
		data[i] = slices.Clone(vals[i])
		t := tensor.New(tensor.WithShape(in.Shape().Clone()...), tensor.WithBacking(data[i]))
		nodes[i] = gorgonia.NewTensor(g, tensor.Float64, t.Dims(), gorgonia.WithShape(t.Shape().Clone()...),
			gorgonia.WithValue(t), gorgonia.WithName(fmt.Sprintf("gradcheck.x%d", i)))
	}
	return nodes, data
}

// buildChecked calls build and checks that it returned a float64 node of g.
func buildChecked(build Build, g *gorgonia.ExprGraph, nodes []*gorgonia.Node) (*gorgonia.Node, error) {
	y, err := build(g, nodes)
	switch {
	case err != nil:
		return nil, fmt.Errorf("gradcheck: build: %w", err)
	case y == nil:
		return nil, fmt.Errorf("gradcheck: build returned a nil node")
	case y.Graph() != g:
		return nil, fmt.Errorf("gradcheck: build returned a node of another graph")
	case y.Dtype() != tensor.Float64:
		return nil, fmt.Errorf("gradcheck: output dtype %v, want float64", y.Dtype())
	}
	return y, nil
}

// symbolic builds L = Σ r⊙y with r drawn from rng, differentiates it with
// gorgonia.Grad with respect to the inputs in wrt, runs the machine twice,
// and returns the gradients (one slice per wrt entry) and r. It fails when
// the two runs differ or an input was modified.
func symbolic(build Build, inputs []*tensor.Dense, vals [][]float64, wrt []int, rng *rand.Rand) ([][]float64, []float64, error) {
	g := gorgonia.NewGraph()
	nodes, data := inputNodes(g, inputs, vals)
	y, err := buildChecked(build, g, nodes)
	if err != nil {
		return nil, nil, err
	}
	r := make([]float64, y.Shape().TotalSize())
	for i := range r {
		r[i] = rng.NormFloat64()
	}
	loss, err := weightedSum(g, y, r)
	if err != nil {
		return nil, nil, err
	}
	wrtNodes := make([]*gorgonia.Node, len(wrt))
	for i, j := range wrt {
		wrtNodes[i] = nodes[j]
	}
	grads, err := gorgonia.Grad(loss, wrtNodes...)
	if err != nil {
		return nil, nil, fmt.Errorf("gradcheck: gorgonia.Grad: %w", err)
	}
	read := make([]gorgonia.Value, len(grads))
	for i, gr := range grads {
		gorgonia.Read(gr, &read[i])
	}
	vm := gorgonia.NewTapeMachine(g)
	defer vm.Close()
	var runs [2][][]float64
	for k := range runs {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			return nil, nil, fmt.Errorf("gradcheck: symbolic run %d: %w", k+1, err)
		}
		for i, v := range read {
			d, ok := v.Data().([]float64)
			if !ok || len(d) != len(vals[wrt[i]]) {
				return nil, nil, fmt.Errorf("gradcheck: gradient of input %d has shape %v, want %v", wrt[i], v.Shape(), inputs[wrt[i]].Shape())
			}
			runs[k] = append(runs[k], slices.Clone(d))
		}
	}
	for i := range runs[0] {
		if !slices.Equal(runs[0][i], runs[1][i]) {
			return nil, nil, fmt.Errorf("gradcheck: two runs of the symbolic graph gave different gradients for input %d", wrt[i])
		}
	}
	for i := range data {
		if !slices.Equal(data[i], vals[i]) {
			return nil, nil, fmt.Errorf("gradcheck: running the graph modified input %d", i)
		}
	}
	return runs[0], r, nil
}

// weightedSum returns the scalar Σ r⊙y.
func weightedSum(g *gorgonia.ExprGraph, y *gorgonia.Node, r []float64) (*gorgonia.Node, error) {
	var prod *gorgonia.Node
	var err error
	if y.IsScalar() {
		prod, err = gorgonia.Mul(y, gorgonia.NewScalar(g, tensor.Float64, gorgonia.WithValue(r[0]), gorgonia.WithName("gradcheck.r")))
	} else {
		rt := tensor.New(tensor.WithShape(y.Shape().Clone()...), tensor.WithBacking(r))
		rn := gorgonia.NewTensor(g, tensor.Float64, y.Dims(), gorgonia.WithShape(y.Shape().Clone()...),
			gorgonia.WithValue(rt), gorgonia.WithName("gradcheck.r"))
		if prod, err = gorgonia.HadamardProd(y, rn); err == nil {
			prod, err = gorgonia.Sum(prod)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("gradcheck: building Σ r⊙y: %w", err)
	}
	return prod, nil
}

// forward is the forward-only graph of the finite differences.
type forward struct {
	vm    gorgonia.VM
	data  [][]float64 // backing arrays of the input nodes
	vals  [][]float64 // unperturbed inputs
	y     gorgonia.Value
	shape tensor.Shape
}

// newForward builds the forward-only graph.
func newForward(build Build, inputs []*tensor.Dense, vals [][]float64) (*forward, error) {
	g := gorgonia.NewGraph()
	nodes, data := inputNodes(g, inputs, vals)
	y, err := buildChecked(build, g, nodes)
	if err != nil {
		return nil, err
	}
	f := &forward{data: data, vals: vals, shape: y.Shape().Clone()}
	gorgonia.Read(y, &f.y)
	f.vm = gorgonia.NewTapeMachine(g)
	return f, nil
}

// eval returns the output for the inputs with element e of input j set to v.
// The inputs are restored from vals first, so an op that writes into its
// inputs cannot corrupt later evaluations.
func (f *forward) eval(j, e int, v float64) ([]float64, error) {
	for i := range f.data {
		copy(f.data[i], f.vals[i])
	}
	f.data[j][e] = v
	f.vm.Reset()
	if err := f.vm.RunAll(); err != nil {
		return nil, fmt.Errorf("gradcheck: forward run: %w", err)
	}
	if f.shape.IsScalar() {
		s, ok := f.y.Data().(float64)
		if !ok {
			return nil, fmt.Errorf("gradcheck: scalar output holds %T", f.y.Data())
		}
		return []float64{s}, nil
	}
	return slices.Clone(f.y.Data().([]float64)), nil
}

// central returns Σᵢ rᵢ·(yᵢ(x + h·e) − yᵢ(x − h·e)) / 2h for element e of
// input j.
func (f *forward) central(j, e int, h float64, r []float64) (float64, error) {
	x := f.vals[j][e]
	plus, err := f.eval(j, e, x+h)
	if err != nil {
		return 0, err
	}
	minus, err := f.eval(j, e, x-h)
	if err != nil {
		return 0, err
	}
	var s float64
	for i := range r {
		s += r[i] * (plus[i] - minus[i])
	}
	return s / ((x + h) - (x - h)), nil
}

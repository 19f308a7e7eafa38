package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"

	"github.com/genmodel/genmodel/samples"
)

const sampleAbout = `Draws samples from a trained run (its EMA weights unless --raw) and writes
them as a PNG grid.`

func runSample(_ context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("sample", "--run DIR [flags]", sampleAbout)
	var (
		dir, ckpt, out string
		n              int
		temperature    float64
		seed           uint64
		raw            bool
	)
	fs.StringVar(&dir, "run", "", "run folder")
	fs.StringVar(&ckpt, "checkpoint", "", "checkpoint file (default: the run's latest)")
	fs.IntVar(&n, "n", 64, "number of samples")
	fs.Float64Var(&temperature, "temperature", 1, "scale of the prior's standard deviation: z ~ N(0, T²I)")
	fs.StringVar(&out, "out", "", "PNG file (default <run>/samples-T<temperature>.png)")
	fs.Uint64Var(&seed, "seed", 1, "random seed")
	fs.BoolVar(&raw, "raw", false, "use the raw weights instead of their moving average")
	pos, _, err := parse(fs, args, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if n < 1 {
		return usagef("--n must be ≥ 1, got %d", n)
	}
	if temperature < 0 {
		return usagef("--temperature must be ≥ 0, got %g", temperature)
	}
	r, err := openRun(dir, ckpt, !raw)
	if err != nil {
		return err
	}
	x, err := r.model.Sample(n, temperature, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(r.dir, fmt.Sprintf("samples-T%g.png", temperature))
	}
	if err := samples.SaveGrid(out, x); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d samples (T=%g, step %d) to %s\n", n, temperature, r.step, out)
	return nil
}

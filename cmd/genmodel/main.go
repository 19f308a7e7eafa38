// Command genmodel trains, samples and evaluates likelihood-based generative
// models of images.
//
//	genmodel train vae [--mollify] [flags]    train a model, leaving a run folder
//	genmodel sample --run DIR [flags]         draw samples into a PNG grid
//	genmodel eval --run DIR [--iw K] [--json] test NLL by importance sampling
//	genmodel impute --run DIR --mask KIND     fill in occluded test images
//	genmodel bench [--compare FILE]          time a training step, a forward pass, GEMM
//	genmodel help [command]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of genmodel.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"train", "<model> [flags]", "train a model (vae) and leave a run folder", runTrain},
		{"sample", "--run DIR [flags]", "draw samples from a trained run into a PNG grid", runSample},
		{"eval", "--run DIR [flags]", "estimate the test negative log-likelihood", runEval},
		{"impute", "--run DIR --mask KIND [flags]", "fill in occluded test images; gallery and missing-pixel NLL", runImpute},
		{"fid", "A B [flags] | features | stats | merge | train-extractor | download", "FID, KID and precision/recall between image sets", runFID},
		{"bench", "[flags]", "time a training step and GEMM on this machine", runBench},
		{"help", "[command]", "show help for genmodel or a command", runHelp},
	}
}

// usageError marks a mistake in the command line: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes a command line and returns the exit status: 0 on success, 1
// on failure, 2 on a usage error. Errors are printed on one line.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		printUsage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		}
		fmt.Fprintf(stderr, "genmodel %s: %v\n", name, err)
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "run 'genmodel %s --help' for usage\n", name)
			return 2
		}
		return 1
	}
	fmt.Fprintf(stderr, "genmodel: unknown command %q\nrun 'genmodel help' for usage\n", name)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "genmodel: likelihood-based generative models of images")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  genmodel %-6s %-18s %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nQuick start: genmodel train vae --mollify   (MNIST, a few minutes on 2 cores)")
}

func runHelp(_ context.Context, args []string, stdout, _ io.Writer) error {
	if len(args) == 0 {
		printUsage(stdout)
		return nil
	}
	if len(args) > 1 {
		return usagef("help takes at most one command, got %q", args)
	}
	for _, c := range commands {
		if c.name == args[0] && c.name != "help" {
			return c.run(context.Background(), []string{"--help"}, stdout, io.Discard)
		}
	}
	return usagef("unknown command %q", args[0])
}

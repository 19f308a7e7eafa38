package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet returns a flag set that reports nothing itself: parse turns its
// errors into one-line usage errors and --help into the usage text.
func newFlagSet(name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: genmodel %s %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.VisitAll(func(f *flag.Flag) {
			typ, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(w, "  --%s %s\n    \t%s", f.Name, typ, strings.ReplaceAll(usage, "\n", "\n    \t"))
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				fmt.Fprintf(w, " (default %s)", f.DefValue)
			}
			fmt.Fprintln(w)
		})
	}
	return fs
}

// parse parses args with flags and positional arguments in any order
// ("train vae --steps 10" and "train --steps 10 vae" alike; everything after
// "--" is positional). --help writes the usage to stdout and returns
// flag.ErrHelp. It returns the positional arguments and the names of the
// flags set explicitly.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) (positional []string, set map[string]bool, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stdout)
				fs.Usage()
				return nil, nil, flag.ErrHelp
			}
			return nil, nil, usageError{err}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		consumed := args[:len(args)-len(rest)]
		if len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return positional, set, nil
}

package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// newBar is a progress bar of n items on stderr, or nil when quiet.
func newBar(n int, what string, quiet bool, stderr io.Writer) *progressbar.ProgressBar {
	if quiet {
		return nil
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(stderr), progressbar.OptionSetWidth(24),
		progressbar.OptionSetDescription(what), progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(250*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
}

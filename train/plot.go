package train

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/genmodel/genmodel/internal/atomicfile"
)

// PlotLoss draws the "loss" of the records against the step and writes it as
// a PNG to path. When the records also hold "mollify" (the mollification
// level) the steps where it was on are shaded in the title's note.
func PlotLoss(path string, recs []Record, title string) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "step"
	p.Y.Label.Text = "loss (nats per image)"
	var pts plotter.XYs
	lastMollified := 0
	for _, r := range recs {
		v, ok := r.Values["loss"]
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: float64(r.Step), Y: v})
		if r.Values["mollify"] > 0 {
			lastMollified = r.Step
		}
	}
	if len(pts) == 0 {
		return fmt.Errorf("plot %s: no finite loss values", path)
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	p.Add(line, plotter.NewGrid())
	p.Legend.Add("training loss", line)
	if lastMollified > 0 {
		p.Title.Text += fmt.Sprintf(" (mollified until step %d)", lastMollified)
	}
	wt, err := p.WriterTo(8*vg.Inch, 5*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Measured is every run of one command in a comparison.
type Measured struct {
	Name    string
	Samples []Sample
	Size    int64 // bytes of the output it wrote, when size is compared; 0 otherwise
}

// Median is the median run.
func (m Measured) Median() Sample { return Median(m.Samples) }

// Check is one performance target: a measured value that must not exceed its limit.
type Check struct {
	What  string
	Got   float64
	Limit float64
	Unit  string // "×" for ratios, "MB", "s"
}

// Met reports whether the target holds.
func (c Check) Met() bool { return c.Got <= c.Limit }

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// TimeRatio checks ours' median wall time against limit times peer's.
func TimeRatio(ours, peer Measured, limit float64) Check {
	return Check{What: "time vs " + peer.Name, Got: ratio(ours.Median().Wall.Seconds(), peer.Median().Wall.Seconds()), Limit: limit, Unit: "×"}
}

// MemRatio checks ours' median peak memory against limit times peer's.
func MemRatio(ours, peer Measured, limit float64) Check {
	return Check{What: "peak memory vs " + peer.Name, Got: ratio(float64(ours.Median().MaxRSS), float64(peer.Median().MaxRSS)), Limit: limit, Unit: "×"}
}

// SizeRatio checks ours' output size against limit times peer's.
func SizeRatio(ours, peer Measured, limit float64) Check {
	return Check{What: "output size vs " + peer.Name, Got: ratio(float64(ours.Size), float64(peer.Size)), Limit: limit, Unit: "×"}
}

// PeakMemory checks ours' median peak memory against an absolute limit in MB (10⁶ bytes).
func PeakMemory(ours Measured, limitMB float64) Check {
	return Check{What: "peak memory", Got: float64(ours.Median().MaxRSS) / 1e6, Limit: limitMB, Unit: "MB"}
}

// WallTime checks ours' median wall time against an absolute limit.
func WallTime(ours Measured, limit time.Duration) Check {
	return Check{What: "time", Got: ours.Median().Wall.Seconds(), Limit: limit.Seconds(), Unit: "s"}
}

// Work is one row group of the table: what was done, by whom, and the targets.
type Work struct {
	Title      string
	Input      string // what the generated input is
	Contenders []Measured
	Checks     []Check
	Note       string // why a gap remains, or why a row is missing
}

// WriteMarkdown writes the measurements and the targets as two Markdown tables.
func WriteMarkdown(w io.Writer, runs int, works []Work) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Measurements (median of %d alternating runs)\n\n", runs)
	b.WriteString("| work | input | command | median time | peak memory | output size |\n|---|---|---|---:|---:|---:|\n")
	for _, wk := range works {
		if len(wk.Contenders) == 0 {
			fmt.Fprintf(&b, "| %s | %s | — | — | — | — |\n", wk.Title, wk.Input)
		}
		for i, m := range wk.Contenders {
			title, input := wk.Title, wk.Input
			if i > 0 {
				title, input = "", ""
			}
			med := m.Median()
			size := "—"
			if m.Size > 0 {
				size = fmt.Sprintf("%.1f MB", float64(m.Size)/1e6)
			}
			fmt.Fprintf(&b, "| %s | %s | `%s` | %.2f s | %.0f MB | %s |\n", title, input, m.Name, med.Wall.Seconds(), float64(med.MaxRSS)/1e6, size)
		}
	}
	b.WriteString("\n### Targets\n\n| work | check | measured | target | met |\n|---|---|---:|---:|:---:|\n")
	for _, wk := range works {
		for _, c := range wk.Checks {
			met := "yes"
			if !c.Met() {
				met = "**no**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | ≤ %s | %s |\n", wk.Title, c.What, formatValue(c.Got, c.Unit), formatValue(c.Limit, c.Unit), met)
		}
		if len(wk.Checks) == 0 && wk.Note != "" {
			fmt.Fprintf(&b, "| %s | — | — | — | not measured |\n", wk.Title)
		}
	}
	var notes []string
	for _, wk := range works {
		if wk.Note != "" {
			notes = append(notes, fmt.Sprintf("- %s: %s", wk.Title, wk.Note))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatValue(v float64, unit string) string {
	switch unit {
	case "×":
		return fmt.Sprintf("%.2f×", v)
	case "s":
		return fmt.Sprintf("%.2f s", v)
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

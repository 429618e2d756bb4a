package xlsx

import (
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
)

// eventStats is what the summary, the payments and the contacts sheets need of the timeline.
type eventStats struct {
	payments    []payment // repayment events, in timeline order
	first, last caseconf.Date
	dated       bool // first and last are set
	byDay       map[caseconf.Date]*dayCount
}

// Scan gathers what the workbook needs of the whole timeline before any sheet is written: its
// length, what the other sheets count and the widths of the timeline's columns. Render makes
// one and reads the timeline once for it; a caller that already reads the timeline (to evaluate
// the findings) can feed it that pass with Observe and give it to RenderScanned, which then
// reads the timeline only to write its rows. Nothing holds the timeline, so a case of a million
// events renders in bounded memory whether the bundle carries its events or a stream of them.
// One scan may render several workbooks of the same bundle and report in the same language
// (build writes two that differ only in where their links point).
type Scan struct {
	rd                   *renderer
	quietStart, quietEnd int
	widths               []float64
	vals                 []any
	n                    int
}

// NewScan starts the scan of b's timeline for a workbook rendered with opt.
func NewScan(b *evidence.Bundle, opt Options) *Scan {
	rd := newRenderer(b, &findings.Report{}, opt)
	// The cells are styled as the workbook's will be: the styles of a file are numbered in the
	// order made, the same in every file, and a styled number is measured by its format.
	scratch := excelize.NewFile()
	rd.st, _ = newStyles(scratch)
	scratch.Close()
	if rd.st == nil {
		rd.st = &styles{}
	}
	rd.stats = eventStats{byDay: map[caseconf.Date]*dayCount{}}
	s := &Scan{rd: rd, widths: make([]float64, len(rd.l.timelineHeads)), vals: make([]any, len(rd.l.timelineHeads))}
	s.quietStart, s.quietEnd = rd.quietMinutes()
	return s
}

// Observe takes the next event of the timeline, in order.
func (s *Scan) Observe(e *event.Event) {
	rd := s.rd
	if p, ok := rd.paymentOf(e); ok {
		rd.stats.payments = append(rd.stats.payments, p)
	}
	rd.stats.observePeriod(e, rd.loc)
	rd.countContact(rd.stats.byDay, e, s.quietStart, s.quietEnd)
	// The flags column stays empty here (the findings are not known yet while they are being
	// evaluated): its width is measured from the flags themselves afterwards.
	clear(s.vals)
	rd.timelineRow(s.n, e, s.vals)
	for c, v := range s.vals {
		s.widths[c] = max(s.widths[c], rd.cellWidth(v))
	}
	s.n++
}

// finish hands what the scan gathered to the renderer of the workbook, with the findings' flags.
// It changes nothing of the scan: the widths of the flags column are the render's own.
func (s *Scan) finish(rd *renderer) error {
	rd.events, rd.stats = s.n, s.rd.stats
	rd.flags = rd.flagBits()
	widths := slices.Clone(s.widths)
	seen := map[uint8]bool{}
	flagCol := len(widths) - 1
	for _, bits := range rd.flags {
		if bits != 0 && !seen[bits] {
			seen[bits] = true
			widths[flagCol] = max(widths[flagCol], rd.cellWidth(str(rd.flagText(bits))))
		}
	}
	rd.timelineWidths = widths
	return nil
}

// scan reads the timeline once for the workbook (see Scan).
func (rd *renderer) scan() error {
	s := NewScan(rd.b, rd.opt)
	err := rd.b.EachEvent(func(e *event.Event) error {
		s.Observe(e)
		return nil
	})
	if err != nil {
		return err
	}
	return s.finish(rd)
}

// scanned is scan's result when the caller scanned the timeline, checked against its length.
func (rd *renderer) scanned(s *Scan) error {
	if n, err := rd.b.EventCount(); err != nil {
		return err
	} else if n != s.n {
		return fmt.Errorf("the scan saw %d events of %d", s.n, n)
	}
	return s.finish(rd)
}

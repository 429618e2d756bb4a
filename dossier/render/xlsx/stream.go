package xlsx

import (
	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
)

// eventStats is what the summary, the payments and the contacts sheets need of the timeline.
type eventStats struct {
	payments    []payment // repayment events, in timeline order
	first, last caseconf.Date
	dated       bool // first and last are set
	byDay       map[caseconf.Date]*dayCount
}

// scan reads the timeline once before any sheet is written: its length, the flags of its events,
// what the other sheets count and the widths of the timeline's columns. The timeline sheet then
// streams its rows in a second pass; nothing holds the timeline, so a case of a million events
// renders in bounded memory whether the bundle carries its events or a stream of them.
func (rd *renderer) scan() error {
	n, err := rd.b.EventCount()
	if err != nil {
		return err
	}
	rd.events = n
	rd.flags = rd.flagBits()
	rd.stats = eventStats{byDay: map[caseconf.Date]*dayCount{}}
	quietStart, quietEnd := rd.quietMinutes()
	widths := make([]float64, len(rd.l.timelineHeads))
	vals := make([]any, len(widths))
	i := 0
	err = rd.b.EachEvent(func(e *event.Event) error {
		if p, ok := rd.paymentOf(e); ok {
			rd.stats.payments = append(rd.stats.payments, p)
		}
		rd.stats.observePeriod(e, rd.loc)
		rd.countContact(rd.stats.byDay, e, quietStart, quietEnd)
		clear(vals)
		rd.timelineRow(i, e, vals)
		for c, v := range vals {
			widths[c] = max(widths[c], rd.cellWidth(v))
		}
		i++
		return nil
	})
	if err != nil {
		return err
	}
	rd.timelineWidths = widths
	return nil
}

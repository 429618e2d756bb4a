package pdf

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/classify"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// DefaultSummaryAbove is the length of timeline above which the packet summarises it: a timeline
// of 5,000 events already fills about 350 pages, which no reader reads through and which the
// layout library holds in memory (twice, as an exhibit's table repeats its events). Past it the
// timeline section counts the events of each day by role and channel and lists in full the
// events a finding cites, each exhibit's table lists its first events, and each category of
// findings its first findings, each saying so; the workbook keeps every row. A case at or under
// it renders as it always has.
const DefaultSummaryAbove = 5000

// What a summarised packet still lists row by row (variables for the tests).
var (
	maxFlaggedRows = 3000 // events a finding cites, in the timeline section
	maxExhibitRows = 500  // events of one exhibit, in its table
	maxFindingRows = 1000 // findings of one category
)

// bigTimeline is what a summarised packet needs of a timeline too long to hold: gathered in one
// pass over the streamed timeline, before the layout passes, which both use it.
type bigTimeline struct {
	total          int // events of the timeline
	bills, private int // left out of the timeline section, as in a full one
	days           []*dayCount
	channels       []event.Channel // channels among the days' counts, in the vocabulary's order
	flagged        []event.Event   // the first maxFlaggedRows events a finding cites
	flaggedTotal   int
	exhibits       map[int]*exhibitEvents
	contacts       collectionContacts
}

// dayCount counts the events of one local day the timeline section would have listed.
type dayCount struct {
	day                         caseconf.Date
	total                       int
	collector, creditor, noRole int
	byChannel                   map[event.Channel]int
}

// exhibitEvents are an exhibit's events as its table needs them: the first maxExhibitRows shown,
// and how many were shown and left out in all.
type exhibitEvents struct {
	events         []event.Event
	shown          int
	bills, private int
}

// collectionContacts are the incoming contacts of the collection side the letter counts.
type collectionContacts struct {
	n           int
	first, last time.Time
}

func (cc *collectionContacts) observe(e *event.Event) {
	// Service notices (payment confirmations, codes, reminders) are not contacts.
	if e.Direction != event.In || !caseconf.CollectionSide(e.Role) || e.Channel == event.Payment ||
		(e.Class != "" && e.Class != classify.Collection) {
		return
	}
	cc.n++
	if cc.first.IsZero() || e.Time.Before(cc.first) {
		cc.first = e.Time
	}
	if e.Time.After(cc.last) {
		cc.last = e.Time
	}
}

// timelineFor returns the bundle the layout passes read and, for a timeline longer than
// summaryAbove, its summary. A streamed timeline of a small case is collected into the bundle's
// Events, so the packet is exactly what a loaded one makes.
func timelineFor(b *evidence.Bundle, r *findings.Report, summaryAbove int) (*evidence.Bundle, *bigTimeline, error) {
	n, err := b.EventCount()
	if err != nil {
		return nil, nil, fmt.Errorf("pdf: timeline: %w", err)
	}
	if n <= summaryAbove {
		if b.Events != nil || b.Timeline == nil {
			return b, nil, nil
		}
		loaded := *b
		loaded.Events = make([]event.Event, 0, n)
		err := b.EachEvent(func(e *event.Event) error {
			loaded.Events = append(loaded.Events, *e)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("pdf: timeline: %w", err)
		}
		return &loaded, nil, nil
	}
	big, err := summarise(b, r, n)
	if err != nil {
		return nil, nil, fmt.Errorf("pdf: timeline: %w", err)
	}
	return b, big, nil
}

// summarise reads the timeline once for a summarised packet.
func summarise(b *evidence.Bundle, r *findings.Report, n int) (*bigTimeline, error) {
	cited := make([]bool, n+1) // by Seq
	if r != nil {
		for i := range r.Findings {
			for _, s := range r.Findings[i].Events {
				if s > 0 && s <= n {
					cited[s] = true
				}
			}
		}
	}
	big := &bigTimeline{exhibits: map[int]*exhibitEvents{}}
	days := map[caseconf.Date]*dayCount{}
	channels := map[event.Channel]bool{}
	loc := b.Case.Location()
	book := b.Case.ContactBook()
	i := 0
	err := b.EachEvent(func(e *event.Event) error {
		i++
		seq := cmp.Or(e.Seq, i)
		big.total++
		big.contacts.observe(e)
		shown := shownWith(b.Case, book, e)
		for _, x := range exhibitsOf(e) {
			ex := big.exhibits[x]
			if ex == nil {
				ex = &exhibitEvents{}
				big.exhibits[x] = ex
			}
			switch shown {
			case omitBill:
				ex.bills++
			case omitPrivate:
				ex.private++
			default:
				if ex.shown < maxExhibitRows {
					ex.events = append(ex.events, *e)
				}
				ex.shown++
			}
		}
		switch shown {
		case omitBill:
			big.bills++
			return nil
		case omitPrivate:
			big.private++
			return nil
		}
		d := caseconf.DateOf(e.Time.In(loc), loc)
		dc := days[d]
		if dc == nil {
			dc = &dayCount{day: d, byChannel: map[event.Channel]int{}}
			days[d] = dc
		}
		dc.total++
		switch roleWith(book, e) {
		case caseconf.RoleCollector:
			dc.collector++
		case caseconf.RoleCreditor:
			dc.creditor++
		default:
			dc.noRole++
		}
		dc.byChannel[e.Channel]++
		channels[e.Channel] = true
		if seq <= n && cited[seq] {
			if big.flaggedTotal < maxFlaggedRows {
				f := *e
				f.Seq = seq
				big.flagged = append(big.flagged, f)
			}
			big.flaggedTotal++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, dc := range days {
		big.days = append(big.days, dc)
	}
	slices.SortFunc(big.days, func(a, b *dayCount) int {
		return cmp.Or(cmp.Compare(a.day.Y, b.day.Y), cmp.Compare(a.day.M, b.day.M), cmp.Compare(a.day.D, b.day.D))
	})
	for _, ch := range channelOrder {
		if channels[ch] {
			big.channels = append(big.channels, ch)
			delete(channels, ch)
		}
	}
	var rest []event.Channel
	for ch := range channels {
		rest = append(rest, ch)
	}
	slices.Sort(rest)
	big.channels = append(big.channels, rest...)
	return big, nil
}

// channelOrder is the order of the summary's channel columns.
var channelOrder = []event.Channel{event.Call, event.SMS, event.MMS, event.Chat, event.Email, event.Recording,
	event.Screenshot, event.Payment, event.Agreement, event.Note}

// exhibitEvents returns the events of exhibit n the packet lists, and how many more of its shown
// events the summarised packet leaves out.
func (big *bigTimeline) exhibit(n int) (events []*event.Event, bills, private, more int) {
	ex := big.exhibits[n]
	if ex == nil {
		return nil, 0, 0, 0
	}
	events = make([]*event.Event, len(ex.events))
	for i := range ex.events {
		events[i] = &ex.events[i]
	}
	return events, ex.bills, ex.private, ex.shown - len(ex.events)
}

// timelineSummary is the timeline section of a summarised packet: what it is, the counts of
// each day, and the events the findings cite.
func (d *doc) timelineSummary() {
	big := d.big
	d.section(d.t("timeline"))
	d.paragraph(fmt.Sprintf(d.t("timeline.summary"), big.total, d.summaryAbove(), d.workbookSheet(vocab.SheetTimeline)), 9.5, 0, "L")
	if big.bills+big.private > 0 {
		d.f.Ln(1)
		d.paragraph(d.omittedLine(big.bills, big.private), 9, 0, "L")
	}
	d.f.Ln(2)
	d.heading(d.t("timeline.byday"), 12)
	cols := []column{{title: d.t("timeline.day"), width: 22}, {title: d.t("timeline.total"), width: 13, align: "R"},
		{title: vocab.Role(d.lang, caseconf.RoleCollector), width: 13, align: "R"},
		{title: vocab.Role(d.lang, caseconf.RoleCreditor), width: 13, align: "R"},
		{title: d.t("timeline.norole"), width: 13, align: "R"}}
	for _, ch := range big.channels {
		cols = append(cols, column{title: vocab.Channel(d.lang, ch), width: 12, align: "R"})
	}
	t := d.table(7.5, cols...)
	row := make([]string, len(cols))
	for _, dc := range big.days {
		row[0], row[1] = dc.day.String(), strconv.Itoa(dc.total)
		row[2], row[3], row[4] = strconv.Itoa(dc.collector), strconv.Itoa(dc.creditor), strconv.Itoa(dc.noRole)
		for i, ch := range big.channels {
			row[5+i] = strconv.Itoa(dc.byChannel[ch])
		}
		t.row(row...)
	}
	t.end()
	d.f.Ln(2)
	d.heading(d.t("timeline.flagged"), 12)
	if big.flaggedTotal == 0 {
		d.paragraph(d.t("timeline.flagged.none"), 9.5, 0, "L")
		return
	}
	if big.flaggedTotal > len(big.flagged) {
		d.paragraph(fmt.Sprintf(d.t("timeline.flagged.more"), big.flaggedTotal, len(big.flagged),
			big.flaggedTotal-len(big.flagged), d.workbookSheet(vocab.SheetTimeline)), 9.5, 0, "L")
		d.f.Ln(1)
	}
	t = d.timelineTable()
	for i := range big.flagged {
		d.timelineRow(t, &big.flagged[i], big.flagged[i].Seq)
	}
	t.end()
}

func (d *doc) summaryAbove() int { return cmp.Or(d.opt.SummaryAbove, DefaultSummaryAbove) }

// workbookSheet names a sheet of the workbook as the workbook names it.
func (d *doc) workbookSheet(key string) string { return vocab.Term(d.lang, key) }

// shownWith is doc.shown with the case's contacts in a book.
func shownWith(c *caseconf.Case, book *caseconf.ContactBook, e *event.Event) int {
	switch e.Channel {
	case event.Payment:
		if findings.Repayment(c, e) {
			return omitNone
		}
		return omitBill
	case event.Call, event.SMS, event.MMS, event.Chat, event.Email, event.Recording:
		switch roleWith(book, e) {
		case caseconf.RoleSelf, caseconf.RoleFamily, caseconf.RoleOther:
			return omitPrivate
		}
	}
	return omitNone
}

// roleWith is classify.RoleOf with the case's contacts in a book.
func roleWith(book *caseconf.ContactBook, e *event.Event) string {
	if e.Counterpart != "" {
		if ct, ok := book.Contact(e.Counterpart); ok {
			return ct.Role
		}
	}
	return e.Role
}

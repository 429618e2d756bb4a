// Package timeline merges the events of every item into one timeline.
//
// Each event is placed by its instant and tagged with what only the case knows: the exhibit it
// comes from, who held the device (the complainant, or family or a third party named at add time),
// and the counterpart's role from case.yaml. The same record found in two exports (same holder,
// channel, direction, counterpart, duration and text, times within two seconds — a call in both
// an SMS Backup file and a phone manager's CSV, one SMS in two backups) is listed once and cites
// both exhibits. A record read from a screenshot (a message bubble, a call-history row: time
// source ocr, to the minute the screen prints) folds into the same record of an export made
// within that minute, the export's exact time and words kept (see folder). Only records that
// exports copy are folded: calls, messages and bill rows. An
// event that stands for an original of its own — a screenshot, photo, recording, e-mail or
// document — is never folded into another, however close in time: two such files are two pieces
// of evidence even when nothing tells them apart but their bytes.
package timeline

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

// SameEventWindow is how far apart two exports may place one event.
const SameEventWindow = 2 * time.Second

// maxPrealloc bounds the events allocated ahead from the index's counts.
const maxPrealloc = 1 << 22

// Loader returns the events extracted from an item.
type Loader func(it *evidence.Item) ([]event.Event, error)

// Build merges the events of items into one timeline ordered by time, with Seq set to the
// 1-based position. Events without a time are left out (ingest warned about them).
func Build(c *caseconf.Case, items []evidence.Item, load Loader) ([]event.Event, error) {
	// One allocation of the right size: appending a million events to a growing slice would
	// hold two arrays of them at once. The index's counts are capped in case it was edited.
	total := 0
	for i := range items {
		total += min(max(items[i].Events, 0), maxPrealloc)
	}
	all := make([]event.Event, 0, min(total, maxPrealloc))
	book := c.ContactBook()
	for i := range items {
		it := &items[i]
		evs, err := load(it)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Time.IsZero() {
				continue
			}
			all = append(all, tag(c, book, it, e))
		}
	}
	return Merge(all), nil
}

// tag fills what the timeline adds to an event of it; book is c's contacts.
func tag(c *caseconf.Case, book *caseconf.ContactBook, it *evidence.Item, e event.Event) event.Event {
	e.Exhibit = it.Exhibit
	e.Exhibits = []int{it.Exhibit}
	e.Item = it.ID
	e.Holder = it.Holder
	e.HolderRole = it.HolderRole
	if e.Holder == "" && c != nil {
		e.Holder = c.Complainant.Name
	}
	if e.HolderRole == "" {
		e.HolderRole = caseconf.RoleSelf
	}
	if c != nil && e.Counterpart != "" {
		if ct, ok := book.Contact(e.Counterpart); ok {
			e.Role = ct.Role
			if e.CounterpartName == "" {
				e.CounterpartName = ct.Name
			}
		}
	}
	if loc := locOf(c); loc != nil {
		e.Time = e.Time.In(loc)
	}
	return e
}

func locOf(c *caseconf.Case) *time.Location {
	if c == nil {
		return nil
	}
	return c.Location()
}

// Merge sorts tagged events and folds duplicates.
func Merge(all []event.Event) []event.Event {
	sortEvents(all)
	// The folded events are written over the sorted ones: the k-th final event is handed on
	// only after event k has been read into the folder's window.
	out := all[:0]
	f := &folder{emit: func(e *event.Event) error {
		out = append(out, *e)
		return nil
	}}
	for i := range all {
		f.push(all[i]) // emit never fails here
	}
	f.close()
	for i := range out {
		out[i].Seq = i + 1
	}
	return out
}

// sortEvents orders events by time, channel, counterpart and exhibit, keeping the given order
// among equals. An event is a few hundred bytes, so a sort that moves events (sort.SliceStable
// moves each O(log n) times) spends its time copying them; this sorts their positions and then
// moves every event once, following the permutation's cycles, without a second copy of the slice.
func sortEvents(all []event.Event) {
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		a, b := &all[i], &all[j]
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if c := strings.Compare(string(a.Channel), string(b.Channel)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Counterpart, b.Counterpart); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Exhibit, b.Exhibit); c != 0 {
			return c
		}
		return cmp.Compare(i, j) // stable
	})
	// Position k is to hold the event now at idx[k].
	for start := range idx {
		if idx[start] == start {
			continue
		}
		held := all[start]
		k := start
		for {
			from := idx[k]
			idx[k] = k
			if from == start {
				all[k] = held
				break
			}
			all[k] = all[from]
			k = from
		}
	}
}

package timeline

import (
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"

	"github.com/dossier-tool/dossier/dossier/event"
)

// ReadingReach is how long after the minute a screen prints its record may have happened: a
// screenshot says 23:10 for a message the backup dates 23:10:37.
const ReadingReach = time.Minute

// maxReadingScan bounds the events read from screens that one record is compared with.
const maxReadingScan = 256

// folder folds repeated records as the sorted events pass and hands on the final ones in order,
// for Merge and Merged.Each alike.
//
// Two kinds of fold. Two exports of one record (the base rule, findSame) agree on every field
// and place it within SameEventWindow. A record read from a screenshot (time source ocr: a
// message bubble, a call row) has the minute the screen printed and the words OCR read; the same
// record in an export (the SMS in sms.xml, the call in the call log) has the exact second and the
// exact words. They fold when the export's time is within ReadingReach after the screen's minute
// and direction, counterpart (number or the name the screen shows), kind and words agree
// (readingOf): the event kept is the export's, citing both exhibits. One screen event folds
// into at most one record, so two messages of the same words stay two however close.
type folder struct {
	window []event.Event // not yet final, oldest first; Seq -1 marks one folded away
	emit   func(e *event.Event) error
	// readings holds the absolute positions (base + index) of the events read from screens
	// still in the window, so a record is compared with those alone.
	readings []int
	base     int
}

const folded = -1

// reach is how long an event stays open to being folded with a later one.
func reach(e *event.Event) time.Duration {
	if fromScreen(e) {
		return ReadingReach + SameEventWindow
	}
	return SameEventWindow
}

func fromScreen(e *event.Event) bool {
	return e.TimeSource == event.TimeFromOCR && copiedRecord(e.Channel)
}

func (f *folder) push(e event.Event) error {
	e.Seq = 0 // numbered when handed on; folded marks the window's own
	// Events too old to be repeated by this one (or by any later one) are final.
	old := 0
	for old < len(f.window) && e.Time.Sub(f.window[old].Time) > reach(&f.window[old]) {
		old++
	}
	if err := f.flush(old); err != nil {
		return err
	}
	if j := findSame(f.window, &e); j >= 0 {
		f.window[j].Exhibits = mergeInts(f.window[j].Exhibits, e.Exhibits)
		return nil
	}
	if fromScreen(&e) {
		// An export's record sorted before the screen's at the same instant.
		for j := len(f.window) - 1; j >= 0 && f.window[j].Time.Equal(e.Time); j-- {
			w := &f.window[j]
			if w.Seq != folded && !fromScreen(w) && readingOf(&e, w) {
				w.Exhibits = mergeInts(w.Exhibits, e.Exhibits)
				return nil
			}
		}
		f.readings = append(f.readings, f.base+len(f.window))
	} else if copiedRecord(e.Channel) {
		for k := len(f.readings) - 1; k >= 0 && k >= len(f.readings)-maxReadingScan; k-- {
			j := f.readings[k] - f.base
			w := &f.window[j]
			if w.Seq == folded || !fromScreen(w) || !readingOf(w, &e) {
				continue
			}
			e.Exhibits = mergeInts(append([]int(nil), e.Exhibits...), w.Exhibits)
			w.Seq = folded
			f.readings = append(f.readings[:k], f.readings[k+1:]...)
			break
		}
	}
	f.window = append(f.window, e)
	return nil
}

// flush hands on the first n events of the window.
func (f *folder) flush(n int) error {
	for i := 0; i < n; i++ {
		if f.window[i].Seq == folded {
			continue
		}
		if err := f.emit(&f.window[i]); err != nil {
			return err
		}
	}
	f.window = f.window[n:]
	f.base += n
	k := 0
	for k < len(f.readings) && f.readings[k] < f.base {
		k++
	}
	f.readings = f.readings[k:]
	return nil
}

func (f *folder) close() error { return f.flush(len(f.window)) }

// findSame looks back over the events within the window for one this event repeats.
func findSame(out []event.Event, e *event.Event) int {
	for j := len(out) - 1; j >= 0; j-- {
		o := &out[j]
		if e.Time.Sub(o.Time) > SameEventWindow {
			return -1
		}
		if o.Seq == folded || o.Exhibit == e.Exhibit || containsInt(o.Exhibits, e.Exhibit) {
			continue // two rows of one export are two events
		}
		if fromScreen(o) != fromScreen(e) {
			continue // a screen's minute and a record's second: readingOf decides
		}
		if !copiedRecord(e.Channel) {
			return -1
		}
		if o.Channel == e.Channel && o.Direction == e.Direction && o.Counterpart == e.Counterpart &&
			o.Holder == e.Holder && o.Status == e.Status && o.DurationOr(-1) == e.DurationOr(-1) && o.Text == e.Text &&
			amountEq(o, e) {
			return j
		}
	}
	return -1
}

// readingOf reports whether s, read from a screenshot, is the record r of another exhibit.
func readingOf(s, r *event.Event) bool {
	if d := r.Time.Sub(s.Time); d < 0 || d >= ReadingReach {
		return false
	}
	if s.Exhibit == r.Exhibit || containsInt(r.Exhibits, s.Exhibit) || containsInt(s.Exhibits, r.Exhibit) {
		return false
	}
	if s.Direction != r.Direction || s.Holder != r.Holder {
		return false
	}
	if s.Counterpart != r.Counterpart && (r.CounterpartName == "" || s.Counterpart != r.CounterpartName) {
		return false
	}
	switch s.Channel {
	case event.Call:
		return r.Channel == event.Call && s.Status == r.Status &&
			(s.Duration == nil || r.Duration == nil || *s.Duration == *r.Duration)
	case event.SMS, event.MMS:
		return r.Channel == s.Channel && sameWords(s.Text, r.Text)
	case event.Chat:
		// A chat screen whose app the file name does not say may be the SMS app's.
		ok := r.Channel == event.Chat || (s.App == "" && (r.Channel == event.SMS || r.Channel == event.MMS))
		return ok && sameWords(s.Text, r.Text)
	}
	return false
}

// sameWords compares what a screen shows with a record's text: a bubble wraps where the screen
// ends and OCR reads full-width and half-width forms alike, so spaces and line breaks are
// dropped and widths folded; every other character must be the same.
func sameWords(a, b string) bool {
	a, b = wordsOnly(a), wordsOnly(b)
	return a != "" && a == b
}

func wordsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, width.Fold.String(s))
}

// copiedRecord reports whether events of the channel are records that several exports can hold
// (a phone's call log, its messages, a bill's rows), as opposed to one event per original file.
func copiedRecord(c event.Channel) bool {
	switch c {
	case event.Call, event.SMS, event.MMS, event.Chat, event.Payment:
		return true
	}
	return false
}

func amountEq(a, b *event.Event) bool {
	if a.Amount == nil || b.Amount == nil {
		return a.Amount == nil && b.Amount == nil
	}
	return *a.Amount == *b.Amount
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func mergeInts(a, b []int) []int {
	for _, x := range b {
		if !containsInt(a, x) {
			a = append(a, x)
		}
	}
	sort.Ints(a)
	return a
}

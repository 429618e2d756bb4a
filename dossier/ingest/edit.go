package ingest

import (
	"fmt"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// EditOptions say what an edit changes; a nil field stays as it is. An empty title, purpose or
// source clears what the user said (the documents then show the name and the default purpose).
type EditOptions struct {
	Title, Purpose, Source, Time, Kind *string
	Now                                func() time.Time
}

// EditResult is the item after the edit and what changed (nothing when every value was the
// same already).
type EditResult struct {
	Item    evidence.Item       `json:"item"`
	Changes []casefolder.Change `json:"changes"`
}

// Edit changes the description of one exhibit, never its bytes, and records every change with
// its old and new value in the custody log. The caller holds the case lock and has run Recover.
func Edit(f *casefolder.Folder, c *caseconf.Case, exhibit int, opt EditOptions) (*EditResult, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	d := Describe{}
	if opt.Kind != nil {
		if *opt.Kind == "" {
			return nil, fmt.Errorf("kind cannot be empty: use one of %s", strings.Join(Kinds, ", "))
		}
		d.Kind = *opt.Kind
	}
	if opt.Time != nil {
		if strings.TrimSpace(*opt.Time) == "" {
			return nil, fmt.Errorf("time cannot be empty: write it as 2025-01-28 23:32 or RFC 3339")
		}
		d.Time = *opt.Time
	}
	if err := d.Check(c.Location()); err != nil {
		return nil, err
	}
	items, err := f.Items()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	var it *evidence.Item
	for i := range items {
		if items[i].Exhibit == exhibit {
			it = &items[i]
		}
	}
	if it == nil {
		return nil, &casefolder.NoExhibitError{Exhibit: exhibit, Count: len(items)}
	}
	old := *it
	res := &EditResult{}
	change := func(field string, dst *string, v *string) {
		if v != nil && *dst != *v {
			res.Changes = append(res.Changes, casefolder.Change{Field: field, Old: *dst, New: *v})
			*dst = *v
		}
	}
	change("title", &it.Title, opt.Title)
	change("purpose", &it.Purpose, opt.Purpose)
	change("source", &it.Source, opt.Source)
	change("kind", &it.Kind, opt.Kind)
	var newTime *time.Time
	if opt.Time != nil {
		t, _ := ParseUserTime(*opt.Time, c.Location())
		if it.Time == nil || !it.Time.Equal(t) || it.TimeSource != event.TimeFromUser {
			oldS := ""
			if it.Time != nil {
				oldS = it.Time.Format(time.RFC3339) + " (" + it.TimeSource + ")"
			}
			res.Changes = append(res.Changes, casefolder.Change{Field: "time", Old: oldS, New: t.Format(time.RFC3339) + " (" + event.TimeFromUser + ")"})
			it.Time, it.TimeSource, newTime = &t, event.TimeFromUser, &t
		}
	}
	if len(res.Changes) == 0 {
		res.Item = *it
		return res, nil
	}
	evs, err := editedEvents(f, &old, it, newTime)
	if err != nil {
		return nil, err
	}
	if err := f.Edit(*it, res.Changes, evs, opt.Now()); err != nil {
		return nil, err
	}
	items, err = f.Items()
	if err != nil {
		return nil, err
	}
	for _, x := range items {
		if x.ID == it.ID {
			res.Item = x
		}
	}
	return res, nil
}

// editedEvents is the item's new events when the edit moves them, nil when they stay. As at
// add, a single-moment item (one event whose time the content does not carry) takes the user's
// time, and an agreement or document without events gets one at that time.
func editedEvents(f *casefolder.Folder, old, it *evidence.Item, t *time.Time) ([]event.Event, error) {
	switch {
	case it.Events == 1:
		evs, err := f.Events(old)
		if err != nil || len(evs) != 1 {
			return nil, err
		}
		e := evs[0]
		changed := false
		if t != nil && e.TimeSource != event.TimeFromContent {
			e.Time, e.TimeSource, changed = *t, event.TimeFromUser, true
		}
		// The note an earlier --time made carries the title it had then.
		if e.TimeSource == event.TimeFromUser && (e.Channel == event.Note || e.Channel == event.Agreement) && e.Text == old.DisplayTitle() && e.Text != it.DisplayTitle() {
			e.Text, changed = it.DisplayTitle(), true
		}
		if !changed {
			return nil, nil
		}
		return []event.Event{e}, nil
	case it.Events == 0 && t != nil && (it.Kind == parse.KindAgreement || it.Kind == parse.KindDocument):
		ch := event.Note
		if it.Kind == parse.KindAgreement {
			ch = event.Agreement
		}
		return []event.Event{{Time: *t, TimeSource: event.TimeFromUser, Channel: ch, Text: it.DisplayTitle()}}, nil
	}
	return nil, nil
}

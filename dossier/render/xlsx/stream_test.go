package xlsx

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
)

// sliceStream is a timeline read in passes, as the case's streamed timeline is, that counts them.
type sliceStream struct {
	evs    []event.Event
	passes int
	fail   error
}

func (s *sliceStream) Each(fn func(*event.Event) error) error {
	s.passes++
	if s.fail != nil {
		return s.fail
	}
	for i := range s.evs {
		e := s.evs[i] // a copy: a stream hands out a reused event
		if err := fn(&e); err != nil {
			return err
		}
	}
	return nil
}

func (s *sliceStream) Len() (int, error) { return len(s.evs), nil }

// A workbook rendered from a streamed timeline is the one rendered from the slice, part for part
// (the zip's own times aside), and reads the stream twice: once to count and measure, once to
// write the rows.
func TestStreamedTimeline(t *testing.T) {
	b, r := sampleBundle(t)
	want := zipEntries(t, render(t, b, r, Options{}))
	s := &sliceStream{evs: b.Events}
	sb := *b
	sb.Events, sb.Timeline = nil, s
	got := zipEntries(t, render(t, &sb, r, Options{}))
	for _, name := range sortedKeys(want) {
		if !bytes.Equal(got[name], want[name]) {
			t.Errorf("part %s differs from the one rendered from the slice", name)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d parts, want %d", len(got), len(want))
	}
	if s.passes != 2 {
		t.Errorf("%d passes over the timeline, want 2", s.passes)
	}

	broken := errors.New("events file unreadable")
	sb.Timeline = &sliceStream{evs: b.Events, fail: broken}
	if err := Render(&bytes.Buffer{}, &sb, r, Options{}); !errors.Is(err, broken) {
		t.Errorf("error %v, want the stream's", err)
	}
}

// One scan renders two workbooks of the same timeline (build's, one linking into the bag and one
// inside it), each the workbook Render makes with its options, and the timeline is then read
// once per workbook, for its rows.
func TestScanRendersTwoWorkbooks(t *testing.T) {
	b, r := sampleBundle(t)
	s := &sliceStream{evs: b.Events}
	sb := *b
	sb.Events, sb.Timeline = nil, s
	scan := NewScan(&sb, Options{})
	if err := s.Each(func(e *event.Event) error { scan.Observe(e); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Options{{LinkPrefix: "bag/data/"}, {LinkPrefix: "./"}} {
		want := zipEntries(t, render(t, b, r, opt))
		var w bytes.Buffer
		if err := RenderScanned(&w, &sb, r, scan, opt); err != nil {
			t.Fatal(err)
		}
		got := zipEntries(t, w.Bytes())
		for _, name := range sortedKeys(want) {
			if !bytes.Equal(got[name], want[name]) {
				t.Errorf("links %q: part %s differs from Render's", opt.LinkPrefix, name)
			}
		}
	}
	if s.passes != 3 {
		t.Errorf("%d passes over the timeline, want 3 (the scan's and one for each workbook's rows)", s.passes)
	}
}

package ingest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// emitParser reads "EMIT <mode> <n>" files and produces n events. Modes:
//
//	stream    every event through Input.Emit
//	slice     every event in Result.Events, ignoring Emit (the control for the memory test)
//	fail      n events through Emit, then an error
//	panic     n events through Emit, then a panic
//	mixed     n events through Emit and one more in Result.Events; the second event has no time
//	one       a single event through Emit whose time is the file's, which --time may replace
//
// It records the largest HeapInuse seen every heapEvery events.
type emitParser struct{ peak *uint64 }

const heapEvery = 10_000

func (emitParser) Name() string               { return "emit" }
func (emitParser) Detect(s *parse.Sniff) bool { return bytes.HasPrefix(s.Head, []byte("EMIT ")) }

func (p emitParser) Parse(in *parse.Input) (*parse.Result, error) {
	head, err := io.ReadAll(io.LimitReader(in.Reader(), 64))
	if err != nil {
		return nil, err
	}
	f := strings.Fields(string(head))
	if len(f) != 3 {
		return nil, fmt.Errorf("line 1: want EMIT <mode> <n>, got %q", head)
	}
	mode := f[1]
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	res := &parse.Result{Kind: parse.KindSMS, Summary: parse.Summarize("sms", 0)}
	base := time.Date(2025, 1, 20, 9, 0, 0, 0, time.UTC)
	for i := range n {
		ev := event.Event{Time: base.Add(time.Duration(i) * time.Second), TimeSource: event.TimeFromContent,
			Channel: event.SMS, Counterpart: "+8615900001111", Locator: "line " + strconv.Itoa(i+2),
			Text: fmt.Sprintf("%06d 您的账单已逾期，请立即还款，否则将采取进一步措施。%s", i, strings.Repeat("催", 40))}
		switch {
		case mode == "one":
			ev.TimeSource = event.TimeFromFileName
		case mode == "mixed" && i == 1:
			ev.Time = time.Time{}
		}
		if mode == "slice" || in.Emit == nil {
			res.Events = append(res.Events, ev)
		} else if err := in.Emit(ev); err != nil {
			return nil, err
		}
		if p.peak != nil && (i+1)%heapEvery == 0 {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			*p.peak = max(*p.peak, ms.HeapInuse)
		}
	}
	switch mode {
	case "fail":
		return nil, errors.New("line 9: broken after emitting")
	case "panic":
		panic("broken after emitting")
	case "mixed":
		res.Events = append(res.Events, event.Event{Time: base.Add(-time.Hour), TimeSource: event.TimeFromContent,
			Channel: event.SMS, Text: "from the slice"})
	}
	return res, nil
}

// readEventsFile returns the number of lines of an item's events file, their digest, and the
// first and last event, reading it as a stream.
func readEventsFile(t *testing.T, f *casefolder.Folder, it *evidence.Item) (lines int, sum string, first, last event.Event) {
	t.Helper()
	fh, err := os.Open(f.EventsPath(it.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	h := sha256.New()
	sc := bufio.NewScanner(io.TeeReader(fh, h))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var line []byte
	for sc.Scan() {
		lines++
		line = append(line[:0], sc.Bytes()...)
		if lines == 1 {
			if err := json.Unmarshal(line, &first); err != nil {
				t.Fatalf("line 1: %v", err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines > 0 {
		if err := json.Unmarshal(line, &last); err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
	}
	return lines, hex.EncodeToString(h.Sum(nil)), first, last
}

func addEmit(t *testing.T, content string, desc Describe, peak *uint64) (*casefolder.Folder, []evidence.Item) {
	t.Helper()
	f, c, src := setup(t)
	write(t, filepath.Join(src, "sms.emit"), content)
	if _, err := Add(f, c, []string{src}, Options{Describe: desc, Parsers: []parse.Parser{emitParser{peak: peak}, fallback{}}}); err != nil {
		t.Fatal(err)
	}
	items, err := f.Items()
	if err != nil {
		t.Fatal(err)
	}
	return f, items
}

// TestEmitStreamsToTheEventsFile adds 100,000 events delivered one by one and checks that the
// events file holds all of them in order, that the item's count and digest describe that file,
// and that the heap did not grow with them. The same events returned as a slice are the
// control: they must exceed the bound, or the bound proves nothing.
func TestEmitStreamsToTheEventsFile(t *testing.T) {
	if testing.Short() {
		t.Skip("adds 100,000 events")
	}
	const n = 100_000
	// Held in a slice the events take about 60 MB (368 bytes each plus ~200 bytes of text) before the
	// slice's doublings; streamed,
	// only the writer's buffer and one event at a time.
	const bound = 24 << 20
	tests := []struct {
		mode    string
		bounded bool
	}{
		{"stream", true},
		{"slice", false},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			start := ms.HeapInuse
			var peak uint64
			f, items := addEmit(t, "EMIT "+tt.mode+" "+strconv.Itoa(n), Describe{}, &peak)
			if len(items) != 1 {
				t.Fatalf("items %+v", items)
			}
			it := items[0]
			if it.Parser != "emit" || it.Events != n {
				t.Fatalf("item parser %q events %d, want emit %d", it.Parser, it.Events, n)
			}
			lines, sum, first, last := readEventsFile(t, f, &it)
			if lines != n || sum != it.EventsSHA256 {
				t.Fatalf("events file: %d lines sha256 %s; item says %d, %s", lines, sum, it.Events, it.EventsSHA256)
			}
			if !strings.HasPrefix(first.Text, "000000 ") || !strings.HasPrefix(last.Text, fmt.Sprintf("%06d ", n-1)) {
				t.Fatalf("order: first %q last %q", first.Text[:7], last.Text[:7])
			}
			grew := int64(peak) - int64(start)
			t.Logf("%s: heap in use grew by %.1f MB while parsing", tt.mode, float64(grew)/(1<<20))
			if bounded := grew < bound; bounded != tt.bounded {
				t.Fatalf("%s: heap grew by %d bytes; want under %d: %v", tt.mode, grew, bound, tt.bounded)
			}
		})
	}
}

func TestEmitEdgeCases(t *testing.T) {
	tests := []struct {
		name    string
		content string
		desc    Describe
		check   func(t *testing.T, f *casefolder.Folder, it evidence.Item)
	}{
		{name: "a parser that emits then fails leaves nothing for the fallback", content: "EMIT fail 1000",
			check: func(t *testing.T, f *casefolder.Folder, it evidence.Item) {
				if it.Kind != parse.KindDocument || it.Parser != "document" || it.Events != 0 || it.EventsSHA256 != "" {
					t.Fatalf("item %+v", it)
				}
				if !strings.Contains(strings.Join(it.Warnings, "|"), "not readable as emit (line 9: broken after emitting)") {
					t.Fatalf("warnings %v", it.Warnings)
				}
				if _, err := os.Stat(f.EventsPath(it.ID)); !os.IsNotExist(err) {
					t.Fatalf("events file of the fallback document: %v", err)
				}
			}},
		{name: "a parser that emits then panics leaves nothing either", content: "EMIT panic 3",
			check: func(t *testing.T, f *casefolder.Folder, it evidence.Item) {
				if it.Kind != parse.KindDocument || it.Events != 0 || it.EventsSHA256 != "" {
					t.Fatalf("item %+v", it)
				}
			}},
		{name: "emitted events come before the slice's, untimed ones are named", content: "EMIT mixed 3",
			check: func(t *testing.T, f *casefolder.Folder, it evidence.Item) {
				if it.Events != 4 {
					t.Fatalf("events %d, want 4", it.Events)
				}
				if w := strings.Join(it.Warnings, "|"); w != "sms.emit: event 2 has no time; left out of the timeline" {
					t.Fatalf("warnings %q", w)
				}
				lines, sum, first, last := readEventsFile(t, f, &it)
				if lines != 4 || sum != it.EventsSHA256 || !strings.HasPrefix(first.Text, "000000") || last.Text != "from the slice" {
					t.Fatalf("events file %d %s first %q last %q", lines, sum, first.Text, last.Text)
				}
			}},
		{name: "user time replaces the time of a single emitted event", content: "EMIT one 1", desc: Describe{Time: "2025-01-28 23:32"},
			check: func(t *testing.T, f *casefolder.Folder, it evidence.Item) {
				evs, err := f.Events(&it)
				if err != nil || len(evs) != 1 {
					t.Fatalf("events %v %+v", err, evs)
				}
				if evs[0].TimeSource != event.TimeFromUser || evs[0].Time.UTC().Format(time.RFC3339) != "2025-01-28T15:32:00Z" {
					t.Fatalf("event time %v %s", evs[0].Time, evs[0].TimeSource)
				}
				if it.Time == nil || !it.Time.Equal(evs[0].Time) {
					t.Fatalf("item time %v", it.Time)
				}
			}},
		{name: "user time leaves emitted log rows alone", content: "EMIT stream 2", desc: Describe{Time: "2025-01-28 23:32"},
			check: func(t *testing.T, f *casefolder.Folder, it evidence.Item) {
				evs, err := f.Events(&it)
				if err != nil || len(evs) != 2 || evs[0].TimeSource != event.TimeFromContent || evs[1].TimeSource != event.TimeFromContent {
					t.Fatalf("events %v %+v", err, evs)
				}
			}},
		{name: "a single emitted event gives the item its time", content: "EMIT stream 1",
			check: func(t *testing.T, f *casefolder.Folder, it evidence.Item) {
				if it.Events != 1 || it.Time == nil || it.Time.UTC().Format(time.RFC3339) != "2025-01-20T09:00:00Z" || it.TimeSource != event.TimeFromContent {
					t.Fatalf("item %+v", it)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, items := addEmit(t, tt.content, tt.desc, nil)
			if len(items) != 1 {
				t.Fatalf("items %+v", items)
			}
			tt.check(t, f, items[0])
			// Nothing a failed parse wrote may be left behind in tmp/.
			left, _ := filepath.Glob(f.Path("tmp", "stage-events-*"))
			if len(left) != 0 {
				t.Fatalf("left in tmp: %v", left)
			}
		})
	}
}

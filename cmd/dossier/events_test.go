package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
)

// The streamed events --json is the document writeJSON writes, byte for byte.
func TestWriteEventsJSON(t *testing.T) {
	at := time.Date(2025, 1, 27, 23, 10, 0, 0, time.FixedZone("CST", 8*3600))
	one := event.Event{Time: at, Channel: event.SMS, Direction: event.In, Counterpart: "15900001111",
		Text: "请<立即>还款 & \"回复\"\n第二行", Exhibit: 2, Exhibits: []int{2, 5}, Seq: 1}
	two := event.Event{Time: at.Add(time.Minute), Channel: event.Call, Duration: event.Seconds(30), Exhibit: 1, Exhibits: []int{1}, Seq: 2}
	for _, tt := range []struct {
		name string
		evs  []event.Event
	}{
		{"no events", []event.Event{}},
		{"one event", []event.Event{one}},
		{"several events", []event.Event{one, two, one}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want, got bytes.Buffer
			if err := writeJSON(&want, eventsJSON{Timezone: "Asia/Shanghai", Events: tt.evs}); err != nil {
				t.Fatal(err)
			}
			err := writeEventsJSON(&got, "Asia/Shanghai", func(fn func(*event.Event) error) error {
				for i := range tt.evs {
					if err := fn(&tt.evs[i]); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}

// The table of events is the same whether its rows fit the rows held or the timeline is read a
// second time for them.
func TestWriteEventsText(t *testing.T) {
	at := time.Date(2025, 1, 27, 23, 10, 0, 0, time.FixedZone("CST", 8*3600))
	var evs []event.Event
	for i := range 7 {
		e := event.Event{Time: at.Add(time.Duration(i) * time.Minute), Channel: event.Call, Direction: event.In,
			Counterpart: "1590000111" + string(rune('0'+i)), Duration: event.Seconds(int64(i * 70)), Exhibit: 1 + i/3, Seq: i + 1}
		if i == 4 {
			e.Channel, e.Duration, e.Text, e.CounterpartName = event.SMS, nil, "催收短信，很长很长的中文内容\n第二行", "某某资产"
		}
		evs = append(evs, e)
	}
	// what the table of the whole timeline in memory prints
	reference := func(evs []event.Event) string {
		var tw table
		for i := range evs {
			if i == 0 {
				tw.heading("zh", "seq", "time", "channel", "direction", "status", "counterpart", "role", "duration", "class", "exhibits", "text")
			}
			tw.add(eventCells("zh", &evs[i])...)
		}
		var b bytes.Buffer
		if err := tw.write(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, tt := range []struct {
		name   string
		n      int
		limit  int
		passes int
	}{
		{"no events", 0, 3, 1},
		{"fewer than the limit", 2, 3, 1},
		{"as many as the limit", 3, 3, 1},
		{"one more than the limit", 4, 3, 2},
		{"many more than the limit", 7, 1, 2},
		{"no rows held", 7, 0, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			passes := 0
			each := func(fn func(*event.Event) error) error {
				passes++
				for i := range evs[:tt.n] {
					if err := fn(&evs[i]); err != nil {
						return err
					}
				}
				return nil
			}
			var got bytes.Buffer
			n, err := writeEventsText(&got, "zh", each, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if want := reference(evs[:tt.n]); got.String() != want {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want)
			}
			if n != tt.n || passes != tt.passes {
				t.Errorf("%d events in %d readings, want %d in %d", n, passes, tt.n, tt.passes)
			}
		})
	}
}

// Past its limit a streamed table lets go of the rows it held and keeps only the widths.
func TestStreamedTableLetsGo(t *testing.T) {
	tw := newStreamedTable([]string{"a", "b"}, 3)
	for i := range 4 {
		tw.measure([]string{strings.Repeat("x", i+1), "长"})
		if held := len(tw.rows); held > 3 || (i == 3 && held != 0) {
			t.Fatalf("after %d rows: %d held", i+1, held)
		}
	}
	if tw.widths[0] != 4 || tw.widths[1] != 2 {
		t.Fatalf("widths %v, want [4 2]", tw.widths)
	}
}

package main

import (
	"bytes"
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

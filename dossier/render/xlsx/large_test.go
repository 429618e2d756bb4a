package xlsx

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// A large streamed timeline (deflated at the fastest level) comes out row for row: the timeline
// sheet holds every event once, in order, with its number, channel, counterpart and text, and the
// findings sheet every finding.
func TestLargeTimelineRowsEqualTheTimeline(t *testing.T) {
	was := fastDeflateAbove
	fastDeflateAbove = 500
	t.Cleanup(func() { fastDeflateAbove = was })
	b, _ := sampleBundle(t)
	start := at("2025-03-01 00:00:00")
	channels := []event.Channel{event.Call, event.SMS, event.Chat}
	var evs []event.Event
	for i := 0; i < 3000; i++ {
		e := event.Event{Time: start.Add(time.Duration(i) * 41 * time.Minute), Channel: channels[i%3], Direction: event.In,
			Counterpart: fmt.Sprintf("1590000%04d", i%37), Exhibit: 1 + i%2, Seq: i + 1}
		if e.Channel == event.Call {
			e.Status, e.Duration = event.StatusMissed, event.Seconds(0)
		} else {
			e.Text = fmt.Sprintf("第%d条：请尽快还款", i)
		}
		evs = append(evs, e)
	}
	r := findings.Evaluate(b.Case, evs, b.Stamp)
	s := &sliceStream{evs: evs}
	sb := *b
	sb.Events, sb.Timeline = nil, s
	f := open(t, render(t, &sb, r, Options{}))
	rows, err := f.Rows("时间线")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 1 {
			continue // the header
		}
		if n-2 >= len(evs) {
			t.Fatalf("row %d: more rows than the %d events", n, len(evs))
		}
		e := &evs[n-2]
		cell := func(c int) string {
			if c < len(cols) {
				return cols[c]
			}
			return ""
		}
		if cell(0) != strconv.Itoa(e.Seq) || cell(2) != vocab.Channel("zh", e.Channel) || cell(5) != e.Counterpart || cell(10) != e.Text {
			t.Fatalf("row %d is %q, want event %d (%s %s %q)", n, cols, e.Seq, e.Channel, e.Counterpart, e.Text)
		}
	}
	if n-1 != len(evs) {
		t.Fatalf("%d rows, want %d events", n-1, len(evs))
	}
	fr, err := f.GetRows("核查结果")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) == 0 || len(fr) < len(r.Findings)+1 {
		t.Fatalf("%d rows on the findings sheet for %d findings", len(fr), len(r.Findings))
	}
}

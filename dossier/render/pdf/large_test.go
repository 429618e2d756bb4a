package pdf

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
)

// stream is a timeline read in passes, as a case's merged timeline is: each pass hands out
// copies, so a renderer that kept an event would see it overwritten.
type stream struct{ events []event.Event }

func (s *stream) Each(fn func(e *event.Event) error) error {
	var e event.Event
	for i := range s.events {
		e = s.events[i]
		if err := fn(&e); err != nil {
			return err
		}
	}
	return nil
}

func (s *stream) Len() (int, error) { return len(s.events), nil }

// bigFixture is the fixture with n more calls from the collector on the call log (exhibit 1),
// one every 37 minutes from 2025-03-01, so some fall in the quiet hours, and its findings.
func bigFixture(t *testing.T, n int) *fixture {
	t.Helper()
	fx := newFixture(t)
	b := fx.bundle
	start := at("2025-03-01 00:00")
	for i := 0; i < n; i++ {
		status := event.StatusMissed
		if i%5 == 0 {
			status = event.StatusAnswered
		}
		b.Events = append(b.Events, event.Event{Time: start.Add(time.Duration(i) * 37 * time.Minute), Channel: event.Call,
			Direction: event.In, Status: status, Counterpart: "15900001111", CounterpartName: "某某资产催收员", Role: "collector",
			Duration: event.Seconds(int64(i % 7 * 20)), Exhibit: 1, Exhibits: []int{1}, Locator: fmt.Sprintf("call[%d]", i+10)})
	}
	sortEvents(b.Events)
	for i := range b.Events {
		b.Events[i].Seq = i + 1
	}
	fx.report = findings.Evaluate(b.Case, b.Events, b.Stamp)
	return fx
}

// A timeline longer than SummaryAbove is summarised, and the packet says so: the counts of each
// day add up to the events the timeline section would have listed, every event a finding cites
// is listed, an exhibit's table and a category of findings past their limits say how many they
// leave to the workbook.
func TestLargeTimelineIsSummarised(t *testing.T) {
	flagged, exhibit, findingRows := maxFlaggedRows, maxExhibitRows, maxFindingRows
	maxFlaggedRows, maxExhibitRows, maxFindingRows = 60, 50, 40
	t.Cleanup(func() { maxFlaggedRows, maxExhibitRows, maxFindingRows = flagged, exhibit, findingRows })
	fx := bigFixture(t, 240)
	b, r := fx.bundle, fx.report
	streamed := *b
	streamed.Events, streamed.Timeline = nil, &stream{events: b.Events}
	fx.bundle = &streamed
	text := pdftotext(t, writeTemp(t, render(t, fx, Options{Lang: "zh", SummaryAbove: 100})), 0, 0, false)
	flat := squeeze(text)

	big, err := summarise(b, r, len(b.Events))
	if err != nil {
		t.Fatal(err)
	}
	cited := map[int]bool{}
	for _, fd := range r.Findings {
		for _, s := range fd.Events {
			cited[s] = true
		}
	}
	if big.flaggedTotal != len(cited) || len(big.flagged) != min(len(cited), maxFlaggedRows) {
		t.Fatalf("%d cited events, the summary flags %d and lists %d", len(cited), big.flaggedTotal, len(big.flagged))
	}
	if len(cited) <= maxFlaggedRows || big.exhibits[1].shown <= maxExhibitRows {
		t.Fatalf("%d cited events, %d on exhibit 1: too few to pass the limits", len(cited), big.exhibits[1].shown)
	}
	for _, e := range big.flagged {
		if !cited[e.Seq] {
			t.Fatalf("event %d is listed as cited but no finding cites it", e.Seq)
		}
	}
	sum := 0
	for _, dc := range big.days {
		sum += dc.total
		if dc.collector+dc.creditor+dc.noRole != dc.total {
			t.Errorf("%s: roles add up to %d of %d", dc.day, dc.collector+dc.creditor+dc.noRole, dc.total)
		}
		// Each day's row prints its day and total.
		if !strings.Contains(flat, dc.day.String()+strconv.Itoa(dc.total)) {
			t.Errorf("the packet lacks the row of %s (%d events)", dc.day, dc.total)
		}
	}
	if sum+big.bills+big.private != len(b.Events) {
		t.Errorf("days count %d, left out %d + %d, of %d events", sum, big.bills, big.private, len(b.Events))
	}

	nightly := 0
	for _, fd := range r.Findings {
		if findings.CategoryOf(fd.Rule) == findings.CategoryBreach {
			nightly++
		}
	}
	for _, want := range []string{
		fmt.Sprintf("本案时间线共%d条记录，超过100条，本材料不逐条列出，而按日汇总", len(b.Events)),
		"全部记录逐条列于工作簿的“时间线”表及所附原始文件。",
		"每日记录数", "认定事实所引用的记录",
		fmt.Sprintf("认定事实所引用的记录共%d条，此处列出时间最早的60条；其余%d条见工作簿的“时间线”表（标记列）。", len(cited), len(cited)-60),
		fmt.Sprintf("本证据共%d条记录，此处列出时间最早的50条；完整列表见工作簿的“时间线”表", big.exhibits[1].shown),
		fmt.Sprintf("此类认定事实共%d项，此处列出前40项；全部认定事实见工作簿的“核查结果”表。", nightly),
		fmt.Sprintf("时间线未列入%d条与家人、朋友等非催收方的通讯记录", big.private),
	} {
		if !strings.Contains(flat, squeeze(want)) {
			t.Errorf("the packet lacks %q", want)
		}
	}
	if nightly <= maxFindingRows {
		t.Fatalf("the case has %d breaches, not more than the %d listed: the test proves nothing", nightly, maxFindingRows)
	}
	// The cited events are printed in full: their sequence numbers and times are in the text.
	for _, e := range big.flagged[len(big.flagged)-3:] {
		if !strings.Contains(text, e.Time.In(b.Case.Location()).Format("2006-01-02 15:04:05")) {
			t.Errorf("cited event %d (%s) is not printed", e.Seq, e.Time)
		}
	}
}

// In English the summary says the same.
func TestLargeTimelineSummaryInEnglish(t *testing.T) {
	fx := bigFixture(t, 150)
	flat := squeeze(pdftotext(t, writeTemp(t, render(t, fx, Options{Lang: "en", SummaryAbove: 100})), 0, 0, false))
	for _, want := range []string{
		fmt.Sprintf("The timeline of this case holds %d events, more than 100, so this packet does not list them one by one", len(fx.bundle.Events)),
		"Events per day", "Events the findings cite",
	} {
		if !strings.Contains(flat, squeeze(want)) {
			t.Errorf("the packet lacks %q", want)
		}
	}
	if regexp.MustCompile(`本案|认定事实`).MatchString(flat) {
		t.Error("an English packet prints the Chinese summary")
	}
}

// A case at or under the limit renders byte for byte as before, whether its timeline is given
// whole or streamed.
func TestSmallStreamedTimelineRendersAsLoaded(t *testing.T) {
	fx := newFixture(t)
	loaded := render(t, fx, Options{Lang: "zh", NoAttach: true})
	streamed := *fx.bundle
	streamed.Events, streamed.Timeline = nil, &stream{events: fx.bundle.Events}
	fx.bundle = &streamed
	if got := render(t, fx, Options{Lang: "zh", NoAttach: true, SummaryAbove: len(streamed.Timeline.(*stream).events)}); !bytes.Equal(got, loaded) {
		t.Fatal("the packet of a streamed timeline differs from the loaded one's")
	}
	if bytes.Contains(loaded, []byte("Events per day")) {
		t.Fatal("unexpected")
	}
}

var _ evidence.EventStream = (*stream)(nil)

package findings

import (
	"io"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/money"
)

// bigTimeline is n events over about a year: calls of every outcome, messages, e-mails and
// repayments from tagged and untagged counterparts, some on family members' phones.
func bigTimeline(n int) []event.Event {
	parties := []string{collector1, collector2, creditor, wechatColl, mailColl, spouse, friend, "13600000000", "13500000000"}
	channels := []event.Channel{event.Call, event.Call, event.Call, event.SMS, event.Chat, event.Email}
	statuses := []string{event.StatusMissed, event.StatusAnswered, event.StatusRejected, event.StatusBlocked}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	step := 365 * 24 * time.Hour / time.Duration(n)
	evs := make([]event.Event, n)
	for i := range evs {
		e := &evs[i]
		e.Time = start.Add(time.Duration(i) * step)
		e.Channel = channels[i%len(channels)]
		e.Direction = event.In
		e.Counterpart = parties[i%len(parties)]
		e.Exhibit = 1 + i%40
		e.Exhibits = []int{e.Exhibit}
		e.Seq = i + 1
		if e.Channel == event.Call {
			e.Status = statuses[i%len(statuses)]
			e.Duration = event.Seconds(int64(i % 200))
		}
		if i%97 == 0 {
			e.Holder, e.HolderRole = "李四", HolderFamily
		}
		if i%2000 == 0 {
			a := money.MustParse("350.00")
			*e = event.Event{Time: e.Time, Channel: event.Payment, Kind: event.KindRepayment, Counterpart: "花呗", Amount: &a, Seq: i + 1, Exhibit: 41}
		}
	}
	return evs
}

func BenchmarkEvaluate100k(b *testing.B) {
	c := newCase(b)
	evs := bigTimeline(100_000)
	b.ReportAllocs()
	for b.Loop() {
		r := Evaluate(c, evs, now)
		if len(r.Findings) == 0 {
			b.Fatal("no findings")
		}
	}
}

func BenchmarkWriteJSON100k(b *testing.B) {
	c := newCase(b)
	r := Evaluate(c, bigTimeline(100_000), now)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

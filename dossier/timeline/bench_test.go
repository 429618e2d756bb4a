package timeline

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
)

// exports returns n events as a case holds them: several exports (exhibits) of calls and messages
// from a handful of numbers, each export in its own time order, a tenth of the calls present in
// two exports (an SMS Backup file and a phone manager's CSV) so that folding has work to do.
func exports(n int) []event.Event {
	r := rand.New(rand.NewChaCha8([32]byte{3}))
	numbers := []string{"15900001111", "17700002222", "95188", "13800138000"}
	base := time.Date(2025, 1, 20, 8, 0, 0, 0, time.UTC)
	out := make([]event.Event, 0, n)
	t := base
	for len(out) < n {
		t = t.Add(time.Duration(10+r.IntN(120)) * time.Second)
		d := int64(r.IntN(300))
		e := event.Event{Time: t, Channel: event.Call, Direction: event.In, Status: event.StatusAnswered, Counterpart: numbers[r.IntN(len(numbers))],
			Duration: &d, Exhibit: 1 + r.IntN(4), Holder: "张三"}
		if r.IntN(3) == 0 {
			e.Channel, e.Status, e.Duration, e.Text = event.SMS, event.StatusReceived, nil, "请尽快还款"
		}
		e.Exhibits = []int{e.Exhibit}
		out = append(out, e)
		if r.IntN(10) == 0 && len(out) < n {
			twin := e
			twin.Exhibit = 5
			twin.Exhibits = []int{5}
			twin.Time = t.Add(time.Second)
			out = append(out, twin)
		}
	}
	// Items are loaded one export after another, so the merge sees export-ordered runs.
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func BenchmarkMerge(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(itoa(n), func(b *testing.B) {
			src := exports(n)
			work := make([]event.Event, n)
			for b.Loop() {
				copy(work, src)
				for i := range work {
					work[i].Exhibits = []int{work[i].Exhibit}
				}
				out := Merge(work)
				if len(out) == 0 || len(out) > n {
					b.Fatalf("merged %d events into %d", n, len(out))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
		})
	}
}

func itoa(n int) string {
	switch {
	case n >= 1_000_000:
		return "1M"
	case n >= 1000:
		return string(rune('0'+n/100_000%10)) + string(rune('0'+n/10_000%10)) + string(rune('0'+n/1000%10)) + "k"
	}
	return "small"
}

// TestMergeFoldsTwins keeps the benchmark honest: every event its generator doubled must fold
// into one that cites both exhibits, and the result must be in time order.
func TestMergeFoldsTwins(t *testing.T) {
	evs := exports(20_000)
	twins := 0
	for _, e := range evs {
		if e.Exhibit == 5 {
			twins++
		}
	}
	out := Merge(evs)
	if got, want := len(out), 20_000-twins; got != want {
		t.Fatalf("merged into %d events, want %d (%d twins folded)", got, want, twins)
	}
	cited := 0
	for i := range out {
		if i > 0 && out[i].Time.Before(out[i-1].Time) {
			t.Fatalf("event %d at %v comes after %v", i+1, out[i].Time, out[i-1].Time)
		}
		if len(out[i].Exhibits) == 2 {
			cited++
		}
		if out[i].Seq != i+1 {
			t.Fatalf("event %d has seq %d", i+1, out[i].Seq)
		}
	}
	if cited != twins {
		t.Errorf("%d events cite two exhibits, want %d", cited, twins)
	}
}

// BenchmarkStreamedPass is one pass of a streamed timeline (what every document and findings
// make): each event's line read from its file by the key's offset and decoded.
func BenchmarkStreamedPass(b *testing.B) {
	perItem := randomExports(21, 4, 50_000)
	items, src, _ := streamCase(b, perItem, 0)
	m, err := Open(nil, items, src)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		n = 0
		if err := m.Each(func(*event.Event) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
}

package xlsx

import (
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
)

// bigBundle repeats a day of collection traffic; the strings are shared, so the bundle's own
// size is the Event structs.
func bigBundle(b testing.TB, n int) (*evidence.Bundle, *findings.Report) {
	bd, _ := sampleBundle(b)
	start := at("2025-01-20 00:00:00")
	texts := []string{"【某某资产】您的花呗账单已逾期，请立即处理。", "请尽快还款", "=1+1"}
	evs := make([]event.Event, n)
	dur := int64(42)
	for i := range evs {
		evs[i] = event.Event{
			Time: start.Add(time.Duration(i) * 37 * time.Second), Channel: event.Call, Direction: event.In,
			Status: event.StatusMissed, Counterpart: "15900001111", Role: "collector", Duration: &dur,
			Text: texts[i%len(texts)], Exhibit: 1 + i%5, Seq: i + 1,
		}
		if i%3 == 0 {
			evs[i].Channel, evs[i].Status, evs[i].Duration = event.SMS, event.StatusReceived, nil
		}
	}
	bd.Events = evs
	r := &findings.Report{}
	for i := 0; i < n; i += 10 {
		r.Findings = append(r.Findings, findings.Finding{ID: fmt.Sprintf("night-contact-%d", i), Rule: findings.RuleNightContact, Count: 1, Events: []int{i + 1}, Exhibits: []int{1}})
	}
	return bd, r
}

// peakHeap samples the heap while fn runs and returns, above the state before it, the peak live
// heap (as of each garbage collection) and the peak heap including garbage not yet collected.
// The second depends on GOGC and on how large the caller's own live data is, so the first is the
// renderer's real footprint.
func peakHeap(fn func()) (live, total uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	baseLive, baseTotal := sample[0].Value.Uint64(), sample[1].Value.Uint64()
	var maxLive, maxTotal atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				metrics.Read(s)
				if v := s[0].Value.Uint64(); v > maxLive.Load() {
					maxLive.Store(v)
				}
				if v := s[1].Value.Uint64(); v > maxTotal.Load() {
					maxTotal.Store(v)
				}
			}
		}
	}()
	fn()
	runtime.GC() // the live heap is only measured at a collection: take one at the end too
	close(done)
	wg.Wait()
	sub := func(a, b uint64) uint64 {
		if a > b {
			return a - b
		}
		return 0
	}
	return sub(maxLive.Load(), baseLive), sub(maxTotal.Load(), baseTotal)
}

func benchRender(b *testing.B, n int) {
	bd, r := bigBundle(b, n)
	b.TempDir() // excelize spills to the system temp folder; the test framework does not track it
	b.ResetTimer()
	var live, total uint64
	for i := 0; i < b.N; i++ {
		l, t := peakHeap(func() {
			if err := Render(io.Discard, bd, r, Options{}); err != nil {
				b.Fatal(err)
			}
		})
		live, total = max(live, l), max(total, t)
	}
	b.ReportMetric(float64(live)/(1<<20), "live-MB")
	b.ReportMetric(float64(total)/(1<<20), "heap-MB")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkRender100k(b *testing.B) { benchRender(b, 100_000) }

// BenchmarkRender1M runs only when asked for by name or with -bench: it takes tens of seconds.
func BenchmarkRender1M(b *testing.B) {
	if testing.Short() {
		b.Skip("a million events: not in -short runs")
	}
	benchRender(b, 1_000_000)
}

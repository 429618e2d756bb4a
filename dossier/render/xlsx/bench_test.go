package xlsx

import (
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
)

// bigBundle repeats a day of collection traffic; the strings are shared, so the bundle's own
// size is the Event structs.
func bigBundle(b *testing.B, n int) (*evidence.Bundle, *findings.Report) {
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

// peakHeap samples the live heap while fn runs and returns the peak above the heap before it.
func peakHeap(fn func()) (peak uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var max atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > max.Load() {
					max.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	fn()
	close(done)
	if m := max.Load(); m > base {
		return m - base
	}
	return 0
}

func benchRender(b *testing.B, n int) {
	bd, r := bigBundle(b, n)
	b.TempDir() // excelize spills to the system temp folder; the test framework does not track it
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		p := peakHeap(func() {
			if err := Render(io.Discard, bd, r, Options{}); err != nil {
				b.Fatal(err)
			}
		})
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
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

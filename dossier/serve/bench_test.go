package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkDrop200Files is the drop of a phone's worth of screenshots: 200 distinct PNG files,
// about 100 MB, uploaded four at a time as the page does, then added with progress. It reports
// the peak resident memory of the process (server and client together, so an upper bound for
// the server; the target is under 300 MB) and checks that the progress moved and reached the
// total. Run: go test ./dossier/serve -run '^$' -bench Drop200 -benchtime 1x
func BenchmarkDrop200Files(b *testing.B) {
	// The files wait on disk, as on the user's machine: the process holds none of them, so its
	// peak is the server's work (plus a small client).
	dir := b.TempDir()
	files := make([]string, 200)
	rng := rand.New(rand.NewPCG(1, 2))
	var total int
	for i := range files {
		// Noise does not compress: 360×360 RGBA is about 500 KB of PNG.
		img := image.NewNRGBA(image.Rect(0, 0, 360, 360))
		for j := range img.Pix {
			img.Pix[j] = byte(rng.Uint32())
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			b.Fatal(err)
		}
		files[i] = filepath.Join(dir, fmt.Sprintf("%03d.png", i))
		if err := os.WriteFile(files[i], buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		total += buf.Len()
	}
	runtime.GC()
	debug.FreeOSMemory()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		a := startTB(b).login()
		a.newCase("c1")
		resetPeak()
		start := time.Now()
		var bt struct{ Batch string }
		_ = json.Unmarshal([]byte(a.postBody("/c/c1/batch", nil, nil, 200)), &bt)
		var wg sync.WaitGroup
		next := make(chan int)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					name := fmt.Sprintf("Screenshot_20250128-%06d.png", 100000+i)
					f, err := os.Open(files[i])
					if err != nil {
						b.Error(err)
						continue
					}
					a.postBody("/c/c1/upload/"+bt.Batch, f, map[string]string{"X-Path": url.PathEscape("DCIM/Screenshots/" + name)}, 200)
					f.Close()
				}
			}()
		}
		for i := range files {
			next <- i
		}
		close(next)
		wg.Wait()
		uploaded := time.Since(start)
		var j struct{ Job string }
		_ = json.Unmarshal([]byte(a.post("/c/c1/ingest/"+bt.Batch, url.Values{}, 200)), &j)
		var last, ticks int64
		var st map[string]any
		for {
			_ = json.Unmarshal([]byte(a.get("/api/jobs/"+j.Job, 200)), &st)
			if done := int64(st["bytes"].(float64)); done > last {
				last, ticks = done, ticks+1
			}
			if st["done"] == true {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if st["error"] != nil {
			b.Fatalf("add: %v", st["error"])
		}
		if last != int64(total) || ticks < 2 {
			b.Fatalf("progress: %d of %d bytes in %d steps", last, total, ticks)
		}
		peak := peakRSS()
		b.ReportMetric(float64(total)/1e6, "MB")
		b.ReportMetric(uploaded.Seconds(), "s-upload")
		b.ReportMetric(time.Since(start).Seconds(), "s-total")
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
		if lines, _ := st["lines"].([]any); len(lines) < 200 {
			b.Fatalf("report has %d lines", len(lines))
		}
	}
}

// resetPeak resets the process's peak resident set (Linux: VmHWM), so the peak measured is
// that of the work that follows.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

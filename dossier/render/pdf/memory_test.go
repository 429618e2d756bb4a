package pdf

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/bench"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// heapPeak samples the heap in use while fn runs and returns the highest value seen above the
// heap in use, after a collection, before fn started.
func heapPeak(fn func()) (delta uint64) {
	// What the renderer holds is the question, not how much garbage the collector lets pile up
	// between cycles (which grows when a loaded machine starves it): collect eagerly meanwhile.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.HeapInuse
	peak := before
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak - before
}

// diskStore serves originals from files, as the case's store does, so that only what the
// renderer holds is on the heap.
type diskStore struct{ dir string }

func (s diskStore) put(t testing.TB, data []byte) string {
	sha := store{}.put(data)
	if err := os.WriteFile(filepath.Join(s.dir, sha), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return sha
}

func (s diskStore) open(sha string) (io.ReadCloser, error) { return os.Open(filepath.Join(s.dir, sha)) }

// A 64 MiB original is embedded without the renderer holding it: the heap grows by far less
// than the file.
func TestLargeOriginalMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 64 MiB; skipped with -short")
	}
	fx := newFixture(t)
	ds := diskStore{dir: t.TempDir()}
	for sha, data := range fx.store {
		if ds.put(t, data) != sha {
			t.Fatal("digest mismatch")
		}
	}
	big := make([]byte, 64<<20)
	rand.Read(big)
	sha := ds.put(t, big)
	big = nil
	fx.bundle.Open = ds.open
	fx.bundle.Items = append(fx.bundle.Items, evidence.Item{Exhibit: len(fx.bundle.Items) + 1, ID: "big", SHA256: sha,
		Name: "big.bin", MIME: "application/octet-stream", Size: 64 << 20})
	var out countWriter
	var err error
	peak := heapPeak(func() { err = Render(&out, fx.bundle, fx.report, Options{}) })
	if err != nil {
		t.Fatal(err)
	}
	if out.n < 64<<20 {
		t.Fatalf("packet of %d bytes cannot hold the 64 MiB original", out.n)
	}
	t.Logf("packet %d bytes, heap peak %.1f MiB above the start", out.n, float64(peak)/(1<<20))
	if peak > 32<<20 {
		t.Errorf("heap grew by %.1f MiB while rendering a 64 MiB original; want under 32 MiB, half the file", float64(peak)/(1<<20))
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkRender200PhoneScreenshots renders 200 chat screenshots (1080×2400, half PNG, half
// JPEG) read from files, and reports the peak heap growth of one render.
func BenchmarkRender200PhoneScreenshots(b *testing.B) {
	fx := newFixture(b)
	dir := b.TempDir()
	paths, err := bench.WriteScreenshots(filepath.Join(dir, "shots"), 200, 1080, 2400, 5)
	if err != nil {
		b.Fatal(err)
	}
	ds := diskStore{dir: dir}
	fx.bundle.Open = ds.open
	fx.bundle.Items, fx.bundle.Events = nil, nil
	var total int64
	for i, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		mime := "image/png"
		if filepath.Ext(p) == ".jpg" {
			mime = "image/jpeg"
		}
		total += int64(len(data))
		fx.bundle.Items = append(fx.bundle.Items, evidence.Item{Exhibit: i + 1, ID: fmt.Sprint(i), SHA256: ds.put(b, data),
			Name: filepath.Base(p), MIME: mime, Kind: parse.KindScreenshot, Size: int64(len(data))})
	}
	b.SetBytes(total)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		peak = max(peak, heapPeak(func() {
			if err := Render(io.Discard, fx.bundle, fx.report, Options{NoAttach: true}); err != nil {
				b.Fatal(err)
			}
		}))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// rgbaPNG is a small PNG with real transparency.
func rgbaPNG() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	return encodePNG(img)
}

func palettedPNG() []byte {
	img := image.NewPaletted(image.Rect(0, 0, 16, 16), color.Palette{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}})
	for i := range img.Pix {
		img.Pix[i] = byte(i % 2)
	}
	return encodePNG(img)
}

func TestInspectPNG(t *testing.T) {
	rgb := encodePNG(screenshot(40, 30, 1))
	badCRC := bytes.Clone(rgb)
	badCRC[len(badCRC)-20] ^= 0xff // inside the last IDAT
	gray := image.NewGray(image.Rect(0, 0, 8, 8))
	var gray16 bytes.Buffer
	png.Encode(&gray16, image.NewGray16(image.Rect(0, 0, 8, 8)))
	for _, tc := range []struct {
		name string
		data []byte
		kind imageKind
		err  bool
	}{
		{"rgb passes through", rgb, asPNGData, false},
		{"gray passes through", encodePNG(gray), asPNGData, false},
		{"palette passes through", palettedPNG(), asPNGData, false},
		{"alpha is decoded", rgbaPNG(), asDecoded, false},
		{"16-bit is decoded", gray16.Bytes(), asDecoded, false},
		{"bad checksum", badCRC, 0, true},
		{"truncated", rgb[:len(rgb)-30], 0, true},
		{"no end chunk", rgb[:len(rgb)-12], 0, true},
		{"signature only", pngSignature, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var idat bytes.Buffer
			h, err := walkPNG(bytes.NewReader(tc.data), &idat)
			if tc.err {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := h.plan().kind; got != tc.kind {
				t.Errorf("kind %d, want %d", got, tc.kind)
			}
			if idat.Len() == 0 || !bytes.Contains(tc.data, idat.Bytes()[:min(idat.Len(), 64)]) {
				t.Error("the IDAT data was not copied out")
			}
		})
	}
}

// Transparent, paletted and grey pictures all reach the page: qpdf accepts the streams and
// poppler draws them.
func TestImageKindsRender(t *testing.T) {
	fx := newFixture(t)
	it := fx.bundle.Items[2]
	fx.bundle.Items = fx.bundle.Items[:2]
	for i, data := range [][]byte{rgbaPNG(), palettedPNG(), encodePNG(image.NewGray(image.Rect(0, 0, 9, 9))), tinyWebP} {
		c := it
		c.Exhibit, c.ID, c.SHA256, c.Size, c.Name = 3+i, fmt.Sprint("img", i), fx.store.put(data), int64(len(data)), fmt.Sprintf("p%d.png", i)
		if i == 3 {
			c.MIME, c.Name = "image/webp", "p.webp"
		}
		fx.bundle.Items = append(fx.bundle.Items, c)
	}
	data := render(t, fx, Options{})
	if n := bytes.Count(data, []byte("/SMask")); n != 2 { // the transparent PNG and the WebP
		t.Errorf("%d soft masks, want 2", n)
	}
	path := writeTemp(t, data)
	out, err := exec.Command(tool(t, "qpdf"), "--check", path).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("WARNING")) {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	list, err := exec.Command(tool(t, "pdfimages"), "-list", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, list)
	}
	for _, want := range []string{"30    20  rgb", "16    16  index", "9     9  gray", "smask"} {
		if !bytes.Contains(list, []byte(want)) {
			t.Errorf("pdfimages does not list %q:\n%s", want, list)
		}
	}
}

// The library's part holds neither images of exhibits nor attachments; the update after it does,
// and its trailer points back at the library's cross-reference table.
func TestIncrementalUpdate(t *testing.T) {
	fx := newFixture(t)
	data := render(t, fx, Options{})
	first := bytes.Index(data, []byte("%%EOF"))
	if first < 0 || bytes.Count(data, []byte("startxref")) != 2 {
		t.Fatalf("want two sections ending in startxref; %d found", bytes.Count(data, []byte("startxref")))
	}
	head, tail := data[:first], data[first:]
	for _, s := range []string{"/EmbeddedFile ", "/DCTDecode"} {
		if bytes.Contains(head, []byte(s)) || !bytes.Contains(tail, []byte(s)) {
			t.Errorf("%s should be in the update only", s)
		}
	}
	b, err := parseBase(data[:first+6])
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("/Prev %d >>", b.xrefAt); !bytes.Contains(tail, []byte(want)) {
		t.Errorf("the update's trailer lacks %q", want)
	}
	p, err := ReadPacket(bytes.NewReader(data[:first+6]), int64(first+6))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 0 {
		t.Errorf("the library's part alone has %d attachments, want none", len(p.Files))
	}
}

func TestTextString(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"ascii", "manifest.json", "(manifest.json)"},
		{"parentheses", `a(b)\c`, `(a\(b\)\\c)`},
		{"chinese", "证据1", "<FEFF8BC1636E0031>"},
		{"newline is not printable", "a\nb", "<FEFF0061000A0062>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := textString(tc.in); got != tc.want {
				t.Errorf("textString(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

// A 200-page PDF is imported page for page within the memory the packet promises: the pages'
// objects are copied one at a time, their streams straight from the original.
func TestImport200PagesMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 200 imported pages; skipped with -short")
	}
	fx := newFixture(t)
	src := manyPagesPDF(t, 200)
	it := &fx.bundle.Items[4]
	it.SHA256, it.Size = fx.store.put(src), int64(len(src))
	var out countWriter
	var err error
	peak := heapPeak(func() { err = Render(&out, fx.bundle, fx.report, Options{NoAttach: true}) })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("200 pages (%d bytes) imported: packet %d bytes, heap peak %.1f MiB above the start", len(src), out.n, float64(peak)/(1<<20))
	if peak > 200<<20 {
		t.Errorf("heap grew by %.1f MiB; want under 200 MiB", float64(peak)/(1<<20))
	}
}

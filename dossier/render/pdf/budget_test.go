package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/webp"

	"github.com/dossier-tool/dossier/dossier/internal/hostile"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// webpBomb is a lossless WebP of a few dozen bytes that claims a canvas of w×h pixels.
var webpBomb = hostile.WebPBomb

// Large images stay within the memory budget of a packet (issue: a 130 KB 16-bit PNG of 4096²
// peaked at 317 MB, a progressive CMYK JPEG of 4096² at 579 MB, a 38-byte WebP at 197 MiB): the
// PNG is converted row by row, the JPEG goes in as it is, and what would have to be decoded past
// MaxDecodeBytes is listed with a page saying why.
func TestImageMemoryBudget(t *testing.T) {
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", "images", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for _, tc := range []struct {
		name, file, mime string
		data             []byte
		kind             imageKind
	}{
		{"16-bit RGBA PNG 4096²", "a.png", "image/png", read("rgba16-4096.png"), asPNGRows},
		{"progressive CMYK JPEG 4096²", "a.jpg", "image/jpeg", read("cmyk-progressive-4096.jpg"), asJPEG},
		{"lossless WebP claiming 4096²", "a.webp", "image/webp", webpBomb(4096, 4096), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.mime == "image/webp" {
				img, err := webp.Decode(bytes.NewReader(tc.data))
				if err != nil || img.Bounds().Dx() != 4096 {
					t.Fatalf("the bomb does not decode to 4096 pixels wide: %v", err)
				}
			}
			fx := newFixture(t)
			it := &fx.bundle.Items[2]
			it.Name, it.MIME, it.Kind = tc.file, tc.mime, parse.KindScreenshot
			it.SHA256, it.Size = fx.store.put(tc.data), int64(len(tc.data))
			var out countWriter
			var err error
			peak := heapPeak(func() { err = Render(&out, fx.bundle, fx.report, Options{NoAttach: true}) })
			if err != nil {
				t.Fatal(err)
			}
			p := newDoc(fx.bundle, fx.report, Options{Lang: "zh"}, "", nil, nil).plan(it)
			t.Logf("%d bytes in, packet %d bytes, heap peak %.1f MiB above the start; kind %d, why %q", len(tc.data), out.n, float64(peak)/(1<<20), p.kind, p.why)
			if peak > 100<<20 {
				t.Errorf("heap grew by %.1f MiB; the packet promises 200 MB in all", float64(peak)/(1<<20))
			}
			if tc.kind != 0 && (p.kind != tc.kind || p.why != "") {
				t.Errorf("planned as kind %d (%q), want kind %d drawn", p.kind, p.why, tc.kind)
			}
		})
	}
}

package reading_test

import (
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/ocr/internal/textimg"
	"github.com/dossier-tool/dossier/dossier/ocr/reading"
)

// newCase makes a case holding one screenshot that says lines.
func newCase(t *testing.T, lines ...string) *dossier.Case {
	t.Helper()
	dir := t.TempDir()
	c, err := dossier.Init(filepath.Join(dir, "case"), dossier.InitOptions{Title: "测试"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := textimg.NewFace(40)
	if err != nil {
		t.Fatal(err)
	}
	m := image.NewRGBA(image.Rect(0, 0, 1080, 100*(len(lines)+1)))
	draw.Draw(m, m.Rect, image.White, image.Point{}, draw.Src)
	for i, l := range lines {
		f.Draw(m, 40, 100*(i+1), l, color.Black)
	}
	p := filepath.Join(dir, "Screenshot_20250128-233252.png")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(out, m); err != nil {
		t.Fatal(err)
	}
	out.Close()
	if _, err := c.Add(context.Background(), []string{p}, dossier.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func engine(t *testing.T) func() (*ocr.Engine, error) {
	e, err := ocr.Open(ocr.Dir())
	if err != nil {
		t.Skipf("OCR engine not available (%v); %s", err, ocr.HowToEnable)
	}
	t.Cleanup(func() { e.Close() })
	return func() (*ocr.Engine, error) { return e, nil }
}

func TestReadTextGoesIntoTheTimeline(t *testing.T) {
	c := newCase(t, "您的花呗已逾期", "请立即还款")
	res, err := c.ReadText(context.Background(), nil, dossier.ReadTextOptions{OCROptions: dossier.OCROptions{Engine: engine(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Lines != 2 || res[0].Exhibit != 1 {
		t.Fatalf("results %+v, want exhibit 1 with 2 lines", res)
	}
	_, evs, err := c.Timeline()
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 || evs[0].Channel != event.Screenshot || evs[0].Text != "您的花呗已逾期\n请立即还款" {
		t.Errorf("timeline %+v, want the screenshot with its text", evs)
	}
}

func TestReadingOfOtherBytesIsIgnored(t *testing.T) {
	c := newCase(t, "x")
	items, err := c.Items()
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	for _, tc := range []struct {
		name string
		r    reading.Reading
	}{
		{"other original", reading.Reading{Item: it.ID, SHA256: strings.Repeat("0", 64)}},
		{"other item", reading.Reading{Item: "someone-else", SHA256: it.SHA256}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.Lines = []ocr.Line{{Text: "伪造的文字", Confidence: 1}}
			b, _ := json.Marshal(tc.r)
			if err := c.Folder.WriteReading(it.ID, it.Exhibit, b, time.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := reading.Load(c.Folder, &it); err == nil {
				t.Error("Load accepted a reading of other bytes")
			}
			_, evs, err := c.Timeline()
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if strings.Contains(e.Text, "伪造") {
					t.Errorf("timeline carries the text of a foreign reading: %+v", e)
				}
			}
		})
	}
}

func TestOCROffLeavesImagesUnread(t *testing.T) {
	c := newCase(t, "x")
	var off error
	res, err := c.ReadText(context.Background(), nil, dossier.ReadTextOptions{OCROptions: dossier.OCROptions{
		Engine: func() (*ocr.Engine, error) { return ocr.Open(t.TempDir()) },
		Off:    func(err error) { off = err },
	}})
	if err != nil || len(res) != 0 {
		t.Fatalf("ReadText = %v, %v; want nothing read and no error", res, err)
	}
	if off == nil || !strings.Contains(off.Error(), ocr.DetModel) {
		t.Errorf("Off told %v, want the missing model named", off)
	}
}

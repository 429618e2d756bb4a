package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// BenchmarkRender200Screenshots renders a case of 200 phone screenshots (1080×2400), half PNG and
// half JPEG, each a distinct image.
func BenchmarkRender200Screenshots(b *testing.B) {
	fx := newFixture(b)
	st := store{}
	fx.bundle.Open = st.open
	fx.bundle.Items = nil
	fx.bundle.Events = nil
	base := screenshot(1080, 2400, 0)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	var total int64
	for i := 0; i < 200; i++ {
		img := image.NewRGBA(base.Rect)
		copy(img.Pix, base.Pix)
		for x := 0; x < 200; x++ { // make every image distinct
			img.Pix[(i%2400)*img.Stride+4*(x+i%800)] = byte(i)
		}
		var data []byte
		name, mime := fmt.Sprintf("Screenshot_%03d.png", i), "image/png"
		if i%2 == 0 {
			var buf bytes.Buffer
			if err := enc.Encode(&buf, img); err != nil {
				b.Fatal(err)
			}
			data = buf.Bytes()
		} else {
			data = encodeJPEG(img)
			name, mime = fmt.Sprintf("IMG_%03d.jpg", i), "image/jpeg"
		}
		total += int64(len(data))
		fx.bundle.Items = append(fx.bundle.Items, evidence.Item{Exhibit: i + 1, ID: fmt.Sprint(i), SHA256: st.put(data), Name: name,
			MIME: mime, Kind: parse.KindScreenshot, Size: int64(len(data))})
	}
	b.SetBytes(total)
	b.ResetTimer()
	for b.Loop() {
		if err := Render(io.Discard, fx.bundle, fx.report, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLineBreak measures breaking a long Chinese paragraph with the PDF font metrics.
func BenchmarkLineBreak(b *testing.B) {
	fx := newFixture(b)
	d := newDoc(fx.bundle, fx.report, Options{}.withDefaults(fx.bundle), "", nil, nil)
	text := strings.Repeat(longParagraph, 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		d.lines(text, contentW)
	}
}

func TestTableHeaderRepeatsOnEveryPage(t *testing.T) {
	fx := newFixture(t)
	ev := fx.bundle.Events[0]
	for i := 0; i < 150; i++ {
		e := ev
		e.Text = fmt.Sprintf("第%d条催收短信：请尽快还款，否则将采取进一步措施。", i+1)
		e.Channel = event.SMS
		fx.bundle.Events = append(fx.bundle.Events, e)
	}
	sortEvents(fx.bundle.Events)
	path := writeTemp(t, render(t, fx, Options{}))
	var timelinePages int
	for p := 4; p < 30; p++ {
		text := pdftotext(t, path, p, p, false)
		if !strings.Contains(text, "时间线") {
			continue
		}
		timelinePages++
		for _, h := range []string{"序号", "渠道", "对方", "内容"} {
			if !strings.Contains(text, h) {
				t.Errorf("timeline page %d lacks the header %q", p, h)
			}
		}
	}
	if timelinePages < 3 {
		t.Errorf("timeline spans %d pages; the test needs at least 3", timelinePages)
	}
}

package pdf

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

// An image exhibit with OCR lines carries them as invisible text: pdftotext finds every
// character on the exhibit's page, and the page looks exactly as it does without them.
func TestImageTextLayer(t *testing.T) {
	fx := newFixture(t)
	plain := render(t, fx, Options{Lang: "zh"})
	it := &fx.bundle.Items[2] // the 270×600 PNG screenshot
	lines := []evidence.TextLine{
		{Text: "某某资产催收员", X0: 80, Y0: 20, X1: 190, Y1: 40},
		{Text: "今天23:10前还款12000元，否则联系家人", X0: 30, Y0: 100, X1: 240, Y1: 118},
		{Text: "昨天 22:41", X0: 100, Y0: 70, X1: 170, Y1: 84},
	}
	fx.bundle.Text = map[string][]evidence.TextLine{it.ID: lines}
	layered := render(t, fx, Options{Lang: "zh"})
	path := writeTemp(t, layered)
	text := squeeze(pdftotext(t, path, 0, 0, false))
	for _, l := range lines {
		if !strings.Contains(text, squeeze(l.Text)) {
			t.Errorf("%q not found in the extracted text", l.Text)
		}
	}
	// Same pages, same pixels.
	pages := func(pdf []byte) []byte {
		p := writeTemp(t, pdf)
		out, err := exec.Command(tool(t, "pdftoppm"), "-r", "30", "-gray", p).Output()
		if err != nil {
			t.Fatalf("pdftoppm: %v", err)
		}
		return out
	}
	if !bytes.Equal(pages(plain), pages(layered)) {
		t.Error("the text layer changed how the pages look")
	}
}

// Events read from a screenshot are marked 截图识别 with their confidence in the timeline, and a
// call row standing for several calls says how many.
func TestOCREventsMarked(t *testing.T) {
	fx := newFixture(t)
	e := fx.bundle.Events[0]
	e.TimeSource, e.Confidence, e.Repeat = event.TimeFromOCR, 0.97, 8
	fx.bundle.Events[0] = e
	text := squeeze(pdftotext(t, writeTemp(t, render(t, fx, Options{Lang: "zh"})), 0, 0, false))
	for _, want := range []string{"（截图中该行显示8次）（截图识别，置信度0.97）"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not in the packet", want)
		}
	}
}

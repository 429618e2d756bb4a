package pdf

import (
	"fmt"
	"slices"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// textLayer lays the text OCR read on an image over the image, invisible (text render mode 3,
// as OCRmyPDF does): a reader's search and pdftotext find the words where the picture shows
// them, and nothing changes on the page. Each line is set at the height of its box and
// stretched (Tz) to the box's width, so a selection covers the words it selects. Characters
// only the outline fallback fonts have are left out: outlines are drawn, not text. The text
// goes through the redactor like every other text of the packet, and in a redacted packet
// every character painted over on the image (redactimage.go) is "*".
func (d *doc) textLayer(it *evidence.Item, pw, ph int, x, y, w, h float64) {
	d.linesLayer(d.itemLines(it, pw, ph), 0, pw, ph, x, y, w, h)
}

// pageTextLayer lays what OCR read on page n (from 1) of a scanned PDF over the page drawn at
// x, y, w, h: the lines' boxes are in hundredths of a point of the page (evidence.PageUnits).
func (d *doc) pageTextLayer(it *evidence.Item, n int, pageW, pageH, x, y, w, h float64) {
	pw, ph := int(pageW*evidence.PageUnits), int(pageH*evidence.PageUnits)
	d.linesLayer(d.itemLines(it, pw, ph), n, pw, ph, x, y, w, h)
}

// itemLines are the lines OCR read on an item, masked in a redacted packet.
func (d *doc) itemLines(it *evidence.Item, pw, ph int) []evidence.TextLine {
	lines := d.b.Text[it.ID]
	if r := d.redaction(it, pw, ph); r != nil {
		lines = r.layer(lines)
	}
	return lines
}

// linesLayer lays the lines of page n (0 for an image) over a picture pw × ph units large.
func (d *doc) linesLayer(lines []evidence.TextLine, n, pw, ph int, x, y, w, h float64) {
	if !slices.ContainsFunc(lines, func(l evidence.TextLine) bool { return l.Page == n }) || pw <= 0 || ph <= 0 {
		return
	}
	f := d.f
	size, _ := f.GetFontSize()
	sx, sy := w/float64(pw), h/float64(ph)
	const ptPerMM = 72 / 25.4
	f.SetTextRenderingMode(3)
	for _, l := range lines {
		if l.Page != n {
			continue
		}
		text := d.clean(l.Text)
		bw, bh := float64(l.X1-l.X0)*sx, float64(l.Y1-l.Y0)*sy
		if text == "" || bw <= 0 || bh <= 0 {
			continue
		}
		f.SetFontSize(bh * 0.8 * ptPerMM)
		tw := d.width(text)
		if tw <= 0 {
			continue
		}
		f.RawWriteStr(fmt.Sprintf("%.2f Tz", 100*bw/tw))
		cx, base := x+float64(l.X0)*sx, y+float64(l.Y0)*sy+bh*0.82
		for _, r := range d.m.runs(text) {
			rw := d.width(r.text)
			if r.font != fontFallback {
				f.SetFont(r.font, "", bh*0.8*ptPerMM)
				f.Text(cx, base, r.text)
			}
			cx += rw * bw / tw
		}
	}
	f.RawWriteStr("100 Tz")
	f.SetTextRenderingMode(0)
	f.SetFont(fontFamily, "", size)
}

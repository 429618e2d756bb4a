package pdf

import (
	"image"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// Redacting a screenshot or a photo. Its pixels are the evidence, and a phone number in a chat
// screen is as legible as one in a text. What OCR read on the image (the reading stored beside
// each item, one box and one text a line) says where the numbers are: the lines of an image are
// searched like a page of an imported PDF (maskedChars: the redactor's rules and the case's own
// numbers in any spelling, across line breaks), and every character found is painted over in the
// image before it is written, on a box computed from the line's box by the character's position
// in the line (a CJK character counting 1.7 digits), padded by two characters on each side and a
// quarter of the line's height above and below. Where the position cannot be trusted — a line
// whose text case.yaml corrected, or a match over three quarters of the line — the whole line is painted.
// The invisible text layer over the image carries the same lines with those characters as "*".
//
// An image OCR has not read (OCR not installed, or the reading failed) cannot be searched, so a
// redacted packet does not show it: the exhibit says why and how to have it read, and the
// integrity appendix lists it. A scanned page of a PDF is treated alike (rasterize.go): the
// numbers OCR read on it are painted over on the rendered page, and a page with no characters of
// its own that OCR has not read is left out, said so in its place and listed. OCR misreads a digit now and then; a misread number is still
// masked where the redactor's rules (any mobile, ID-card or bank-card shape) cover it, and the
// case's own numbers are also looked for with the letters OCR confuses with digits (O, l, S, B
// ...) read as those digits.

// imageRedaction is what redaction does to one image exhibit.
type imageRedaction struct {
	masks []image.Rectangle // in the image's pixels
	lines []string          // the OCR lines, masked, for the text layer
}

// layer returns the OCR lines with the characters painted over as "*", for the text layer.
func (r *imageRedaction) layer(lines []evidence.TextLine) []evidence.TextLine {
	out := make([]evidence.TextLine, len(lines))
	for i, l := range lines {
		out[i] = l
		out[i].Text = r.lines[i]
	}
	return out
}

// unchecked reports whether a redacted packet must leave an image exhibit out: OCR has not read it.
func (d *doc) unchecked(it *evidence.Item) bool {
	return d.opt.Redact && !d.b.Read[it.ID]
}

// redaction returns what must be painted over on an image exhibit of w×h pixels; nil when the
// packet is not redacted.
func (d *doc) redaction(it *evidence.Item, w, h int) *imageRedaction {
	if !d.opt.Redact {
		return nil
	}
	if r, ok := d.redactions[it.ID]; ok {
		return r
	}
	r := redactImage(d.red, d.b, d.b.Text[it.ID], w, h)
	d.redactions[it.ID] = r
	return r
}

func redactImage(red *redactor, b *evidence.Bundle, lines []evidence.TextLine, w, h int) *imageRedaction {
	out := &imageRedaction{}
	var chars []string
	type pos struct{ line, char int }
	var where []pos
	for li, l := range lines {
		k := 0
		for _, r := range l.Text {
			chars, where = append(chars, string(r)), append(where, pos{li, k})
			k++
		}
		chars, where = append(chars, "\n"), append(where, pos{li, -1})
	}
	hit := make([][]bool, len(lines))
	for li, l := range lines {
		hit[li] = make([]bool, utf8.RuneCountInString(l.Text))
	}
	for _, k := range maskedChars(red, b.Case, chars) {
		if p := where[k]; p.char >= 0 {
			hit[p.line][p.char] = true
		}
	}
	for _, k := range maskedChars(nil, b.Case, ocrDigits(chars)) {
		if p := where[k]; p.char >= 0 {
			hit[p.line][p.char] = true
		}
	}
	bounds := image.Rect(0, 0, w, h)
	for li, l := range lines {
		runes := []rune(l.Text)
		masked := make([]rune, len(runes))
		copy(masked, runes)
		for k := range runes {
			if hit[li][k] {
				masked[k] = '*'
			}
		}
		out.lines = append(out.lines, string(masked))
		for _, rect := range lineMasks(l, runes, hit[li]) {
			if rect = rect.Intersect(bounds); !rect.Empty() {
				out.masks = append(out.masks, rect)
			}
		}
	}
	return out
}

// lineMasks returns the boxes to paint over on one OCR line: a box a run of masked characters.
func lineMasks(l evidence.TextLine, runes []rune, hit []bool) []image.Rectangle {
	width := func(r rune) float64 {
		if unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hangul, unicode.Hiragana, unicode.Katakana) || r >= 0xFF01 && r <= 0xFF5E || r >= 0x3000 && r <= 0x303F {
			return 1.7 // an em, where a digit or a Latin letter is about 0.6 of one
		}
		return 1
	}
	total := 0.0
	for _, r := range runes {
		total += width(r)
	}
	bw, bh := float64(l.X1-l.X0), float64(l.Y1-l.Y0)
	padY := int(bh/4) + 2
	whole := image.Rect(l.X0-int(bh/2)-2, l.Y0-padY, l.X1+int(bh/2)+3, l.Y1+padY)
	any := false
	for _, h := range hit {
		any = any || h
	}
	if !any {
		return nil
	}
	if l.Corrected || total == 0 || bw <= 0 {
		return []image.Rectangle{whole}
	}
	// A number written in groups is one box, not one a group.
	hit = append([]bool(nil), hit...)
	for k := 1; k+1 < len(runes); k++ {
		if !hit[k] && hit[k-1] && hit[k+1] && strings.ContainsRune(" -‐–—.·", runes[k]) {
			hit[k] = true
		}
	}
	unit := bw / total // pixels per narrow character
	var out []image.Rectangle
	covered, at := 0.0, 0.0
	for k := 0; k < len(runes); {
		if !hit[k] {
			at += width(runes[k])
			k++
			continue
		}
		from := at
		for k < len(runes) && hit[k] {
			at += width(runes[k])
			k++
		}
		covered += at - from
		// Two characters of margin on each side: glyph widths vary from font to font.
		x0 := float64(l.X0) + (from-2)*unit - 2
		x1 := float64(l.X0) + (at+2)*unit + 3
		out = append(out, image.Rect(int(x0), l.Y0-padY, int(x1)+1, l.Y1+padY))
	}
	if covered > 0.75*total {
		return []image.Rectangle{whole}
	}
	return out
}

// ocrDigits reads the letters OCR confuses with digits as those digits, so that a personal number
// OCR misread as "139OOOO1234" is still found.
func ocrDigits(chars []string) []string {
	out := make([]string, len(chars))
	for i, c := range chars {
		out[i] = lookalikeDigits.Replace(c)
	}
	return out
}

var lookalikeDigits = strings.NewReplacer("O", "0", "o", "0", "D", "0", "Q", "0", "〇", "0", "l", "1", "I", "1", "|", "1", "i", "1",
	"Z", "2", "z", "2", "S", "5", "s", "5", "B", "8", "b", "6", "G", "6", "g", "9", "q", "9", "T", "7")

// inMasks reports whether a point is inside one of the boxes.
func inMasks(masks []image.Rectangle, x, y int) bool {
	for _, m := range masks {
		if x >= m.Min.X && x < m.Max.X && y >= m.Min.Y && y < m.Max.Y {
			return true
		}
	}
	return false
}

package pdf

import (
	"sync"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"github.com/dossier-tool/dossier/templates"
)

// The CJK font has no Latin letters or digits and the Latin font no ideographs, so every string is
// drawn as runs, each in the font that has its characters. Widths come from the same per-character
// tables the PDF library uses, read once per document before the first page, so measuring never
// switches fonts in a page's content stream.
const (
	fontCJK   = "cjk"
	fontLatin = "latin"
)

// fontFamily is the family selected outside drawing (the library needs a current font).
const fontFamily = fontCJK

type metrics struct {
	cjk, latin []uint16 // glyph-unit widths by rune; 0 means the font has no glyph
	fb         *fallbacks
}

var (
	fontMetricsOnce sync.Once
	fontMetrics     *metrics
)

// addFonts registers both fonts with a document and returns their metrics.
func addFonts(f *fpdf.Fpdf) *metrics {
	f.AddUTF8FontFromBytes(fontCJK, "", templates.Font())
	f.AddUTF8FontFromBytes(fontLatin, "", templates.LatinFont())
	return loadMetrics()
}

func loadMetrics() *metrics {
	fontMetricsOnce.Do(func() { fontMetrics = measureFonts() })
	return fontMetrics
}

// measureFonts reads which runes each font has (from its cmap: the library reports a default
// width for missing glyphs, so it cannot tell) and their widths as the library computes them.
func measureFonts() *metrics {
	m := &metrics{cjk: make([]uint16, 0x10000), latin: make([]uint16, 0x10000), fb: newFallbacks()}
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(fontCJK, "", templates.Font())
	f.AddUTF8FontFromBytes(fontLatin, "", templates.LatinFont())
	var buf sfnt.Buffer
	for _, x := range []struct {
		family string
		data   []byte
		table  []uint16
	}{{fontCJK, templates.Font(), m.cjk}, {fontLatin, templates.LatinFont(), m.latin}} {
		font, err := sfnt.Parse(x.data)
		if err != nil {
			continue // an unreadable embedded font leaves its table empty: the other font draws all
		}
		f.SetFont(x.family, "", 10)
		for r := rune(0x20); r < 0x10000; r++ {
			if r >= 0xD800 && r < 0xE000 {
				continue
			}
			if g, err := font.GlyphIndex(&buf, r); err != nil || g == 0 {
				continue
			}
			if w := f.GetStringSymbolWidth(string(r)); w > 0 && w < 65535 {
				x.table[r] = uint16(w)
			}
		}
	}
	return m
}

// fontFor picks the font for a rune: ideographs and full-width forms from the CJK font, everything
// the Latin font has from it, and what neither has — emoji, characters beyond U+FFFF, rare
// symbols — from the fallback (fallback.go). White space and control characters neither font has
// stay with the CJK font, which draws them as blank space, as it always has.
func (m *metrics) fontFor(r rune) string {
	if r < 0x10000 {
		if r < 0x2E80 && m.latin[r] > 0 {
			return fontLatin
		}
		if m.cjk[r] > 0 {
			return fontCJK
		}
		if m.latin[r] > 0 {
			return fontLatin
		}
		if r < 0x20 || (r >= 0x7F && r < 0xA0) || unicode.IsSpace(r) || (r >= 0xD800 && r < 0xE000) {
			return fontCJK
		}
	}
	return fontFallback
}

// width is the glyph-unit width of r in the font fontFor picks.
func (m *metrics) width(r rune) int {
	switch m.fontFor(r) {
	case fontLatin:
		return int(m.latin[r])
	case fontFallback:
		return m.fallbackWidth(r)
	}
	if w := m.cjk[r]; w > 0 {
		return int(w)
	}
	return 1000
}

// run is a stretch of text drawn in one font.
type run struct {
	font string
	text string
}

func (m *metrics) runs(s string) []run {
	var out []run
	start, cur := 0, ""
	for i, r := range s {
		f := m.fontFor(r)
		if f != cur && i > start {
			out = append(out, run{cur, s[start:i]})
			start = i
		}
		cur = f
	}
	if start < len(s) {
		out = append(out, run{cur, s[start:]})
	}
	return out
}

package pdf

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/dossier-tool/dossier/templates"
)

// The PDF library reads only the Basic Multilingual Plane of a font (cmap format 4) and indexes
// its width tables by rune, so a character beyond U+FFFF — an emoji in an SMS, a name written with
// a CJK Extension B ideograph — cannot go through it at all. Such characters, and symbols neither
// main font has, are drawn here instead: each glyph as its outline, filled as a path in the text
// colour, from the fallback fonts of package templates. A character no font has is drawn as its
// code point, "U+1F9FF", in the Latin font.
//
// A path is not text, so every such stretch is also a marked-content span whose /ActualText
// carries the original characters (ISO 32000-1 §14.9.4), around an invisible glyph (text
// rendering mode 3) stretched to the width of what is drawn. Text extraction (pdftotext, copy
// and paste, search) reads the span's ActualText, so the exact code points come back out —
// variation selectors and zero-width joiners included, which are drawn as nothing.

// fontFallback marks a run drawn by drawFallback rather than by the PDF library.
const fontFallback = "fallback"

// fallbackGlyph is a glyph of a fallback font.
type fallbackGlyph struct {
	font *fallbackFont
	gid  sfnt.GlyphIndex
	adv  int // advance in thousandths of an em
}

type fallbackFont struct {
	src  *templates.FallbackFont
	once sync.Once
	font *sfnt.Font
	upem int
}

func (f *fallbackFont) load() *sfnt.Font {
	f.once.Do(func() {
		data, err := f.src.Data()
		if err != nil {
			return
		}
		font, err := sfnt.Parse(data)
		if err != nil {
			return
		}
		f.font, f.upem = font, int(font.UnitsPerEm())
	})
	return f.font
}

// fallbacks looks glyphs up in the fallback fonts, caching the answer per rune. It is shared by
// every document (the fonts are large), so it locks.
type fallbacks struct {
	symbols, han *fallbackFont
	mu           sync.Mutex
	cache        map[rune]*fallbackGlyph
}

func newFallbacks() *fallbacks {
	fb := &fallbacks{cache: map[rune]*fallbackGlyph{}}
	for _, f := range templates.FallbackFonts() {
		switch f.Name {
		case "Symbola":
			fb.symbols = &fallbackFont{src: f}
		case "HanaMinB":
			fb.han = &fallbackFont{src: f}
		}
	}
	return fb
}

// isHan reports the blocks the Han fallback covers; only those load it (it is large).
func isHan(r rune) bool {
	return (r >= 0x3400 && r <= 0x4DBF) || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0x20000 && r <= 0x3FFFF)
}

// glyph returns the fallback glyph for r, nil when no fallback font has one.
func (fb *fallbacks) glyph(r rune) *fallbackGlyph {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if g, ok := fb.cache[r]; ok {
		return g
	}
	var g *fallbackGlyph
	candidates := []*fallbackFont{fb.symbols}
	if isHan(r) {
		candidates = []*fallbackFont{fb.han}
	}
	var buf sfnt.Buffer
	for _, ff := range candidates {
		if ff == nil || ff.load() == nil {
			continue
		}
		gid, err := ff.font.GlyphIndex(&buf, r)
		if err != nil || gid == 0 {
			continue
		}
		adv, err := ff.font.GlyphAdvance(&buf, gid, fixed.I(ff.upem), 0)
		if err != nil {
			continue
		}
		g = &fallbackGlyph{font: ff, gid: gid, adv: int(adv) * 1000 / 64 / ff.upem}
		break
	}
	fb.cache[r] = g
	return g
}

// invisible reports characters that change how their neighbours look but draw nothing of their
// own: variation selectors (the emoji presentation selector U+FE0F), joiners, tags of subdivision
// flags, other format characters.
func invisible(r rune) bool {
	return unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Cf, r)
}

// placeholder is what a character no font has prints as.
func placeholder(r rune) string { return fmt.Sprintf("U+%04X", r) }

// fallbackGlyph returns the glyph drawn for r, nil when it prints as its placeholder.
func (m *metrics) fallbackGlyph(r rune) *fallbackGlyph { return m.fb.glyph(r) }

// fallbackWidth is the width of r in thousandths of an em when drawn by drawFallback.
func (m *metrics) fallbackWidth(r rune) int {
	if invisible(r) {
		return 0
	}
	if g := m.fb.glyph(r); g != nil {
		return g.adv
	}
	w := 0
	for _, c := range placeholder(r) {
		w += int(m.latin[c])
	}
	return w
}

// span is a stretch drawn and extracted as one: a visible character and the invisible ones that
// follow it.
type span struct {
	text  []rune
	glyph *fallbackGlyph // nil: the placeholder of text[0], or nothing when text[0] is invisible
	width int            // thousandths of an em
}

func (m *metrics) spans(s string) []span {
	var out []span
	for _, r := range s {
		if invisible(r) && len(out) > 0 {
			out[len(out)-1].text = append(out[len(out)-1].text, r)
			continue
		}
		out = append(out, span{text: []rune{r}, glyph: m.fb.glyph(r), width: m.fallbackWidth(r)})
	}
	return out
}

// drawFallback draws s, a run of characters fontFor gave to the fallback, at x (user units) on
// the line whose box starts at y and is h high, as the library's CellFormat places text.
func (d *doc) drawFallback(x, y, h float64, s string) {
	f := d.f
	sizePt, sizeUser := f.GetFontSize()
	k := f.GetConversionRatio()
	_, pageH := f.GetPageSize()
	baseline := y + 0.5*h + 0.3*sizeUser
	r, g, b := f.GetTextColor()
	color := fmt.Sprintf("%.3f %.3f %.3f rg", float64(r)/255, float64(g)/255, float64(b)/255)
	for _, sp := range d.m.spans(s) {
		w := float64(sp.width) * sizeUser / 1000
		f.RawWriteStr("/Span <</ActualText " + utf16Hex(sp.text) + ">> BDC")
		switch {
		case sp.glyph != nil:
			if path := glyphPath(sp.glyph, x*k, (pageH-baseline)*k, sizePt); path != "" {
				f.RawWriteStr("q " + color + "\n" + path + "f Q")
			}
			d.anchor(x, baseline, w)
		case invisible(sp.text[0]):
			d.anchor(x, baseline, 0)
		default:
			// The code point, in the Latin font; the span's ActualText still extracts the character.
			f.SetFont(fontLatin, "", sizePt)
			f.Text(x, baseline, placeholder(sp.text[0]))
		}
		f.RawWriteStr("EMC")
		x += w
	}
	f.SetFont(fontFamily, "", sizePt)
}

// anchor draws an invisible space stretched to w user units: text extraction needs a glyph inside
// a span to place its ActualText, and its width keeps the following text from looking detached.
func (d *doc) anchor(x, baseline, w float64) {
	f := d.f
	sizePt, sizeUser := f.GetFontSize()
	space := float64(d.m.latin[' ']) * sizeUser / 1000
	scale := 1.0
	if space > 0 {
		scale = max(w/space*100, 1)
	}
	f.SetFont(fontLatin, "", sizePt)
	f.RawWriteStr(fmt.Sprintf("q 3 Tr %.2f Tz", scale))
	f.Text(x, baseline, " ")
	f.RawWriteStr("Q")
}

// glyphPath is the outline of g at the origin (ox, oy) in points, size points high, as PDF path
// operators (nonzero fill, as TrueType outlines are drawn).
func glyphPath(g *fallbackGlyph, ox, oy, size float64) string {
	var buf sfnt.Buffer
	segs, err := g.font.font.LoadGlyph(&buf, g.gid, fixed.I(g.font.upem), nil)
	if err != nil || len(segs) == 0 {
		return ""
	}
	s := size / float64(g.font.upem) / 64
	pt := func(p fixed.Point26_6) (float64, float64) {
		return ox + float64(p.X)*s, oy - float64(p.Y)*s
	}
	var b strings.Builder
	var cur fixed.Point26_6
	for _, seg := range segs {
		switch seg.Op {
		case sfnt.SegmentOpMoveTo:
			x, y := pt(seg.Args[0])
			fmt.Fprintf(&b, "%.2f %.2f m\n", x, y)
			cur = seg.Args[0]
		case sfnt.SegmentOpLineTo:
			x, y := pt(seg.Args[0])
			fmt.Fprintf(&b, "%.2f %.2f l\n", x, y)
			cur = seg.Args[0]
		case sfnt.SegmentOpQuadTo:
			// A quadratic Bézier as the cubic with control points two thirds of the way.
			c, e := seg.Args[0], seg.Args[1]
			x1, y1 := pt(fixed.Point26_6{X: cur.X + (c.X-cur.X)*2/3, Y: cur.Y + (c.Y-cur.Y)*2/3})
			x2, y2 := pt(fixed.Point26_6{X: e.X + (c.X-e.X)*2/3, Y: e.Y + (c.Y-e.Y)*2/3})
			x3, y3 := pt(e)
			fmt.Fprintf(&b, "%.2f %.2f %.2f %.2f %.2f %.2f c\n", x1, y1, x2, y2, x3, y3)
			cur = e
		case sfnt.SegmentOpCubeTo:
			x1, y1 := pt(seg.Args[0])
			x2, y2 := pt(seg.Args[1])
			x3, y3 := pt(seg.Args[2])
			fmt.Fprintf(&b, "%.2f %.2f %.2f %.2f %.2f %.2f c\n", x1, y1, x2, y2, x3, y3)
			cur = seg.Args[2]
		}
	}
	return b.String()
}

// utf16Hex writes runes as a PDF text string in UTF-16BE with a byte-order mark.
func utf16Hex(rs []rune) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode(rs) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// bmpOnly replaces what the PDF library cannot write in its own text strings (bookmarks, the
// document information) — characters beyond U+FFFF — by their code points.
func bmpOnly(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r > 0xFFFF }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r > 0xFFFF {
			b.WriteString(placeholder(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

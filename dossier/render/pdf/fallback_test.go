package pdf

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
)

// Texts as they arrive in real SMS and WeChat messages: emoji with and without presentation
// selectors, a name with a CJK Extension B character, a flag, a family joined by ZWJ, a sticker
// description, a symbol from the Supplemental Arrows, and a CJK Extension G character.
var astralTexts = []string{
	"还款 😀👍",
	"𠀀明",
	"🇨🇳 中国",
	"👨‍👩‍👧 一家人",
	"[表情]❤️🙏 好的好的",
	"已还⤴️ 1000.00元✅",
	"𰀀",
}

// Characters outside the fonts' Basic Multilingual Plane once made the renderer panic (index out
// of range [65536]); now every one prints and comes back out of the text layer unchanged.
func TestAstralCharactersPrint(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			fx := newFixture(t)
			for i, s := range astralTexts {
				fx.bundle.Events = append(fx.bundle.Events, event.Event{Time: at("2025-02-16 09:00").Add(time.Duration(i) * time.Minute), Channel: event.SMS,
					Direction: event.In, Status: event.StatusReceived, Counterpart: "15900001111", CounterpartName: "催收员" + s,
					Role: "collector", Exhibit: 2, Text: s})
			}
			sortEvents(fx.bundle.Events)
			fx.bundle.Case.Narrative = strings.Join(astralTexts, "，")
			path := writeTemp(t, render(t, fx, Options{Lang: lang}))
			text := squeeze(pdftotext(t, path, 0, 0, false))
			for _, s := range astralTexts {
				if !strings.Contains(text, squeeze(s)) {
					t.Errorf("%q (%U) not found in the extracted text", s, []rune(s))
				}
			}
		})
	}
}

// A character no embedded font has prints as its code point, so that a reader sees something is
// there and what it is.
func TestMissingGlyphShowsCodePoint(t *testing.T) {
	m := loadMetrics()
	r := rune(0x30000)
	if m.fallbackGlyph(r) != nil {
		t.Skipf("%U has a glyph in a fallback font", r)
	}
	if got, want := placeholder(r), fmt.Sprintf("U+%X", r); got != want {
		t.Errorf("placeholder %q, want %q", got, want)
	}
}

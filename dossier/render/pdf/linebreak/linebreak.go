// Package linebreak splits text into lines that fit a width, rune by rune, following the Chinese
// line-breaking rules (禁则) that typeset documents are expected to obey.
//
// It exists because the PDF library's own MultiCell and SplitText drop one CJK character at every
// line break they make; the packet therefore breaks every paragraph here and draws each line on its
// own. The breaker never drops or reorders a character: the lines, joined, give back the input
// except for the spaces it removes where it breaks (and the newlines that separate paragraphs).
//
// Rules, in order of strength:
//   - a newline always ends a line;
//   - a line never exceeds the width unless a single unbreakable piece is wider than the whole line;
//   - no line starts with closing punctuation (，。、；：？！）】》” and their kin) and none ends
//     with opening punctuation (（【《“ and their kin): the character before is carried over instead;
//   - Latin words, numbers and other runs without spaces are kept whole where they fit on a line of
//     their own, and split between runes only when they do not;
//   - spaces at a break disappear.
//
// Width is whatever the caller's Measure says, so the same code serves the PDF font metrics and the
// fixed-width metrics of the golden tests. Measure is called once per piece and widths are summed,
// which is exact for fonts without kerning (the PDF library applies none).
package linebreak

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Measure returns the printed width of s.
type Measure func(s string) float64

// noStart are the characters a line must not begin with.
const noStart = "，。、；：？！）】》”’」』〕〉〗｝］％‰…—·・,.;:?!)]}%>"

// noEnd are the characters a line must not end with.
const noEnd = "（【《“‘「『〔〈〖｛［([{<"

// piece is an unbreakable unit: one CJK character, a run of spaces or a word.
type piece struct {
	text  string
	width float64
	space bool
}

// Break splits text into lines no wider than width as measured by measure. Each newline in the
// text ends a line; an empty text gives no lines.
func Break(text string, width float64, measure Measure) []string {
	if text == "" {
		return nil
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, breakParagraph(para, width, measure)...)
	}
	return lines
}

func breakParagraph(para string, width float64, measure Measure) []string {
	pieces := split(para, measure)
	if len(pieces) == 0 {
		return []string{""}
	}
	var lines []string
	for start := 0; start < len(pieces); {
		end, forced := fit(pieces, start, width, measure)
		if forced != nil { // a single piece wider than the line: split it between runes
			lines = append(lines, forced[:len(forced)-1]...)
			if rest := forced[len(forced)-1]; rest != "" {
				pieces[start] = piece{text: rest, width: measure(rest)}
			} else {
				start++
			}
			continue
		}
		lines = append(lines, join(pieces[start:end]))
		start = end
		for start < len(pieces) && pieces[start].space {
			start++
		}
	}
	return lines
}

// fit finds where the line beginning at pieces[start] ends (exclusive). When even the first piece
// does not fit, it returns that piece cut into line-sized chunks instead (the last chunk is the
// remainder, to be laid out with what follows).
func fit(pieces []piece, start int, width float64, measure Measure) (int, []string) {
	used := 0.0
	lastBreak := -1
	for i := start; i < len(pieces); i++ {
		p := pieces[i]
		if i > start && breakable(pieces, i) {
			lastBreak = i
		}
		if p.space || used+p.width <= width {
			used += p.width
			continue
		}
		switch {
		case lastBreak > start:
			return lastBreak, nil
		case i > start:
			// No break the rules allow: a rule gives way rather than the width.
			return i, nil
		default:
			return 0, chop(p.text, width, measure)
		}
	}
	return len(pieces), nil
}

// breakable reports whether a line may end before pieces[i].
func breakable(pieces []piece, i int) bool {
	prev, next := pieces[i-1], pieces[i]
	if next.space {
		return false // break after the spaces, so they are trimmed from the end of the line
	}
	first, _ := utf8.DecodeRuneInString(next.text)
	last, _ := utf8.DecodeLastRuneInString(prev.text)
	if strings.ContainsRune(noStart, first) {
		return false
	}
	if !prev.space && strings.ContainsRune(noEnd, last) {
		return false
	}
	if prev.space {
		return true
	}
	switch {
	case isDigit(last) && strings.ContainsRune(units, first):
		return false // 1000.00元, 8次, 第3期
	case strings.ContainsRune(beforeNumber, last) && isDigit(first):
		return false // 证据12, 第3期, ¥300
	case last == '证' && first == '据' && i+1 < len(pieces) && startsWithDigit(pieces[i+1]):
		return false // 证据 stays with the number after it
	case isDigit(last) && strings.ContainsRune(dashes, first):
		return false // 22:00–08:00, 1–3
	case strings.ContainsRune(dashes, last) && isDigit(first) && i >= 2 && endsInDigit(pieces[i-2]):
		return false
	}
	return true
}

// units are the characters that follow a number as its unit or counter and stay with it.
const units = "元角万亿次页期天日月年时分秒号个条项笔岁人点%％倍位件份张"

// beforeNumber are the characters a number that follows stays with: an exhibit or ordinal
// prefix, a currency sign.
const beforeNumber = "据第¥￥$#№"

// dashes join the two ends of a range.
const dashes = "–—~～-－至"

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

func startsWithDigit(p piece) bool {
	r, _ := utf8.DecodeRuneInString(p.text)
	return isDigit(r)
}

func endsInDigit(p piece) bool {
	r, _ := utf8.DecodeLastRuneInString(p.text)
	return isDigit(r)
}

// chop cuts a piece wider than the line between runes. Every chunk but the last fills a line; each
// holds at least one rune so that a line narrower than one character still makes progress.
func chop(s string, width float64, measure Measure) []string {
	var out []string
	for s != "" {
		n, w := 0, 0.0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			rw := measure(s[n : n+size])
			if n > 0 && w+rw > width {
				break
			}
			w += rw
			n += size
		}
		if n == len(s) {
			out = append(out, s)
			break
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(out) == 1 { // nothing to carry over: keep the contract that the last chunk is the rest
		out = append(out, "")
	}
	return out
}

// split cuts a paragraph into pieces and measures each once.
func split(para string, measure Measure) []piece {
	var pieces []piece
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			s := word.String()
			pieces = append(pieces, piece{text: s, width: measure(s)})
			word.Reset()
		}
	}
	for i, r := range para {
		switch {
		case r == ' ' || r == '\t':
			flush()
			if n := len(pieces); n > 0 && pieces[n-1].space {
				pieces[n-1].text += string(r)
				pieces[n-1].width = measure(pieces[n-1].text)
				continue
			}
			pieces = append(pieces, piece{text: string(r), width: measure(string(r)), space: true})
		case standsAlone(r):
			flush()
			s := para[i : i+utf8.RuneLen(r)]
			pieces = append(pieces, piece{text: s, width: measure(s)})
		default:
			word.WriteRune(r)
		}
	}
	flush()
	return pieces
}

// standsAlone reports whether a line may break on either side of r: the ideographs, kana and
// hangul of CJK text and the full-width punctuation that goes with them.
func standsAlone(r rune) bool {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
		return true
	case r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation
		r >= 0xFF00 && r <= 0xFFEF, // full-width forms
		r >= 0x2010 && r <= 0x206F: // general punctuation: dashes, curly quotes, ellipsis
		return true
	}
	return false
}

func join(ps []piece) string {
	end := len(ps)
	for end > 0 && ps[end-1].space {
		end--
	}
	var b strings.Builder
	for _, p := range ps[:end] {
		b.WriteString(p.text)
	}
	return b.String()
}

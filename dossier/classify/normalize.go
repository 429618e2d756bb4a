package classify

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// TSCharacters.txt is OpenCC's traditional-to-simplified character table (see its NOTICE). A
// character table, not OpenCC's phrase conversion, is what matching needs: it maps one character
// to one, so every matched character still points at the original text it quotes.
//
//go:embed TSCharacters.txt
var tsCharacters string

var (
	t2sOnce sync.Once
	t2s     map[rune]rune
)

func simplified(r rune) rune {
	if r < 0x3400 { // below the CJK ideographs: nothing to simplify
		return r
	}
	t2sOnce.Do(func() {
		t2s = make(map[rune]rune, 4200)
		for _, line := range strings.Split(tsCharacters, "\n") {
			from, to, ok := strings.Cut(line, "\t")
			if !ok {
				continue
			}
			to, _, _ = strings.Cut(to, " ") // several simplified forms: the first is the common one
			f, fn := utf8.DecodeRuneInString(from)
			t, tn := utf8.DecodeRuneInString(to)
			if fn == len(from) && tn == len(to) && f != utf8.RuneError && t != utf8.RuneError {
				t2s[f] = t
			}
		}
	})
	if s, ok := t2s[r]; ok {
		return s
	}
	return r
}

// maxRunes bounds how much of one message is read: a collection message is a few sentences, and a
// multi-megabyte "message" must not cost more than a long one.
const maxRunes = 4000

// text is a message prepared for matching: the characters that carry words (letters, digits,
// ideographs), folded to one form, each with its position in the original and whether a clause
// ended before it.
type text struct {
	src   []rune
	runes []rune
	at    []int  // index in src of runes[i]
	brk   []bool // a clause boundary lies between runes[i-1] and runes[i]
}

// clauseEnd are the marks that end a clause: a negation or a "*" gap does not reach across them.
// The enumeration comma 、, brackets and the ASCII full stop do not end one: "联系你家人、单位",
// "1000.00元", and "联.系.你.家.人" written to slip past a filter.
func clauseEnd(r rune) bool {
	switch r {
	case '，', '。', '！', '？', '；', '：', ',', '!', '?', ';', ':', '\n', '\r', '…':
		return true
	}
	return false
}

// fold maps one character to the form phrases are compared in: half-width, lower case,
// simplified. It returns false for what is dropped: spaces, punctuation, symbols.
func fold(r rune) (rune, bool) {
	if p := width.LookupRune(r); p.Kind() == width.EastAsianFullwidth || p.Kind() == width.EastAsianHalfwidth {
		if n := p.Narrow(); n != 0 && p.Kind() == width.EastAsianFullwidth {
			r = n
		} else if w := p.Wide(); w != 0 && p.Kind() == width.EastAsianHalfwidth {
			r = w
		}
	}
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return 0, false
	}
	return simplified(unicode.ToLower(r)), true
}

func prepare(s string) *text {
	n0 := min(len(s), maxRunes*3) / 3 // a CJK character is three bytes of UTF-8
	t := &text{src: make([]rune, 0, n0+8), runes: make([]rune, 0, n0+8), at: make([]int, 0, n0+8), brk: make([]bool, 0, n0+8)}
	n := 0
	pending := false
	for _, r := range s {
		if n >= maxRunes {
			break
		}
		n++
		t.src = append(t.src, r)
		if clauseEnd(r) {
			pending = true
			continue
		}
		f, ok := fold(r)
		if !ok {
			continue
		}
		t.runes = append(t.runes, f)
		t.at = append(t.at, len(t.src)-1)
		t.brk = append(t.brk, pending && len(t.runes) > 1)
		pending = false
	}
	return t
}

// foldPhrase folds a phrase (or one part of it between "*") the way prepare folds text.
func foldPhrase(s string) []rune {
	var out []rune
	for _, r := range s {
		if f, ok := fold(r); ok {
			out = append(out, f)
		}
	}
	return out
}

// clause returns the original text of the clause holding runes[i:j], trimmed: what a finding
// quotes.
func (t *text) clause(i, j int) string {
	start, end := t.at[i], t.at[j-1]+1
	for start > 0 && !clauseEnd(t.src[start-1]) {
		start--
	}
	for end < len(t.src) && !clauseEnd(t.src[end]) {
		end++
	}
	q := strings.TrimSpace(string(t.src[start:end]))
	if r := []rune(q); len(r) > 80 {
		q = string(r[:80]) + "…"
	}
	return q
}

// words returns the original characters of runes[i:j], what the matched phrase looked like.
func (t *text) words(i, j int) string {
	return strings.TrimSpace(string(t.src[t.at[i] : t.at[j-1]+1]))
}

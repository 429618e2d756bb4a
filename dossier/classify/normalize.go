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
	at    []int      // index in src of runes[i]
	brk   []bool     // a clause boundary lies between runes[i-1] and runes[i]
	sent  []bool     // a sentence boundary lies between runes[i-1] and runes[i]
	slots [][]uint16 // by slot id, lazily: the lengths of the slot's words matching at each position
	// negEnd[j], lazily: whether one of negFor's negators ends right before runes[j] (1) or
	// not (2).
	negFor *negation
	negEnd []int8
}

// sentenceEnd are the marks that end a sentence: reported speech ("他们说要上门") reaches to
// the end of its sentence, across commas.
func sentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '!', '?', '\n', '\r', '…':
		return true
	}
	return false
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
	r = foldWidth(r)
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return 0, false
	}
	return simplified(unicode.ToLower(r)), true
}

// foldWidth maps a full-width form to half-width and a half-width one to its usual width.
func foldWidth(r rune) rune {
	if p := width.LookupRune(r); p.Kind() == width.EastAsianFullwidth || p.Kind() == width.EastAsianHalfwidth {
		if n := p.Narrow(); n != 0 && p.Kind() == width.EastAsianFullwidth {
			r = n
		} else if w := p.Wide(); w != 0 && p.Kind() == width.EastAsianHalfwidth {
			r = w
		}
	}
	return r
}

func prepare(s string) *text {
	n0 := min(len(s), maxRunes*3) / 3 // a CJK character is three bytes of UTF-8
	t := &text{src: make([]rune, 0, n0+8), runes: make([]rune, 0, n0+8), at: make([]int, 0, n0+8), brk: make([]bool, 0, n0+8), sent: make([]bool, 0, n0+8)}
	n := 0
	pending, pendingSent := false, false
	for _, r := range s {
		if n >= maxRunes {
			break
		}
		n++
		t.src = append(t.src, r)
		if clauseEnd(r) {
			pending = true
			pendingSent = pendingSent || sentenceEnd(r)
			continue
		}
		f, ok := fold(r)
		if !ok {
			continue
		}
		t.runes = append(t.runes, f)
		t.at = append(t.at, len(t.src)-1)
		t.brk = append(t.brk, pending && len(t.runes) > 1)
		t.sent = append(t.sent, pendingSent && len(t.runes) > 1)
		pending, pendingSent = false, false
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

// maxTag is the longest sender signature (【某某资产管理有限公司】) read as one.
const maxTag = 24

// tagSpan is a sender signature: the folded span of its words and the original brackets.
type tagSpan struct {
	i, j        int // runes[i:j] are its words
	open, close int // src[open] is 【, src[close] is 】
}

// tags returns the signatures 【…】 an SMS starts or ends with. Only the full-width lenticular
// brackets sign a message; "[图片]" is a chat placeholder.
func (t *text) tags() []tagSpan {
	var out []tagSpan
	first, last := 0, len(t.src)-1
	for first <= last && unicode.IsSpace(t.src[first]) {
		first++
	}
	for last >= first && unicode.IsSpace(t.src[last]) {
		last--
	}
	if first < last && t.src[first] == '【' {
		for k := first + 1; k <= last && k <= first+maxTag; k++ {
			if t.src[k] == '】' {
				out = t.addTag(out, first, k)
				break
			}
		}
	}
	if first < last && t.src[last] == '】' {
		for k := last - 1; k >= first && k >= last-maxTag; k-- {
			if t.src[k] == '【' {
				if len(out) == 0 || out[0].open != k {
					out = t.addTag(out, k, last)
				}
				break
			}
		}
	}
	return out
}

func (t *text) addTag(out []tagSpan, open, close int) []tagSpan {
	i, j := -1, -1
	for k, a := range t.at {
		if a > open && a < close {
			if i < 0 {
				i = k
			}
			j = k + 1
		}
	}
	if i < 0 {
		return out
	}
	return append(out, tagSpan{i: i, j: j, open: open, close: close})
}

// tagWords returns a signature as the message writes it, brackets included.
func (t *text) tagWords(s tagSpan) string { return string(t.src[s.open : s.close+1]) }

// followedInClause reports whether one of ws comes after position j within its clause.
func (t *text) followedInClause(ws [][]rune, j int) bool {
	for k := j; k < len(t.runes); k++ {
		if t.brk[k] {
			return false
		}
		for _, w := range ws {
			if t.literalAt(w, k) {
				return true
			}
		}
	}
	return false
}

// sentenceBetween reports whether a sentence ends between runes[i-1] and runes[j].
func (t *text) sentenceBetween(i, j int) bool {
	for k := max(i, 1); k <= j && k < len(t.runes); k++ {
		if t.sent[k] {
			return true
		}
	}
	return false
}

// precededInClause reports whether one of ws ends at or before position i within its clause.
func (t *text) precededInClause(ws [][]rune, i int) bool {
	for k := i; k > 0; k-- {
		if endsAt(t, ws, k) > 0 {
			return true
		}
		if t.brk[k-1] && k-1 < i || t.brk[k] {
			return false
		}
	}
	return false
}

// collectorVoice reports whether the speaker is an organisation speaking as 我们, 我司 or 本公司.
func (t *text) collectorVoice() bool {
	for i := 0; i+1 < len(t.runes); i++ {
		switch {
		case t.runes[i] == '我' && (t.runes[i+1] == '们' || t.runes[i+1] == '司'),
			t.runes[i] == '本' && t.runes[i+1] == '公' && i+2 < len(t.runes) && t.runes[i+2] == '司':
			return true
		}
	}
	return false
}

// inSentence reports whether one of ws stands in the sentence holding position i.
func (t *text) inSentence(ws [][]rune, i int) bool {
	if len(ws) == 0 {
		return false
	}
	start, end := i, i+1
	for start > 0 && !t.sent[start] {
		start--
	}
	for end < len(t.runes) && !t.sent[end] {
		end++
	}
	for k := start; k < end; k++ {
		for _, w := range ws {
			if k+len(w) <= end && t.literalAt(w, k) {
				return true
			}
		}
	}
	return false
}

// holdsAny reports whether one of ws stands anywhere in the message.
func (t *text) holdsAny(ws [][]rune) bool {
	for k := range t.runes {
		for _, w := range ws {
			if t.literalAt(w, k) {
				return true
			}
		}
	}
	return false
}

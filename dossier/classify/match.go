package classify

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// maxGap is how many characters a "*" in a phrase may stand for, shortGap a "~".
const (
	maxGap   = 8
	shortGap = 2
)

// A phrase is a sequence of elements: literal words, or a word class ({kin}: any of its words),
// each either right after the one before or after a "*" gap.
type phrase struct {
	src   string
	elems []elem
}

type elem struct {
	lit  []rune
	slot *slot
	gap  int // how many characters may come before this element: a "*" or "~" gap
}

// slot is a named class of words (phrases.yaml's slots:), longest first so the quoted words are
// the longest the message has.
type slot struct {
	name    string
	id      int // index in a text's cache of slot matches
	words   [][]rune
	byFirst map[rune][][]rune
	bmp     [1 << 10]uint64 // first characters below U+10000, as in set
}

// maxSlotWord is the longest word a slot may hold: a text records the lengths of the slot's
// words that match at each position as the bits of a uint16.
const maxSlotWord = 15

func newSlot(name string, id int, words []string) (*slot, error) {
	s := &slot{name: name, id: id, byFirst: map[rune][][]rune{}}
	for _, w := range words {
		f := foldPhrase(w)
		if len(f) == 0 {
			continue
		}
		if len(f) > maxSlotWord {
			return nil, fmt.Errorf("slot %s: %q is longer than %d characters", name, w, maxSlotWord)
		}
		s.words = append(s.words, f)
	}
	slices.SortStableFunc(s.words, func(a, b []rune) int { return len(b) - len(a) })
	for _, w := range s.words {
		s.byFirst[w[0]] = append(s.byFirst[w[0]], w)
		if w[0] < 1<<16 {
			s.bmp[w[0]>>6] |= 1 << (uint(w[0]) & 63)
		}
	}
	return s, nil
}

// slotAt returns the lengths of s's words that match at position i, as bits: each slot is looked
// for once per message, however many phrases name it.
func (t *text) slotAt(s *slot, i int) uint16 {
	for len(t.slots) <= s.id {
		t.slots = append(t.slots, nil)
	}
	m := t.slots[s.id]
	if m == nil {
		m = make([]uint16, len(t.runes))
		for k, r := range t.runes {
			if r < 1<<16 && s.bmp[r>>6]&(1<<(uint(r)&63)) == 0 {
				continue
			}
			for _, w := range s.byFirst[r] {
				if t.literalAt(w, k) {
					m[k] |= 1 << len(w)
				}
			}
		}
		t.slots[s.id] = m
	}
	return m[i]
}

// set is a list of phrases indexed by first character, so a message is scanned once whatever the
// number of phrases.
type set struct {
	slots   map[string]*slot
	byFirst map[rune][]*phrase
	// bmp marks the first characters below U+10000, so most characters of a message are
	// turned away without a map lookup.
	bmp [1 << 10]uint64
}

func (s *set) mayStart(r rune) bool {
	if r < 1<<16 {
		return s.bmp[r>>6]&(1<<(uint(r)&63)) != 0
	}
	return true
}

func newSet(slots map[string]*slot, lists ...[]string) (*set, error) {
	s := &set{slots: slots, byFirst: map[rune][]*phrase{}}
	for _, l := range lists {
		for _, src := range l {
			if err := s.add(src); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// add compiles one phrase; a {name} that names no slot is an error.
func (s *set) add(src string) error {
	p := &phrase{src: src}
	for _, pt := range splitStar(src) {
		gap, part := pt.gap, pt.s
		for part != "" {
			open := strings.IndexByte(part, '{')
			lit := part
			if open >= 0 {
				lit = part[:open]
			}
			if f := foldPhrase(lit); len(f) > 0 {
				p.elems = append(p.elems, elem{lit: f, gap: gap})
				gap = 0
			}
			if open < 0 {
				break
			}
			end := strings.IndexByte(part[open:], '}')
			if end < 0 {
				return fmt.Errorf("phrase %q: { without }", src)
			}
			name := part[open+1 : open+end]
			sl, ok := s.slots[name]
			if !ok || len(sl.words) == 0 {
				return fmt.Errorf("phrase %q: no slot %q", src, name)
			}
			p.elems = append(p.elems, elem{slot: sl, gap: gap})
			gap = 0
			part = part[open+end+1:]
		}
	}
	if len(p.elems) == 0 {
		return nil
	}
	p.elems[0].gap = 0
	for _, r := range p.firstRunes() {
		s.byFirst[r] = append(s.byFirst[r], p)
		if r < 1<<16 {
			s.bmp[r>>6] |= 1 << (uint(r) & 63)
		}
	}
	return nil
}

func (p *phrase) firstRunes() []rune {
	e := p.elems[0]
	if e.slot == nil {
		return []rune{e.lit[0]}
	}
	var out []rune
	for _, w := range e.slot.words {
		if !slices.Contains(out, w[0]) {
			out = append(out, w[0])
		}
	}
	return out
}

// gapPart is the text of a phrase between gaps, and the gap before it.
type gapPart struct {
	s   string
	gap int
}

func splitStar(s string) []gapPart {
	var out []gapPart
	start, gap := 0, 0
	for i, r := range s {
		g := 0
		switch r {
		case '*', '＊':
			g = maxGap
		case '~', '～':
			g = shortGap
		default:
			continue
		}
		out = append(out, gapPart{s[start:i], gap})
		start, gap = i+len(string(r)), g
	}
	return append(out, gapPart{s[start:], gap})
}

// hit is one match: the phrase and the span of folded characters it covers.
type hit struct {
	phrase *phrase
	i, j   int
}

// literalAt reports whether part matches t.runes at i. Punctuation inside the words does not
// stop it: "联.系.你.家.人" is how a message dodges a filter.
func (t *text) literalAt(part []rune, i int) bool {
	if i+len(part) > len(t.runes) {
		return false
	}
	for k, r := range part {
		if t.runes[i+k] != r {
			return false
		}
	}
	return true
}

// matchAt tries p at position i and returns the end of the match.
func (t *text) matchAt(p *phrase, i int, neg *negation) (int, bool) {
	return t.matchFrom(p, 0, i, neg)
}

func (t *text) matchFrom(p *phrase, k, pos int, neg *negation) (int, bool) {
	if k == len(p.elems) {
		return pos, true
	}
	e := p.elems[k]
	for g := 0; g <= e.gap && pos+g < len(t.runes); g++ {
		at := pos + g
		if g > 0 && clauseBetween(t, pos, at) {
			break
		}
		if e.gap > 0 && at > 0 && t.brk[at] {
			break
		}
		// "借钱不还" is no "借…还": a negation at the end of a gap turns the rest of the phrase
		// around.
		if g > 0 && neg != nil && t.negatorEndsAt(neg, at) {
			continue
		}
		if e.slot == nil {
			if t.literalAt(e.lit, at) {
				if end, ok := t.matchFrom(p, k+1, at+len(e.lit), neg); ok {
					return end, true
				}
			}
			continue
		}
		// The longest word first, so the quoted words are the longest the message has.
		for m := t.slotAt(e.slot, at); m != 0; {
			n := bits.Len16(m) - 1
			m &^= 1 << n
			if end, ok := t.matchFrom(p, k+1, at+n, neg); ok {
				return end, true
			}
		}
	}
	return 0, false
}

// clauseBetween reports whether a clause boundary lies before any of runes[from+1:to+1].
func clauseBetween(t *text, from, to int) bool {
	for k := from + 1; k <= to && k < len(t.runes); k++ {
		if t.brk[k] {
			return true
		}
	}
	return false
}

// asciiBound reports whether the match runes[i:j] starts and ends at a word boundary in the
// original text when it starts or ends with a Latin letter: "sb" is an insult, "usb" is not.
func (t *text) asciiBound(i, j int) bool {
	latin := func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
	if latin(t.runes[i]) {
		if a := t.at[i] - 1; a >= 0 && latin(foldWidth(t.src[a])) {
			return false
		}
	}
	if latin(t.runes[j-1]) {
		if b := t.at[j-1] + 1; b < len(t.src) && latin(foldWidth(t.src[b])) {
			return false
		}
	}
	return true
}

// find returns the matches of s in t that no negation governs, the earliest first, one per
// phrase start. A match inside a negated longer one is negated too: in "也不会爆通讯录" the
// 通讯录 is part of the 爆通讯录 that 不会 governs.
func (t *text) find(s *set, neg *negation) []hit {
	var out, negated []hit
	for i, r := range t.runes {
		if !s.mayStart(r) {
			continue
		}
		for _, p := range s.byFirst[r] {
			j, ok := t.matchAt(p, i, neg)
			if !ok || !t.asciiBound(i, j) {
				continue
			}
			h := hit{phrase: p, i: i, j: j}
			if neg != nil && neg.governs(t, i) {
				negated = append(negated, h)
				continue
			}
			out = append(out, h)
		}
	}
	if len(negated) == 0 {
		return out
	}
	return slices.DeleteFunc(out, func(h hit) bool {
		return slices.ContainsFunc(negated, func(n hit) bool { return n.i <= h.i && h.j <= n.j })
	})
}

// first returns the earliest, longest match.
func first(hits []hit) (hit, bool) {
	if len(hits) == 0 {
		return hit{}, false
	}
	return slices.MinFunc(hits, func(a, b hit) int {
		if a.i != b.i {
			return a.i - b.i
		}
		return (b.j - b.i) - (a.j - a.i)
	}), true
}

// negation decides whether a match is negated: walking left from the match within its clause,
// over fillers only, it meets a negator before a condition. "我们不会联系你家人" is negated;
// "不还就联系你家人" is not (就 is a condition, and 不还 one too).
type negation struct {
	negators, fillers, conditions [][]rune
}

func foldWords(l []string) [][]rune {
	var out [][]rune
	for _, s := range l {
		if f := foldPhrase(s); len(f) > 0 {
			out = append(out, f)
		}
	}
	// Longest first, so 不会 is tried before 不.
	slices.SortStableFunc(out, func(a, b []rune) int { return len(b) - len(a) })
	return out
}

func newNegation(negators, fillers, conditions []string) *negation {
	return &negation{negators: foldWords(negators), fillers: foldWords(fillers), conditions: foldWords(conditions)}
}

// endsAt returns the length of the first word of ws that ends right before position j, within
// the clause.
func endsAt(t *text, ws [][]rune, j int) int {
	for _, w := range ws {
		i := j - len(w)
		if i < 0 {
			continue
		}
		ok := true
		for k, r := range w {
			if t.runes[i+k] != r || (k > 0 && t.brk[i+k]) {
				ok = false
				break
			}
		}
		if ok {
			return len(w)
		}
	}
	return 0
}

func (n *negation) governs(t *text, i int) bool {
	j := i
	for steps := 0; steps < 8 && j > 0 && !t.brk[j]; steps++ {
		if endsAt(t, n.conditions, j) > 0 {
			return false
		}
		if endsAt(t, n.negators, j) > 0 {
			return true
		}
		k := endsAt(t, n.fillers, j)
		if k == 0 {
			return false
		}
		j -= k
	}
	return false
}

// negatorEndsAt reports whether one of neg's negators ends right before position j, each
// position looked at once per message.
func (t *text) negatorEndsAt(neg *negation, j int) bool {
	if t.negFor != neg {
		t.negFor = neg
		t.negEnd = make([]int8, len(t.runes)+1)
	}
	if t.negEnd[j] == 0 {
		t.negEnd[j] = 2
		if endsAt(t, neg.negators, j) > 0 {
			t.negEnd[j] = 1
		}
	}
	return t.negEnd[j] == 1
}

package classify

import (
	"slices"
)

// maxGap is how many characters a "*" in a phrase may stand for.
const maxGap = 8

// phrase is one compiled phrase: its folded parts (split at "*") and where it came from.
type phrase struct {
	src   string
	parts [][]rune
}

// set is a list of phrases indexed by first character, so a message is scanned once whatever the
// number of phrases.
type set struct {
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

func newSet(lists ...[]string) *set {
	s := &set{byFirst: map[rune][]*phrase{}}
	for _, l := range lists {
		for _, src := range l {
			s.add(src)
		}
	}
	return s
}

func (s *set) add(src string) {
	p := &phrase{src: src}
	for _, part := range splitStar(src) {
		if f := foldPhrase(part); len(f) > 0 {
			p.parts = append(p.parts, f)
		}
	}
	if len(p.parts) == 0 {
		return
	}
	first := p.parts[0][0]
	s.byFirst[first] = append(s.byFirst[first], p)
	if first < 1<<16 {
		s.bmp[first>>6] |= 1 << (uint(first) & 63)
	}
}

func splitStar(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r == '*' || r == '＊' {
			out = append(out, s[start:i])
			start = i + len(string(r))
		}
	}
	return append(out, s[start:])
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
func (t *text) matchAt(p *phrase, i int) (int, bool) {
	if !t.literalAt(p.parts[0], i) {
		return 0, false
	}
	end := i + len(p.parts[0])
	for _, part := range p.parts[1:] {
		found := false
		for g := 0; g <= maxGap && end+g+len(part) <= len(t.runes); g++ {
			if clauseBetween(t, end, end+g) {
				break
			}
			if t.literalAt(part, end+g) {
				end = end + g + len(part)
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return end, true
}

// clauseBetween reports whether a clause boundary lies before any of runes[from:to+1].
func clauseBetween(t *text, from, to int) bool {
	for k := from; k <= to && k < len(t.runes); k++ {
		if t.brk[k] {
			return true
		}
	}
	return false
}

// find returns the matches of s in t that no negation governs, the earliest first, one per
// phrase start.
func (t *text) find(s *set, neg *negation) []hit {
	var out []hit
	for i, r := range t.runes {
		if !s.mayStart(r) {
			continue
		}
		for _, p := range s.byFirst[r] {
			j, ok := t.matchAt(p, i)
			if !ok {
				continue
			}
			if neg != nil && neg.governs(t, i) {
				continue
			}
			out = append(out, hit{phrase: p, i: i, j: j})
		}
	}
	return out
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

func newNegation(negators, fillers, conditions []string) *negation {
	fold := func(l []string) [][]rune {
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
	return &negation{negators: fold(negators), fillers: fold(fillers), conditions: fold(conditions)}
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

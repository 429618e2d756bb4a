package pdf

import (
	"regexp"
	"strings"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/phone"
)

// redactor masks personal numbers in printed text: ID-card numbers, bank-card numbers and every
// mobile number except the collection side's, which the complaint is about and must stay legible.
// It works on maximal runs of ASCII digits (an ID card's final X included) so that a number inside
// a longer one, or glued to letters as in a hex digest, is never mistaken for a phone number.
type redactor struct {
	keep map[string]bool // normalised numbers that stay readable
}

func newRedactor(c *caseconf.Case) *redactor {
	r := &redactor{keep: map[string]bool{}}
	if c == nil {
		return r
	}
	for _, ct := range c.Contacts {
		if ct.Number != "" && caseconf.CollectionSide(ct.Role) {
			r.keep[phone.Normalize(ct.Number)] = true
		}
	}
	if c.Respondent.Phone != "" {
		r.keep[phone.Normalize(c.Respondent.Phone)] = true
	}
	return r
}

// spacedMobile is a mobile number written in groups: 139 0000 1234, 139-0000-1234.
var spacedMobile = regexp.MustCompile(`(^|[^0-9A-Za-z])(1[3-9][0-9])([ -])([0-9]{4})([ -])([0-9]{4})($|[^0-9A-Za-z])`)

// spacedCard is a bank-card number written in groups of four: 6222 0212 3456 7890 123.
var spacedCard = regexp.MustCompile(`(^|[^0-9A-Za-z])([0-9]{4}(?:[ -][0-9]{4}){2,3}[ -][0-9]{1,4})($|[^0-9A-Za-z])`)

// maskCard keeps the first and last four digits of a grouped card number and its separators.
func maskCard(m string) string {
	g := spacedCard.FindStringSubmatch(m)
	digits := 0
	for i := 0; i < len(g[2]); i++ {
		if isDigit(g[2][i]) {
			digits++
		}
	}
	if digits < 16 || digits > 19 {
		return m
	}
	out := []byte(g[2])
	seen := 0
	for i := range out {
		if isDigit(out[i]) {
			seen++
			if seen > 4 && seen <= digits-4 {
				out[i] = '*'
			}
		}
	}
	return g[1] + string(out) + g[3]
}

// apply returns s with every personal number masked. A nil redactor leaves s alone.
func (r *redactor) apply(s string) string {
	if r == nil || !strings.ContainsAny(s, "0123456789") {
		return s
	}
	mask := func(m string) string {
		g := spacedMobile.FindStringSubmatch(m)
		if r.keep[g[2]+g[4]+g[6]] {
			return m
		}
		return g[1] + g[2] + g[3] + "****" + g[5] + g[6] + g[7]
	}
	// Twice: a match consumes the separator after it, which the next number needs as its boundary.
	s = spacedMobile.ReplaceAllStringFunc(spacedMobile.ReplaceAllStringFunc(s, mask), mask)
	s = spacedCard.ReplaceAllStringFunc(s, maskCard)
	var b strings.Builder
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || (i > 0 && isAlnum(s[i-1])) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j < len(s) && (s[j] == 'X' || s[j] == 'x') && j-i == 17 {
			j++
		}
		run := s[i:j]
		if j < len(s) && isAlnum(s[j]) {
			// Part of a longer token (a hex digest, an order id with letters): not a number of a person.
			for j < len(s) && isAlnum(s[j]) {
				j++
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		b.WriteString(r.mask(run))
		i = j
	}
	return b.String()
}

// mask masks one run of digits.
func (r *redactor) mask(run string) string {
	n := len(run)
	switch {
	case n == 11 && run[0] == '1' && run[1] >= '3' && run[1] <= '9':
		if r.keep[phone.Normalize(run)] {
			return run
		}
		return run[:3] + "****" + run[7:]
	case n == 13 && strings.HasPrefix(run, "86") && run[2] == '1': // +86 written without the plus
		if r.keep[phone.Normalize(run[2:])] {
			return run
		}
		return run[:5] + "****" + run[9:]
	case n >= 16 && n <= 19: // ID-card (18, maybe ending in X) and bank-card numbers
		return run[:4] + strings.Repeat("*", n-8) + run[n-4:]
	}
	return run
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// maskedChars returns the indexes of the characters of a page (in reading order, as PDFium
// gives them) that must not be legible.
func maskedChars(red *redactor, c *caseconf.Case, chars []string) []int {
	var s strings.Builder
	owner := []int{} // byte of s → character
	for k, ch := range chars {
		s.WriteString(ch)
		for range len(ch) {
			owner = append(owner, k)
		}
	}
	text := s.String()
	hit := map[int]bool{}
	if masked := red.apply(text); len(masked) == len(text) {
		for b := range len(text) {
			if masked[b] != text[b] {
				hit[owner[b]] = true
			}
		}
	} else {
		// The masking changed the length: cannot happen with the rules as written; mask every digit.
		for b := range len(text) {
			if isDigit(text[b]) {
				hit[owner[b]] = true
			}
		}
	}
	// The case's own numbers, in any spelling: the page's digits in order, separators ignored.
	var digits []byte
	var at []int
	for k, ch := range chars {
		for _, r := range ch {
			switch {
			case r >= '0' && r <= '9':
				digits, at = append(digits, byte(r)), append(at, k)
			case r >= '０' && r <= '９':
				digits, at = append(digits, byte('0'+r-'０')), append(at, k)
			case r == 'X' || r == 'x' || r == 'Ｘ':
				digits, at = append(digits, 'X'), append(at, k)
			}
		}
	}
	for _, v := range personalNumbers(c) {
		for from := 0; ; {
			j := strings.Index(string(digits[from:]), v)
			if j < 0 {
				break
			}
			for q := from + j; q < from+j+len(v); q++ {
				hit[at[q]] = true
			}
			from += j + 1
		}
	}
	out := make([]int, 0, len(hit))
	for k := range chars {
		if hit[k] {
			out = append(out, k)
		}
	}
	return out
}

// personalNumbers are the numbers of case.yaml a redacted packet must not show: the complainant's
// ID-card number and phone, and the numbers of family members and the complainant's own, as
// digits (an ID card's check character as X).
func personalNumbers(c *caseconf.Case) []string {
	if c == nil {
		return nil
	}
	norm := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			if r >= '0' && r <= '9' || r == 'X' {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	var out []string
	add := func(s string) {
		if v := norm(s); len(v) >= 7 {
			out = append(out, v)
		}
	}
	add(c.Complainant.IDNumber)
	add(phone.Normalize(c.Complainant.Phone))
	for _, ct := range c.Contacts {
		if ct.Number != "" && (ct.Role == "family" || ct.Role == "self") {
			add(phone.Normalize(ct.Number))
		}
	}
	return out
}

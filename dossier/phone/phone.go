// Package phone normalises telephone numbers so that the same line written by different apps
// ("+86 159-0000-1111", "0086 15900001111", "159 0000 1111") compares equal.
package phone

import "strings"

// Normalize drops spaces, dashes, dots and brackets and the +86 / 0086 country prefixes. A number
// the phone marked as withheld (empty, "-1", "-2", "null", "private", "unknown") becomes "".
func Normalize(s string) string {
	s = strings.TrimSpace(s)
	if withheldOr(strings.ToLower(s)) == "" {
		return ""
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '+', r == '*', r == '#':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		case r == '＋':
			b.WriteRune('+')
		case r == ' ', r == '-', r == '.', r == '(', r == ')', r == '\t', r == '\u00a0', r == '（', r == '）', r == '－':
		default:
			// Not a phone number (a name, an e-mail, "Unknown"): keep it readable, trimmed.
			return withheldOr(strings.ToLower(s))
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "+86"):
		n = n[3:]
	case strings.HasPrefix(n, "0086"):
		n = n[4:]
	case strings.HasPrefix(n, "86") && len(n) == 13 && n[2] == '1':
		n = n[2:]
	}
	return withheldOr(n)
}

func withheldOr(n string) string {
	switch n {
	case "", "-1", "-2", "-3", "null", "private", "unknown", "(unknown)", "anonymous", "restricted", "withheld", "未知号码", "未知", "私人号码":
		return ""
	}
	return n
}

// Withheld reports whether a raw number from a phone export denotes a hidden caller.
func Withheld(raw string) bool { return Normalize(raw) == "" }

package ocr

import (
	"strings"
	"unicode"
)

// normalize folds what the recogniser writes in full width where the screen shows ASCII: the
// dictionary has both forms of digits and letters and of the colon, and which one wins varies
// from line to line. Digits and Latin letters become ASCII; a full-width colon between two
// digits (23：10) becomes ':'. Chinese punctuation elsewhere is left as read.
func normalize(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E }) {
		return s
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			rs[i] = r - 0xFEE0
		}
	}
	for i, r := range rs {
		if r == '：' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]) {
			rs[i] = ':'
		}
	}
	return string(rs)
}

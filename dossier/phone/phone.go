// Package phone normalises telephone numbers so that the same line written by different apps
// ("+86 159-0000-1111", "0086 15900001111", "159 0000 1111"; "+86 10 8888 6666" and
// "010-8888-6666"; "+852 9123 4567" and "00852 9123 4567") compares equal.
//
// A number is read with libphonenumber's rules for a phone in mainland China (region CN): the
// 00 international prefix, the 0 trunk prefix of area codes, which digit runs make a valid
// number of which country. A valid number's identity is its E.164 form. What Normalize returns
// is that identity written the way Chinese apps and case.yaml write it, so that it reads as the
// user knows the number: a mainland number in its national form without separators
// (15900001111, 01088886666, 4001234567), any other country's number in E.164 (+85291234567).
// Numbers that are not valid subscriber numbers — service numbers (95188, 10086), SMS gateway
// numbers (1069…), codes with * or # — are kept as their digits, with the +86 / 0086 prefix
// dropped, as phones show them.
package phone

import (
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// region is the country whose dialling rules apply to numbers written without a country code.
const region = "CN"

// maxDigits bounds what is handed to libphonenumber: no E.164 number is longer than 15 digits,
// and an untrusted cell of digits must not cost more than a short one.
const maxDigits = 20

// Normalize returns the canonical form of a phone number described in the package doc. A number
// the phone marked as withheld (empty, "-1", "-2", "null", "private", "unknown") becomes "". A
// string that is not a number at all (a name, an e-mail address) is returned trimmed.
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
	if c, ok := canonical(n); ok {
		return c
	}
	switch {
	case strings.HasPrefix(n, "+86"):
		n = n[3:]
	case strings.HasPrefix(n, "0086"):
		n = n[4:]
	case strings.HasPrefix(n, "86") && len(n) == 13 && n[2] == '1':
		n = n[2:]
	}
	for strings.HasPrefix(n, "0086") || strings.HasPrefix(n, "+86") {
		n = strings.TrimPrefix(strings.TrimPrefix(n, "+86"), "0086")
	}
	if c, ok := canonical(n); ok {
		return c
	}
	return withheldOr(n)
}

// canonical reads n (digits with an optional leading +) as a valid subscriber number and returns
// its written form, or false when it is none.
func canonical(n string) (string, bool) {
	digits := strings.TrimPrefix(n, "+")
	if digits == "" || len(digits) > maxDigits || strings.ContainsAny(digits, "+*#") {
		return "", false
	}
	// The common case needs no library: a mainland mobile number, bare or behind +86 / 0086.
	if m, ok := mainlandMobile(n); ok {
		return m, true
	}
	// Without a + only an area code's 0 or a 400/800 line makes a number for the library; other
	// digits are service or gateway numbers, which it would read as local landlines or as a
	// country code.
	if n[0] != '+' && n[0] != '0' && !(len(n) == 10 && (n[:3] == "400" || n[:3] == "800")) {
		return "", false
	}
	return library(n)
}

// parsed remembers the library's answers: matching a timeline against case.yaml normalises the
// same few landline numbers once per event, and the library takes microseconds per number.
var parsed struct {
	sync.Mutex
	m map[string]libraryAnswer
}

type libraryAnswer struct {
	s  string
	ok bool
}

const maxRemembered = 4096

func library(n string) (string, bool) {
	parsed.Lock()
	a, hit := parsed.m[n]
	parsed.Unlock()
	if hit {
		return a.s, a.ok
	}
	a.s, a.ok = libraryRead(n)
	parsed.Lock()
	if parsed.m == nil || len(parsed.m) >= maxRemembered {
		parsed.m = make(map[string]libraryAnswer)
	}
	parsed.m[n] = a
	parsed.Unlock()
	return a.s, a.ok
}

func libraryRead(n string) (string, bool) {
	num, err := phonenumbers.Parse(n, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	if num.GetCountryCode() != 86 {
		return phonenumbers.Format(num, phonenumbers.E164), true
	}
	national := phonenumbers.Format(num, phonenumbers.NATIONAL)
	var b strings.Builder
	for _, r := range national {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

// mainlandMobile recognises 1xxxxxxxxxx, +861xxxxxxxxxx and 00861xxxxxxxxxx.
func mainlandMobile(n string) (string, bool) {
	switch {
	case strings.HasPrefix(n, "+86"):
		n = n[3:]
	case strings.HasPrefix(n, "0086"):
		n = n[4:]
	}
	if len(n) == 11 && n[0] == '1' && n[1] >= '3' && n[1] <= '9' && allDigits(n) {
		return n, true
	}
	return "", false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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

// Package money holds amounts of yuan as an exact count of fen (1/100 yuan).
//
// Bills, agreements and case.yaml write amounts as decimal strings ("1000.00", "¥300.00",
// "1,234.5"); they are parsed into integers and never pass through a float, so sums and comparisons
// are exact.
package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Amount is a signed number of fen.
type Amount int64

// ErrSyntax is returned for text that is not a decimal amount.
var ErrSyntax = errors.New("not a decimal amount")

// Parse reads a decimal amount. It accepts an optional sign, a currency sign (¥ ￥ RMB CNY 元),
// thousands separators and surrounding spaces; at most two decimals.
func Parse(s string) (Amount, error) {
	orig := s
	s = strings.TrimSpace(s)
	for _, cut := range []string{"¥", "￥", "RMB", "CNY", "元"} {
		s = strings.ReplaceAll(s, cut, "")
	}
	s = strings.ReplaceAll(s, ",", "")
	s = strings.ReplaceAll(s, "，", "")
	s = strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	s = strings.TrimSpace(s)
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) || len(frac) > 2 || (hasDot && frac == "" && whole == "") {
		return 0, fmt.Errorf("%q: %w", orig, ErrSyntax)
	}
	if whole == "" {
		whole = "0"
	}
	if len(whole) > 15 {
		return 0, fmt.Errorf("%q: too large: %w", orig, ErrSyntax)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", orig, ErrSyntax)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	a := Amount(y*100 + f)
	if neg {
		a = -a
	}
	return a, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MustParse is Parse for constants in code and tests.
func MustParse(s string) Amount {
	a, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

// Fen returns the amount as an integer count of fen.
func (a Amount) Fen() int64 { return int64(a) }

// String formats the amount with two decimals and no currency sign: "1000.00", "-0.50".
func (a Amount) String() string {
	sign := ""
	v := int64(a)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// MarshalJSON writes the amount as a decimal string, so no reader turns it into a float.
func (a Amount) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// UnmarshalJSON accepts a decimal string or a JSON number.
func (a *Amount) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// MarshalText and UnmarshalText let YAML and other text encodings use the decimal form.
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

func (a *Amount) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

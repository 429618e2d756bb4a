package classify

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A due date the message states: "还款日为4月10日", "最后还款日2025-04-10", "将于3月15日到期".
var (
	dateRE = regexp.MustCompile(`(?:(\d{4})\s*[年\-/.]\s*)?(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*[日号]?`)
	// dueBefore are words in the few characters before a date that make it the due date, dueAfter
	// the words right after it.
	dueBefore = []string{"还款日", "到期日", "到期", "截止", "最后还款", "扣款日"}
	dueAfter  = []string{"到期", "扣款", "前还款", "前还", "之前还", "前存", "自动还款"}
)

// dueDate finds a due date in s and returns it (the day, in loc) with the words that state it.
// A date without a year is the one nearest to when, the time the message came.
func dueDate(s string, when time.Time, loc *time.Location) (day time.Time, words string, ok bool) {
	src := []rune(s)
	if len(src) > maxRunes {
		src = src[:maxRunes]
	}
	folded := make([]rune, len(src))
	for i, r := range src {
		folded[i] = foldWidth(r)
	}
	f := string(folded)
	for _, m := range dateRE.FindAllStringSubmatchIndex(f, -1) {
		start, end := utf8.RuneCountInString(f[:m[0]]), utf8.RuneCountInString(f[:m[1]])
		before := string(folded[max(0, start-8):start])
		after := string(folded[end:min(len(folded), end+4)])
		if !containsAny(before, dueBefore) && !hasPrefixAny(after, dueAfter) {
			continue
		}
		month, _ := strconv.Atoi(f[m[4]:m[5]])
		dom, _ := strconv.Atoi(f[m[6]:m[7]])
		if month < 1 || month > 12 || dom < 1 || dom > 31 {
			continue
		}
		at := when.In(loc)
		year := at.Year()
		if m[2] >= 0 {
			year, _ = strconv.Atoi(f[m[2]:m[3]])
		}
		d := time.Date(year, time.Month(month), dom, 0, 0, 0, 0, loc)
		if d.Day() != dom {
			continue // 2月30日
		}
		if m[2] < 0 {
			switch {
			case d.Sub(at) > 183*24*time.Hour:
				d = d.AddDate(-1, 0, 0)
			case at.Sub(d) > 183*24*time.Hour:
				d = d.AddDate(1, 0, 0)
			}
		}
		return d, strings.TrimSpace(string(src[start:end])), true
	}
	return time.Time{}, "", false
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func hasPrefixAny(s string, words []string) bool {
	s = strings.TrimSpace(s)
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// beforeDue reports whether the message, sent at when, states a due date that has not passed:
// a reminder before the due date, which is a notice, not pressure.
func beforeDue(s string, when time.Time, loc *time.Location) (words string, ok bool) {
	if when.IsZero() {
		return "", false
	}
	day, words, ok := dueDate(s, when, loc)
	if !ok {
		return "", false
	}
	at := when.In(loc)
	today := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
	return words, !day.Before(today)
}

package caseconf

import (
	"errors"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/money"
)

// lines builds a case.yaml whose line n (1-based) is the n-th argument.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func TestErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string // the whole message, from the start
	}{
		{"key indented one space short",
			lines("title: t", "complainant:", "  name: 张三", " phone: \"139\"", "language: zh"),
			`case.yaml: line 4: did not find expected key (the line reads " phone: \"139\"")`},
		{"unclosed flow mapping",
			lines("title: t", "language: zh", "complainant: {name: 张三, phone: \"1\"", "respondent: {name: b}"),
			`case.yaml: line 3: did not find expected ',' or '}'`},
		{"tab in the indentation",
			lines("title: t", "rules:", "  quiet_start: \"22:00\"", "\tquiet_end: \"08:00\""),
			`case.yaml: line 4: found character that cannot start any token (the line reads "\tquiet_end: \"08:00\""); indent with spaces, not tabs`},
		{"tab after a plain scalar",
			lines("a_key: 1", "title: 2", "\tlanguage: zh"),
			`case.yaml: line 3: found a tab character that violates indentation (the line reads "\tlanguage: zh"); indent with spaces, not tabs`},
		{"a list item where a key belongs",
			lines("title: t", "language: zh", "timezone: Asia/Shanghai", "- oops"),
			`case.yaml: line 4: did not find expected key`},
		{"scanner error keeps its line",
			lines("title: t", "language: zh", "narrative: @x"),
			`case.yaml: line 3: found character that cannot start any token`},
		{"unknown key at the top, with the closest valid key",
			lines("title: t", "asof: 2025-04-15"),
			`case.yaml: line 2: unknown key "asof" at the top level (did you mean as_of?)`},
		{"unknown nested key",
			lines("title: t", "rules:", "  quiet_starts: \"22:00\""),
			`case.yaml: line 3: unknown key "quiet_starts" under rules (did you mean quiet_start?)`},
		{"unknown key in a list item",
			lines("contacts:", "  - {number: \"95188\", nmae: 客服, role: creditor}"),
			`case.yaml: line 2: unknown key "nmae" under contacts[0] (did you mean name?)`},
		{"unknown key nothing like a valid one",
			lines("title: t", "colour: blue"),
			`case.yaml: line 2: unknown key "colour" at the top level (known keys: agreement, as_of,`},
		{"amount with three decimals",
			lines("title: t", "payments:", "  - {date: 2025-02-10, amount: \"1000.001\"}"),
			`case.yaml: line 3: payments[0].amount: amount "1000.001": an amount has at most two decimal places (fen)`},
		{"amount that is not a number",
			lines("agreement:", "  date: 2025-01-29", "  installments: {count: 12, amount: 一千, first_due: 2025-02-10}"),
			`case.yaml: line 3: agreement.installments.amount: amount "一千": write it as a decimal such as "1000.00"`},
		{"month 13",
			lines("title: t", "as_of: 2025-13-29"),
			`case.yaml: line 2: as_of: date "2025-13-29": there is no day 2025-13-29`},
		{"February 30th",
			lines("agreement:", "  date: 2025-02-30", "  installments: []"),
			`case.yaml: line 2: agreement.date: date "2025-02-30": there is no day 2025-02-30`},
		{"not a date",
			lines("as_of: next week"),
			`case.yaml: line 1: as_of: date "next week": write it as YYYY-MM-DD`},
		{"a mapping where a list item's fields belong",
			lines("complainant: 张三"),
			`case.yaml: line 1: complainant: expected a mapping of keys (key: value), found "张三"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.yaml))
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("not ErrInvalid: %v", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n  %s\nwant it to start\n  %s", err, tt.want)
			}
			if strings.Count(err.Error(), "case.yaml") > 1 {
				t.Errorf("prefix doubled: %s", err)
			}
		})
	}
}

// The common ways people write amounts and dates are read exactly and echoed; the documented
// forms are read silently.
func TestOtherFormsAreReadAndEchoed(t *testing.T) {
	tests := []struct {
		name, value string
		want        money.Amount
		note        string
	}{
		{"documented decimal string", `"1000.00"`, 100000, ""},
		{"YAML number", `1000`, 100000, `payments[0].amount "1000" read as 1000.00`},
		{"thousands separator", `"1,000.00"`, 100000, `"1,000.00" read as 1000.00`},
		{"yuan sign after", `1000元`, 100000, `"1000元" read as 1000.00`},
		{"yen sign before", `¥1000`, 100000, `"¥1000" read as 1000.00`},
		{"one decimal", `1000.5`, 100050, `"1000.5" read as 1000.50`},
		{"fen exact, not a float", `"0.29"`, 29, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(lines("title: t", "payments:", "  - {date: 2025-02-10, amount: "+tt.value+"}")))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Payments[0].Amount; got != tt.want {
				t.Errorf("amount %v, want %v", got, tt.want)
			}
			notes := strings.Join(c.Notes, "\n")
			if tt.note == "" && notes != "" {
				t.Errorf("unexpected note %q", notes)
			}
			if tt.note != "" && !strings.Contains(notes, "case.yaml line 3: ") || !strings.Contains(notes, tt.note) {
				t.Errorf("notes %q, want %q on line 3", notes, tt.note)
			}
		})
	}
	dates := []struct {
		name, value string
		want        Date
		note        string
	}{
		{"documented", "2025-01-29", Date{2025, 1, 29}, ""},
		{"slashes", "2025/01/29", Date{2025, 1, 29}, `as_of "2025/01/29" read as 2025-01-29`},
		{"no leading zeros", "2025-2-10", Date{2025, 2, 10}, `as_of "2025-2-10" read as 2025-02-10`},
		{"Chinese", "2025年4月15日", Date{2025, 4, 15}, `as_of "2025年4月15日" read as 2025-04-15`},
	}
	for _, tt := range dates {
		t.Run("date "+tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(lines("title: t", "as_of: "+tt.value)))
			if err != nil {
				t.Fatal(err)
			}
			if c.AsOf != tt.want {
				t.Errorf("as_of %v, want %v", c.AsOf, tt.want)
			}
			notes := strings.Join(c.Notes, "\n")
			if tt.note == "" && notes != "" || tt.note != "" && !strings.Contains(notes, "case.yaml line 2: "+tt.note) {
				t.Errorf("notes %q, want %q", notes, tt.note)
			}
		})
	}
}

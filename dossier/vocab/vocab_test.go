package vocab

import (
	"strings"
	"testing"
)

func TestEveryTermInBothLanguages(t *testing.T) {
	for k, v := range terms {
		if !strings.Contains(k, ".") {
			t.Errorf("key %q has no namespace", k)
		}
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			t.Errorf("%s: a language is missing: %q", k, v)
		}
	}
}

// Two codes of one namespace must not share a word, or a filter on the word would merge them.
func TestNoTwoCodesOneWord(t *testing.T) {
	for _, ns := range []string{"rule.", "installment.", "channel.", "status.", "role.", "category.", "timesource.", "custody.", "kind.", "sheet."} {
		for _, lang := range []string{ZH, EN} {
			seen := map[string]string{}
			for _, k := range Keys(ns) {
				w := Term(lang, k)
				if lang == EN && (ns == "custody." || ns == "timesource.") {
					w = strings.ToLower(w)
				}
				if prev, ok := seen[w]; ok {
					t.Errorf("%s: %s and %s both read %q", lang, prev, k, w)
				}
				seen[w] = k
			}
		}
	}
}

func TestLookups(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"party zh", Term("zh", Complainant), "投诉人"},
		{"party default language", Term("", Complainant), "投诉人"},
		{"party en", Term("en", Complainant), "Complainant"},
		{"rule", Rule("zh", "unanswered-attempts"), "单日未接来电超限"},
		{"installment", Installment("zh", "paid-on-time"), "按期还清"},
		{"unknown code shows the code", Status("zh", "new-status"), "new-status"},
		{"unknown key without namespace", Term("zh", "plain"), "plain"},
		{"call direction", Direction("zh", "in", true), "呼入"},
		{"message direction", Direction("zh", "in", false), "收到"},
		{"no direction", Direction("zh", "", false), ""},
		{"empty role", Role("zh", ""), ""},
		{"channel typed", Channel("en", "sms"), "SMS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestLocator(t *testing.T) {
	tests := []struct{ name, lang, in, want string }{
		{"line", "zh", "line 44", "第44行"},
		{"row", "zh", "row 17", "第17行"},
		{"mime part", "zh", "part 2.1", "第2.1部分"},
		{"fixed word", "zh", "body", "正文"},
		{"english unchanged", "en", "line 44", "line 44"},
		{"unknown shown as written", "zh", "call[0]", "call[0]"},
		{"not a number pattern", "zh", "line 4 of 5", "line 4 of 5"},
		{"empty", "zh", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Locator(tt.lang, tt.in); got != tt.want {
				t.Errorf("Locator(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
			}
		})
	}
}

func TestClassReason(t *testing.T) {
	for _, tc := range []struct{ lang, in, want string }{
		{"zh", "已还款", "已还款"},
		{"zh", "outgoing", "本人发出"},
		{"zh", "role collector", "发送方：催收方"},
		{"zh", "role none", "发送方未登记角色"},
		{"zh", "no text; role collector", "无文字；发送方：催收方"},
		{"zh", "user: 实为通知", "用户标注；实为通知"},
		{"en", "role creditor", "from: creditor"},
	} {
		if got := ClassReason(tc.lang, tc.in); got != tc.want {
			t.Errorf("ClassReason(%s, %q) = %q, want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}

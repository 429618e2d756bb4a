package vocab

import (
	"fmt"
	"strings"
	"testing"
)

// Every summary code reads in both languages, takes the same arguments in both (its singular
// too), and reads as Chinese in Chinese.
func TestEverySummaryCodeWorded(t *testing.T) {
	keys := Keys("summary.")
	if len(keys) < 30 {
		t.Fatalf("only %d summary codes", len(keys))
	}
	for _, k := range keys {
		code := strings.TrimPrefix(k, "summary.")
		base, one := strings.CutSuffix(code, ".one")
		if one && !Has("summary."+base) {
			t.Errorf("%s: a singular without its plural", code)
		}
		n := -1
		for i := 0; i <= 6 && n < 0; i++ {
			blank := make([]any, i)
			for j := range blank {
				blank[j] = ""
			}
			if !strings.Contains(fmt.Sprintf(terms[k][1], blank...), "%!") {
				n = i
			}
		}
		if n < 0 {
			t.Errorf("%s: the English format takes no count of arguments from 0 to 6: %q", code, terms[k][1])
			continue
		}
		args := make([]any, n)
		for i := range args {
			args[i] = fmt.Sprintf("ARG%d", i)
		}
		sameArguments(t, code, n, fmt.Sprintf(terms[k][0], args...), fmt.Sprintf(terms[k][1], args...), true)
	}
}

func TestSummaryIn(t *testing.T) {
	tests := []struct {
		name   string
		s      Summary
		zh, en string
	}{
		{"calls with detail", Summary{Code: "calls-detail", Args: []string{"11"}, Parts: []Summary{{Code: "calls-missed", Args: []string{"7"}}, {Code: "calls-rejected", Args: []string{"2"}}}},
			"通话记录 11 条（未接 7 条，拒接 2 条）", "11 calls (7 missed, 2 rejected)"},
		{"one call", Summary{Code: "calls", Args: []string{"1"}}, "通话记录 1 条", "1 call"},
		{"binary document", Summary{Code: "document", Args: []string{"363,975", "application/octet-stream"}},
			"文档（application/octet-stream，363,975 字节）", "document (application/octet-stream, 363,975 bytes)"},
		{"term worded", Summary{Code: "pdf-kind", Args: []string{"3"}, Terms: []string{"kind.agreement"}},
			"PDF 文件（还款协议），3 页", "agreement PDF, 3 pages"},
		{"code a newer build wrote", Summary{Code: "from-the-future", Args: []string{"1"}}, "from-the-future 1", "from-the-future 1"},
		{"none", Summary{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.In(ZH); got != tt.zh {
				t.Errorf("zh %q, want %q", got, tt.zh)
			}
			if got := tt.s.In(EN); got != tt.en {
				t.Errorf("en %q, want %q", got, tt.en)
			}
		})
	}
}

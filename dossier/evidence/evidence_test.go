package evidence

import (
	"encoding/json"
	"testing"

	"github.com/dossier-tool/dossier/dossier/vocab"
)

func TestSummaryText(t *testing.T) {
	tests := []struct {
		name   string
		line   string // the item as its index line stores it
		zh, en string
	}{
		{"with a code", `{"summary":"11 calls (7 missed)","summary_code":{"code":"calls-detail","args":["11"],"parts":[{"code":"calls-missed","args":["7"]}]}}`,
			"通话记录 11 条（未接 7 条）", "11 calls (7 missed)"},
		{"added before summaries had codes", `{"summary":"zip archive, 3 files"}`, "zip archive, 3 files", "zip archive, 3 files"},
		{"none", `{}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var it Item
			if err := json.Unmarshal([]byte(tt.line), &it); err != nil {
				t.Fatal(err)
			}
			if got := it.SummaryText(vocab.ZH); got != tt.zh {
				t.Errorf("zh %q, want %q", got, tt.zh)
			}
			if got := it.SummaryText(vocab.EN); got != tt.en {
				t.Errorf("en %q, want %q", got, tt.en)
			}
		})
	}
}

func TestMakeValidSummary(t *testing.T) {
	it := Item{SummaryCode: &vocab.Summary{Code: "messages", Args: []string{"\xff1"}, Parts: []vocab.Summary{{Code: "x", Terms: []string{"\xfe"}}}}}
	it.MakeValid()
	if it.SummaryCode.Args[0] != "\uFFFD1" || it.SummaryCode.Parts[0].Terms[0] != "\uFFFD" {
		t.Errorf("not made valid: %+v", it.SummaryCode)
	}
}

package serve

import (
	"slices"
	"testing"

	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// The web app's add report says what was read from each file in the case language; a result of
// an older add, with no code, keeps its text.
func TestAddLinesSummaryInCaseLanguage(t *testing.T) {
	calls := &vocab.Summary{Code: "calls-detail", Args: []string{"11"}, Parts: []vocab.Summary{{Code: "calls-missed", Args: []string{"7"}}}}
	rep := &ingest.Report{Added: 2, Results: []ingest.Result{
		{Path: "calls.xml", Exhibit: 1, Summary: calls.String(), SummaryCode: calls},
		{Path: "old.zip", Exhibit: 2, Summary: "zip archive, 3 files"},
	}}
	tests := []struct {
		lang string
		want []string
	}{
		{vocab.ZH, []string{"证据1 calls.xml 通话记录 11 条（未接 7 条）", "证据2 old.zip zip archive, 3 files"}},
		{vocab.EN, []string{"Exhibit 1 calls.xml 11 calls (7 missed)", "Exhibit 2 old.zip zip archive, 3 files"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			got := addLines(tt.lang, rep)
			if len(got) < 2 || !slices.Equal(got[:2], tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

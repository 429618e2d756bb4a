package findings

import (
	"slices"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
)

// row is a call-history screenshot's row standing for n calls: one event, read by OCR, at the
// time of the last of them.
func row(n int) opt {
	return func(e *event.Event) {
		e.Repeat = n
		e.TimeSource = event.TimeFromOCR
		e.Confidence = 0.97
		e.Exhibit, e.Exhibits = 5, []int{5}
	}
}

// A row "(8)" is eight calls on the per-day rules, and says so; the single-contact rules judge the
// one time the row shows.
func TestRepeatCountedCalls(t *testing.T) {
	concat := func(parts ...[]event.Event) []event.Event { return slices.Concat(parts...) }
	missedAt := func(when string) event.Event { return missed(t, when, collector1) }
	tests := []struct {
		name        string
		evs         []event.Event
		rule        string
		wantCount   []int
		wantMerged  []int
		wantMessage string
	}{
		{"a row of eight is over the limit of six", []event.Event{missed(t, "2025-01-27T21:10:00+08:00", collector1, row(8))},
			RuleUnansweredAttempts, []int{8}, []int{8}, "2025-01-27 15900001111（某某资产催收员）未接来电 8 次（含截图中合并显示的 8 次），超过每日 6 次"},
		{"a row of six is the limit", []event.Event{missed(t, "2025-01-27T21:10:00+08:00", collector1, row(6))},
			RuleUnansweredAttempts, nil, nil, ""},
		{"the call log's calls after a row add up with it", concat(
			[]event.Event{missed(t, "2025-01-27T09:00:00+08:00", collector1, row(5))},
			repeat(t, 2, "2025-01-27T21:10:00+08:00", missedAt),
		), RuleUnansweredAttempts, []int{7}, []int{5}, "2025-01-27 15900001111（某某资产催收员）未接来电 7 次（含截图中合并显示的 5 次），超过每日 6 次"},
		// The row's undated calls may be the call log's earlier ones: only the larger is certain.
		{"the call log's calls before a row may be in it", concat(
			repeat(t, 2, "2025-01-27T09:00:00+08:00", missedAt),
			[]event.Event{missed(t, "2025-01-27T21:10:00+08:00", collector1, row(5))},
		), RuleUnansweredAttempts, nil, nil, ""},
		{"a row over the limit with earlier calls is at least its count", concat(
			repeat(t, 2, "2025-01-27T09:00:00+08:00", missedAt),
			[]event.Event{missed(t, "2025-01-27T21:10:00+08:00", collector1, row(7))},
			repeat(t, 1, "2025-01-27T22:00:00+08:00", missedAt),
		), RuleUnansweredAttempts, []int{8}, []int{7}, "2025-01-27 15900001111（某某资产催收员）未接来电至少 8 次（含截图中合并显示的 7 次），超过每日 6 次"},
		{"a row of one is one call", []event.Event{missed(t, "2025-01-27T21:10:00+08:00", collector1, row(1))},
			RuleUnansweredAttempts, nil, nil, ""},
		{"connected calls count the row", concat(
			[]event.Event{answered(t, "2025-01-22T10:00:00+08:00", collector1, 94, row(3))},
			repeat(t, 1, "2025-01-22T15:00:00+08:00", func(w string) event.Event { return answered(t, w, collector1, 60) }),
		), RuleConnectedCalls, []int{4}, []int{3}, "2025-01-22 催收方接通来电 4 次（15900001111（某某资产催收员）4 次）（含截图中合并显示的 3 次），超过每日 3 次"},
		{"a night row is one night finding that says its count", []event.Event{missed(t, "2025-01-28T23:10:00+08:00", collector1, row(8))},
			RuleNightContact, []int{1}, []int{0}, "2025-01-28 23:10:00 15900001111（某某资产催收员）来电（未接），处于 22:00–08:00 禁止催收时段；截图中该行合并显示 8 次来电，只显示最后一次的时间"},
		{"a row shown by day is not a night finding", []event.Event{missed(t, "2025-01-28T21:10:00+08:00", collector1, row(8))},
			RuleNightContact, nil, nil, ""},
		{"after the agreement the row is one contact", []event.Event{missed(t, "2025-02-03T10:00:00+08:00", collector1, row(4))},
			RuleAfterAgreement, []int{1}, []int{0}, "2025-02-03 10:00:00 15900001111（某某资产催收员）来电（未接），发生在 2025-01-29 达成还款协议（HB2025012900321）之后，与协议不一致（本身不构成违规）；截图中该行合并显示 4 次来电，只显示最后一次的时间"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(newCase(t), sorted(tt.evs...), now)
			got := ofRule(r, tt.rule)
			var counts, merged []int
			for _, f := range got {
				counts = append(counts, f.Count)
				merged = append(merged, f.Merged)
			}
			if !slices.Equal(counts, tt.wantCount) || !slices.Equal(merged, tt.wantMerged) {
				t.Fatalf("counts %v merged %v, want %v %v: %+v", counts, merged, tt.wantCount, tt.wantMerged, got)
			}
			if len(got) > 0 {
				if got[0].Message != tt.wantMessage {
					t.Errorf("message\n%s\nwant\n%s", got[0].Message, tt.wantMessage)
				}
				if !slices.Contains(got[0].Exhibits, 5) {
					t.Errorf("exhibits %v do not cite the screenshot", got[0].Exhibits)
				}
			}
		})
	}
}

func TestRepeatMessagesInEnglish(t *testing.T) {
	c := newCase(t, "language: zh", "language: en")
	r := Evaluate(c, sorted(missed(t, "2025-01-28T23:10:00+08:00", collector1, row(8))), now)
	var msgs []string
	for _, f := range r.Findings {
		msgs = append(msgs, f.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"8 unanswered calls (8 of them shown merged into one row of a screenshot) from 15900001111 (某某资产催收员) on 2025-01-28, more than 6 a day",
		"the screenshot's row shows 8 calls and only the last one's time",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("messages\n%s\nlack %q", all, want)
		}
	}
}

package classify

import (
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
)

func TestBeforeDue(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		name, text, when string
		words            string
		before           bool
	}{
		{"due later this month", "请于4月10日前还款，记得还哦", "2025-04-03 10:00", "4月10日", true},
		{"due today", "还款日为4月10日，请及时还款", "2025-04-10 20:00", "4月10日", true},
		{"past due", "还款日为4月10日，请及时还款", "2025-04-12 09:00", "4月10日", false},
		{"year given", "最后还款日2025-04-10，请及时处理", "2025-04-01 09:00", "2025-04-10", true},
		{"across the new year", "账单将于1月5日到期，请及时还款", "2024-12-28 09:00", "1月5日", true},
		{"full-width digits", "还款日为４月１０日，请及时还款", "2025-04-01 09:00", "４月１０日", true},
		{"a date that is no due date", "你3月5日答应的钱呢，请及时还款", "2025-03-01 09:00", "", false},
		{"no such day", "还款日为2月30日", "2025-02-01 09:00", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			words, before := beforeDue(tc.text, at(tc.when), cst)
			if words != tc.words || before != tc.before {
				t.Errorf("beforeDue(%q, %s) = %q %v, want %q %v", tc.text, tc.when, words, before, tc.words, tc.before)
			}
		})
	}
}

// A reminder whose only pressure is weak words is a notice before its due date and pressure
// after it; strong pressure stays collection whatever the date.
func TestEventDueDate(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	msg := func(text string, day int) *event.Event {
		return &event.Event{Channel: event.Chat, Kind: "text", Direction: event.In, Text: text, Time: time.Date(2025, 4, day, 10, 0, 0, 0, cst)}
	}
	for _, tc := range []struct {
		name          string
		e             *event.Event
		class, reason string
	}{
		{"reminder before the due date", msg("你这期4月10日到期，尽快处理一下。", 3), Notice, "4月10日"},
		{"the same words after it", msg("你这期4月10日到期，尽快处理一下。", 12), Collection, "尽快处理"},
		{"strong pressure before the due date", msg("你的欠款请于4月10日前还清。", 3), Collection, "欠款"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			class, reason := Default().Event(tc.e, "collector")
			if class != tc.class || reason != tc.reason {
				t.Errorf("Event = %s %q, want %s %q", class, reason, tc.class, tc.reason)
			}
		})
	}
}

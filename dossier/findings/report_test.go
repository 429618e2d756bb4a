package findings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
)

// story is a short version of the sample case: collectors calling many times a day and at night,
// the spouse called, an agreement on 2025-01-29, contact after it, late and partial repayments.
// Exhibits: 1 call log, 2 SMS, 3 WeChat chat, 4 e-mail, 5 the spouse's call log, 6 a recording,
// 7 the Alipay bill, 8 the WeChat Pay bill.
func story(t testing.TB) []event.Event {
	sms := func(when, num string, text string, o ...opt) event.Event {
		e := mk(t, event.SMS, when, num, append([]opt{exhibit(2)}, o...)...)
		e.Status, e.Text = event.StatusReceived, text
		return e
	}
	evs := []event.Event{
		// 2025-01-22: four connected calls from the collection side, one missed call at night.
		answered(t, "2025-01-22T09:05:00+08:00", collector1, 120, exhibit(1)),
		answered(t, "2025-01-22T10:30:00+08:00", collector2, 60, exhibit(1)),
		answered(t, "2025-01-22T14:00:00+08:00", creditor, 300, exhibit(1)),
		answered(t, "2025-01-22T16:20:00+08:00", collector1, 45, exhibit(1)),
		missed(t, "2025-01-22T23:10:00+08:00", collector1, exhibit(1)),
		// The spouse's phone, added with --holder 李四 --holder-role family.
		answered(t, "2025-01-23T20:15:00+08:00", collector1, 45, exhibit(5), heldBy("李四", HolderFamily)),
		sms("2025-01-25T07:40:00+08:00", collector2, "【某某律所】张三您好，您的花呗欠款已逾期，请尽快处理。"),
		// The complainant answers the next morning: outgoing, not counted.
		answered(t, "2025-01-25T09:00:00+08:00", collector2, 200, exhibit(1), outgoing),
		// An answered call and a recording of it that does not say which way it went.
		answered(t, "2025-01-26T11:00:00+08:00", collector1, 180, exhibit(1)),
		mk(t, event.Recording, "2025-01-26T11:00:00+08:00", collector1, exhibit(6), func(e *event.Event) { e.Direction = event.None }),
	}
	// 2025-01-27: eight unanswered calls from one collector, the last one at night.
	for _, hm := range []string{"08:30", "09:10", "10:45", "12:00", "14:30", "16:05", "19:40", "22:45"} {
		evs = append(evs, missed(t, "2025-01-27T"+hm+":00+08:00", collector1, exhibit(1)))
	}
	evs = append(evs,
		answered(t, "2025-01-29T11:00:00+08:00", creditor, 600, exhibit(1), outgoing),
		sms("2025-01-29T15:00:00+08:00", creditor, "您的花呗分期还款申请已受理，协议编号HB2025012900321。"),
		mk(t, event.Chat, "2025-02-05T23:20:00+08:00", wechatColl, exhibit(3), func(e *event.Event) { e.Kind = "text"; e.Text = "张先生，今天再不还款就上门。" }),
		repayment(t, "2025-02-10T10:12:00+08:00", "花呗", "1000.00", exhibit(7)),
		mk(t, event.Email, "2025-02-18T10:00:00+08:00", mailColl, exhibit(4), func(e *event.Event) { e.Subject = "催收函" }),
		sms("2025-03-03T22:10:00+08:00", collector1, "张三，请立即还款。"),
		repayment(t, "2025-03-12T20:01:00+08:00", "花呗", "1000.00", exhibit(7)),
		missed(t, "2025-03-15T09:00:00+08:00", "02388889999", exhibit(1)),
		missed(t, "2025-03-15T09:30:00+08:00", "02388889999", exhibit(1)),
		sms("2025-03-16T10:00:00+08:00", "106980095188", "【某平台】您的账单已逾期，请尽快处理。", named("某平台")),
		repayment(t, "2025-03-20T10:00:00+08:00", "借呗", "500.00", exhibit(7)),
		repayment(t, "2025-04-10T08:30:00+08:00", "蚂蚁消金", "300.00", exhibit(8), func(e *event.Event) { e.Text = "花呗还款" }),
	)
	return sorted(evs...)
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name, lang, file string
		write            func(*bytes.Buffer, *Report, *testing.T) error
	}{
		{"text zh", "zh", "report.zh.txt", nil},
		{"text en", "en", "report.en.txt", nil},
		{"json zh", "zh", "report.zh.json", func(b *bytes.Buffer, r *Report, _ *testing.T) error { return WriteJSON(b, r) }},
		{"json en", "en", "report.en.json", func(b *bytes.Buffer, r *Report, _ *testing.T) error { return WriteJSON(b, r) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCase(t, "language: zh", "language: "+tt.lang)
			r := Evaluate(c, story(t), now)
			var b bytes.Buffer
			var err error
			if tt.write != nil {
				err = tt.write(&b, r, t)
			} else {
				err = WriteText(&b, r, c)
			}
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.file), b.Bytes())
		})
	}
}

// The story's totals, counted by hand from the events above.
func TestStoryTotals(t *testing.T) {
	r := Evaluate(newCase(t), story(t), now)
	want := map[string]int{
		RuleNightContact:       5, // 01-22 23:10, 01-25 07:40, 01-27 22:45, 02-05 23:20, 03-03 22:10
		RuleUnansweredAttempts: 1, // 01-27: 8 > 6
		RuleConnectedCalls:     1, // 01-22: 4 > 3
		RuleAfterAgreement:     3, // chat 02-05, e-mail 02-18, SMS 03-03 (01-29 itself not)
		RuleThirdPartyContact:  1, // 01-23 on the spouse's phone
		RuleMissedInstallment:  2, // #2 paid late, #3 partly paid
		RuleProhibitedConduct:  1, // the chat of 02-05: "今天再不还款就上门"
	}
	for rule, n := range want {
		if r.Totals[rule] != n {
			t.Errorf("%s: %d, want %d", rule, r.Totals[rule], n)
		}
	}
	if len(r.Totals) != len(want) {
		t.Errorf("totals carry %d rules, want every rule", len(r.Totals))
	}
	if len(r.Unclassified) != 2 || r.Unclassified[0].Counterpart != "02388889999" || r.Unclassified[0].Contacts != 2 {
		t.Errorf("unclassified = %+v", r.Unclassified)
	}
}

func TestJSONDeterministic(t *testing.T) {
	c := newCase(t)
	evs := story(t)
	var first []byte
	for i := 0; i < 20; i++ {
		var b bytes.Buffer
		if err := WriteJSON(&b, Evaluate(c, evs, now)); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.Bytes()
			continue
		}
		if !bytes.Equal(first, b.Bytes()) {
			t.Fatalf("run %d gave different JSON", i)
		}
	}
	for _, want := range []string{`"time": "2025-01-22T23:10:00+08:00"`, `"day": "2025-01-27"`, `"amount": "1000.00"`, `"as_of": "2025-04-15"`} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

func TestEmptyReport(t *testing.T) {
	c := newCase(t, "as_of: 2025-04-15\n", "")
	r := Evaluate(c, nil, now)
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"findings": [`, `"unclassified": []`, `"as_of": "2025-04-15"`, `"night-contact": 0`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "null") {
		t.Errorf("JSON has a null list:\n%s", b.String())
	}
	// as_of falls back to the day of now in the case zone: 2025-04-15 20:00 UTC is the 16th there.
	r = Evaluate(c, nil, at(t, "2025-04-15T20:00:00Z"))
	if r.AsOf.String() != "2025-04-16" {
		t.Errorf("as_of = %s, want 2025-04-16", r.AsOf)
	}
	if r := Evaluate(nil, story(t), now); len(r.Findings) != 0 || len(r.Unclassified) == 0 {
		t.Errorf("a nil case knows no roles: want no findings and every counterpart unclassified, got %+v", r)
	}
}

type failingWriter struct{ after int }

var errDiskFull = errors.New("disk full")

func (f *failingWriter) Write(b []byte) (int, error) {
	if f.after <= 0 {
		return 0, errDiskFull
	}
	f.after--
	return len(b), nil
}

func TestWriteErrors(t *testing.T) {
	c := newCase(t)
	r := Evaluate(c, story(t), now)
	for _, after := range []int{0, 3, 20} {
		if err := WriteText(&failingWriter{after: after}, r, c); !errors.Is(err, errDiskFull) {
			t.Errorf("WriteText after %d writes: err = %v, want disk full", after, err)
		}
	}
	if err := WriteJSON(&failingWriter{}, r); !errors.Is(err, errDiskFull) {
		t.Errorf("WriteJSON: err = %v, want disk full", err)
	}
}

// Every finding says what kind of statement it is, and the complainant's own installments are
// never a breach.
func TestCategories(t *testing.T) {
	r := Evaluate(newCase(t), story(t), now)
	want := map[string]string{
		RuleNightContact: CategoryBreach, RuleUnansweredAttempts: CategoryBreach, RuleConnectedCalls: CategoryBreach,
		RuleThirdPartyContact: CategoryBreach, RuleAfterAgreement: CategoryInconsistent, RuleMissedInstallment: CategoryPerformance,
		RuleProhibitedConduct: CategoryBreach,
	}
	per := map[string]int{}
	for _, f := range r.Findings {
		if f.Category != want[f.Rule] {
			t.Errorf("%s: category %q, want %q", f.ID, f.Category, want[f.Rule])
		}
		per[f.Category]++
	}
	for _, cat := range Categories() {
		if r.CategoryTotals[cat] != per[cat] {
			t.Errorf("category_totals[%s] = %d, want %d", cat, r.CategoryTotals[cat], per[cat])
		}
	}
	if per[CategoryBreach] != 9 || per[CategoryInconsistent] != 3 || per[CategoryPerformance] != 2 {
		t.Errorf("per category = %v, want breach 9, inconsistent 3, performance 2", per)
	}
	var b bytes.Buffer
	if err := WriteText(&b, r, newCase(t)); err != nil {
		t.Fatal(err)
	}
	// The missed installments are printed under 协议履行情况, after the breaches.
	text := b.String()
	perf, breach := strings.Index(text, "【协议履行情况】"), strings.Index(text, "【违规事实】")
	missed := strings.Index(text, "[missed-installment-1]")
	if breach < 0 || perf < breach || missed < perf {
		t.Errorf("missed installments are not under 协议履行情况:\n%s", text)
	}
}

// The streamed evaluation is the same report as the one over the slice, byte for byte.
func TestEvaluateEachMatchesEvaluate(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			c := newCase(t, "language: zh", "language: "+lang)
			var want, got bytes.Buffer
			if err := WriteJSON(&want, Evaluate(c, story(t), now)); err != nil {
				t.Fatal(err)
			}
			evs := story(t)
			r, err := EvaluateEach(c, func(fn func(*event.Event) error) error {
				for i := range evs {
					e := evs[i] // a copy: the stream reuses its event
					if err := fn(&e); err != nil {
						return err
					}
				}
				return nil
			}, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&got, r); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("streamed report differs:\n%s\nwant\n%s", got.String(), want.String())
			}
			if r.Totals[RuleMissedInstallment] == 0 {
				t.Error("the story has missed installments: the schedule was not checked")
			}
		})
	}
	stop := errors.New("disk gone")
	if _, err := EvaluateEach(nil, func(func(*event.Event) error) error { return stop }, now); !errors.Is(err, stop) {
		t.Errorf("error %v, want the stream's", err)
	}
}

// WriteJSON streams the findings but writes what encoding the report as one value writes.
func TestWriteJSONAsOneValue(t *testing.T) {
	full := Evaluate(newCase(t), story(t), now)
	for _, tt := range []struct {
		name string
		r    *Report
	}{
		{"story", full},
		{"one finding", &Report{Findings: full.Findings[:1], Totals: map[string]int{}}},
		{"no findings", &Report{Findings: []Finding{}, Schedule: []ScheduleRow{}}},
		{"nil findings", &Report{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var want, got bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(tt.r); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(&got, tt.r); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}

// A large timeline's findings (more of one rule than fit in one of the evaluator's chunks) come
// out in the table's order, numbered without gaps, in time order, with the exhibits of exactly
// the events they cite.
func TestManyFindingsInOrder(t *testing.T) {
	evs := bigTimeline(30_000)
	r := Evaluate(newCase(t), evs, now)
	exhibitOf := map[int][]int{}
	for i := range evs {
		exhibitOf[evs[i].Seq] = append([]int{evs[i].Exhibit}, evs[i].Exhibits...)
	}
	rank := map[string]int{}
	for i, id := range ruleOrder {
		rank[id] = i
	}
	perRule := map[string]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		perRule[f.Rule]++
		if want := fmt.Sprintf("%s-%d", f.Rule, perRule[f.Rule]); f.ID != want {
			t.Fatalf("finding %d is %s, want %s", i, f.ID, want)
		}
		if i == 0 {
			continue
		}
		prev := &r.Findings[i-1]
		if rank[prev.Rule] > rank[f.Rule] {
			t.Fatalf("%s listed after %s", f.ID, prev.ID)
		}
		if prev.Rule == f.Rule && prev.Time != nil && f.Time != nil && f.Time.Before(*prev.Time) {
			t.Fatalf("%s (%v) listed after %s (%v)", f.ID, f.Time, prev.ID, prev.Time)
		}
		var want []int
		for _, seq := range f.Events {
			want = append(want, exhibitOf[seq]...)
		}
		want = slices.DeleteFunc(want, func(x int) bool { return x <= 0 })
		slices.Sort(want)
		if want = slices.Compact(want); !slices.Equal(f.Exhibits, want) {
			t.Fatalf("%s cites exhibits %v, its events are in %v", f.ID, f.Exhibits, want)
		}
	}
	for rule, n := range perRule {
		if r.Totals[rule] != n {
			t.Errorf("%s: total %d, %d listed", rule, r.Totals[rule], n)
		}
	}
	if perRule[RuleNightContact] <= findingChunk || perRule[RuleConnectedCalls] == 0 {
		t.Fatalf("the timeline should give more than %d night contacts and some days of too many calls: %v", findingChunk, perRule)
	}
}

package findings

import (
	"slices"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
)

func TestNightContact(t *testing.T) {
	nonWrapping := []string{`quiet_start: "22:00", quiet_end: "08:00"`, `quiet_start: "13:00", quiet_end: "14:00"`}
	sms := func(when, num string, o ...opt) event.Event {
		e := mk(t, event.SMS, when, num, o...)
		e.Status = event.StatusReceived
		return e
	}
	tests := []struct {
		name  string
		edits []string
		ev    event.Event
		want  int
	}{
		{"21:59:59 is before the window", nil, missed(t, "2025-01-22T21:59:59+08:00", collector1), 0},
		{"22:00:00 opens the window", nil, missed(t, "2025-01-22T22:00:00+08:00", collector1), 1},
		{"midnight is inside", nil, answered(t, "2025-01-23T00:00:00+08:00", collector1, 30), 1},
		{"07:59:59 is inside", nil, sms("2025-01-23T07:59:59+08:00", collector2), 1},
		{"08:00:00 closes the window", nil, sms("2025-01-23T08:00:00+08:00", collector2), 0},
		{"noon is outside", nil, sms("2025-01-23T12:00:00+08:00", collector2), 0},
		{"instant written in UTC judged in the case zone", nil, missed(t, "2025-01-22T14:30:00Z", collector1), 1},
		{"non-wrapping 12:59:59 outside", nonWrapping, sms("2025-01-23T12:59:59+08:00", collector1), 0},
		{"non-wrapping 13:00:00 inside", nonWrapping, sms("2025-01-23T13:00:00+08:00", collector1), 1},
		{"non-wrapping 13:59:59 inside", nonWrapping, sms("2025-01-23T13:59:59+08:00", collector1), 1},
		{"non-wrapping 14:00:00 outside", nonWrapping, sms("2025-01-23T14:00:00+08:00", collector1), 0},
		{"non-wrapping 23:00 outside", nonWrapping, sms("2025-01-23T23:00:00+08:00", collector1), 0},
		{"equal ends mean no quiet hours", []string{`quiet_start: "22:00", quiet_end: "08:00"`, `quiet_start: "22:00", quiet_end: "22:00"`},
			sms("2025-01-23T23:00:00+08:00", collector1), 0},
		{"creditor counts", nil, answered(t, "2025-01-23T23:00:00+08:00", creditor, 60), 1},
		{"wechat chat message counts", nil, mk(t, event.Chat, "2025-01-23T23:00:00+08:00", wechatColl), 1},
		{"chat system line does not", nil, mk(t, event.Chat, "2025-01-23T23:00:00+08:00", wechatColl, func(e *event.Event) { e.Kind = "system" }), 0},
		{"mms counts", nil, mk(t, event.MMS, "2025-01-23T23:00:00+08:00", collector1), 1},
		{"e-mail is not a night contact", nil, mk(t, event.Email, "2025-01-23T23:00:00+08:00", mailColl), 0},
		{"recording without direction", nil, mk(t, event.Recording, "2025-01-23T23:00:00+08:00", collector1, func(e *event.Event) { e.Direction = event.None }), 0},
		{"incoming recording", nil, mk(t, event.Recording, "2025-01-23T23:00:00+08:00", collector1), 1},
		{"outgoing call", nil, answered(t, "2025-01-23T23:00:00+08:00", collector1, 60, outgoing), 0},
		{"family member's number", nil, sms("2025-01-23T23:00:00+08:00", spouse), 0},
		{"unknown number", nil, sms("2025-01-23T23:00:00+08:00", "13600000000"), 0},
		{"screenshot is not a contact", nil, mk(t, event.Screenshot, "2025-01-23T23:00:00+08:00", collector1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(newCase(t, tt.edits...), sorted(tt.ev), now)
			got := ofRule(r, RuleNightContact)
			if len(got) != tt.want || r.Totals[RuleNightContact] != tt.want {
				t.Fatalf("night findings = %d (total %d), want %d: %+v", len(got), r.Totals[RuleNightContact], tt.want, got)
			}
			if tt.want == 1 {
				f := got[0]
				if f.Time == nil || !f.Time.Equal(tt.ev.Time) || f.Time.Location().String() != "Asia/Shanghai" {
					t.Errorf("time = %v, want %v in the case zone", f.Time, tt.ev.Time)
				}
				if f.ID != "night-contact-1" || !slices.Equal(f.Events, []int{1}) || !slices.Equal(f.Exhibits, []int{1}) || f.Count != 1 {
					t.Errorf("finding = %+v", f)
				}
				if !strings.Contains(f.Source, "中国银行业协会") || !strings.Contains(f.Message, "禁止催收时段") {
					t.Errorf("message/source = %q / %q", f.Message, f.Source)
				}
			}
		})
	}
}

// The same instants judged in Shanghai and in London: the quiet hours are local clock hours.
func TestTimezoneMovesFindings(t *testing.T) {
	evs := sorted(
		missed(t, "2025-01-27T14:30:00Z", collector1), // 22:30 Shanghai, 14:30 London
		missed(t, "2025-01-27T15:00:00Z", collector1), // 23:00 Shanghai, 15:00 London
		missed(t, "2025-01-27T03:00:00Z", collector1), // 11:00 Shanghai, 03:00 London
	)
	tests := []struct {
		zone string
		want []string
	}{
		{"Asia/Shanghai", []string{"2025-01-27T22:30:00+08:00", "2025-01-27T23:00:00+08:00"}},
		{"Europe/London", []string{"2025-01-27T03:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			r := Evaluate(newCase(t, "timezone: Asia/Shanghai", "timezone: "+tt.zone), evs, now)
			var got []string
			for _, f := range ofRule(r, RuleNightContact) {
				got = append(got, f.Time.Format("2006-01-02T15:04:05Z07:00"))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("night contacts at %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnansweredAttempts(t *testing.T) {
	missedAt := func(num string, o ...opt) func(string) event.Event {
		return func(when string) event.Event { return missed(t, when, num, o...) }
	}
	status := func(s string) opt { return func(e *event.Event) { e.Status = s } }
	concat := func(parts ...[]event.Event) []event.Event { return slices.Concat(parts...) }
	tests := []struct {
		name      string
		zone      string
		evs       []event.Event
		wantDays  []string
		wantCount []int
	}{
		{"exactly the threshold", "", repeat(t, 6, "2025-01-27T09:00:00+08:00", missedAt(collector1)), nil, nil},
		{"one more than the threshold", "", repeat(t, 7, "2025-01-27T09:00:00+08:00", missedAt(collector1)), []string{"2025-01-27"}, []int{7}},
		{"eight on the 27th", "", repeat(t, 8, "2025-01-27T09:00:00+08:00", missedAt(collector1)), []string{"2025-01-27"}, []int{8}},
		{"rejected and blocked count too", "", concat(
			repeat(t, 3, "2025-01-27T09:00:00+08:00", missedAt(collector1)),
			repeat(t, 2, "2025-01-27T10:00:00+08:00", missedAt(collector1, status(event.StatusRejected))),
			repeat(t, 2, "2025-01-27T11:00:00+08:00", missedAt(collector1, status(event.StatusBlocked))),
		), []string{"2025-01-27"}, []int{7}},
		{"answered calls do not", "", concat(
			repeat(t, 6, "2025-01-27T09:00:00+08:00", missedAt(collector1)),
			[]event.Event{answered(t, "2025-01-27T12:00:00+08:00", collector1, 20)},
		), nil, nil},
		{"per number, not all numbers together", "", concat(
			repeat(t, 4, "2025-01-27T09:00:00+08:00", missedAt(collector1)),
			repeat(t, 4, "2025-01-27T09:00:30+08:00", missedAt(collector2)),
		), nil, nil},
		{"per holder", "", concat(
			repeat(t, 4, "2025-01-27T09:00:00+08:00", missedAt(collector1)),
			repeat(t, 4, "2025-01-27T10:00:00+08:00", missedAt(collector1, heldBy("李四", HolderFamily))),
		), nil, nil},
		{"the complainant's exports are one phone", "", concat(
			repeat(t, 4, "2025-01-27T09:00:00+08:00", missedAt(collector1)),
			repeat(t, 3, "2025-01-27T10:00:00+08:00", missedAt(collector1, heldBy("张三", "self"))),
		), []string{"2025-01-27"}, []int{7}},
		{"family holder's phone counts on its own", "", repeat(t, 7, "2025-01-27T10:00:00+08:00", missedAt(collector1, heldBy("李四", HolderFamily))),
			[]string{"2025-01-27"}, []int{7}},
		{"outgoing calls do not", "", repeat(t, 7, "2025-01-27T09:00:00+08:00", missedAt(collector1, outgoing)), nil, nil},
		{"unknown numbers do not", "", repeat(t, 7, "2025-01-27T09:00:00+08:00", missedAt("13600000000")), nil, nil},
		// 23:30..23:33 +08:00 on the 27th and 00:30..00:32 on the 28th: two local days in Shanghai,
		// one UTC day (the 27th).
		{"midnight splits the day in Shanghai", "", concat(
			repeat(t, 4, "2025-01-27T23:30:00+08:00", missedAt(collector1)),
			repeat(t, 3, "2025-01-28T00:30:00+08:00", missedAt(collector1)),
		), nil, nil},
		{"the same calls fall on one UTC day", "UTC", concat(
			repeat(t, 4, "2025-01-27T23:30:00+08:00", missedAt(collector1)),
			repeat(t, 3, "2025-01-28T00:30:00+08:00", missedAt(collector1)),
		), []string{"2025-01-27"}, []int{7}},
		{"two days over", "", concat(
			repeat(t, 7, "2025-01-26T09:00:00+08:00", missedAt(collector2)),
			repeat(t, 9, "2025-01-27T09:00:00+08:00", missedAt(collector1)),
		), []string{"2025-01-26", "2025-01-27"}, []int{7, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var edits []string
			if tt.zone != "" {
				edits = []string{"timezone: Asia/Shanghai", "timezone: " + tt.zone}
			}
			r := Evaluate(newCase(t, edits...), sorted(tt.evs...), now)
			got := ofRule(r, RuleUnansweredAttempts)
			var days []string
			var counts []int
			for _, f := range got {
				days = append(days, f.Day.String())
				counts = append(counts, f.Count)
				if f.Threshold != 6 || len(f.Events) != f.Count || f.Time != nil {
					t.Errorf("finding %+v: want threshold 6, one event per attempt, no time", f)
				}
			}
			if !slices.Equal(days, tt.wantDays) || !slices.Equal(counts, tt.wantCount) {
				t.Fatalf("days %v counts %v, want %v %v", days, counts, tt.wantDays, tt.wantCount)
			}
		})
	}
}

func TestUnansweredMessage(t *testing.T) {
	evs := sorted(repeat(t, 8, "2025-01-27T09:00:00+08:00", func(w string) event.Event { return missed(t, w, collector1) })...)
	for _, tt := range []struct{ lang, want string }{
		{"zh", "2025-01-27 15900001111（某某资产催收员）未接来电 8 次，超过每日 6 次"},
		{"en", "8 unanswered calls from 15900001111 (某某资产催收员) on 2025-01-27, more than 6 a day"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			r := Evaluate(newCase(t, "language: zh", "language: "+tt.lang), evs, now)
			got := ofRule(r, RuleUnansweredAttempts)
			if len(got) != 1 || got[0].Message != tt.want || got[0].ID != "unanswered-attempts-1" {
				t.Fatalf("got %+v, want message %q", got, tt.want)
			}
		})
	}
}

func TestConnectedCalls(t *testing.T) {
	answeredAt := func(num string, secs int64, o ...opt) func(string) event.Event {
		return func(when string) event.Event { return answered(t, when, num, secs, o...) }
	}
	concat := func(parts ...[]event.Event) []event.Event { return slices.Concat(parts...) }
	tests := []struct {
		name      string
		evs       []event.Event
		wantCount []int
		wantCP    string
	}{
		{"exactly the threshold", repeat(t, 3, "2025-01-22T10:00:00+08:00", answeredAt(collector1, 60)), nil, ""},
		{"one more, all numbers together", concat(
			repeat(t, 2, "2025-01-22T10:00:00+08:00", answeredAt(collector1, 60)),
			repeat(t, 1, "2025-01-22T11:00:00+08:00", answeredAt(collector2, 60)),
			repeat(t, 1, "2025-01-22T12:00:00+08:00", answeredAt(creditor, 60)),
		), []int{4}, ""},
		{"one number names the counterpart", repeat(t, 4, "2025-01-22T10:00:00+08:00", answeredAt(collector1, 60)), []int{4}, collector1},
		{"zero duration is not connected", concat(
			repeat(t, 3, "2025-01-22T10:00:00+08:00", answeredAt(collector1, 60)),
			repeat(t, 1, "2025-01-22T11:00:00+08:00", answeredAt(collector1, 0)),
		), nil, ""},
		{"voicemail is not connected", concat(
			repeat(t, 3, "2025-01-22T10:00:00+08:00", answeredAt(collector1, 60)),
			repeat(t, 1, "2025-01-22T11:00:00+08:00", answeredAt(collector1, 30, func(e *event.Event) { e.Status = event.StatusVoicemail })),
		), nil, ""},
		{"calls on a family member's phone do not count", concat(
			repeat(t, 3, "2025-01-22T10:00:00+08:00", answeredAt(collector1, 60)),
			repeat(t, 2, "2025-01-22T11:00:00+08:00", answeredAt(collector1, 60, heldBy("李四", HolderFamily))),
		), nil, ""},
		{"calls from family do not count", concat(
			repeat(t, 3, "2025-01-22T10:00:00+08:00", answeredAt(collector1, 60)),
			repeat(t, 2, "2025-01-22T11:00:00+08:00", answeredAt(spouse, 60)),
		), nil, ""},
		{"local midnight splits the days", concat(
			repeat(t, 2, "2025-01-22T23:50:00+08:00", answeredAt(collector1, 60)),
			repeat(t, 2, "2025-01-23T00:10:00+08:00", answeredAt(collector1, 60)),
		), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(newCase(t), sorted(tt.evs...), now)
			got := ofRule(r, RuleConnectedCalls)
			var counts []int
			for _, f := range got {
				counts = append(counts, f.Count)
				if f.Threshold != 3 || f.Counterpart != tt.wantCP || f.Day.String() != "2025-01-22" {
					t.Errorf("finding %+v: want threshold 3, counterpart %q, day 2025-01-22", f, tt.wantCP)
				}
			}
			if !slices.Equal(counts, tt.wantCount) {
				t.Fatalf("counts %v, want %v", counts, tt.wantCount)
			}
		})
	}
}

func TestAfterAgreement(t *testing.T) {
	tests := []struct {
		name  string
		edits []string
		ev    event.Event
		want  int
	}{
		{"the agreement day itself", nil, missed(t, "2025-01-29T23:59:59+08:00", collector1), 0},
		{"the next day", nil, missed(t, "2025-01-30T00:00:00+08:00", collector1), 1},
		{"the next local day written in UTC", nil, missed(t, "2025-01-29T16:30:00Z", collector1), 1},
		{"still the agreement day in UTC", []string{"timezone: Asia/Shanghai", "timezone: UTC"}, missed(t, "2025-01-29T23:59:59Z", collector1), 0},
		{"e-mail counts", nil, mk(t, event.Email, "2025-02-03T10:00:00+08:00", mailColl), 1},
		{"creditor counts", nil, answered(t, "2025-02-03T10:00:00+08:00", creditor, 60), 1},
		{"friend does not", nil, answered(t, "2025-02-03T10:00:00+08:00", friend, 60), 0},
		{"outgoing does not", nil, answered(t, "2025-02-03T10:00:00+08:00", collector1, 60, outgoing), 0},
		{"no agreement", []string{"agreement:\n  date: 2025-01-29\n  reference: HB2025012900321\n  installments: {count: 12, amount: \"1000.00\", first_due: 2025-02-10}\n", ""},
			missed(t, "2025-02-03T10:00:00+08:00", collector1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(newCase(t, tt.edits...), sorted(tt.ev), now)
			got := ofRule(r, RuleAfterAgreement)
			if len(got) != tt.want {
				t.Fatalf("after-agreement findings = %d, want %d", len(got), tt.want)
			}
			for _, f := range got {
				if f.BreachNote == "" || !strings.Contains(f.Message, "与协议不一致（本身不构成违规）") || !strings.Contains(f.Source, "HB2025012900321") {
					t.Errorf("finding must say it is inconsistent with the agreement, not a breach: %+v", f)
				}
			}
		})
	}
}

func TestThirdPartyContact(t *testing.T) {
	tests := []struct {
		name       string
		ev         event.Event
		want       int
		wantHolder string
	}{
		{"collector calls the spouse", answered(t, "2025-01-23T20:00:00+08:00", collector1, 45, heldBy("李四", HolderFamily)), 1, "李四"},
		{"collector texts a third party", mk(t, event.SMS, "2025-01-23T20:00:00+08:00", collector2, heldBy("王五", HolderThirdParty)), 1, "王五"},
		{"complainant's own phone", answered(t, "2025-01-23T20:00:00+08:00", collector1, 45), 0, ""},
		{"holder role self", answered(t, "2025-01-23T20:00:00+08:00", collector1, 45, heldBy("张三", "self")), 0, ""},
		{"the complainant calls the spouse", answered(t, "2025-01-23T20:00:00+08:00", self, 45, heldBy("李四", HolderFamily)), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(newCase(t), sorted(tt.ev), now)
			got := ofRule(r, RuleThirdPartyContact)
			if len(got) != tt.want {
				t.Fatalf("third-party findings = %d, want %d", len(got), tt.want)
			}
			for _, f := range got {
				if f.Holder != tt.wantHolder || !strings.Contains(f.Message, "向"+tt.wantHolder) || !strings.Contains(f.Source, "第六十八条") {
					t.Errorf("finding %+v: want holder %q named in the message and art. 68 cited", f, tt.wantHolder)
				}
			}
		})
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		name string
		ev   event.Event
		want int
	}{
		{"normalised number matches +86 with spaces", missed(t, "2025-01-23T23:00:00+08:00", collector1), 1},
		{"dashes in case.yaml", missed(t, "2025-01-23T23:00:00+08:00", collector2), 1},
		{"wechat id", mk(t, event.Chat, "2025-01-23T23:00:00+08:00", wechatColl), 1},
		{"timeline role used for a number case.yaml lacks", missed(t, "2025-01-23T23:00:00+08:00", "13600000000", withRole("collector")), 1},
		{"case.yaml overrides a stale timeline role", missed(t, "2025-01-23T23:00:00+08:00", friend, withRole("collector")), 0},
		{"withheld number", missed(t, "2025-01-23T23:00:00+08:00", ""), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(newCase(t), sorted(tt.ev), now)
			if got := len(ofRule(r, RuleNightContact)); got != tt.want {
				t.Fatalf("night findings = %d, want %d", got, tt.want)
			}
		})
	}
	r := Evaluate(newCase(t), sorted(missed(t, "2025-01-23T23:00:00+08:00", collector1)), now)
	if f := r.Findings[0]; f.Name != "某某资产催收员" || f.Role != "collector" {
		t.Errorf("name/role from case.yaml: %+v", f)
	}
}

func TestUnclassified(t *testing.T) {
	evs := sorted(
		missed(t, "2025-01-23T10:00:00+08:00", "13600000000", exhibit(2)),
		missed(t, "2025-01-23T11:00:00+08:00", "13600000000", exhibit(4, 2)),
		mk(t, event.SMS, "2025-01-23T12:00:00+08:00", "10690000", exhibit(3), named("某平台")),
		mk(t, event.SMS, "2025-01-23T12:30:00+08:00", "13600000000", exhibit(3)),
		missed(t, "2025-01-23T12:00:00+08:00", "", exhibit(2)),                    // withheld: nothing to tag
		answered(t, "2025-01-23T12:00:00+08:00", "13500000000", 30, outgoing),     // the complainant called out
		answered(t, "2025-01-23T12:00:00+08:00", friend, 30),                      // tagged
		missed(t, "2025-01-23T12:00:00+08:00", "13400000000", withRole("family")), // tagged by the timeline
	)
	r := Evaluate(newCase(t), evs, now)
	want := []Unclassified{
		{Counterpart: "13600000000", Contacts: 3, Exhibits: []int{2, 3, 4}},
		{Counterpart: "10690000", Name: "某平台", Contacts: 1, Exhibits: []int{3}},
	}
	if len(r.Unclassified) != len(want) {
		t.Fatalf("unclassified = %+v, want %+v", r.Unclassified, want)
	}
	for i := range want {
		g, w := r.Unclassified[i], want[i]
		if g.Counterpart != w.Counterpart || g.Name != w.Name || g.Contacts != w.Contacts || !slices.Equal(g.Exhibits, w.Exhibits) {
			t.Errorf("unclassified[%d] = %+v, want %+v", i, g, w)
		}
	}
	for _, f := range r.Findings {
		if f.Rule != RuleMissedInstallment {
			t.Errorf("untagged numbers must not produce findings: %+v", f)
		}
	}
}

func TestHolderInMessages(t *testing.T) {
	tests := []struct {
		name       string
		ev         event.Event
		wantSuffix bool
	}{
		{"the complainant's phone, no holder", missed(t, "2025-01-23T23:00:00+08:00", collector1), false},
		{"the complainant's phone, holder self", missed(t, "2025-01-23T23:00:00+08:00", collector1, heldBy("张三", "self")), false},
		{"the spouse's phone", missed(t, "2025-01-23T23:00:00+08:00", collector1, heldBy("李四", HolderFamily)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(newCase(t), sorted(tt.ev), now)
			night := ofRule(r, RuleNightContact)
			if len(night) != 1 {
				t.Fatalf("night findings = %d, want 1", len(night))
			}
			if got := strings.HasSuffix(night[0].Message, "（李四持有的证据）"); got != tt.wantSuffix {
				t.Errorf("message %q: holder named = %v, want %v", night[0].Message, got, tt.wantSuffix)
			}
			if (night[0].HolderRole != "") != tt.wantSuffix {
				t.Errorf("holder role %q", night[0].HolderRole)
			}
		})
	}
}

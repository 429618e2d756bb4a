package findings

import (
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/classify"
	"github.com/dossier-tool/dossier/dossier/event"
)

func smsFrom(t *testing.T, when, num, text string) event.Event {
	e := mk(t, event.SMS, when, num, exhibit(2))
	e.Status, e.Text = event.StatusReceived, text
	return e
}

// Defect: every incoming message from a creditor-side number was counted, whatever it said:
// the sample's "【支付宝】您本期花呗协商分期应还1000.00元，已还款成功。" was after-agreement-5. A
// service notice stays on the timeline and is not a contact.
func TestNoticesAreNotContacts(t *testing.T) {
	c := newCase(t)
	evs := sorted(
		smsFrom(t, "2025-02-10T09:00:00+08:00", creditor, "【支付宝】您本期花呗协商分期应还1000.00元，已还款成功。"),
		smsFrom(t, "2025-02-12T23:30:00+08:00", creditor, "【支付宝】您的验证码是384920，请勿泄露。"),
		smsFrom(t, "2025-03-05T09:00:00+08:00", creditor, "【花呗】您本月账单1000.00元，还款日为3月10日，请按时还款，以免逾期。"),
		smsFrom(t, "2025-03-12T09:00:00+08:00", creditor, "【支付宝】您的花呗账单已逾期，请及时还款。"),
		smsFrom(t, "2025-03-13T10:00:00+08:00", "10690000", "【某银行】您的动态密码为556677。"),
	)
	r := Evaluate(c, evs, now)
	if r.Totals[RuleAfterAgreement] != 1 || r.Totals[RuleNightContact] != 0 {
		t.Fatalf("after-agreement %d (want 1: only the overdue notice), night %d (want 0: the code at 23:30 is a notice)",
			r.Totals[RuleAfterAgreement], r.Totals[RuleNightContact])
	}
	for _, f := range r.Findings {
		if f.Rule == RuleAfterAgreement && f.Events[0] != 4 {
			t.Errorf("after-agreement cites event %v, want the overdue notice (4)", f.Events)
		}
	}
	if len(r.Unclassified) != 0 {
		t.Errorf("a code from an unknown number asks for a role: %+v", r.Unclassified)
	}
}

func TestProhibitedConduct(t *testing.T) {
	c := newCase(t)
	chat := func(when, text string) event.Event {
		return mk(t, event.Chat, when, wechatColl, exhibit(3), func(e *event.Event) { e.Kind = "text"; e.Text = text })
	}
	transcript := mk(t, event.Recording, "2025-02-03T14:20:00+08:00", collector1, exhibit(6), func(e *event.Event) {
		e.Direction = event.None
		e.Text = "催收员：你今天不还，我们就联系你单位。\n张三：请不要联系我的单位，我会按协议还。"
	})
	evs := sorted(
		chat("2025-02-05T10:00:00+08:00", "今天不处理，明天就联系你的家人和单位。"),
		chat("2025-02-06T10:00:00+08:00", "我们不会联系你家人，请按时还款。"),
		chat("2025-02-07T10:00:00+08:00", "再不还就爆你通讯录"),
		smsFrom(t, "2025-02-08T10:00:00+08:00", friend, "他们说要联系你家人，小心点"),
		mk(t, event.Chat, "2025-02-09T10:00:00+08:00", wechatColl, exhibit(3), outgoing, func(e *event.Event) { e.Kind = "text"; e.Text = "你们说要爆我通讯录，我会投诉" }),
		transcript,
	)
	r := Evaluate(c, evs, now)
	var got []Finding
	for _, f := range r.Findings {
		if f.Rule == RuleProhibitedConduct {
			got = append(got, f)
		}
	}
	if len(got) != 3 {
		t.Fatalf("%d prohibited-conduct findings, want 3 (threat, contact list, transcript): %+v", len(got), got)
	}
	// In time order: the transcript (02-03), the chat threat (02-05), the contact list (02-07).
	if got[0].Quote != "我们就联系你单位" || got[0].Exhibits[0] != 6 {
		t.Errorf("transcript finding quotes %q; the complainant's own line must not count: %+v", got[0].Quote, got[0])
	}
	if got[1].Quote != "明天就联系你的家人和单位" || got[1].Conduct[0] != classify.KindFamilyEmployer || got[1].Category != CategoryBreach ||
		len(got[1].Exhibits) != 1 || got[1].Exhibits[0] != 3 || !strings.Contains(got[1].Source, "中国银行业协会") {
		t.Errorf("chat finding: %+v", got[1])
	}
	if !strings.Contains(got[1].Message, "威胁联系家人或工作单位") || !strings.Contains(got[1].Message, "“明天就联系你的家人和单位”") {
		t.Errorf("message does not name the conduct and quote it: %s", got[1].Message)
	}
	if got[2].Conduct[0] != classify.KindContactList || !strings.Contains(got[2].Source, "个人信息保护法") {
		t.Errorf("contact-list finding does not cite the PIPL: %+v", got[2])
	}
}

// A class set by hand in case.yaml wins: a message the user calls a notice is neither a contact
// nor conduct.
func TestUserClassWins(t *testing.T) {
	c := newCase(t)
	e := smsFrom(t, "2025-02-10T23:00:00+08:00", collector1, "不还就联系你家人")
	e.Class, e.ClassReason, e.ClassByUser = classify.Notice, classify.ReasonUser, true
	r := Evaluate(c, sorted(e), now)
	for _, f := range r.Findings {
		if f.Rule != RuleMissedInstallment {
			t.Errorf("a finding for a message the user classed as a notice: %+v", f)
		}
	}
}

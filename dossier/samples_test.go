package dossier

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/verify"
)

// sampleCase builds a case from samples/ exactly as `make demo` does.
func sampleCase(t *testing.T) *Case {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "case")
	c, err := Init(dir, InitOptions{Title: "sample"})
	if err != nil {
		t.Fatal(err)
	}
	yml, err := os.ReadFile("../samples/case.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "case.yaml"), yml, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := c.Add(context.Background(), []string{"../samples/evidence"}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 0 || rep.Dups != 0 {
		t.Fatalf("samples: %d failed, %d duplicates", rep.Failed, rep.Dups)
	}
	return c
}

// The timeline of the samples, as `dossier events --json` prints it, against a golden file. Item
// ids are UUIDs made at add time and are left out of the comparison.
func TestSamplesTimeline(t *testing.T) {
	c := sampleCase(t)
	conf, evs, err := c.Timeline()
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		evs[i].Item = ""
		if evs[i].Time.Location().String() != conf.Timezone {
			t.Fatalf("event %d not in the case zone: %v", i, evs[i].Time)
		}
	}
	golden.CheckJSON(t, filepath.Join("testdata", "samples-events.golden.json"), struct {
		Timezone string        `json:"timezone"`
		Events   []event.Event `json:"events"`
	}{conf.Timezone, evs})

	// Every kind of input is on it.
	channels := map[event.Channel]int{}
	for _, e := range evs {
		channels[e.Channel]++
	}
	for _, ch := range []event.Channel{event.Call, event.SMS, event.MMS, event.Chat, event.Email, event.Recording,
		event.Screenshot, event.Payment, event.Agreement} {
		if channels[ch] == 0 {
			t.Errorf("no %s events from the samples", ch)
		}
	}
	// The three missed calls of 2025-01-27 in both the SMS Backup export and the phone manager's
	// CSV are listed once, citing both.
	both := 0
	for _, e := range evs {
		if len(e.Exhibits) == 2 && e.Channel == event.Call {
			both++
		}
	}
	if both != 3 {
		t.Errorf("%d calls cite two exports, want 3", both)
	}
}

// The findings over the samples, counted by hand from the sample files (Asia/Shanghai):
//
// night-contact, 16: the complainant's calls.xml has 7 collection calls at night (01-20 22:35,
// 01-21 07:40, 01-22 23:10, 01-25 22:50, 01-28 06:50, 02-15 22:40, 03-12 23:20); sms.xml 3
// collector texts (01-22 23:15, 02-15 23:05, 03-12 07:30); the spouse's calls.xml 1 (01-25
// 22:15); the phone manager's CSV 2 (03-05 23:50, 03-18 07:40); the WeChat CSV 2 (01-26
// 22:41:05, 02-14 23:15) and the WeChat TXT 1 (03-22 22:30). The e-mail at 22:30 is not a
// night contact (not a call or message), the 22:40 recording has no direction.
//
// after-agreement (after 2025-01-29), 27: calls.xml 9, sms.xml 4 texts + 1 MMS from collectors,
// the CSV 4, the WeChat CSV 4, the WeChat TXT 4, the e-mail 1. The text from 95188 on 02-10
// ("已还款成功") is a payment confirmation: a notice, on the timeline but not a contact.
//
// prohibited-conduct, 6: the chat of 01-26 22:41 and the text of 02-15 23:05 (family and
// employer), the MMS of 02-20 (a 律师函 from a collector), the e-mail of 02-20 (family,
// employer and a visit), the chats of 03-01 and 03-25 (a visit).
//
// third-party-contact, 4: all four calls on the spouse's phone.
// unanswered-attempts, 1: 2025-01-27, 8 missed calls from 15900001111 (3 of them also in the
// CSV, counted once). connected-calls, 1: 2025-01-24, 4 connected calls.
// missed-installment, 2: due 03-10 (paid 03-12, late) and 04-10 (300.00 on 04-10 via WeChat
// and 200.00 on 04-12 from case.yaml: partly paid); 02-10 was paid that day.
func TestSamplesFindings(t *testing.T) {
	c := sampleCase(t)
	_, rep, err := c.Findings(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		findings.RuleNightContact:       16,
		findings.RuleAfterAgreement:     27,
		findings.RuleProhibitedConduct:  6,
		findings.RuleThirdPartyContact:  4,
		findings.RuleUnansweredAttempts: 1,
		findings.RuleConnectedCalls:     1,
		findings.RuleMissedInstallment:  2,
	}
	for rule, n := range want {
		if rep.Totals[rule] != n {
			t.Errorf("%s: %d findings, want %d", rule, rep.Totals[rule], n)
		}
	}
	// No finding rests on a service notice.
	_, evs, err := c.Timeline()
	if err != nil {
		t.Fatal(err)
	}
	class := map[int]string{}
	for _, e := range evs {
		class[e.Seq] = e.Class
	}
	for _, f := range rep.Findings {
		for _, seq := range f.Events {
			if class[seq] == "notice" {
				t.Errorf("%s cites event %d, a notice", f.ID, seq)
			}
		}
	}
	for _, f := range rep.Findings {
		if f.Rule == findings.RuleUnansweredAttempts && (f.Count != 8 || f.Counterpart != "15900001111" || f.Day.String() != "2025-01-27") {
			t.Errorf("unanswered: %+v", f)
		}
		if f.Rule == findings.RuleConnectedCalls && (f.Count != 4 || f.Day.String() != "2025-01-24") {
			t.Errorf("connected: %+v", f)
		}
		if len(f.Exhibits) == 0 {
			t.Errorf("%s cites no exhibit", f.ID)
		}
	}
	status := map[string]string{}
	for _, row := range rep.Schedule {
		status[row.Due.String()] = row.Status
	}
	for due, s := range map[string]string{"2025-02-10": findings.StatusPaidOnTime, "2025-03-10": findings.StatusPaidLate,
		"2025-04-10": findings.StatusPartlyPaid, "2025-05-10": findings.StatusNotYetDue} {
		if status[due] != s {
			t.Errorf("installment due %s: %s, want %s", due, status[due], s)
		}
	}
}

func TestSamplesVerify(t *testing.T) {
	c := sampleCase(t)
	r, err := verify.Case(c.Folder.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("fresh sample case does not verify: %+v", r.Problems)
	}
}

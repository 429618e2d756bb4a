package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/money"
)

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func sampleCase(t testing.TB) *caseconf.Case {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "samples", "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := caseconf.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func amount(s string) *money.Amount { a := money.MustParse(s); return &a }

// sampleBundle is a small slice of the invented sample case: night calls, the 8 unanswered
// calls of 2025-01-27, a message to the spouse, the agreement, contacts after it and repayments.
func sampleBundle(t testing.TB) (*evidence.Bundle, *findings.Report) {
	c := sampleCase(t)
	ev := []event.Event{
		{Time: at("2025-01-20 22:41:05"), Channel: event.Call, Direction: event.In, Status: event.StatusAnswered, Counterpart: "15900001111", CounterpartName: "某某资产催收员", Role: "collector", Duration: event.Seconds(185), Exhibit: 1, Locator: "line 44"},
		{Time: at("2025-01-21 07:12:00"), Channel: event.SMS, Direction: event.In, Status: event.StatusReceived, Counterpart: "17700002222", Role: "collector", Text: "【某某律所】张三您好，您的花呗欠款已逾期，请于今日处理。", Exhibit: 2, Locator: "line 12"},
		{Time: at("2025-01-22 20:00:00"), Channel: event.SMS, Direction: event.In, Status: event.StatusReceived, Counterpart: "15900001111", Role: "collector", Text: "请尽快联系我们，否则将上门", Exhibit: 5, Holder: "李四", HolderRole: "family", Locator: "line 30"},
	}
	for i := 0; i < 8; i++ {
		ev = append(ev, event.Event{Time: at(fmt.Sprintf("2025-01-27 %02d:15:00", 9+i)), Channel: event.Call, Direction: event.In, Status: event.StatusMissed,
			Counterpart: "15900001111", Role: "collector", Duration: event.Seconds(0), Exhibit: 1, Locator: fmt.Sprintf("line %d", 45+i)})
	}
	ev = append(ev,
		event.Event{Time: at("2025-01-29 10:30:00"), Channel: event.Agreement, Counterpart: "95188", Role: "creditor", Text: "协商还款协议 HB2025012900321", Exhibits: []int{3, 4}},
		event.Event{Time: at("2025-02-05 23:05:00"), Channel: event.Chat, Direction: event.In, Counterpart: "wxid_collector01", CounterpartName: "催收王经理", Role: "collector", Text: "=1+1", Exhibit: 6},
		event.Event{Time: at("2025-02-10 09:00:00"), Channel: event.Payment, Direction: event.Out, Status: "还款成功", Kind: event.KindRepayment, Category: "信用借还", Method: "余额", Amount: amount("1000.00"), Exhibit: 7, Text: "花呗主动还款"},
		event.Event{Time: at("2025-02-11 12:00:00"), Channel: event.Email, Direction: event.In, Counterpart: "notice@cuishou-agency.example", Role: "collector", Subject: "催收通知", Text: "@SUM(A1)", Exhibit: 8},
		event.Event{Time: at("2025-03-12 21:00:00"), Channel: event.Payment, Direction: event.Out, Status: "还款成功", Kind: event.KindRepayment, Category: "信用借还", Amount: amount("1000.00"), Exhibit: 7},
		event.Event{Time: at("2025-03-15 06:30:00"), Channel: event.Call, Direction: event.In, Status: event.StatusRejected, Counterpart: "+86 159 0000 1111", Role: "collector", Duration: event.Seconds(0), Exhibit: 1},
		event.Event{Time: at("2025-04-10 08:00:00"), Channel: event.Payment, Direction: event.Out, Status: "支付成功", Kind: event.KindRepayment, Amount: amount("300.00"), Method: "微信支付", Exhibit: 9, Text: "-5"},
		event.Event{Time: at("2025-04-11 10:00:00"), Channel: event.Note, Text: "\t=cmd", Exhibit: 9},
	)
	for i := range ev {
		ev[i].Seq = i + 1
	}
	acq := at("2025-04-14 20:00:00")
	items := []evidence.Item{
		{Exhibit: 1, ID: "0196a000-0000-7000-8000-000000000001", SHA256: strings.Repeat("a1", 32), Name: "calls-20250415.xml", MIME: "text/xml", Kind: "call-log", Size: 20480, Acquired: acq, Title: "通话记录", Purpose: "证明催收方频繁来电及夜间来电", Events: 10},
		{Exhibit: 2, ID: "0196a000-0000-7000-8000-000000000002", SHA256: strings.Repeat("b2", 32), Name: "sms-20250415.xml", MIME: "text/xml", Kind: "sms", Size: 10240, Acquired: acq, Events: 1, Summary: "短信 1 条"},
		{Exhibit: 3, ID: "0196a000-0000-7000-8000-000000000003", SHA256: strings.Repeat("c3", 32), Name: "还款协议.pdf", MIME: "application/pdf", Kind: "agreement", Size: 50000, Acquired: acq, Purpose: "证明已达成分期还款协议", Source: "支付宝App"},
		{Exhibit: 4, ID: "0196a000-0000-7000-8000-000000000004", SHA256: strings.Repeat("d4", 32), Name: "=HYPERLINK(\"http://x\").png", MIME: "image/png", Kind: "screenshot", Size: 1234, Acquired: acq},
		{Exhibit: 5, ID: "0196a000-0000-7000-8000-000000000005", SHA256: strings.Repeat("e5", 32), Name: "sms-lisi.xml", MIME: "text/xml", Kind: "sms", Size: 999, Acquired: acq, Holder: "李四", HolderRole: "family", Warnings: []string{"2 rows without a date"}},
	}
	b := &evidence.Bundle{Case: c, CaseID: "0196a000-0000-7000-8000-0000000000ff", Created: at("2025-04-14 19:00:00"), Stamp: at("2025-04-15 09:30:00"), Items: items, Events: ev}
	ts := at("2025-01-20 22:41:05")
	r := &findings.Report{
		AsOf: caseconf.Date{Y: 2025, M: 4, D: 15},
		Findings: []findings.Finding{
			{ID: "night-contact-1", Rule: findings.RuleNightContact, Time: &ts, Counterpart: "15900001111", Role: "collector", Count: 1, Events: []int{1}, Exhibits: []int{1}, Message: "夜间来电"},
			{ID: "night-contact-2", Rule: findings.RuleNightContact, Counterpart: "15900001111", Count: 1, Events: []int{2}, Exhibits: []int{2}, Message: "夜间短信"},
			{ID: "third-party-contact-1", Rule: findings.RuleThirdPartyContact, Holder: "李四", Count: 1, Events: []int{3}, Exhibits: []int{5}, Message: "联系配偶"},
			{ID: "unanswered-attempts-1", Rule: findings.RuleUnansweredAttempts, Day: caseconf.Date{Y: 2025, M: 1, D: 27}, Counterpart: "15900001111", Count: 8, Threshold: 6, Events: []int{4, 5, 6, 7, 8, 9, 10, 11}, Exhibits: []int{1}, Message: "一天内 8 次未接来电"},
			{ID: "after-agreement-1", Rule: findings.RuleAfterAgreement, Count: 1, Events: []int{13}, Exhibits: []int{6}, BreachNote: "本身不构成违规"},
			{ID: "night-contact-3", Rule: findings.RuleNightContact, Count: 1, Events: []int{13}, Exhibits: []int{6}},
		},
		Schedule: []findings.ScheduleRow{
			{N: 1, Due: caseconf.Date{Y: 2025, M: 2, D: 10}, Amount: 100000, Paid: 100000, PaidByDue: 100000, PaidOn: caseconf.Date{Y: 2025, M: 2, D: 10}, Status: findings.StatusPaidOnTime, Exhibits: []int{7}},
			{N: 2, Due: caseconf.Date{Y: 2025, M: 3, D: 10}, Amount: 100000, Paid: 100000, PaidOn: caseconf.Date{Y: 2025, M: 3, D: 12}, Status: findings.StatusPaidLate, Exhibits: []int{7}},
			{N: 3, Due: caseconf.Date{Y: 2025, M: 4, D: 10}, Amount: 100000, Paid: 50001, PaidByDue: 30001, Status: findings.StatusPartlyPaid, Exhibits: []int{9}},
		},
		Totals: map[string]int{findings.RuleNightContact: 3, findings.RuleThirdPartyContact: 1, findings.RuleUnansweredAttempts: 1, findings.RuleAfterAgreement: 1},
	}
	return b, r
}

func render(t testing.TB, b *evidence.Bundle, r *findings.Report, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, b, r, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// zipEntries reads every part of the package.
func zipEntries(t testing.TB, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = b
	}
	return out
}

// dump prints every non-empty cell of every sheet as "A1 [type] value" plus its formula, for the
// golden file; it reads raw values so dates show as serials and the golden pins the serials.
func dump(t testing.TB, f *excelize.File) string {
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", sh)
		rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				formula, _ := f.GetCellFormula(sh, ref)
				typ, _ := f.GetCellType(sh, ref)
				if v == "" && formula == "" {
					continue
				}
				shown, _ := f.GetCellValue(sh, ref)
				line := fmt.Sprintf("%s t=%d %q", ref, typ, v)
				if shown != v {
					line += fmt.Sprintf(" shown=%q", shown)
				}
				if formula != "" {
					line += " f=" + formula
				}
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

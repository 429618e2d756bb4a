package findings

import (
	"slices"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
)

func TestSchedule(t *testing.T) {
	const (
		huabei   = "花呗"
		jiebei   = "借呗"
		planLine = `installments: {count: 12, amount: "1000.00", first_due: 2025-02-10}`
		caseLine = "payments:\n  - {date: 2025-04-12, amount: \"200.00\", note: 银行转账至花呗还款账户}\n"
	)
	// Three installments of 1000.00 due 02-10, 03-10 and 04-10; as_of 2025-04-15.
	three := []string{planLine, `installments: {count: 3, amount: "1000.00", first_due: 2025-02-10}`, caseLine, "payments: []\n"}
	withEdits := func(extra ...string) []string { return append(slices.Clone(three), extra...) }
	pay := func(when, amount string, o ...opt) event.Event { return repayment(t, when, huabei, amount, o...) }
	const (
		on, late, partly, unpaid, notDue = StatusPaidOnTime, StatusPaidLate, StatusPartlyPaid, StatusUnpaid, StatusNotYetDue
	)
	tests := []struct {
		name       string
		edits      []string
		evs        []event.Event
		wantStatus []string
		wantPaid   []string
		wantByDue  []string
		wantMissed []string // messages must contain these, in order
	}{
		{"each paid on its due day", three, []event.Event{
			pay("2025-02-10T09:00:00+08:00", "1000.00"),
			pay("2025-03-10T23:59:59+08:00", "1000.00"),
			pay("2025-04-10T12:00:00+08:00", "1000.00"),
		}, []string{on, on, on}, []string{"1000.00", "1000.00", "1000.00"}, nil, nil},
		{"one day late", three, []event.Event{
			pay("2025-02-10T09:00:00+08:00", "1000.00"),
			pay("2025-03-11T00:00:00+08:00", "1000.00"),
			pay("2025-04-10T12:00:00+08:00", "1000.00"),
		}, []string{on, late, on}, nil, nil, []string{"第 2 期（2025-03-10 到期，应还 1000.00 元）：到期日前已还 0.00 元，2025-03-11 还清（到期后 1 天）"}},
		{"late in the case zone, on time in UTC terms", withEdits("timezone: Asia/Shanghai", "timezone: UTC"), []event.Event{
			pay("2025-02-10T09:00:00+08:00", "1000.00"),
			pay("2025-03-11T00:30:00+08:00", "1000.00"), // 2025-03-10 16:30 UTC
			pay("2025-04-10T12:00:00+08:00", "1000.00"),
		}, []string{on, on, on}, nil, nil, nil},
		{"a partial payment spans two installments", three, []event.Event{
			pay("2025-02-10T09:00:00+08:00", "1500.00"),
			pay("2025-03-10T09:00:00+08:00", "500.00"),
			pay("2025-04-09T09:00:00+08:00", "1000.00"),
		}, []string{on, on, on}, []string{"1000.00", "1000.00", "1000.00"}, []string{"1000.00", "1000.00", "1000.00"}, nil},
		{"an overpayment spills over", three, []event.Event{
			pay("2025-02-10T09:00:00+08:00", "2500.00"),
		}, []string{on, on, partly}, []string{"1000.00", "1000.00", "500.00"}, []string{"1000.00", "1000.00", "500.00"},
			[]string{"第 3 期", "到期日前已还 500.00 元，截至 2025-04-15 尚余 500.00 元"}},
		{"payments before the agreement are ignored", three, []event.Event{
			pay("2025-01-28T09:00:00+08:00", "1000.00"),
			pay("2025-01-29T00:00:00+08:00", "1000.00"), // the agreement day counts
		}, []string{on, unpaid, unpaid}, []string{"1000.00", "0.00", "0.00"}, nil, []string{"第 2 期", "截至 2025-04-15 未还款", "第 3 期"}},
		{"a repayment to another product is ignored", three, []event.Event{
			repayment(t, "2025-02-10T09:00:00+08:00", jiebei, "1000.00"),
			pay("2025-03-10T09:00:00+08:00", "1000.00"),
			pay("2025-04-10T09:00:00+08:00", "1000.00"),
		}, []string{late, late, unpaid}, []string{"1000.00", "1000.00", "0.00"}, nil, nil},
		{"the product named in the text", three, []event.Event{
			repayment(t, "2025-02-10T09:00:00+08:00", "重庆蚂蚁消费金融有限公司", "1000.00"),
			repayment(t, "2025-03-10T09:00:00+08:00", "蚂蚁消金", "1000.00", func(e *event.Event) { e.Text = "花呗主动还款-2025年03月账单" }),
			repayment(t, "2025-04-10T09:00:00+08:00", "某银行", "1000.00", func(e *event.Event) { e.Text = "信用卡还款" }),
		}, []string{on, on, unpaid}, []string{"1000.00", "1000.00", "0.00"}, nil, nil},
		{"a plain payment is not a repayment", three, []event.Event{
			pay("2025-02-10T09:00:00+08:00", "1000.00", func(e *event.Event) { e.Kind = event.KindPayment }),
		}, []string{unpaid, unpaid, unpaid}, nil, nil, nil},
		{"a bill that signs outflows", three, []event.Event{
			pay("2025-02-10T09:00:00+08:00", "-3000.00"),
		}, []string{on, on, on}, nil, nil, nil},
		{"no product and no name: every repayment counts", withEdits("respondent: {name: 重庆蚂蚁消费金融有限公司, product: 花呗, phone: \"95188\"}", "respondent: {phone: \"95188\"}"), []event.Event{
			repayment(t, "2025-02-10T09:00:00+08:00", jiebei, "3000.00"),
		}, []string{on, on, on}, nil, nil, nil},
		{"the sample story: bill, WeChat Pay and case.yaml", []string{planLine, `installments: {count: 3, amount: "1000.00", first_due: 2025-02-10}`}, []event.Event{
			pay("2025-02-10T10:12:00+08:00", "1000.00", exhibit(7)),
			pay("2025-03-12T20:01:00+08:00", "1000.00", exhibit(7)),
			repayment(t, "2025-04-10T08:30:00+08:00", "花呗", "300.00", exhibit(8)),
		}, []string{on, late, partly}, []string{"1000.00", "1000.00", "500.00"}, []string{"1000.00", "0.00", "300.00"},
			[]string{"2025-03-12 还清（到期后 2 天）", "截至 2025-04-15 已还 500.00 元，尚余 500.00 元"}},
		{"judged at an earlier as_of", withEdits("as_of: 2025-04-15", "as_of: 2025-03-01"), []event.Event{
			pay("2025-02-10T09:00:00+08:00", "1500.00"),
			pay("2025-03-05T09:00:00+08:00", "500.00"), // after as_of
		}, []string{on, notDue, notDue}, []string{"1000.00", "500.00", "0.00"}, nil, nil},
		{"an explicit list of installments", []string{planLine, "installments:\n    - {due: 2025-03-31, amount: \"500.50\"}\n    - {due: 2025-02-28, amount: \"1000\"}", caseLine, "payments: []\n"}, []event.Event{
			pay("2025-02-27T09:00:00+08:00", "1500.50"),
		}, []string{on, on}, []string{"1000.00", "500.50"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(newCase(t, tt.edits...), sorted(tt.evs...), now)
			var status, paid, byDue []string
			for _, row := range r.Schedule {
				status = append(status, row.Status)
				paid = append(paid, row.Paid.String())
				byDue = append(byDue, row.PaidByDue.String())
			}
			if !slices.Equal(status, tt.wantStatus) {
				t.Fatalf("statuses %v, want %v", status, tt.wantStatus)
			}
			if len(tt.wantPaid) > 0 && !slices.Equal(paid, tt.wantPaid) {
				t.Errorf("paid %v, want %v", paid, tt.wantPaid)
			}
			if len(tt.wantByDue) > 0 && !slices.Equal(byDue, tt.wantByDue) {
				t.Errorf("paid by due %v, want %v", byDue, tt.wantByDue)
			}
			missed := ofRule(r, RuleMissedInstallment)
			wantN := 0
			for _, s := range status {
				if s == late || s == partly || s == unpaid {
					wantN++
				}
			}
			if len(missed) != wantN {
				t.Errorf("missed-installment findings = %d, want %d", len(missed), wantN)
			}
			var all strings.Builder
			for _, f := range missed {
				all.WriteString(f.Message + "\n")
				if f.Source != "还款协议（HB2025012900321，2025-01-29）" || f.Installment == 0 || f.Day != r.Schedule[f.Installment-1].Due {
					t.Errorf("finding %+v: want the agreement as source and the installment's due day", f)
				}
			}
			rest := all.String()
			for _, w := range tt.wantMissed {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("missed-installment messages lack %q in order:\n%s", w, all.String())
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// The exhibits and events of a row are the bills and payment events applied to it.
func TestScheduleCitesPayments(t *testing.T) {
	evs := sorted(
		missed(t, "2025-02-01T09:00:00+08:00", collector1, exhibit(2)),
		repayment(t, "2025-02-10T09:00:00+08:00", "花呗", "1500.00", exhibit(7)),
		repayment(t, "2025-03-10T09:00:00+08:00", "花呗", "500.00", exhibit(9, 7)),
	)
	r := Evaluate(newCase(t), evs, now)
	if got := r.Schedule[1]; !slices.Equal(got.Events, []int{2, 3}) || !slices.Equal(got.Exhibits, []int{7, 9}) || got.PaidOn.String() != "2025-03-10" {
		t.Errorf("row 2 = %+v, want events [2 3], exhibits [7 9], paid on 2025-03-10", got)
	}
	row3 := r.Schedule[2]
	if row3.Status != StatusPartlyPaid || row3.Paid.String() != "200.00" || len(row3.Sources) != 1 || !strings.Contains(row3.Sources[0], "2025-04-12 200.00") {
		t.Errorf("row 3 = %+v, want the case.yaml payment of 200.00", row3)
	}
	if len(r.Schedule) != 12 || r.Schedule[3].Status != StatusNotYetDue {
		t.Errorf("schedule has %d rows, row 4 %q", len(r.Schedule), r.Schedule[3].Status)
	}
}

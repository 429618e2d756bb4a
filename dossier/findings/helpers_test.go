package findings

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/money"
)

// sampleYAML is the sample case's case.yaml, trimmed to what the findings read.
const sampleYAML = `title: 花呗协商还款后仍被催收
language: zh
timezone: Asia/Shanghai
complainant: {name: 张三, phone: "13900001234"}
respondent: {name: 重庆蚂蚁消费金融有限公司, product: 花呗, phone: "95188"}
contacts:
  - {number: "95188", name: 支付宝客服, role: creditor}
  - {number: "+86 159 0000 1111", name: 某某资产催收员, role: collector}
  - {number: "177-0000-2222", name: 某某律所催收专员, role: collector}
  - {wechat: wxid_collector01, name: 催收王经理, role: collector}
  - {email: notice@cuishou-agency.example, name: 某某资产管理有限公司, role: collector}
  - {number: "13800138000", name: 李四（配偶）, role: family}
  - {number: "13700001111", name: 朋友, role: other}
  - {number: "13900001234", name: 张三, role: self}
agreement:
  date: 2025-01-29
  reference: HB2025012900321
  installments: {count: 12, amount: "1000.00", first_due: 2025-02-10}
payments:
  - {date: 2025-04-12, amount: "200.00", note: 银行转账至花呗还款账户}
as_of: 2025-04-15
rules: {quiet_start: "22:00", quiet_end: "08:00", max_unanswered_per_day: 6, max_connected_per_day: 3}
`

const (
	collector1 = "15900001111"
	collector2 = "17700002222"
	creditor   = "95188"
	wechatColl = "wxid_collector01"
	mailColl   = "notice@cuishou-agency.example"
	spouse     = "13800138000"
	friend     = "13700001111"
	self       = "13900001234"
)

// newCase parses sampleYAML after applying text edits, the way a user edits case.yaml.
func newCase(t testing.TB, edits ...string) *caseconf.Case {
	t.Helper()
	y := sampleYAML
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(y, edits[i]) {
			t.Fatalf("edit %q: not in the sample case", edits[i])
		}
		y = strings.Replace(y, edits[i], edits[i+1], 1)
	}
	c, err := caseconf.Parse(strings.NewReader(y))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// at reads an RFC 3339 instant; tests write the offset so the zone they mean is explicit.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type opt func(*event.Event)

func exhibit(n ...int) opt {
	return func(e *event.Event) { e.Exhibit = n[0]; e.Exhibits = n }
}

func heldBy(name, role string) opt {
	return func(e *event.Event) { e.Holder, e.HolderRole = name, role }
}

func withRole(role string) opt { return func(e *event.Event) { e.Role = role } }

func outgoing(e *event.Event) { e.Direction = event.Out }

func named(n string) opt { return func(e *event.Event) { e.CounterpartName = n } }

func mk(t testing.TB, ch event.Channel, when, counterpart string, opts ...opt) event.Event {
	t.Helper()
	e := event.Event{Time: at(t, when), Channel: ch, Direction: event.In, Counterpart: counterpart, Exhibit: 1, Exhibits: []int{1}}
	for _, o := range opts {
		o(&e)
	}
	return e
}

// The base fields come first so that options can override them.
func missed(t testing.TB, when, num string, opts ...opt) event.Event {
	return mk(t, event.Call, when, num, append([]opt{func(e *event.Event) {
		e.Status = event.StatusMissed
		e.Duration = event.Seconds(0)
	}}, opts...)...)
}

func answered(t testing.TB, when, num string, secs int64, opts ...opt) event.Event {
	return mk(t, event.Call, when, num, append([]opt{func(e *event.Event) {
		e.Status = event.StatusAnswered
		e.Duration = event.Seconds(secs)
	}}, opts...)...)
}

func repayment(t testing.TB, when, counterpart, amount string, opts ...opt) event.Event {
	a := money.MustParse(amount)
	return mk(t, event.Payment, when, counterpart, append([]opt{func(e *event.Event) {
		e.Direction = event.Out
		e.Kind = event.KindRepayment
		e.Status = "还款成功"
		e.Category = "信用借还"
		e.Amount = &a
	}}, opts...)...)
}

// sorted orders events by time and numbers them, as the timeline stage does.
func sorted(evs ...event.Event) []event.Event {
	out := slices.Clone(evs)
	slices.SortStableFunc(out, func(a, b event.Event) int { return a.Time.Compare(b.Time) })
	for i := range out {
		out[i].Seq = i + 1
	}
	return out
}

func ofRule(r *Report, rule string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// repeat makes n events spaced a minute apart from start.
func repeat(t testing.TB, n int, start string, gen func(when string) event.Event) []event.Event {
	t.Helper()
	t0 := at(t, start)
	out := make([]event.Event, n)
	for i := range out {
		out[i] = gen(t0.Add(time.Duration(i) * time.Minute).Format(time.RFC3339))
	}
	return out
}

var now = time.Date(2025, 4, 15, 12, 0, 0, 0, time.UTC)

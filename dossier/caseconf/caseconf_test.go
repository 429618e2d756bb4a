package caseconf

import (
	"errors"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/money"
)

const full = `title: 花呗协商还款后仍被催收
language: zh
timezone: Asia/Shanghai
complainant: {name: 张三, id_number: "110101199001011234", phone: "13900001234", address: 北京}
respondent: {name: 重庆蚂蚁消费金融有限公司, product: 花呗, phone: "95188"}
contacts:
  - {number: "95188", name: 支付宝客服, role: creditor}
  - {number: "+86 159-0000-1111", name: 某某资产催收员, role: collector}
  - {wechat: wxid_abc123xyz, name: 某催收, role: collector}
agreement:
  date: 2025-01-29
  reference: HB2025012900321
  installments: {count: 12, amount: "1000.00", first_due: 2025-01-31}
payments:
  - {date: 2025-02-10, amount: "1000.00", note: 转账}
demands: [立即停止违规催收]
narrative: |
  经过
as_of: 2025-04-15
rules: {quiet_start: "22:00", quiet_end: "08:00", max_unanswered_per_day: 6, max_connected_per_day: 3}
`

func TestParseFull(t *testing.T) {
	c, err := Parse(strings.NewReader(full))
	if err != nil {
		t.Fatal(err)
	}
	if c.RoleOf("15900001111") != RoleCollector || c.RoleOf("0086 15900001111") != RoleCollector {
		t.Errorf("collector not matched after normalisation")
	}
	if c.RoleOf("某催收") != RoleCollector {
		t.Errorf("display name of a chat contact not matched")
	}
	if c.RoleOf("wxid_abc123xyz") != RoleCollector || c.RoleOf("13800000000") != "" {
		t.Errorf("roles wrong")
	}
	s := c.Agreement.Installments.Schedule()
	if len(s) != 12 || s[1].Due.String() != "2025-02-28" || s[2].Due.String() != "2025-03-31" {
		t.Errorf("schedule: %v", s)
	}
	if s[0].Amount != money.MustParse("1000") {
		t.Errorf("amount %s", s[0].Amount)
	}
	if c.AsOf.String() != "2025-04-15" || c.Payments[0].Amount.String() != "1000.00" {
		t.Errorf("as_of/payments: %v %v", c.AsOf, c.Payments)
	}
}

func TestParseList(t *testing.T) {
	c, err := Parse(strings.NewReader("agreement:\n  date: 2025-01-29\n  installments:\n    - {due: 2025-02-10, amount: \"500.5\"}\n    - {due: 2025-03-10, amount: \"500\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Agreement.Installments.Schedule()
	if len(s) != 2 || s[0].Amount.String() != "500.50" {
		t.Fatalf("list: %v", s)
	}
	if c.Language != "zh" || c.Timezone != "Asia/Shanghai" || c.Rules.MaxUnansweredPerDay != 6 {
		t.Errorf("defaults not filled: %+v", c)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bad zone", "timezone: Mars/Olympus\n", "line 1"},
		{"bad language", "title: x\nlanguage: fr\n", "line 2"},
		{"bad role", "contacts:\n  - {number: \"1\", name: a, role: boss}\n", "line 2"},
		{"bad quiet", "rules: {quiet_start: \"25:00\"}\n", "quiet_start"},
		{"unknown key", "titel: x\n", "titel"},
		{"bad date", "as_of: 2025-13-45\n", "line 1"},
		{"bad amount", "payments:\n  - {date: 2025-01-01, amount: \"abc\"}\n", "abc"},
		{"syntax", "title: [\n", "line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalid mentioning %q", err, tt.want)
			}
		})
	}
}

func TestTemplateParses(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		b, err := Template("标题: with colon", lang, "Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse(strings.NewReader(string(b)))
		if err != nil || c.Title != "标题: with colon" || c.Language != lang {
			t.Fatalf("%s: %v %+v", lang, err, c)
		}
	}
}

func TestContactMatchesEveryFormOfANumber(t *testing.T) {
	c, err := Parse(strings.NewReader(`contacts:
  - {number: "010-8888-6666", name: 某资产北京, role: collector}
  - {number: "+852 9123 4567", name: 香港催收, role: collector}
  - {number: "95188", name: 支付宝客服, role: creditor}
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ counterpart, want string }{
		{"+86 10 8888 6666", "某资产北京"},
		{"01088886666", "某资产北京"},
		{"00852 9123 4567", "香港催收"},
		{"+85291234567", "香港催收"},
		{"+86 95188", "支付宝客服"},
		{"95188", "支付宝客服"},
	}
	for _, tt := range tests {
		t.Run(tt.counterpart, func(t *testing.T) {
			if ct, ok := c.Contact(tt.counterpart); !ok || ct.Name != tt.want {
				t.Fatalf("Contact(%q) = %+v, %v; want %s", tt.counterpart, ct, ok, tt.want)
			}
		})
	}
}

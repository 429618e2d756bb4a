package serve

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/caseconf"
)

func TestApplyDetails(t *testing.T) {
	tmpl, err := caseconf.Template("催收投诉", "zh", "Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	base := detailsForm{Title: "花呗协商还款后仍被催收", Language: "zh", Timezone: "Asia/Shanghai", RName: "重庆蚂蚁消费金融有限公司",
		QuietStart: "22:00", QuietEnd: "08:00", MaxUnanswered: "6", MaxConnected: "3"}
	for _, tc := range []struct {
		name    string
		edit    func(*detailsForm)
		want    []string // in the YAML written
		wantErr string   // from applyDetails or caseconf
		check   func(*testing.T, *caseconf.Case)
	}{
		{name: "comments and order stay", edit: func(f *detailsForm) { f.CName, f.CPhone = "张三", "13800138000" },
			want: []string{"# 投诉人（本人）/ complainant (you)", "  name: 张三", `  phone: "13800138000"`, "# 规则阈值 / rule thresholds",
				"quiet_start: \"22:00\" # 夜间开始 quiet hours start"}},
		{name: "contacts of every kind", edit: func(f *detailsForm) {
			f.Contacts = "95188, 支付宝客服, creditor\nwxid_abc123xyz，某催收，collector\ncs@agency.example, 代理, collector"
		}, check: func(t *testing.T, c *caseconf.Case) {
			if len(c.Contacts) != 3 || c.Contacts[0].Number != "95188" || c.Contacts[1].Wechat != "wxid_abc123xyz" || c.Contacts[2].Email != "cs@agency.example" {
				t.Fatalf("contacts: %+v", c.Contacts)
			}
		}},
		{name: "monthly agreement", edit: func(f *detailsForm) {
			f.ADate, f.ACount, f.AAmount, f.AFirst = "2025-01-29", "12", "1000.00", "2025-02-10"
		},
			check: func(t *testing.T, c *caseconf.Case) {
				if c.Agreement == nil || len(c.Agreement.Installments.Schedule()) != 12 {
					t.Fatalf("agreement: %+v", c.Agreement)
				}
			}},
		{name: "listed installments and payments", edit: func(f *detailsForm) {
			f.ADate, f.AList = "2025-01-29", "2025-02-10, 500.00\n2025-03-10, 1500.00"
			f.Payments = "2025-02-10, 500.00, 银行转账"
		}, check: func(t *testing.T, c *caseconf.Case) {
			if len(c.Agreement.Installments.List) != 2 || len(c.Payments) != 1 || c.Payments[0].Note != "银行转账" {
				t.Fatalf("%+v %+v", c.Agreement, c.Payments)
			}
		}},
		{name: "narrative over lines", edit: func(f *detailsForm) { f.Narrative = "第一行\r\n第二行：有冒号" },
			check: func(t *testing.T, c *caseconf.Case) {
				if c.Narrative != "第一行\n第二行：有冒号\n" {
					t.Fatalf("narrative %q", c.Narrative)
				}
			}},
		{name: "a role the rules do not know", edit: func(f *detailsForm) { f.Contacts = "15900001111, 某催收, boss" },
			wantErr: `role "boss": use creditor, collector, self, family or other`},
		{name: "an agreement without a date", edit: func(f *detailsForm) { f.ACount, f.AAmount, f.AFirst = "12", "1000.00", "2025-02-10" },
			wantErr: "agreement: date is missing"},
		{name: "a count that is not a number", edit: func(f *detailsForm) { f.ADate, f.ACount = "2025-01-29", "twelve" },
			wantErr: `installments count "twelve" is not a number`},
		{name: "a time of day", edit: func(f *detailsForm) { f.QuietStart = "25:00" }, wantErr: `rules.quiet_start "25:00": write a time of day as HH:MM`},
		{name: "a zone", edit: func(f *detailsForm) { f.Timezone = "Mars/Olympus" }, wantErr: `timezone "Mars/Olympus" is not a known zone`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			tc.edit(&f)
			out, err := applyDetails(tmpl, f)
			var c *caseconf.Case
			if err == nil {
				c, err = caseconf.Parse(bytes.NewReader(out))
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Fatalf("missing %q in\n%s", w, out)
				}
			}
			if tc.check != nil {
				tc.check(t, c)
			}
			// What the form shows again is what was saved.
			if again, err := applyDetails(out, formFromCase(c)); err != nil || !bytes.Equal(again, out) {
				t.Fatalf("saving the form unchanged changes case.yaml (%v):\n%s\n---\n%s", err, out, again)
			}
		})
	}
}

package pdf

import (
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/vocab"
	"github.com/dossier-tool/dossier/templates"
)

// letterText fills one embedded letter template for a bundle and report.
func letterText(t *testing.T, b *evidence.Bundle, r *findings.Report, kind, lang string) string {
	t.Helper()
	src, origin, err := templates.Letter(nil, kind, lang)
	if err != nil {
		t.Fatal(err)
	}
	d := newDoc(b, r, Options{Letter: kind, Lang: lang}.withDefaults(b), "digest", nil, nil)
	out, err := d.executeLetter(src, origin)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// between is the text of s from the line starting with from up to the next "## " heading.
func between(s, from string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	rest := s[i+len(from):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// Defect: the letters listed the complainant's own late installments (分期未按期还款) among the
// other side's violations and then said "上述行为违反…". A missed installment is the
// complainant's performance of the agreement: stated under 协议履行情况, with what was paid.
func TestLettersCiteBreachesOnly(t *testing.T) {
	fx := newFixture(t)
	for _, lang := range []string{"zh", "en"} {
		for _, kind := range templates.Kinds {
			t.Run(kind+"."+lang, func(t *testing.T) {
				out := letterText(t, fx.bundle, fx.report, kind, lang)
				breachHead, perfHead := "## 违规事实", "## 协议履行情况"
				missed, after := vocab.Rule(lang, findings.RuleMissedInstallment), vocab.Rule(lang, findings.RuleAfterAgreement)
				if lang == "en" {
					breachHead, perfHead = "## Rule breaches", "## Performance of the agreement"
				}
				breaches := between(out, breachHead)
				if kind == templates.Regulator {
					breaches = between(out, "## "+map[string]string{"zh": "事实与理由", "en": "Facts and grounds"}[lang])
				}
				if breaches == "" {
					t.Fatalf("no breaches part:\n%s", out)
				}
				for _, not := range []string{missed, after, "missed-installment"} {
					if strings.Contains(breaches, not) {
						t.Errorf("the breaches part names %q:\n%s", not, breaches)
					}
				}
				if !strings.Contains(breaches, vocab.Rule(lang, findings.RuleNightContact)) {
					t.Errorf("the breaches part lacks the night contact:\n%s", breaches)
				}
				if kind != templates.Mediation {
					perf := between(out, perfHead)
					for _, want := range map[string][]string{
						"zh": {"已按协议还款2500.00元", "第2期（2025年3月10日到期，1000.00元）于2025年3月12日还清", "第3期（2025年4月10日到期，1000.00元）已还500.00元"},
						"en": {"2500.00 had been paid", "installment 2 (1000.00 due 10 March 2025) was paid in full on 12 March 2025"},
					}[lang] {
						if !strings.Contains(perf, want) {
							t.Errorf("the performance part lacks %q:\n%s", want, perf)
						}
					}
				}
			})
		}
	}
}

// Defect: a case without findings wrote "未发现违反催收规则的情形。上述行为违反…", a blank 姓名 and
// "所附证据共0项". With no breach a letter states what happened and claims no violation.
func TestLetterWithoutBreaches(t *testing.T) {
	empty := &evidence.Bundle{Case: &caseconf.Case{}, CaseID: "x"}
	report := findings.Evaluate(empty.Case, nil, empty.Stamp)
	for _, lang := range []string{"zh", "en"} {
		for _, kind := range templates.Kinds {
			t.Run(kind+"."+lang, func(t *testing.T) {
				out := letterText(t, empty, report, kind, lang)
				for _, not := range []string{"上述行为违反", "依据：", "共0项", "This conduct breaches", "0 exhibits", "Sources:", "侵害", "harms"} {
					if strings.Contains(out, not) {
						t.Errorf("a letter without breaches says %q:\n%s", not, out)
					}
				}
				for _, want := range map[string][]string{"zh": {"未发现违反催收规则的情形", "本材料未附证据", "＿＿＿＿"}, "en": {"no breach of the collection rules", "No exhibits are attached", "＿＿＿＿"}}[lang] {
					if !strings.Contains(out, want) {
						t.Errorf("letter lacks %q:\n%s", want, out)
					}
				}
			})
		}
	}
}

func TestMissingLetterFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *caseconf.Case
		want string
	}{
		{"empty", &caseconf.Case{}, "complainant.name respondent.name demands"},
		{"blank demands", &caseconf.Case{Complainant: caseconf.Party{Name: "张三"}, Respondent: caseconf.Party{Name: "某公司"}, Demands: []string{" "}}, "demands"},
		{"complete", &caseconf.Case{Complainant: caseconf.Party{Name: "张三"}, Respondent: caseconf.Party{Name: "某公司"}, Demands: []string{"停止催收"}}, ""},
		{"nil", nil, "complainant.name respondent.name demands"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(MissingLetterFields(tc.c), " "); got != tc.want {
				t.Errorf("MissingLetterFields = %q, want %q", got, tc.want)
			}
		})
	}
}

// Defect: after-agreement rows, each "本身不构成违规", were printed under the heading 违规情况统计.
// In the packet they sit under 与协议不一致的情况, after the breaches and before the performance.
func TestFindingsSectionKeepsCategoriesApart(t *testing.T) {
	fx := newFixture(t)
	// A class set by hand in case.yaml is shown on the timeline.
	for i := range fx.bundle.Events {
		if e := &fx.bundle.Events[i]; e.Channel == event.SMS && e.Direction == event.In {
			e.Class, e.ClassReason, e.ClassByUser = "notice", "user", true
		}
	}
	text := squeeze(pdftotext(t, writeTemp(t, render(t, fx, Options{Lang: "zh"})), 0, 0, false))
	if !strings.Contains(text, "（用户标注为服务通知）") {
		t.Error("the packet does not show the class the user set")
	}
	sec := strings.Index(text, "核查结果")
	if sec < 0 {
		t.Fatal("no 核查结果 section")
	}
	text = text[sec:]
	if strings.Contains(text, "违规情况统计") {
		t.Error("the packet still has a 违规情况统计 heading")
	}
	// The last mention of each heading is the section's own (the summary table names them first).
	breach := strings.LastIndex(text[:strings.Index(text, "时间线")], "违规事实")
	inconsistent := strings.Index(text[breach:], "与协议不一致的情况") + breach
	// Findings are named by category, rule and number (night-contact-1 prints as 违规一·1).
	after := strings.Index(text, "不符一·1")
	perf := strings.Index(text[inconsistent:], "协议履行情况") + inconsistent
	missed := strings.Index(text, "履约一·1")
	night := strings.Index(text, "违规一·1")
	if !(breach < night && night < inconsistent && inconsistent < after && after < perf && perf < missed) {
		t.Errorf("order of the findings: 违规事实 %d, night %d, 与协议不一致 %d, after-agreement %d, 协议履行 %d, missed %d",
			breach, night, inconsistent, after, perf, missed)
	}
	if strings.Contains(text, "未在案件配置中登记的联系方") {
		t.Error("the packet prints the list of unclassified numbers")
	}
}

// Defect: the packet printed the user's to-do list (未在案件配置中登记的联系方) and every personal
// purchase and income from the bills (超市, 药品, 劳务报酬). The timeline and the bill's table list
// the repayments only, with a line counting what was left out; the unclassified numbers are told
// on the command line and in the workbook. Names print once; a withheld number says so.
func TestPacketLeavesOutPrivateLife(t *testing.T) {
	fx := newFixture(t)
	b := fx.bundle
	bill := 11 // alipay_record.csv
	for i, p := range []struct{ when, who, text, amount string }{
		{"2025-02-11 18:30", "某某超市", "超市购物", "86.50"},
		{"2025-02-12 09:10", "某某大药房", "药品", "42.00"},
		{"2025-02-20 12:00", "某某公司", "劳务报酬", "3000.00"},
	} {
		a := money.MustParse(p.amount)
		b.Events = append(b.Events, event.Event{Time: at(p.when), Channel: event.Payment, Direction: event.Out, Status: "交易成功",
			Amount: &a, Counterpart: p.who, Kind: event.KindPayment, Text: p.text, Exhibit: bill, Seq: 100 + i})
	}
	b.Events = append(b.Events,
		event.Event{Time: at("2025-02-13 20:00"), Channel: event.SMS, Direction: event.In, Counterpart: "13700001111", CounterpartName: "朋友",
			Role: "other", Text: "周末一起去医院看望王阿姨", Exhibit: 2, Seq: 110},
		event.Event{Time: at("2025-02-14 21:00"), Channel: event.Call, Direction: event.In, Status: event.StatusMissed, Exhibit: 1, Seq: 111},
		event.Event{Time: at("2025-02-15 10:00"), Channel: event.Payment, Direction: event.Out, Status: "交易成功", Counterpart: "余额宝",
			CounterpartName: "余额宝", Kind: event.KindRepayment, Amount: func() *money.Amount { a := money.MustParse("1.00"); return &a }(),
			Text: "花呗还款", Exhibit: bill, Seq: 112},
	)
	fx.report.Unclassified = []findings.Unclassified{{Counterpart: "02388889999", Contacts: 2, Exhibits: []int{1}}}
	text := squeeze(pdftotext(t, writeTemp(t, render(t, fx, Options{Lang: "zh"})), 0, 0, false))
	for _, not := range []string{"超市购物", "药品", "劳务报酬", "看望王阿姨", "未在案件配置中登记的联系方", "02388889999", "余额宝余额宝"} {
		if strings.Contains(text, not) {
			t.Errorf("the packet prints %q", not)
		}
	}
	for _, want := range []string{"时间线未列入账单中的3条日常收支、2条与家人、朋友等非催收方的通讯记录", "本账单另有3条日常收支记录未在此列出", "未显示号码", "余额宝"} {
		if !strings.Contains(text, squeeze(want)) {
			t.Errorf("the packet lacks %q", want)
		}
	}
}

// A rule whose findings name different documents (prohibited-conduct: the PIPL for the contact
// list only) cites all of them, whichever finding comes last.
func TestLetterCitesEverySourceOfARule(t *testing.T) {
	fx := newFixture(t)
	at1 := at("2025-02-15 23:05")
	fx.report.Findings = append(fx.report.Findings,
		findings.Finding{ID: "prohibited-conduct-1", Rule: findings.RuleProhibitedConduct, Time: &at1, Count: 1, Events: []int{1}, Exhibits: []int{2},
			Conduct: []string{"contact-list"}, Message: "爆通讯录", Source: "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》；《中华人民共和国个人信息保护法》"},
		findings.Finding{ID: "prohibited-conduct-2", Rule: findings.RuleProhibitedConduct, Time: &at1, Count: 1, Events: []int{1}, Exhibits: []int{2},
			Conduct: []string{"visit"}, Message: "上门", Source: "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》"},
	)
	out := letterText(t, fx.bundle, fx.report, templates.Complaint, "zh")
	if !strings.Contains(out, "《中华人民共和国个人信息保护法》") || !strings.Contains(out, vocab.Rule("zh", findings.RuleProhibitedConduct)+"：2项") {
		t.Errorf("the letter does not cite the conduct and every source:\n%s", out)
	}
}

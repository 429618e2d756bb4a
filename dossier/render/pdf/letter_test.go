package pdf

import (
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
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
	after := strings.Index(text, "after-agreement-1")
	perf := strings.Index(text[inconsistent:], "协议履行情况") + inconsistent
	missed := strings.Index(text, "missed-installment-1")
	night := strings.Index(text, "night-contact-1")
	if !(breach < night && night < inconsistent && inconsistent < after && after < perf && perf < missed) {
		t.Errorf("order of the findings: 违规事实 %d, night %d, 与协议不一致 %d, after-agreement %d, 协议履行 %d, missed %d",
			breach, night, inconsistent, after, perf, missed)
	}
	if strings.Contains(text, "未在案件配置中登记的联系方") {
		t.Error("the packet prints the list of unclassified numbers")
	}
}

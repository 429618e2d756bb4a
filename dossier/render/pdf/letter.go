package pdf

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// LetterData is what a letter template receives. Every string is printed through the packet's
// redaction, so templates need not mask anything themselves. The template function inc adds one
// (for numbering from a range index).
type LetterData struct {
	Lang        string // zh or en
	Kind        string // complaint, mediation or regulator
	Title       string // the case title
	Date        string // the document date (the bundle's stamp), written out in the language
	CaseID      string
	Complainant caseconf.Party
	Respondent  caseconf.Party
	// Collectors are the collection-side contacts of case.yaml (creditor and collectors).
	Collectors []LetterContact
	Agreement  *LetterAgreement // nil when there is none
	PaidTotal  string           // payments applied to the agreement by as_of, "0.00" when none
	Narrative  string
	Demands    []string
	// Breaches are the per-rule totals of the collection side's rule breaches (category breach),
	// in rule order, only rules with at least one finding; BreachSources the documents they breach.
	// Findings is the same list under its older name: a template written before categories cites
	// breaches only.
	Breaches      []LetterFinding
	BreachSources []string
	Findings      []LetterFinding
	FindingsTotal int // the number of breaches
	// Inconsistent are contacts after the agreement: inconsistent with it, not breaches by
	// themselves.
	Inconsistent []LetterFinding
	// Performance is the complainant's own keeping of the agreement: each installment due by
	// AsOf, stated neutrally; PerformanceText says it in one sentence. DueTotal is what those
	// installments came to.
	AsOf            string
	Performance     []LetterInstallment
	PerformanceText string
	DueTotal        string
	// FirstContact and LastContact are the local dates of the first and last incoming
	// collection-side contact; CollectionContacts counts those contacts.
	FirstContact, LastContact string
	CollectionContacts        int
	Exhibits                  []LetterExhibit
	ExhibitCount              int
}

// LetterContact is a party of the collection side.
type LetterContact struct {
	Name string
	ID   string // phone number, WeChat id or e-mail address
	Role string // as printed: 催收方 / collector
}

// LetterAgreement is the repayment agreement.
type LetterAgreement struct {
	Date      string
	Reference string
	Plan      string // "12期，每期1000.00元，首期2025-02-10" / "12 monthly installments of 1000.00 from 2025-02-10"
}

// LetterFinding is the total of one rule.
type LetterFinding struct {
	Rule     string
	Title    string
	Count    int
	Exhibits string // "证据3、5" / "Exhibits 3, 5"
	Source   string // the rule's source document(s), in the case language
}

// LetterInstallment is one installment due by as_of and what was paid towards it.
type LetterInstallment struct {
	N                         int
	Due, Amount, Paid, PaidOn string
	Status                    string // as printed: 按期还清 / paid on time ...
	Text                      string // the installment in one neutral clause
}

// LetterExhibit is one line of the evidence list.
type LetterExhibit struct {
	N       int
	Label   string // 证据3 / Exhibit 3
	Title   string
	Purpose string
}

func (d *doc) letterData() LetterData {
	c := d.b.Case
	ld := LetterData{Lang: d.lang, Kind: d.opt.Letter, Title: c.Title, Date: d.longDate(d.b.Stamp),
		CaseID: d.b.CaseID, Complainant: c.Complainant, Respondent: c.Respondent, Narrative: strings.TrimSpace(c.Narrative),
		ExhibitCount: len(d.b.Items), PaidTotal: "0.00", DueTotal: "0.00"}
	for _, dm := range c.Demands {
		if dm = strings.TrimSpace(dm); dm != "" {
			ld.Demands = append(ld.Demands, dm)
		}
	}
	for _, ct := range c.Contacts {
		if !caseconf.CollectionSide(ct.Role) {
			continue
		}
		id := ct.Number
		if id == "" {
			id = ct.Wechat
		}
		if id == "" {
			id = ct.Email
		}
		ld.Collectors = append(ld.Collectors, LetterContact{Name: ct.Name, ID: id, Role: vocab.Role(d.lang, ct.Role)})
	}
	if a := c.Agreement; a != nil {
		la := &LetterAgreement{Date: d.longDay(a.Date), Reference: a.Reference}
		sched := a.Installments.Schedule()
		if len(sched) > 0 {
			if d.lang == "zh" {
				la.Plan = fmt.Sprintf("共%d期，每期%s元，首期%s", len(sched), sched[0].Amount, d.longDay(sched[0].Due))
			} else {
				la.Plan = fmt.Sprintf("%d installments of %s from %s", len(sched), sched[0].Amount, d.longDay(sched[0].Due))
			}
			if a.Installments.Count == 0 { // an explicit list: the amounts may differ
				var total money.Amount
				for _, s := range sched {
					total += s.Amount
				}
				if d.lang == "zh" {
					la.Plan = fmt.Sprintf("共%d期，合计%s元，首期%s", len(sched), total, d.longDay(sched[0].Due))
				} else {
					la.Plan = fmt.Sprintf("%d installments totalling %s from %s", len(sched), total, d.longDay(sched[0].Due))
				}
			}
		}
		ld.Agreement = la
	}
	if d.r != nil {
		d.letterFindings(&ld)
	}
	cc := d.contacts()
	ld.CollectionContacts = cc.n
	if !cc.first.IsZero() {
		ld.FirstContact, ld.LastContact = d.longDate(cc.first), d.longDate(cc.last)
	}
	for _, it := range d.b.Items {
		ld.Exhibits = append(ld.Exhibits, LetterExhibit{N: it.Exhibit, Label: evidence.Label(d.lang, it.Exhibit), Title: d.title(&it), Purpose: it.PurposeOr(d.lang)})
	}
	return ld
}

// contacts counts the collection side's incoming contacts.
func (d *doc) contacts() collectionContacts {
	if d.big != nil {
		return d.big.contacts
	}
	var cc collectionContacts
	for i := range d.b.Events {
		cc.observe(&d.b.Events[i])
	}
	return cc
}

// letterFindings fills what the letter says about the findings, each category apart.
func (d *doc) letterFindings(ld *LetterData) {
	ld.AsOf = d.longDay(d.r.AsOf)
	seen := map[string]bool{}
	for _, rule := range findings.Rules() {
		n, ex, source := d.ruleTotal(rule)
		if n == 0 {
			continue
		}
		lf := LetterFinding{Rule: rule, Title: vocab.Rule(d.lang, rule), Count: n, Exhibits: d.exhibitList(ex), Source: source}
		switch findings.CategoryOf(rule) {
		case findings.CategoryBreach:
			ld.Breaches = append(ld.Breaches, lf)
			ld.FindingsTotal += n
			for _, s := range splitSources(source) {
				if !seen[s] {
					seen[s] = true
					ld.BreachSources = append(ld.BreachSources, s)
				}
			}
		case findings.CategoryInconsistent:
			ld.Inconsistent = append(ld.Inconsistent, lf)
		}
	}
	ld.Findings = ld.Breaches
	var paid, due money.Amount
	for _, s := range d.r.Schedule {
		paid += s.Paid
		if s.Status == findings.StatusNotYetDue {
			continue
		}
		due += s.Amount
		li := LetterInstallment{N: s.N, Due: d.longDay(s.Due), Amount: s.Amount.String(), Paid: s.Paid.String(),
			PaidOn: d.longDay(s.PaidOn), Status: vocab.Installment(d.lang, s.Status)}
		li.Text = d.installmentText(&s, &li)
		ld.Performance = append(ld.Performance, li)
	}
	ld.PaidTotal, ld.DueTotal = paid.String(), due.String()
	ld.PerformanceText = d.performanceText(ld)
}

// ruleTotal counts a rule's findings and gathers the exhibits they cite and every document they
// name (prohibited-conduct findings name their own, 《个人信息保护法》 for some only).
func (d *doc) ruleTotal(rule string) (n int, exhibits map[int]bool, source string) {
	exhibits = map[int]bool{}
	var sources []string
	for _, fd := range d.r.Findings {
		if fd.Rule != rule {
			continue
		}
		n++
		for _, e := range fd.Exhibits {
			exhibits[e] = true
		}
		for _, s := range splitSources(fd.Source) {
			if !slices.Contains(sources, s) {
				sources = append(sources, s)
			}
		}
	}
	sep := "；"
	if d.lang == "en" {
		sep = "; "
	}
	return n, exhibits, strings.Join(sources, sep)
}

// splitSources splits a finding's source into the documents it names.
func splitSources(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// installmentText states one installment as what was due and what was paid, without judging.
func (d *doc) installmentText(s *findings.ScheduleRow, li *LetterInstallment) string {
	if d.lang == "en" {
		head := fmt.Sprintf("installment %d (%s due %s)", s.N, li.Amount, li.Due)
		switch s.Status {
		case findings.StatusPaidOnTime:
			return head + " was paid on time"
		case findings.StatusPaidLate:
			return fmt.Sprintf("%s was paid in full on %s", head, li.PaidOn)
		case findings.StatusPartlyPaid:
			return fmt.Sprintf("%s: %s paid", head, li.Paid)
		}
		return head + ": nothing paid yet"
	}
	head := fmt.Sprintf("第%d期（%s到期，%s元）", s.N, li.Due, li.Amount)
	switch s.Status {
	case findings.StatusPaidOnTime:
		return head + "按期还清"
	case findings.StatusPaidLate:
		return fmt.Sprintf("%s于%s还清", head, li.PaidOn)
	case findings.StatusPartlyPaid:
		return fmt.Sprintf("%s已还%s元", head, li.Paid)
	}
	return head + "尚未还款"
}

// performanceText is the agreement's performance in one sentence: installments due, the total
// paid, and each installment, in the complainant's voice and without judging.
func (d *doc) performanceText(ld *LetterData) string {
	if len(ld.Performance) == 0 {
		if d.lang == "en" {
			return fmt.Sprintf("As of %s no installment had fallen due.", ld.AsOf)
		}
		return fmt.Sprintf("截至%s，尚无到期的分期。", ld.AsOf)
	}
	parts := make([]string, len(ld.Performance))
	for i, p := range ld.Performance {
		parts[i] = p.Text
	}
	if d.lang == "en" {
		return fmt.Sprintf("As of %s, %d installments totalling %s had fallen due and %s had been paid under the agreement: %s.",
			ld.AsOf, len(ld.Performance), ld.DueTotal, ld.PaidTotal, strings.Join(parts, "; "))
	}
	return fmt.Sprintf("截至%s，协议已到期%d期，合计%s元，本人已按协议还款%s元：%s。",
		ld.AsOf, len(ld.Performance), ld.DueTotal, ld.PaidTotal, strings.Join(parts, "；"))
}

// exhibitList prints a set of exhibit numbers: "证据3、5" / "Exhibits 3, 5".
func (d *doc) exhibitList(set map[int]bool) string {
	ns := make([]int, 0, len(set))
	for n := range set {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return d.exhibitNums(ns)
}

func (d *doc) exhibitNums(ns []int) string {
	if len(ns) == 0 {
		return ""
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	if d.lang == "zh" {
		return "证据" + strings.Join(parts, "、")
	}
	if len(ns) == 1 {
		return "Exhibit " + parts[0]
	}
	return "Exhibits " + strings.Join(parts, ", ")
}

func (d *doc) longDate(t time.Time) string {
	t = t.In(d.loc)
	if d.lang == "zh" {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return t.Format("2 January 2006")
}

// longDay writes a calendar day out as a letter does: 2025年1月29日 / 29 January 2025.
func (d *doc) longDay(x caseconf.Date) string {
	if x.IsZero() {
		return ""
	}
	if d.lang == "zh" {
		return fmt.Sprintf("%d年%d月%d日", x.Y, x.M, x.D)
	}
	return time.Date(x.Y, time.Month(x.M), x.D, 0, 0, 0, 0, time.UTC).Format("2 January 2006")
}

func (d *doc) date(x caseconf.Date) string {
	if x.IsZero() {
		return ""
	}
	return x.String()
}

// letterFuncs are the functions a letter template may call: inc adds one (for numbering from a
// range index), join joins strings with a separator and blank prints a line to fill in by hand
// when a field is empty.
var letterFuncs = template.FuncMap{
	"inc":  func(i int) int { return i + 1 },
	"join": func(xs []string, sep string) string { return strings.Join(xs, sep) },
	"blank": func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "＿＿＿＿＿＿"
		}
		return s
	},
}

// MissingLetterFields names the fields of case.yaml every letter needs that are empty, as their
// case.yaml keys: complainant.name, respondent.name, demands. A letter without them is still
// written, with a line to fill in by hand, so callers warn (or refuse, when asked to be strict).
func MissingLetterFields(c *caseconf.Case) []string {
	var out []string
	if c == nil {
		c = &caseconf.Case{}
	}
	if strings.TrimSpace(c.Complainant.Name) == "" {
		out = append(out, "complainant.name")
	}
	if strings.TrimSpace(c.Respondent.Name) == "" {
		out = append(out, "respondent.name")
	}
	nonEmpty := false
	for _, d := range c.Demands {
		if strings.TrimSpace(d) != "" {
			nonEmpty = true
		}
	}
	if !nonEmpty {
		out = append(out, "demands")
	}
	return out
}

// executeLetter fills the template; a template error is printed in the packet's place of the
// letter and returned, since a packet without its letter is not what the user asked for.
func (d *doc) executeLetter(src, origin string) (string, error) {
	tmpl, err := template.New(origin).Funcs(letterFuncs).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", fmt.Errorf("pdf: letter template %s: %w", origin, err)
	}
	var sb strings.Builder
	if err := tmpl.Execute(&sb, d.letterData()); err != nil {
		return "", fmt.Errorf("pdf: letter template %s: %w", origin, err)
	}
	return sb.String(), nil
}

// letter draws the executed template, interpreting its line markup (see the README of the
// templates' letters folder): "# " title, "## " heading, "- " list item, "> " right-aligned.
func (d *doc) letter(src, origin string) error {
	body, err := d.executeLetter(src, origin)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	title := d.t("letter")
	for _, l := range lines {
		if strings.HasPrefix(l, "# ") {
			title = strings.TrimSpace(l[2:])
			break
		}
	}
	d.sectionTitle = title
	d.newPage()
	d.f.Bookmark(bmpOnly(title), 0, -1)
	f := d.f
	var para []string
	inList := false
	endList := func() {
		if inList {
			f.Ln(1.5)
			inList = false
		}
	}
	flush := func() {
		if len(para) > 0 {
			d.paragraph(strings.Join(para, joiner(d.lang)), 11, 0, "L")
			f.Ln(2.5)
			para = nil
		}
	}
	for _, l := range lines {
		trimmed := strings.TrimSpace(l)
		if trimmed != "" && !strings.HasPrefix(trimmed, "- ") && !numbered.MatchString(trimmed) {
			endList()
		}
		switch {
		case strings.HasPrefix(trimmed, "## "):
			flush()
			f.Ln(1.5)
			d.heading(strings.TrimSpace(trimmed[3:]), 12.5)
		case strings.HasPrefix(trimmed, "# "):
			flush()
			f.SetFont(fontFamily, "", 18)
			f.SetTextColor(20, 40, 80)
			for _, tl := range d.lines(d.clean(strings.TrimSpace(trimmed[2:])), contentW) {
				f.SetX(marginX)
				d.cell(contentW, 10, tl, "C", true)
			}
			f.SetTextColor(0, 0, 0)
			f.Ln(4)
		case strings.HasPrefix(trimmed, "- ") || numbered.MatchString(trimmed):
			flush()
			marker, item := "•", strings.TrimSpace(strings.TrimPrefix(trimmed, "- "))
			if m := numbered.FindStringSubmatch(trimmed); m != nil {
				marker, item = m[1], strings.TrimSpace(m[2])
			}
			d.ensure(6)
			y := f.GetY()
			f.SetFont(fontFamily, "", 11)
			f.SetXY(marginX+1.5, y)
			d.cell(5, 5.5, marker, "L", false)
			f.SetXY(marginX, y)
			d.paragraph(item, 11, 7, "L")
			f.Ln(1)
			inList = true
			continue
		case strings.HasPrefix(trimmed, "> "):
			flush()
			d.paragraph(strings.TrimSpace(trimmed[2:]), 11, 0, "R")
		case trimmed == "":
			flush()
		default:
			para = append(para, trimmed)
		}
	}
	flush()
	return nil
}

// numbered matches a numbered list item of a letter: "1. text".
var numbered = regexp.MustCompile(`^(\d{1,3}\.) +(.*)$`)

// joiner is what joins the lines of one paragraph: nothing between Chinese lines, a space
// between English ones.
func joiner(lang string) string {
	if lang == "zh" {
		return ""
	}
	return " "
}

package findings

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/classify"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// Source documents, each as the case language cites it. English keeps the Chinese title in
// brackets so a reader can find the original.
const (
	cbaZH  = "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》"
	nifaZH = "中国互联网金融协会《互联网金融个人网络消费信贷贷后催收风控指引》"
	cardZH = "《商业银行信用卡业务监督管理办法》第六十八条"
	cbaEN  = "China Banking Association, Guidelines for the Collection of Personal Consumer Loans by Financial Institutions (Trial) [" + cbaZH + "]"
	nifaEN = "National Internet Finance Association of China, Guidelines on Post-Loan Collection Risk Control for Internet Personal Consumer Credit [" + nifaZH + "]"
	cardEN = "Measures for the Supervision and Administration of Credit Card Business of Commercial Banks, Article 68 [" + cardZH + "]"
	piplZH = "《中华人民共和国个人信息保护法》"
	piplEN = "Personal Information Protection Law of the People's Republic of China [" + piplZH + "]"
)

// phrases is what the report says in sentences, in one language; the names of rules, statuses
// and roles come from the shared vocabulary.
type phrases struct {
	channel map[event.Channel]string
	sources map[string]string // rule -> source, the agreement excluded
	// conductSources names the documents behind package classify's source keys.
	conductSources map[string]string
	agreementSrc,
	afterAgreementNote string
}

var zh = phrases{
	channel: map[event.Channel]string{
		event.Call: "来电", event.SMS: "短信", event.MMS: "彩信", event.Chat: "聊天消息",
		event.Email: "电子邮件", event.Recording: "来电（录音）",
	},
	sources: map[string]string{
		RuleNightContact:       cbaZH + "；" + nifaZH,
		RuleUnansweredAttempts: cbaZH,
		RuleConnectedCalls:     nifaZH,
		RuleThirdPartyContact:  cbaZH + "；" + cardZH,
		RuleProhibitedConduct:  cbaZH + "；" + nifaZH,
	},
	conductSources:     map[string]string{classify.SourceCBA: cbaZH, classify.SourceNIFA: nifaZH, classify.SourcePIPL: piplZH},
	agreementSrc:       "还款协议",
	afterAgreementNote: "与还款协议不一致；协议达成后的联系本身不构成违规",
}

var en = phrases{
	channel: map[event.Channel]string{
		event.Call: "call", event.SMS: "text message", event.MMS: "MMS", event.Chat: "chat message",
		event.Email: "e-mail", event.Recording: "recorded call",
	},
	sources: map[string]string{
		RuleNightContact:       cbaEN + "; " + nifaEN,
		RuleUnansweredAttempts: cbaEN,
		RuleConnectedCalls:     nifaEN,
		RuleThirdPartyContact:  cbaEN + "; " + cardEN,
		RuleProhibitedConduct:  cbaEN + "; " + nifaEN,
	},
	conductSources:     map[string]string{classify.SourceCBA: cbaEN, classify.SourceNIFA: nifaEN, classify.SourcePIPL: piplEN},
	agreementSrc:       "the repayment agreement",
	afterAgreementNote: "Inconsistent with the repayment agreement; contact after an agreement is not by itself a breach of a rule.",
}

func phrasesFor(lang string) *phrases {
	if lang == "en" {
		return &en
	}
	return &zh
}

func (ev *evaluator) text() *phrases { return phrasesFor(ev.lang) }

const clock = "2006-01-02 15:04:05"

func (ev *evaluator) who(counterpart, name string) string {
	if name == "" || name == counterpart {
		return counterpart
	}
	if ev.lang == "en" {
		return counterpart + " (" + name + ")"
	}
	return counterpart + "（" + name + "）"
}

// whoZH is who followed by what a Chinese sentence needs before the verb: nothing after a
// closing bracket, a space after a bare number.
func (ev *evaluator) whoZH(counterpart, name string) string {
	w := ev.who(counterpart, name)
	if strings.HasSuffix(w, "）") {
		return w
	}
	return w + " "
}

func (ev *evaluator) channelWord(e *event.Event) string {
	w := ev.text().channel[e.Channel]
	if e.Channel != event.Call {
		return w
	}
	unanswered := e.Unanswered()
	if ev.lang == "en" {
		if unanswered {
			return e.Status + " call"
		}
		return w
	}
	if unanswered {
		return "来电（" + map[string]string{event.StatusMissed: "未接", event.StatusRejected: "已拒接", event.StatusBlocked: "已拦截"}[e.Status] + "）"
	}
	return w
}

func (ev *evaluator) quietWindow() string {
	return fmtClock(ev.quietStart) + "–" + fmtClock(ev.quietEnd)
}

func fmtClock(sec int) string { return fmt.Sprintf("%02d:%02d", sec/3600, sec/60%60) }

// holderSuffix marks a finding read from someone else's phone.
func (ev *evaluator) holderSuffix(holder, holderRole string) string {
	if holderRole == "" || holderRole == caseconf.RoleSelf {
		return ""
	}
	who := holder
	if who == "" {
		who = vocab.Holder(ev.lang, holderRole)
	}
	if ev.lang == "en" {
		return " (evidence held by " + who + ")"
	}
	return "（" + who + "持有的证据）"
}

func (ev *evaluator) nightMessage(e *event.Event, f *Finding) string {
	at := f.Time.Format(clock)
	who := ev.who(f.Counterpart, f.Name)
	suffix := ev.holderSuffix(e.Holder, e.HolderRole)
	if ev.lang == "en" {
		return fmt.Sprintf("%s from %s at %s, within the quiet hours %s%s", capital(ev.channelWord(e)), who, at, ev.quietWindow(), suffix)
	}
	return fmt.Sprintf("%s %s%s，处于 %s 禁止催收时段%s", at, ev.whoZH(f.Counterpart, f.Name), ev.channelWord(e), ev.quietWindow(), suffix)
}

func (ev *evaluator) afterAgreementMessage(e *event.Event, f *Finding) string {
	a := ev.c.Agreement
	at := f.Time.Format(clock)
	who := ev.who(f.Counterpart, f.Name)
	ref := ""
	if ev.lang == "en" {
		if a.Reference != "" {
			ref = " (" + a.Reference + ")"
		}
		return fmt.Sprintf("%s from %s at %s, after the repayment agreement of %s%s: inconsistent with the agreement, though not by itself a breach of a rule%s",
			capital(ev.channelWord(e)), who, at, a.Date, ref, ev.holderSuffix(e.Holder, e.HolderRole))
	}
	if a.Reference != "" {
		ref = "（" + a.Reference + "）"
	}
	return fmt.Sprintf("%s %s%s，发生在 %s 达成还款协议%s之后，与协议不一致（本身不构成违规）%s",
		at, ev.whoZH(f.Counterpart, f.Name), ev.channelWord(e), a.Date, ref, ev.holderSuffix(e.Holder, e.HolderRole))
}

func (ev *evaluator) thirdPartyMessage(e *event.Event, f *Finding) string {
	at := f.Time.Format(clock)
	who := ev.who(f.Counterpart, f.Name)
	role := vocab.Holder(ev.lang, e.HolderRole)
	if ev.lang == "en" {
		target := role
		if e.Holder != "" {
			target = e.Holder + " (" + role + ")"
		}
		return fmt.Sprintf("%s from %s to %s at %s", capital(ev.channelWord(e)), who, target, at)
	}
	target := role
	if e.Holder != "" {
		target = e.Holder + "（" + role + "）"
	}
	return fmt.Sprintf("%s %s向%s%s", at, ev.whoZH(f.Counterpart, f.Name), target, ev.channelWord(e))
}

func (ev *evaluator) unansweredMessage(f *Finding) string {
	who := ev.who(f.Counterpart, f.Name)
	suffix := ev.holderSuffix(f.Holder, f.HolderRole)
	if ev.lang == "en" {
		return fmt.Sprintf("%s%d unanswered calls%s from %s on %s, more than %d a day%s", atLeast(f, "at least "), f.Count, ev.mergedNote(f), who, f.Day, f.Threshold, suffix)
	}
	return fmt.Sprintf("%s %s未接来电%s %d 次%s，超过每日 %d 次%s", f.Day, ev.whoZH(f.Counterpart, f.Name), atLeast(f, "至少"), f.Count, ev.mergedNote(f), f.Threshold, suffix)
}

// atLeast is word when the count is a lower bound (Finding.AtLeast).
func atLeast(f *Finding, word string) string {
	if f.AtLeast {
		return word
	}
	return ""
}

// mergedNote says how many of a per-day count a screenshot showed as rows with a repeat count,
// whose times (but the last) it does not show.
func (ev *evaluator) mergedNote(f *Finding) string {
	if f.Merged == 0 {
		return ""
	}
	if ev.lang == "en" {
		return fmt.Sprintf(" (%d of them shown merged into one row of a screenshot)", f.Merged)
	}
	return fmt.Sprintf("（含截图中合并显示的 %d 次）", f.Merged)
}

// rowNote follows a single-contact finding read from a call-history row that stands for several
// calls: the finding is about the one time the row shows.
func (ev *evaluator) rowNote(e *event.Event) string {
	n := calls(e)
	if n <= 1 {
		return ""
	}
	if ev.lang == "en" {
		return fmt.Sprintf("; the screenshot's row shows %d calls and only the last one's time", n)
	}
	return fmt.Sprintf("；截图中该行合并显示 %d 次来电，只显示最后一次的时间", n)
}

func (ev *evaluator) connectedMessage(f *Finding, perNum map[string]int) string {
	nums := make([]string, 0, len(perNum))
	for n := range perNum {
		nums = append(nums, n)
	}
	slices.SortFunc(nums, func(a, b string) int {
		if perNum[a] != perNum[b] {
			return perNum[b] - perNum[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(nums))
	for i, n := range nums {
		name := ""
		if ct, ok := ev.contacts[n]; ok {
			name = ct.Name
		}
		if ev.lang == "en" {
			parts[i] = fmt.Sprintf("%s: %d", ev.who(n, name), perNum[n])
		} else {
			parts[i] = fmt.Sprintf("%s%d 次", ev.whoZH(n, name), perNum[n])
		}
	}
	if ev.lang == "en" {
		return fmt.Sprintf("%s%d connected calls from the collection side on %s (%s)%s, more than %d a day", atLeast(f, "at least "), f.Count, f.Day, strings.Join(parts, ", "), ev.mergedNote(f), f.Threshold)
	}
	return fmt.Sprintf("%s 催收方接通来电%s %d 次（%s）%s，超过每日 %d 次", f.Day, atLeast(f, "至少"), f.Count, strings.Join(parts, "，"), ev.mergedNote(f), f.Threshold)
}

func daysBetween(a, b caseconf.Date) int {
	return int(b.Start(time.UTC).Sub(a.Start(time.UTC)).Hours() / 24)
}

// missedMessage states an installment's performance neutrally: what was due, what was paid by
// the due day and after it. It is the complainant's own record, not the other side's breach.
func (ev *evaluator) missedMessage(r *ScheduleRow) string {
	owed := r.Amount - r.Paid
	if ev.lang == "en" {
		head := fmt.Sprintf("Installment %d (%s due %s): %s paid by the due date", r.N, r.Amount, r.Due, r.PaidByDue)
		switch r.Status {
		case StatusPaidLate:
			return fmt.Sprintf("%s, paid in full on %s (%d days after the due date)", head, r.PaidOn, daysBetween(r.Due, r.PaidOn))
		case StatusPartlyPaid:
			if r.Paid == r.PaidByDue {
				return fmt.Sprintf("%s, %s still to pay as of %s", head, owed, ev.asOf)
			}
			return fmt.Sprintf("%s, %s paid by %s, %s still to pay", head, r.Paid, ev.asOf, owed)
		}
		return fmt.Sprintf("%s, nothing paid by %s", head, ev.asOf)
	}
	head := fmt.Sprintf("第 %d 期（%s 到期，应还 %s 元）：到期日前已还 %s 元", r.N, r.Due, r.Amount, r.PaidByDue)
	switch r.Status {
	case StatusPaidLate:
		return fmt.Sprintf("%s，%s 还清（到期后 %d 天）", head, r.PaidOn, daysBetween(r.Due, r.PaidOn))
	case StatusPartlyPaid:
		if r.Paid == r.PaidByDue {
			return fmt.Sprintf("%s，截至 %s 尚余 %s 元", head, ev.asOf, owed)
		}
		return fmt.Sprintf("%s，截至 %s 已还 %s 元，尚余 %s 元", head, ev.asOf, r.Paid, owed)
	}
	return fmt.Sprintf("%s，截至 %s 未还款", head, ev.asOf)
}

func (ev *evaluator) source(rule string) string {
	p := ev.text()
	if rule != RuleAfterAgreement && rule != RuleMissedInstallment {
		return p.sources[rule]
	}
	a := ev.c.Agreement
	if a == nil {
		return p.agreementSrc
	}
	ref := a.Date.String()
	if a.Reference != "" {
		ref = a.Reference + ", " + ref
		if ev.lang != "en" {
			ref = a.Reference + "，" + a.Date.String()
		}
	}
	if ev.lang == "en" {
		return p.agreementSrc + " (" + ref + ")"
	}
	return p.agreementSrc + "（" + ref + "）"
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// WriteJSON writes the report as `dossier findings --json` prints it: indented, with findings in
// the order of the rule table and amounts as decimal strings.
//
// The findings are encoded one at a time: a case of a million events can have a hundred thousand
// findings, and encoding the report as one value would hold its whole indented text (twice) in
// memory. The output is what encoding the report as one value gives, byte for byte.
func WriteJSON(w io.Writer, r *Report) error {
	if err := writeJSON(w, r); err != nil {
		return fmt.Errorf("findings: write json: %w", err)
	}
	return nil
}

func writeJSON(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if len(r.Findings) == 0 {
		if err := enc.Encode(r); err != nil {
			return err
		}
		_, err := w.Write(buf.Bytes())
		return err
	}
	rest := *r
	rest.Findings = []Finding{}
	if err := enc.Encode(&rest); err != nil {
		return err
	}
	const slot = "\n  \"findings\": []"
	doc := buf.Bytes()
	at := bytes.Index(doc, []byte(slot))
	if at < 0 {
		return errors.New("findings slot not found")
	}
	before, after := bytes.Clone(doc[:at+len(slot)-1]), bytes.Clone(doc[at+len(slot)-1:]) // split inside the brackets
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(before)
	enc.SetIndent("    ", "  ")
	for i := range r.Findings {
		buf.Reset()
		if err := enc.Encode(&r.Findings[i]); err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	}
	bw.WriteString("\n  ")
	bw.Write(after)
	return bw.Flush()
}

// WriteText writes the readable summary: counts per rule, the findings under each rule with the
// events and exhibits they cite, the agreement schedule and the contacts case.yaml does not tag.
func WriteText(w io.Writer, r *Report, c *caseconf.Case) error {
	if c == nil {
		c = &caseconf.Case{}
	}
	lang := language(c)
	ew := &errWriter{w: w}
	L := func(zhs, ens string) string {
		if lang == "en" {
			return ens
		}
		return zhs
	}

	cats := Categories()
	counts := make([]string, len(cats))
	for i, cat := range cats {
		counts[i] = L(fmt.Sprintf("%s %d 项", vocab.Category(lang, cat), r.CategoryTotals[cat]),
			fmt.Sprintf("%s: %d", strings.ToLower(vocab.Category(lang, cat)), r.CategoryTotals[cat]))
	}
	ew.printf("%s\n\n", L(fmt.Sprintf("核查结果（截至 %s，时区 %s）：%s", r.AsOf, r.Timezone, strings.Join(counts, "，")),
		fmt.Sprintf("Findings (as of %s, time zone %s): %s", r.AsOf, r.Timezone, strings.Join(counts, "; "))))
	var summary [][]string
	for _, cat := range cats {
		for _, rule := range ruleOrder {
			if CategoryOf(rule) == cat {
				summary = append(summary, []string{vocab.Category(lang, cat), rule, vocab.Rule(lang, rule), strconv.Itoa(r.Totals[rule])})
			}
		}
	}
	writeTable(ew, summary)

	for _, cat := range cats {
		if r.CategoryTotals[cat] == 0 {
			continue
		}
		ew.printf("\n%s\n", L("【"+vocab.Category(lang, cat)+"】", "== "+vocab.Category(lang, cat)+" =="))
		for _, rule := range ruleOrder {
			if CategoryOf(rule) == cat {
				writeRule(ew, r, rule, lang, L)
			}
		}
	}

	if len(r.Schedule) > 0 {
		ew.printf("\n%s\n", L("还款计划与实际还款", "Agreement schedule and payments"))
		table := [][]string{strings.Split(L("期|到期日|应还|已还|到期前已还|还清日|状态|证据",
			"#|due|amount|paid|paid by due|paid in full|status|exhibits"), "|")}
		for _, s := range r.Schedule {
			paidOn := s.PaidOn.String()
			if paidOn == "" {
				paidOn = "-"
			}
			ex := joinInts(s.Exhibits, ",")
			if len(s.Sources) > 0 {
				if ex != "-" {
					ex += " + "
				} else {
					ex = ""
				}
				ex += "case.yaml"
			}
			table = append(table, []string{strconv.Itoa(s.N), s.Due.String(), s.Amount.String(), s.Paid.String(),
				s.PaidByDue.String(), paidOn, vocab.Installment(lang, s.Status), ex})
		}
		writeTable(ew, table)
	}

	if len(r.Unclassified) > 0 {
		n := 0
		for _, u := range r.Unclassified {
			n += u.Contacts
		}
		ew.printf("\n%s\n", L(fmt.Sprintf("%d 次联系来自 %d 个未在 case.yaml 中标注角色的号码或账号，请在 contacts: 下补充：", n, len(r.Unclassified)),
			fmt.Sprintf("%d %s from %d %s with no role in case.yaml — add them under contacts:",
				n, plural(n, "contact", "contacts"), len(r.Unclassified), plural(len(r.Unclassified), "number", "numbers"))))
		for _, u := range r.Unclassified {
			name := ""
			if u.Name != "" {
				name = " " + u.Name
			}
			ew.printf("  %s%s: %s\n", u.Counterpart, name, L(
				fmt.Sprintf("%d 次；证据 %s", u.Contacts, joinInts(u.Exhibits, "、")),
				fmt.Sprintf("%d %s; exhibits %s", u.Contacts, plural(u.Contacts, "contact", "contacts"), joinInts(u.Exhibits, ", "))))
		}
	}
	if ew.err != nil {
		return fmt.Errorf("findings: write text: %w", ew.err)
	}
	return nil
}

// writeRule prints the findings of one rule under its name, with the source and any note.
func writeRule(ew *errWriter, r *Report, rule, lang string, L func(zhs, ens string) string) {
	var fs []*Finding
	for i := range r.Findings {
		if r.Findings[i].Rule == rule {
			fs = append(fs, &r.Findings[i])
		}
	}
	if len(fs) == 0 {
		return
	}
	name := vocab.Rule(lang, rule)
	ew.printf("\n%s\n", L(fmt.Sprintf("%s（%d）", name, len(fs)), fmt.Sprintf("%s (%d)", name, len(fs))))
	ew.printf("%s%s\n", L("依据：", "Source: "), fs[0].Source)
	if fs[0].BreachNote != "" {
		ew.printf("%s%s\n", L("说明：", "Note: "), fs[0].BreachNote)
	}
	for _, f := range fs {
		ew.printf("  [%s] %s\n", f.ID, f.Message)
		ew.printf("      %s\n", L("证据 "+joinInts(f.Exhibits, "、")+"；事件 "+joinInts(f.Events, "、"),
			"exhibits "+joinInts(f.Exhibits, ", ")+"; events "+joinInts(f.Events, ", ")))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// writeTable pads columns by display width: a Chinese character takes two columns of a terminal
// or a monospaced font, which tabwriter's rune count does not know.
func writeTable(ew *errWriter, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(cell)+2))
			}
		}
		ew.printf("%s\n", b.String())
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func joinInts(xs []int, sep string) string {
	if len(xs) == 0 {
		return "-"
	}
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, sep)
}

// errWriter keeps the first write error so the report code reads straight through.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

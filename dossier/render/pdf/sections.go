package pdf

import (
	"bytes"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

func (d *doc) coverPage() {
	f := d.f
	c := d.b.Case
	d.sectionTitle = d.t("cover.title")
	f.AddPage()
	f.Bookmark(d.t("cover.title"), 0, -1)
	f.SetFillColor(44, 62, 92)
	f.Rect(0, 0, pageW, 6, "F")
	f.SetXY(marginX, 40)
	f.SetFont(fontFamily, "", 24)
	f.SetTextColor(20, 40, 80)
	for _, l := range d.lines(d.clean(c.Title), contentW) {
		f.SetX(marginX)
		d.cell(contentW, 12, l, "C", true)
	}
	f.Ln(2)
	f.SetFont(fontFamily, "", 13)
	f.SetTextColor(80, 80, 80)
	f.SetX(marginX)
	d.cell(contentW, 8, d.t("cover.subtitle."+d.opt.Letter), "C", true)
	f.SetTextColor(0, 0, 0)
	f.Ln(14)

	party := func(name string, p []string) string {
		var parts []string
		for _, s := range p {
			if s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) == 0 {
			return name
		}
		return name + "（" + strings.Join(parts, "，") + "）"
	}
	if d.lang == "en" {
		party = func(name string, p []string) string {
			var parts []string
			for _, s := range p {
				if s != "" {
					parts = append(parts, s)
				}
			}
			if len(parts) == 0 {
				return name
			}
			return name + " (" + strings.Join(parts, ", ") + ")"
		}
	}
	rows := [][2]string{
		{d.t(vocab.Complainant), party(c.Complainant.Name, []string{c.Complainant.Phone})},
		{d.t(vocab.Respondent), party(c.Respondent.Name, []string{c.Respondent.Product, c.Respondent.Phone})},
		{d.t("date"), d.longDate(d.b.Stamp)},
		{d.t("dossier.id"), d.b.CaseID},
		{d.t("evidence.count"), strconv.Itoa(len(d.b.Items)) + d.t("items")},
	}
	labelW := 38.0
	for _, r := range rows {
		f.SetFont(fontFamily, "", 11)
		y := f.GetY()
		f.SetTextColor(100, 100, 100)
		f.SetXY(marginX+10, y)
		d.cell(labelW, 7, r[0], "L", false)
		f.SetTextColor(0, 0, 0)
		for _, l := range d.lines(d.clean(r[1]), contentW-20-labelW) {
			f.SetX(marginX + 10 + labelW)
			d.cell(contentW-20-labelW, 7, l, "L", true)
		}
		f.SetDrawColor(220, 220, 220)
		f.Line(marginX+10, f.GetY()+1, pageW-marginX-10, f.GetY()+1)
		f.Ln(3)
	}
	// The manifest digest: printed, and as a QR code to scan from paper.
	f.Ln(8)
	f.SetFont(fontFamily, "", 10)
	f.SetTextColor(100, 100, 100)
	f.SetX(marginX)
	d.cell(contentW, 6, d.t("manifest.digest"), "C", true)
	f.SetTextColor(0, 0, 0)
	f.SetFont(fontFamily, "", 9.5)
	f.SetX(marginX)
	d.cell(contentW, 6, d.digest, "C", true)
	f.Ln(3)
	if name, ok := d.qr(); ok {
		size := 42.0
		f.ImageOptions(name, (pageW-size)/2, f.GetY(), size, size, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		f.SetY(f.GetY() + size + 4)
	}
	notes := []string{d.t("cover.verify")}
	if d.opt.Redact {
		notes = append(notes, d.t("cover.redacted"))
	}
	if d.opt.NoAttach {
		notes = append(notes, d.t("cover.noattach"))
	}
	f.SetTextColor(90, 90, 90)
	for _, n := range notes {
		d.paragraph(n, 9, 10, "C")
		f.Ln(1)
	}
	f.SetTextColor(0, 0, 0)
	d.signatureBox()
}

// qr registers the QR code of the manifest digest as a PNG image.
func (d *doc) qr() (string, bool) {
	code, err := qr.Encode(KeywordsPrefix+d.digest, qr.M, qr.Auto)
	if err != nil {
		return "", false
	}
	code, err = barcode.Scale(code, 330, 330)
	if err != nil {
		return "", false
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, code); err != nil {
		return "", false
	}
	const name = "manifest-qr"
	d.f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	return name, !d.f.Err()
}

// findingsSection prints the three kinds of statement apart: the collection side's rule
// breaches (违规事实), contact inconsistent with the agreement (与协议不一致的情况, never under a
// breaches heading) and the complainant's own performance of the agreement (协议履行情况). The
// counterparts case.yaml does not know are the user's to-do list, not evidence: they are told on
// the command line and in the workbook, never printed here.
func (d *doc) findingsSection() {
	d.section(d.t("findings"))
	if d.r == nil {
		d.paragraph(d.t("findings.none"), 10.5, 0, "L")
		return
	}
	byCat := map[string][]*findings.Finding{}
	for i := range d.r.Findings {
		fd := &d.r.Findings[i]
		cat := findings.CategoryOf(fd.Rule)
		byCat[cat] = append(byCat[cat], fd)
	}
	if len(d.r.Findings) > 0 {
		t := d.table(9, column{title: d.t("findings.category"), width: 30}, column{title: d.t("findings.rule"), width: 38},
			column{title: d.t("findings.count"), width: 12, align: "R"}, column{title: d.t("exhibits.col"), width: 26},
			column{title: d.t("findings.source"), width: 64})
		for _, cat := range findings.Categories() {
			for _, rule := range findings.Rules() {
				if findings.CategoryOf(rule) != cat {
					continue
				}
				if n, ex, source := d.ruleTotal(rule); n > 0 {
					t.row(vocab.Category(d.lang, cat), vocab.Rule(d.lang, rule), strconv.Itoa(n), d.exhibitList(ex), source)
				}
			}
		}
		t.end()
	}

	d.heading(d.t("category."+findings.CategoryBreach), 12)
	if len(byCat[findings.CategoryBreach]) == 0 {
		d.paragraph(d.t("findings.none"), 10.5, 0, "L")
		d.f.Ln(2)
	} else {
		d.findingRows(byCat[findings.CategoryBreach])
	}
	if fs := byCat[findings.CategoryInconsistent]; len(fs) > 0 {
		d.heading(d.t("category."+findings.CategoryInconsistent), 12)
		d.paragraph(fs[0].BreachNote, 9.5, 0, "L")
		d.f.Ln(2)
		d.findingRows(fs)
	}
	if fs := byCat[findings.CategoryPerformance]; len(fs) > 0 || len(d.r.Schedule) > 0 {
		d.heading(d.t("category."+findings.CategoryPerformance), 12)
		if len(d.r.Schedule) > 0 {
			t := d.table(8.5, column{title: d.t("schedule.n"), width: 10, align: "R"}, column{title: d.t("schedule.due"), width: 22},
				column{title: d.t("schedule.amount"), width: 20, align: "R"}, column{title: d.t("schedule.paid"), width: 20, align: "R"},
				column{title: d.t("schedule.paidon"), width: 22}, column{title: d.t("schedule.status"), width: 20},
				column{title: d.t("exhibits.col"), width: 24})
			for _, s := range d.r.Schedule {
				t.row(strconv.Itoa(s.N), s.Due.String(), s.Amount.String(), s.Paid.String(), d.date(s.PaidOn), vocab.Installment(d.lang, s.Status), d.exhibitNums(s.Exhibits))
			}
			t.end()
		}
		if len(fs) > 0 {
			d.findingRows(fs)
		}
	}
}

// findingRows is the table of one category's findings, each with its time, counterpart, what it
// says and the exhibits it cites.
func (d *doc) findingRows(fs []*findings.Finding) {
	if d.big != nil && len(fs) > maxFindingRows {
		d.paragraph(fmt.Sprintf(d.t("findings.more"), len(fs), maxFindingRows, d.workbookSheet(vocab.SheetFindings)), 9.5, 0, "L")
		d.f.Ln(1)
		fs = fs[:maxFindingRows]
	}
	t := d.table(8, column{title: d.t("findings.id"), width: 26}, column{title: d.t("findings.when"), width: 26},
		column{title: d.t("findings.who"), width: 30}, column{title: d.t("findings.count"), width: 12, align: "R"},
		column{title: d.t("findings.what"), width: 62}, column{title: d.t("exhibits.col"), width: 20})
	for _, fd := range fs {
		when := fd.Day.String()
		if fd.Time != nil {
			when = fd.Time.In(d.loc).Format("2006-01-02 15:04")
		} else if fd.Day.IsZero() {
			when = ""
		}
		t.row(d.findingLabel(fd), when, d.who(fd.Name, fd.Counterpart), strconv.Itoa(fd.Count), fd.Message, d.exhibitNums(fd.Exhibits))
	}
	t.end()
}

// who prints a name and a number once each: a counterpart whose name is its number ("余额宝" for
// 余额宝) is printed once, and a withheld number as such.
func (d *doc) who(name, counterpart string) string {
	name, counterpart = strings.TrimSpace(name), strings.TrimSpace(counterpart)
	if counterpart == "" && name == "" {
		return ""
	}
	if counterpart == "" || name == counterpart {
		return name
	}
	if name == "" {
		return counterpart
	}
	return name + " " + counterpart
}

// counterpart prints who the other side of an event is: name and number once each, and its
// role. A call without a number is one whose caller withheld it.
func (d *doc) counterpart(e *event.Event) string {
	s := d.who(e.CounterpartName, e.Counterpart)
	if s == "" && (e.Channel == event.Call || e.Channel == event.SMS || e.Channel == event.MMS) && e.Direction == event.In {
		s = d.t("withheld")
	}
	if e.Role != "" {
		s += " (" + vocab.Role(d.lang, e.Role) + ")"
	}
	return strings.TrimSpace(s)
}

func (d *doc) direction(e *event.Event) string {
	return vocab.Direction(d.lang, e.Direction, e.Channel == event.Call)
}

func (d *doc) duration(e *event.Event) string {
	if e.Duration == nil {
		return ""
	}
	s := *e.Duration
	if s < 60 {
		return fmt.Sprintf(d.t("sec"), s)
	}
	return fmt.Sprintf(d.t("minsec"), s/60, s%60)
}

// summary is the content column of the timeline, shortened so that one message cannot fill pages
// there; the exhibit's own table prints it whole.
func (d *doc) summary(e *event.Event) string {
	s := d.content(e)
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	// What OCR read off a screenshot says so, with how sure it was, so a mediator knows the
	// source; a call-history row standing for several calls says how many.
	if e.TimeSource == event.TimeFromOCR {
		if e.Repeat > 1 {
			s += fmt.Sprintf(vocab.Term(d.lang, "ocr.repeat"), e.Repeat)
		}
		s += fmt.Sprintf(vocab.Term(d.lang, "ocr.mark"), e.Confidence)
	}
	// A class the user set by hand is shown, so a reader knows the judgement is theirs.
	if e.ClassByUser {
		s += fmt.Sprintf(d.t("class.user"), vocab.Term(d.lang, "class."+e.Class))
	}
	return s
}

// content is what an event says: subject, amount and text.
func (d *doc) content(e *event.Event) string {
	var parts []string
	if e.Subject != "" {
		parts = append(parts, e.Subject)
	}
	if e.Amount != nil {
		parts = append(parts, e.Amount.String())
	}
	if e.Text != "" {
		parts = append(parts, e.Text)
	}
	return strings.Join(parts, " · ")
}

func (d *doc) localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(d.loc).Format("2006-01-02 15:04:05")
}

func (d *doc) timeline() {
	if d.big != nil {
		d.timelineSummary()
		return
	}
	d.section(d.t("timeline"))
	t := d.timelineTable()
	var bills, private int
	for i := range d.b.Events {
		e := &d.b.Events[i]
		switch d.shown(e) {
		case omitBill:
			bills++
			continue
		case omitPrivate:
			private++
			continue
		}
		seq := e.Seq
		if seq == 0 {
			seq = i + 1
		}
		d.timelineRow(t, e, seq)
	}
	t.end()
	if bills+private > 0 {
		d.f.Ln(1)
		d.paragraph(d.omittedLine(bills, private), 9, 0, "L")
	}
}

// timelineTable starts the table of the timeline's events.
func (d *doc) timelineTable() *table {
	return d.table(7.5, column{title: d.t("timeline.seq"), width: 8, align: "R"}, column{title: d.t("time"), width: 20},
		column{title: d.t("channel"), width: 9}, column{title: d.t("direction"), width: 8}, column{title: d.t("counterpart"), width: 30},
		column{title: d.t("status"), width: 13}, column{title: d.t("content"), width: 50}, column{title: d.t("exhibits.col"), width: 12})
}

// timelineRow is the row of event e, number seq, in the timeline's table.
func (d *doc) timelineRow(t *table, e *event.Event, seq int) {
	status := vocab.Status(d.lang, e.Status)
	if dur := d.duration(e); dur != "" {
		status += " " + dur
	}
	t.row(strconv.Itoa(seq), d.localTime(e.Time), vocab.Channel(d.lang, e.Channel), d.direction(e), d.counterpart(e),
		strings.TrimSpace(status), d.summary(e), d.exhibitNums(exhibitsOf(e)))
}

// What the packet's timeline leaves out.
const (
	omitNone = iota
	omitBill
	omitPrivate
)

// shown says whether the packet's timeline lists e. It holds the collection side's contacts,
// the complainant's replies, the agreement, the repayments and the evidence items' own events;
// it leaves out the ordinary purchases and income of the bills and the complainant's calls and
// messages with family and friends (private life the platform has no business reading, kept
// complete in the workbook and the attached originals). A counterpart with no role, or a
// withheld number, stays: it may be the collection side.
func (d *doc) shown(e *event.Event) int { return shownWith(d.b.Case, d.book, e) }

func (d *doc) omittedLine(bills, private int) string {
	var parts []string
	if bills > 0 {
		parts = append(parts, fmt.Sprintf(d.t("omitted.bills"), bills))
	}
	if private > 0 {
		parts = append(parts, fmt.Sprintf(d.t("omitted.private"), private))
	}
	sep := "、"
	if d.lang == "en" {
		sep = " and "
	}
	return fmt.Sprintf(d.t("omitted"), strings.Join(parts, sep))
}

// exhibitsOf lists the exhibits an event is read from.
func exhibitsOf(e *event.Event) []int {
	if len(e.Exhibits) > 0 {
		return e.Exhibits
	}
	if e.Exhibit > 0 {
		return []int{e.Exhibit}
	}
	return nil
}

// source says where an exhibit came from: what the user said, or whose device held it.
func (d *doc) source(it *evidence.Item) string {
	if it.Source != "" {
		return it.Source
	}
	if it.Holder != "" {
		role := vocab.Holder(d.lang, it.HolderRole)
		if d.lang == "zh" {
			return it.Holder + "（" + role + "）"
		}
		return it.Holder + " (" + role + ")"
	}
	return vocab.Holder(d.lang, "self")
}

func (d *doc) index() {
	d.section(d.t("index"))
	t := d.table(8, column{title: d.t("index.n"), width: 9, align: "R"}, column{title: d.t("index.name"), width: 36},
		column{title: d.t("index.source"), width: 24}, column{title: d.t("index.purpose"), width: 36},
		column{title: d.t("index.page"), width: 10, align: "R"}, column{title: "SHA-256", width: 40, raw: true})
	for i := range d.b.Items {
		it := &d.b.Items[i]
		page := ""
		if d.prev != nil {
			page = strconv.Itoa(d.prev.first[it.Exhibit])
		}
		name := d.title(it)
		if it.Title != "" && it.Title != it.Name {
			name += "\n" + it.Name
		}
		t.row(strconv.Itoa(it.Exhibit), name, d.source(it), it.PurposeOr(d.lang), page, it.SHA256)
	}
	t.end()
}

func (d *doc) appendix() {
	d.section(d.t("appendix"))
	d.f.Bookmark(d.t("manifest"), 1, -1)
	d.heading(d.t("manifest"), 12)
	d.f.SetFont(fontFamily, "", 9)
	d.raw(d.t("manifest.digest")+": "+d.digest, 9)
	d.f.Ln(2)
	t := d.table(7.5, column{title: d.t("index.n"), width: 8, align: "R"}, column{title: d.t("file"), width: 52},
		column{title: d.t("size"), width: 14, align: "R"}, column{title: d.t("mime"), width: 22}, column{title: "SHA-256", width: 48, raw: true})
	for _, it := range d.b.Items {
		t.row(strconv.Itoa(it.Exhibit), manifest.ExhibitFileName(it.Exhibit, it.Name), strconv.FormatInt(it.Size, 10), vocab.MIME(d.lang, it.MIME), it.SHA256)
	}
	t.end()
	if len(d.b.Custody) > 0 {
		d.f.Bookmark(d.t("custody"), 1, -1)
		d.heading(d.t("custody"), 12)
		t := d.table(7, column{title: d.t("custody.seq"), width: 8, align: "R"}, column{title: d.t("time"), width: 22},
			column{title: d.t("custody.action"), width: 14}, column{title: d.t("exhibits.col"), width: 10, align: "R"},
			column{title: d.t("custody.note"), width: 40}, column{title: d.t("custody.hash"), width: 50, raw: true})
		for _, c := range d.b.Custody {
			ex := ""
			if c.Exhibit > 0 {
				ex = strconv.Itoa(c.Exhibit)
			}
			note := c.Note
			if c.Actor != "" {
				note = strings.TrimSpace(c.Actor + " " + note)
			}
			t.row(strconv.Itoa(c.Seq), d.localTime(c.Time), vocab.Custody(d.lang, c.Action), ex, d.clean(note), c.Hash)
		}
		t.end()
	}
	d.f.Bookmark(d.t("verify"), 1, -1)
	d.heading(d.t("verify"), 12)
	for _, p := range strings.Split(d.t("verify.text"), "\n") {
		d.paragraph(p, 9.5, 0, "L")
		d.f.Ln(1.5)
	}
	if d.opt.Redact {
		d.f.Ln(2)
		d.paragraph(d.t("cover.redacted"), 9.5, 0, "L")
		if left := d.leftOut(); len(left) > 0 {
			d.f.Ln(1.5)
			d.paragraph(fmt.Sprintf(d.t("redact.leftout"), strings.Join(left, d.t("list.sep"))), 9.5, 0, "L")
		}
		if covered := d.coveredPictures(); len(covered) > 0 {
			d.f.Ln(1.5)
			d.paragraph(fmt.Sprintf(d.t("redact.covered"), strings.Join(covered, d.t("list.sep"))), 9.5, 0, "L")
		}
	}
}

// coveredPictures names the imported pages on which a redacted packet covered pictures nothing
// has read.
func (d *doc) coveredPictures() []string {
	var out []string
	seen := map[string]bool{}
	for i := range d.b.Items {
		it := &d.b.Items[i]
		if seen[it.SHA256] {
			continue
		}
		seen[it.SHA256] = true
		if entry := d.rasterPages(it, func(p rasterPage) bool { return p.covered > 0 }); entry != "" {
			out = append(out, entry)
		}
	}
	return out
}

// rasterPages names the pages of a redacted PDF exhibit that keep says something of, as
// "证据1第2、3页", or "" when there are none.
func (d *doc) rasterPages(it *evidence.Item, keep func(rasterPage) bool) string {
	rs := d.raster
	if rs == nil || rs.docs[it.SHA256] == nil || rs.docs[it.SHA256].err != nil {
		return ""
	}
	var pages []string
	for k, p := range rs.docs[it.SHA256].pages {
		if keep(p) {
			pages = append(pages, strconv.Itoa(k+1))
		}
	}
	if len(pages) == 0 {
		return ""
	}
	return fmt.Sprintf(d.t("redact.leftout.pages"), evidence.Label(d.lang, it.Exhibit), strings.Join(pages, d.t("list.sep")))
}

// leftOut names the image exhibits a redacted packet does not show because OCR has not read them
// (and that it could show otherwise).
func (d *doc) leftOut() []string {
	var out []string
	for i := range d.b.Items {
		it := &d.b.Items[i]
		if isImageMIME(it.MIME) && d.unchecked(it) && d.plan(it).why == "" {
			out = append(out, evidence.Label(d.lang, it.Exhibit))
		}
		if entry := d.rasterPages(it, func(p rasterPage) bool { return p.unchecked }); entry != "" {
			out = append(out, entry)
		}
	}
	return out
}

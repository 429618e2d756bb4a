package xlsx

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// categoryOrder is the order a mediator reads the categories in: the collection side's breaches,
// what is inconsistent with the agreement, then the complainant's own performance.
var categoryOrder = findings.Categories()

// sheetLink is a cell that jumps to the top of another sheet of the workbook.
func (rd *renderer) sheetLink(name string) any {
	target := "#'" + strings.ReplaceAll(name, "'", "''") + "'!A1"
	return excelize.Cell{StyleID: rd.st.link, Formula: hyperlinkFormula(target, name), Value: name}
}

// summarySheet is the first sheet: who, what was agreed, how much was due and paid, what was
// found, the period the evidence covers, and links to the sheets that hold the detail.
func (rd *renderer) summarySheet(others []string) *sheet {
	l := rd.l
	b := rd.b
	type kv struct {
		k string
		v any
	}
	var info []kv
	c := b.Case
	if c != nil {
		info = append(info, kv{l.complainant, str(c.Complainant.Name)},
			kv{l.respondent, str(strings.TrimSpace(c.Respondent.Name + " " + c.Respondent.Product))})
		if a := c.Agreement; a != nil {
			info = append(info, kv{l.agreement, str(rd.agreementText(a))})
		}
	}
	if first, last, ok := rd.period(); ok {
		info = append(info, kv{l.period, fmt.Sprintf(l.periodFmt, first, last)})
	}
	info = append(info, kv{l.items, len(b.Items)}, kv{l.events, rd.events}, kv{l.caseID, str(b.CaseID)})
	if !rd.r.AsOf.IsZero() {
		info = append(info, kv{l.asOf, rd.dateCell(rd.r.AsOf)})
	}
	info = append(info, kv{l.stamp, rd.dateTimeCell(b.Stamp)})
	title := ""
	if c != nil {
		title = c.Title
	}

	perCat := map[string]int{}
	for rule, n := range rd.r.Totals {
		perCat[findings.CategoryOf(rule)] += n
	}
	money := rd.moneyRows()
	blocks := []block{{
		title: title, n: len(info),
		fill: func(i int, v []any) { v[0], v[1] = info[i].k, info[i].v },
	}, {
		title: l.findingsTotal, heads: l.categoryHeads, n: len(categoryOrder),
		fill: func(i int, v []any) {
			cat := categoryOrder[i]
			v[0], v[1] = vocab.Category(rd.lang, cat), perCat[cat]
		},
	}, {
		heads: l.ruleHeads, n: len(ruleOrder),
		fill: func(i int, v []any) {
			rule := ruleOrder[i]
			v[0], v[1], v[2] = vocab.Rule(rd.lang, rule), vocab.Category(rd.lang, findings.CategoryOf(rule)), rd.r.Totals[rule]
		},
	}}
	if len(money) > 0 {
		blocks = append(blocks, block{
			title: l.repayment, n: len(money),
			fill: func(i int, v []any) { v[0], v[1] = money[i].k, rd.moneyCell(money[i].v) },
		})
	}
	if len(rd.r.Unclassified) > 0 {
		blocks = append(blocks, block{
			title: l.unclassified, heads: l.unclassifiedHeads, n: len(rd.r.Unclassified),
			fill: func(i int, v []any) {
				u := &rd.r.Unclassified[i]
				v[0], v[1], v[2], v[3] = str(u.Counterpart), str(u.Name), u.Contacts, exhibitsCell(0, u.Exhibits)
			},
		})
	}
	blocks = append(blocks, block{
		title: l.sheets, n: len(others),
		fill: func(i int, v []any) { v[0] = rd.sheetLink(others[i]) },
	})
	return &sheet{name: l.sheetSummary, blocks: blocks}
}

type moneyRow struct {
	k string
	v money.Amount
}

// moneyRows are the agreement's totals: what was agreed, what had fallen due by the as-of date,
// what the payments covered by then, and what was left.
func (rd *renderer) moneyRows() []moneyRow {
	rows := rd.r.Schedule
	if len(rows) == 0 {
		return nil
	}
	var agreed, due, paid, paidDue money.Amount
	for _, s := range rows {
		agreed += s.Amount
		paid += s.Paid
		if !s.Due.After(rd.r.AsOf) {
			due += s.Amount
			paidDue += min(s.Paid, s.Amount)
		}
	}
	l := rd.l
	asOf := rd.r.AsOf.String()
	return []moneyRow{
		{l.agreedTotal, agreed},
		{fmt.Sprintf(l.dueBy, asOf), due},
		{fmt.Sprintf(l.paidBy, asOf), paid},
		{fmt.Sprintf(l.owedBy, asOf), due - paidDue},
	}
}

func (rd *renderer) agreementText(a *caseconf.Agreement) string {
	parts := []string{a.Date.String()}
	if a.Reference != "" {
		parts = append(parts, a.Reference)
	}
	in := a.Installments
	switch {
	case len(in.List) > 0:
		parts = append(parts, fmt.Sprintf(rd.l.planList, len(in.List)))
	case in.Count > 0:
		parts = append(parts, fmt.Sprintf(rd.l.planMonthly, in.Count, in.Amount.String(), in.FirstDue.String()))
	}
	return strings.Join(parts, rd.l.sep)
}

// period is the first and last local day of the timed events.
func (rd *renderer) period() (first, last caseconf.Date, ok bool) {
	return rd.stats.first, rd.stats.last, rd.stats.dated
}

// observePeriod widens the period to the event's day.
func (st *eventStats) observePeriod(e *event.Event, loc *time.Location) {
	if e.Time.IsZero() {
		return
	}
	d := caseconf.DateOf(e.Time, loc)
	if !st.dated || d.Before(st.first) {
		st.first = d
	}
	if !st.dated || d.After(st.last) {
		st.last = d
	}
	st.dated = true
}

// dayCount is one local day of incoming collection-side contacts.
type dayCount struct {
	day                                   caseconf.Date
	contacts, calls, unanswered, messages int
	night                                 int
	byRole                                [len(collectionRoles)]int
}

// collectionRoles are the roles the chart draws a series for.
var collectionRoles = [...]string{caseconf.RoleCreditor, caseconf.RoleCollector}

// contactChannels are the channels that count as the collection side reaching the holder.
var contactChannels = map[event.Channel]bool{event.Call: true, event.SMS: true, event.MMS: true, event.Chat: true, event.Email: true}

// maxFilledDays bounds filling quiet days in between: a timeline spanning more than ten years
// lists only the days with contacts.
const maxFilledDays = 3660

// quietMinutes are the quiet hours of the case in minutes after local midnight.
func (rd *renderer) quietMinutes() (start, end int) {
	start, end = 22*60, 8*60
	if c := rd.b.Case; c != nil {
		start, end = caseconf.ClockMinutes(c.Rules.QuietStart), caseconf.ClockMinutes(c.Rules.QuietEnd)
	}
	return start, end
}

// countContact counts an incoming collection-side contact on its local day.
func (rd *renderer) countContact(byDay map[caseconf.Date]*dayCount, e *event.Event, quietStart, quietEnd int) {
	{
		role := rd.roleOf(e)
		if e.Direction != event.In || !contactChannels[e.Channel] || e.Time.IsZero() || !caseconf.CollectionSide(role) {
			return
		}
		// A service notice (a payment confirmation, a code) is no contact, as in the findings.
		if e.Class != "" && e.Class != "collection" {
			return
		}
		local := e.Time.In(rd.loc)
		d := caseconf.DateOf(local, rd.loc)
		dc := byDay[d]
		if dc == nil {
			dc = &dayCount{day: d}
			byDay[d] = dc
		}
		dc.contacts++
		if k := slices.Index(collectionRoles[:], role); k >= 0 {
			dc.byRole[k]++
		}
		switch {
		case e.Channel == event.Call:
			dc.calls++
			if e.Unanswered() {
				dc.unanswered++
			}
		default:
			dc.messages++
		}
		m := local.Hour()*60 + local.Minute()
		if quietStart > quietEnd && (m >= quietStart || m < quietEnd) || quietStart < quietEnd && m >= quietStart && m < quietEnd {
			dc.night++
		}
	}
}

func (rd *renderer) dailyContacts() []dayCount {
	byDay := rd.stats.byDay
	days := make([]dayCount, 0, len(byDay))
	for _, dc := range byDay {
		days = append(days, *dc)
	}
	slices.SortFunc(days, func(a, b dayCount) int {
		switch {
		case a.day.Before(b.day):
			return -1
		case a.day.After(b.day):
			return 1
		}
		return 0
	})
	if len(days) < 2 {
		return days
	}
	first, last := days[0].day.Start(time.UTC), days[len(days)-1].day.Start(time.UTC)
	if last.Sub(first) > maxFilledDays*24*time.Hour {
		return days
	}
	filled := make([]dayCount, 0, int(last.Sub(first).Hours()/24)+1)
	for d, k := days[0].day, 0; !d.After(days[len(days)-1].day); d = d.AddDays(1) {
		if k < len(days) && days[k].day == d {
			filled = append(filled, days[k])
			k++
		} else {
			filled = append(filled, dayCount{day: d})
		}
	}
	return filled
}

// contactsSheet is the table of incoming collection-side contacts per local day and its chart:
// stacked columns, one series per role, over a date axis whose base unit is the day.
func (rd *renderer) contactsSheet() *sheet {
	l := rd.l
	days := rd.dailyContacts()
	heads := []string{l.dayHeads[0], l.dayHeads[1]}
	for _, role := range collectionRoles {
		heads = append(heads, vocab.Role(rd.lang, role))
	}
	heads = append(heads, l.dayHeads[2:]...)
	sh := &sheet{name: vocab.Term(rd.lang, vocab.SheetContacts), freeze: true, blocks: []block{{
		heads: heads, n: len(days), filter: true,
		fill: func(i int, v []any) {
			d := &days[i]
			v[0], v[1] = rd.dateCell(d.day), d.contacts
			k := 2
			for r := range collectionRoles {
				v[k] = d.byRole[r]
				k++
			}
			v[k], v[k+1], v[k+2], v[k+3] = d.calls, d.unanswered, d.messages, d.night
		},
	}}}
	sh.chartCell = "L2"
	sh.chart = func(lay []blockLayout) *excelize.Chart {
		L := lay[0]
		if len(days) == 0 {
			return nil
		}
		ref := func(col int) string {
			c, _ := excelize.ColumnNumberToName(col)
			return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sh.name, c, L.first, c, L.last)
		}
		var series []excelize.ChartSeries
		for r := range collectionRoles {
			c, _ := excelize.ColumnNumberToName(3 + r)
			series = append(series, excelize.ChartSeries{
				Name: fmt.Sprintf("'%s'!$%s$%d", sh.name, c, L.headRow), Categories: ref(1), Values: ref(3 + r),
			})
		}
		return &excelize.Chart{
			Type:       excelize.ColStacked,
			Series:     series,
			VaryColors: new(false), // one colour per role, not per day
			Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: l.chartTitle}}},
			Legend:     excelize.ChartLegend{Position: "bottom"},
			XAxis:      excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "yyyy-mm-dd"}},
			Format:     excelize.GraphicOptions{ScaleX: 1.6, ScaleY: 1.4},
		}
	}
	sh.dateAxis = true
	return sh
}

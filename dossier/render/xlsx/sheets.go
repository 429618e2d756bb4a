package xlsx

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// Lists longer than this in one cell (the events a finding cites) are cut with a count.
const maxListed = 200

// seqOf is the event's timeline position; Seq when the timeline filled it, else its index.
func seqOf(i int, e *event.Event) int {
	if e.Seq > 0 {
		return e.Seq
	}
	return i + 1
}

// flagBits maps each event to the rules whose findings cite it, one bit per rule in ruleOrder;
// a byte per event keeps a million-event timeline cheap.
func (rd *renderer) flagBits() []uint8 {
	bits := make([]uint8, rd.events+1)
	bit := map[string]uint8{}
	for i, id := range ruleOrder {
		bit[id] = 1 << i
	}
	for _, fd := range rd.r.Findings {
		for _, seq := range fd.Events {
			if seq > 0 && seq < len(bits) {
				bits[seq] |= bit[fd.Rule]
			}
		}
	}
	return bits
}

// flagText names the rules of bits, each set of rules joined once per render.
func (rd *renderer) flagText(bits uint8) string {
	if bits == 0 {
		return ""
	}
	if rd.flagTexts == nil {
		rd.flagTexts = map[uint8]string{}
	}
	if s, ok := rd.flagTexts[bits]; ok {
		return s
	}
	s := rd.joinRules(bits)
	rd.flagTexts[bits] = s
	return s
}

func (rd *renderer) joinRules(bits uint8) string {
	var parts []string
	for i, id := range ruleOrder {
		if bits&(1<<i) != 0 {
			parts = append(parts, vocab.Rule(rd.lang, id))
		}
	}
	return strings.Join(parts, ", ")
}

func (rd *renderer) dateTimeCell(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if v, ok := serial(t, rd.loc); ok {
		return excelize.Cell{StyleID: rd.st.dateTime, Value: v}
	}
	return t.In(rd.loc).Format(time.RFC3339)
}

func (rd *renderer) dateCell(d caseconf.Date) any {
	if d.IsZero() {
		return nil
	}
	if v, ok := dateSerial(d); ok {
		return excelize.Cell{StyleID: rd.st.date, Value: v}
	}
	return d.String()
}

func (rd *renderer) moneyCell(a money.Amount) any {
	return excelize.Cell{StyleID: rd.st.money, Value: yuan(a)}
}

// exhibitsCell is a number for the usual single exhibit (so the column sorts), a list otherwise.
func exhibitsCell(one int, many []int) any {
	switch {
	case len(many) > 1:
		return joinInts(many, maxListed)
	case len(many) == 1:
		return many[0]
	case one > 0:
		return one
	}
	return nil
}

func (rd *renderer) holderText(name, role string) string {
	if name == "" {
		return ""
	}
	if role == "" {
		return name
	}
	// The holder's own evidence says 本人 beside the name; "the complainant's own device" is
	// what the source column says when there is no name.
	word := vocab.Holder(rd.lang, role)
	if role == "self" {
		word = vocab.Role(rd.lang, role)
	}
	if rd.lang == vocab.EN {
		return name + " (" + word + ")"
	}
	return name + "（" + word + "）"
}

func (rd *renderer) roleOf(e *event.Event) string {
	if e.Role != "" || rd.b.Case == nil {
		return e.Role
	}
	ct, _ := rd.contacts.Contact(e.Counterpart)
	return ct.Role
}

func (rd *renderer) timelineSheet() *sheet {
	l := rd.l
	return &sheet{name: l.sheetTimeline, freeze: true, blocks: []block{{
		heads: l.timelineHeads, n: rd.events, filter: true, flagCol: len(l.timelineHeads),
		widths: rd.timelineWidths,
		each: func(v []any, row func() error) error {
			i := 0
			return rd.b.EachEvent(func(e *event.Event) error {
				clear(v)
				rd.timelineRow(i, e, v)
				i++
				return row()
			})
		},
	}}}
}

// timelineRow fills the timeline sheet's row of the event at position i.
func (rd *renderer) timelineRow(i int, e *event.Event, v []any) {
	{
		{
			flags := rd.flags
			seq := seqOf(i, e)
			v[0] = seq
			v[1] = rd.dateTimeCell(e.Time)
			v[2] = str(vocab.Channel(rd.lang, e.Channel))
			v[3] = str(vocab.Direction(rd.lang, e.Direction, e.Channel == event.Call))
			v[4] = str(vocab.Status(rd.lang, e.Status))
			v[5] = str(e.Counterpart)
			v[6] = str(e.CounterpartName)
			v[7] = str(vocab.Role(rd.lang, rd.roleOf(e)))
			if e.Duration != nil {
				v[8] = excelize.Cell{StyleID: rd.st.duration, Value: float64(*e.Duration) / 86400}
			}
			if e.Amount != nil {
				v[9] = rd.moneyCell(*e.Amount)
			}
			body := e.Text
			if e.Subject != "" {
				body = strings.TrimSpace(e.Subject + "\n" + e.Text)
			}
			v[10] = str(body)
			v[11] = exhibitsCell(e.Exhibit, e.Exhibits)
			v[12] = str(rd.holderText(e.Holder, e.HolderRole))
			v[13] = str(vocab.Locator(rd.lang, e.Locator))
			if e.Class != "" {
				class := vocab.Term(rd.lang, "class."+e.Class)
				if e.ClassByUser {
					class += "*"
				}
				v[14], v[15] = str(class), str(vocab.ClassReason(rd.lang, e.ClassReason))
			}
			if seq < len(flags) {
				v[16] = str(rd.flagText(flags[seq]))
			}
		}
	}
}

func (rd *renderer) evidenceSheet() *sheet {
	l := rd.l
	return &sheet{name: l.sheetEvidence, freeze: true, blocks: []block{{
		heads: l.evidenceHeads, n: len(rd.b.Items), filter: true, flagCol: len(l.evidenceHeads),
		fill: func(i int, v []any) {
			it := &rd.b.Items[i]
			file := manifest.ExhibitFileName(it.Exhibit, it.Name)
			v[0] = it.Exhibit
			v[1] = str(it.DisplayTitle())
			v[2] = str(rd.sourceOf(it.Source, it.Holder, it.HolderRole))
			v[3] = str(it.PurposeOr(rd.lang))
			v[4] = str(vocab.Kind(rd.lang, it.Kind))
			v[5] = str(it.MIME)
			v[6] = excelize.Cell{StyleID: rd.st.integer, Value: it.Size}
			v[7] = str(it.SHA256)
			v[8] = rd.dateTimeCell(it.Acquired)
			if it.Time != nil {
				v[9] = rd.dateTimeCell(*it.Time)
			}
			v[10] = str(it.ID)
			v[11] = excelize.Cell{StyleID: rd.st.link, Formula: hyperlinkFormula(rd.opt.LinkPrefix+file, file), Value: file}
			v[12] = str(rd.holderText(it.Holder, it.HolderRole))
			v[13] = str(it.DerivedFrom)
			v[14] = it.Events
			v[15] = str(strings.Join(it.WarningTexts(rd.lang), vocab.ListSep(rd.lang)))
		},
	}}}
}

func (rd *renderer) sourceOf(source, holder, role string) string {
	switch {
	case source != "":
		return source
	case holder != "":
		return fmt.Sprintf(rd.l.heldBy, holder, vocab.Holder(rd.lang, role))
	}
	return rd.l.fromComplainant
}

func (rd *renderer) findingsSheet() *sheet {
	l := rd.l
	return &sheet{name: l.sheetFindings, freeze: true, blocks: []block{{
		heads: l.findingsHeads, n: len(rd.r.Findings), filter: true,
		fill: func(i int, v []any) {
			fd := &rd.r.Findings[i]
			v[0] = str(fd.ID)
			v[1] = str(vocab.Rule(rd.lang, fd.Rule))
			if fd.Time != nil {
				v[2] = rd.dateTimeCell(*fd.Time)
			}
			v[3] = rd.dateCell(fd.Day)
			v[4] = str(fd.Counterpart)
			v[5] = str(fd.Name)
			v[6] = str(vocab.Role(rd.lang, fd.Role))
			v[7] = str(fd.Holder)
			v[8] = fd.Count
			if fd.Threshold > 0 {
				v[9] = fd.Threshold
			}
			v[10] = str(joinInts(fd.Events, maxListed))
			v[11] = exhibitsCell(0, fd.Exhibits)
			v[12] = str(fd.Message)
			v[13] = str(fd.Source)
			v[14] = str(fd.BreachNote)
			v[15] = str(vocab.Category(rd.lang, findings.CategoryOf(fd.Rule)))
		},
	}}}
}

// paymentOf is the payments row of a repayment event.
func (rd *renderer) paymentOf(e *event.Event) (payment, bool) {
	if e.Channel != event.Payment || e.Kind != event.KindRepayment || e.Amount == nil {
		return payment{}, false
	}
	t := e.Time
	note := e.Category
	if e.Text != "" {
		note = strings.TrimSpace(note + " " + e.Text)
	}
	return payment{day: caseconf.DateOf(t, rd.loc), at: &t, amount: *e.Amount, method: e.Method,
		note: note, exhibit: exhibitsCell(e.Exhibit, e.Exhibits)}, true
}

// payment is one row of the payments block: a repayment event or a payment from case.yaml.
type payment struct {
	day     caseconf.Date
	at      *time.Time
	amount  money.Amount
	method  string
	note    string
	exhibit any
}

func (rd *renderer) payments() []payment {
	out := slices.Clone(rd.stats.payments)
	if rd.b.Case != nil {
		for _, p := range rd.b.Case.Payments {
			out = append(out, payment{day: p.Date, amount: p.Amount, note: p.Note, method: rd.l.caseYAML})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].day.Before(out[j].day) })
	return out
}

func (rd *renderer) scheduleSheet() *sheet {
	l := rd.l
	rows := rd.r.Schedule
	var total, paid, byDue money.Amount
	for _, s := range rows {
		total += s.Amount
		paid += s.Paid
		byDue += s.PaidByDue
	}
	title := l.agreement
	if c := rd.b.Case; c != nil && c.Agreement != nil {
		title = strings.TrimSpace(fmt.Sprintf("%s %s %s", l.agreement, c.Agreement.Reference, c.Agreement.Date))
	}
	n := len(rows)
	if n > 0 {
		n++ // the total row
	}
	pays := rd.payments()
	var paySum money.Amount
	for _, p := range pays {
		paySum += p.amount
	}
	np := len(pays)
	if np > 0 {
		np++
	}
	return &sheet{name: l.sheetSchedule, freeze: true, blocks: []block{{
		title: title, heads: l.scheduleHeads, n: n, filter: true,
		fill: func(i int, v []any) {
			if i == len(rows) {
				v[0] = l.total
				v[2], v[3], v[4] = rd.moneyCell(total), rd.moneyCell(paid), rd.moneyCell(byDue)
				return
			}
			s := &rows[i]
			v[0] = s.N
			v[1] = rd.dateCell(s.Due)
			v[2] = rd.moneyCell(s.Amount)
			v[3] = rd.moneyCell(s.Paid)
			v[4] = rd.moneyCell(s.PaidByDue)
			v[5] = rd.dateCell(s.PaidOn)
			v[6] = str(vocab.Installment(rd.lang, s.Status))
			v[7] = exhibitsCell(0, s.Exhibits)
		},
	}, {
		title: l.payments, heads: l.paymentHeads, n: np,
		fill: func(i int, v []any) {
			if i == len(pays) {
				v[0] = l.total
				v[2] = rd.moneyCell(paySum)
				return
			}
			p := &pays[i]
			v[0] = rd.dateCell(p.day)
			if p.at != nil {
				v[1] = rd.dateTimeCell(*p.at)
			}
			v[2] = rd.moneyCell(p.amount)
			v[3] = str(p.method)
			v[4] = str(p.note)
			v[5] = p.exhibit
		},
	}}}
}

// releaseFindings lets go of the findings once their sheet is written (the timeline's flags were
// taken from them before any sheet): the other sheets read only the report's totals, schedule
// and untagged contacts. The caller's report is left as it was; a caller that holds no other
// reference to it lets a large case's findings be collected before the timeline is written.
func (rd *renderer) releaseFindings() {
	kept := *rd.r
	kept.Findings = nil
	rd.r = &kept
}

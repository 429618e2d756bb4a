package findings

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/money"
)

// payment is one repayment that may count towards the agreement: a bill row from the timeline or
// a line of payments: in case.yaml.
type payment struct {
	day      caseconf.Date
	at       time.Time
	amount   money.Amount
	seq      int // 0 for case.yaml payments
	exhibits []int
	note     string // case.yaml payments only
}

// towardsRespondent decides whether a repayment in a bill paid the respondent's product. A bill
// lists every credit the user repays (花呗, 借呗, a bank card...), and only the product under
// complaint counts towards its agreement. With neither product nor name in case.yaml there is
// nothing to tell them apart, so every repayment counts.
func towardsRespondent(c *caseconf.Case, e *event.Event) bool {
	product, name := strings.TrimSpace(c.Respondent.Product), strings.TrimSpace(c.Respondent.Name)
	if product == "" && name == "" {
		return true
	}
	if product != "" && (strings.Contains(e.Counterpart, product) || strings.Contains(e.Text, product) ||
		strings.Contains(e.Subject, product)) {
		return true
	}
	return name != "" && strings.TrimSpace(e.Counterpart) == name
}

// Repayment reports whether e is a repayment of the respondent's product: a bill row the
// agreement schedule may count, as opposed to the holder's ordinary purchases and income.
func Repayment(c *caseconf.Case, e *event.Event) bool {
	if c == nil {
		c = &caseconf.Case{}
	}
	return isRepayment(e) && towardsRespondent(c, e)
}

// isRepayment reports whether an event is a repayment the schedule may count.
func isRepayment(e *event.Event) bool {
	return e.Kind == event.KindRepayment && e.Channel == event.Payment && e.Amount != nil && !e.Time.IsZero()
}

// payments gathers the repayments made on or after the agreement day and by as_of, oldest first.
// Bills may sign outflows; a repayment is money paid either way, so its magnitude is used.
func (ev *evaluator) payments(timeline []event.Event, agreed caseconf.Date) []payment {
	var out []payment
	counts := func(day caseconf.Date) bool { return !day.Before(agreed) && !day.After(ev.asOf) }
	for i := range timeline {
		e := &timeline[i]
		if !isRepayment(e) {
			continue
		}
		amount := *e.Amount
		if amount < 0 {
			amount = -amount
		}
		day := caseconf.DateOf(e.Time, ev.loc)
		if amount == 0 || !counts(day) || !towardsRespondent(ev.c, e) {
			continue
		}
		out = append(out, payment{day: day, at: e.Time, amount: amount, seq: seqOf(e, i), exhibits: exhibitsOf(e)})
	}
	for _, p := range ev.c.Payments {
		if p.Amount <= 0 || p.Date.IsZero() || !counts(p.Date) {
			continue
		}
		out = append(out, payment{day: p.Date, at: p.Date.Start(ev.loc), amount: p.Amount, note: p.Note})
	}
	slices.SortStableFunc(out, func(a, b payment) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq))
	})
	return out
}

// schedule applies the payments to the installments, oldest payment to the oldest unpaid
// installment, a payment larger than what is left spilling over to the next one. Payments beyond
// the last installment are not shown: the schedule is about what was owed.
func (ev *evaluator) schedule(timeline []event.Event) []ScheduleRow {
	a := ev.c.Agreement
	if a == nil || a.Date.IsZero() {
		return nil
	}
	plan := a.Installments.Schedule()
	slices.SortStableFunc(plan, func(x, y caseconf.Installment) int {
		switch {
		case x.Due.Before(y.Due):
			return -1
		case x.Due.After(y.Due):
			return 1
		}
		return 0
	})
	rows := make([]ScheduleRow, len(plan))
	for i, in := range plan {
		rows[i] = ScheduleRow{N: i + 1, Due: in.Due, Amount: in.Amount}
	}
	next := 0
	for _, p := range ev.payments(timeline, a.Date) {
		left := p.amount
		for left > 0 && next < len(rows) {
			r := &rows[next]
			owed := r.Amount - r.Paid
			if owed <= 0 {
				next++
				continue
			}
			applied := min(owed, left)
			left -= applied
			r.Paid += applied
			if !p.day.After(r.Due) {
				r.PaidByDue += applied
			}
			r.Exhibits = append(r.Exhibits, p.exhibits...)
			if p.seq > 0 {
				r.Events = append(r.Events, p.seq)
			} else {
				r.Sources = append(r.Sources, p.day.String()+" "+applied.String()+" "+p.note)
			}
			if r.Paid >= r.Amount {
				r.PaidOn = p.day
				next++
			}
		}
	}
	for i := range rows {
		r := &rows[i]
		r.Exhibits = nilIfEmpty(sortedUnique(r.Exhibits))
		r.Events = nilIfEmpty(sortedUnique(r.Events))
		for j, s := range r.Sources {
			r.Sources[j] = strings.TrimSpace(s)
		}
		r.Status = ev.status(r)
	}
	return rows
}

func nilIfEmpty(xs []int) []int {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

func (ev *evaluator) status(r *ScheduleRow) string {
	switch {
	case r.Due.After(ev.asOf):
		return StatusNotYetDue
	case r.PaidByDue >= r.Amount:
		return StatusPaidOnTime
	case r.Paid >= r.Amount:
		return StatusPaidLate
	case r.Paid > 0:
		return StatusPartlyPaid
	}
	return StatusUnpaid
}

// missed turns a due installment that its due day did not see covered into a finding.
func (ev *evaluator) missed(r *ScheduleRow) (Finding, bool) {
	switch r.Status {
	case StatusPaidLate, StatusPartlyPaid, StatusUnpaid:
	default:
		return Finding{}, false
	}
	f := Finding{
		Rule:        RuleMissedInstallment,
		Day:         r.Due,
		Installment: r.N,
		Count:       1,
		Events:      sortedUnique(r.Events),
		Exhibits:    sortedUnique(r.Exhibits),
	}
	f.Message = ev.missedMessage(r)
	return f, true
}

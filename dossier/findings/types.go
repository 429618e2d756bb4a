package findings

import (
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/money"
)

// Rule ids, stable in JSON.
const (
	RuleNightContact       = "night-contact"
	RuleUnansweredAttempts = "unanswered-attempts"
	RuleConnectedCalls     = "connected-calls"
	RuleAfterAgreement     = "after-agreement"
	RuleThirdPartyContact  = "third-party-contact"
	RuleMissedInstallment  = "missed-installment"
	RuleProhibitedConduct  = "prohibited-conduct"
)

// Categories of findings, stable in JSON. A finding's category says what kind of statement it
// is, and every document keeps the three apart: a breach is a rule the collection side broke
// (with its source), an inconsistency is contact the agreement makes unwelcome but no rule
// forbids by itself, and performance is the complainant's own keeping of the agreement, stated
// neutrally. Letters cite breaches as breaches and nothing else.
const (
	CategoryBreach       = "breach"
	CategoryInconsistent = "inconsistent"
	CategoryPerformance  = "performance"
)

// CategoryOf returns the category of a rule's findings.
func CategoryOf(rule string) string {
	switch rule {
	case RuleAfterAgreement:
		return CategoryInconsistent
	case RuleMissedInstallment:
		return CategoryPerformance
	}
	return CategoryBreach
}

// Categories returns the categories in the order documents present them.
func Categories() []string {
	return []string{CategoryBreach, CategoryInconsistent, CategoryPerformance}
}

// Finding is one counted statement: a breach, an inconsistency with the agreement or the
// performance of one installment (see Category).
type Finding struct {
	ID   string `json:"id"`   // stable within a report: "night-contact-3"
	Rule string `json:"rule"` // one of the Rule ids
	// Category is breach, inconsistent or performance (CategoryOf the rule).
	Category string `json:"category"`
	// Time is the local time of a single-contact finding; Day the local day of a per-day one.
	Time        *time.Time    `json:"time,omitempty"`
	Day         caseconf.Date `json:"day,omitzero"`
	Counterpart string        `json:"counterpart,omitempty"`
	Name        string        `json:"name,omitempty"`
	Role        string        `json:"role,omitempty"`
	Holder      string        `json:"holder,omitempty"`
	// HolderRole is family or third-party when the evidence came from someone else's device.
	HolderRole string `json:"holder_role,omitempty"`
	// Installment is the number of the installment a missed-installment finding is about.
	Installment int `json:"installment,omitempty"`
	Count       int `json:"count"`
	// Merged is how many of a per-day finding's Count are calls a call-history screenshot
	// shows as one row with a repeat count ("(8)"): counted on the day of the row's time, the
	// only one the screenshot shows.
	Merged int `json:"merged,omitempty"`
	// AtLeast: a per-day count that leaves out calls a screenshot's rows and an export may both
	// hold, so the day may have had more.
	AtLeast   bool `json:"at_least,omitempty"`
	Threshold int  `json:"threshold,omitempty"`
	// Events are indexes into the timeline the report was computed from (event.Event.Seq).
	Events   []int  `json:"events"`
	Exhibits []int  `json:"exhibits"`
	Message  string `json:"message"` // in the case language
	Source   string `json:"source"`  // the rule's source document, in the case language
	// Conduct lists what a prohibited-conduct finding's words do (package classify's kinds:
	// family-employer, contact-list, visit, criminal, impersonation, insult, borrow), and Quote
	// holds the words, each in the clause it stands in, as the message writes them.
	Conduct []string `json:"conduct,omitempty"`
	Quote   string   `json:"quote,omitempty"`
	// BreachNote is set where the finding is not a rule breach by itself (after-agreement).
	BreachNote string `json:"note,omitempty"`
}

// Installment states in the schedule.
const (
	StatusPaidOnTime = "paid-on-time"
	StatusPaidLate   = "paid-late"
	StatusPartlyPaid = "partly-paid"
	StatusUnpaid     = "unpaid"
	StatusNotYetDue  = "not-yet-due"
)

// ScheduleRow is one agreed installment and what paid it.
type ScheduleRow struct {
	N         int           `json:"n"`
	Due       caseconf.Date `json:"due"`
	Amount    money.Amount  `json:"amount"`
	Paid      money.Amount  `json:"paid"`             // applied to this installment by as_of
	PaidByDue money.Amount  `json:"paid_by_due"`      // applied by the end of the due day
	PaidOn    caseconf.Date `json:"paid_on,omitzero"` // day the installment became fully paid
	Status    string        `json:"status"`
	Exhibits  []int         `json:"exhibits,omitempty"` // the bills the payments came from
	Events    []int         `json:"events,omitempty"`   // the payment events applied (Seq)
	// Sources names the payments from case.yaml applied here ("2025-04-12 200.00 银行转账").
	Sources []string `json:"case_payments,omitempty"`
}

// Unclassified lists counterparts that contacted the holder and have no role in case.yaml.
type Unclassified struct {
	Counterpart string `json:"counterpart"`
	Name        string `json:"name,omitempty"`
	Contacts    int    `json:"contacts"`
	Exhibits    []int  `json:"exhibits"`
}

// Report is the output of Evaluate: `dossier findings --json`.
type Report struct {
	AsOf         caseconf.Date  `json:"as_of"`
	Timezone     string         `json:"timezone"`
	Findings     []Finding      `json:"findings"`
	Schedule     []ScheduleRow  `json:"schedule"`
	Unclassified []Unclassified `json:"unclassified"`
	Totals       map[string]int `json:"totals"` // findings per rule
	// CategoryTotals counts the findings of each category; it always carries every category.
	CategoryTotals map[string]int `json:"category_totals"`
}

package xlsx

import (
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// labels holds every word the workbook shows, in one language.
type labels struct {
	sheetTimeline, sheetEvidence, sheetFindings, sheetSchedule, sheetSummary string

	timelineHeads []string
	evidenceHeads []string
	findingsHeads []string
	scheduleHeads []string
	paymentHeads  []string
	dayHeads      []string

	// Summary sheet.
	caseID, complainant, respondent, items, events, firstEvent, lastEvent, stamp, findingsTotal string
	agreement, total, payments, chartTitle, fromComplainant, heldBy, caseYAML                   string
	period, periodFmt, asOf, repayment, sheets, agreedTotal, dueBy, paidBy, owedBy              string
	planList, planMonthly, sep                                                                  string
	categoryHeads, ruleHeads                                                                    []string
	// unclassified titles the counterparts case.yaml gives no role, with unclassifiedHeads.
	unclassified      string
	unclassifiedHeads []string
}

// The columns of each sheet, as vocabulary keys: the words are package vocab's, shared with
// the packet, the command line and the web app.
var (
	timelineColumns = []string{"column.seq", "column.time", "column.channel", "column.direction", "column.status", "column.counterpart",
		"column.counterpart-name", "column.role", "column.duration", "column.amount", "column.text", "column.exhibit", "column.holder",
		"column.locator", "column.class", "column.class-reason", "column.flags"}
	evidenceColumns = []string{"column.seq", "column.title", "column.source", "column.purpose", "column.kind", "column.mime",
		"column.size-bytes", "column.sha256", "column.acquired", "column.evidence-time", "column.id", "column.original", "column.holder",
		"column.derived-from", "column.events", "column.warnings"}
	findingsColumns = []string{"column.finding-id", "column.rule", "column.time", "column.day", "column.counterpart",
		"column.counterpart-name", "column.role", "column.holder", "column.count", "column.threshold", "column.event-seqs",
		"column.exhibits", "column.message", "column.basis", "column.note", "column.category"}
	scheduleColumns = []string{"column.installment", "column.due", "column.due-amount", "column.paid", "column.paid-by-due",
		"column.paid-on", "column.status", "column.exhibits"}
	paymentColumns      = []string{"column.pay-date", "column.pay-time", "column.amount", "column.method", "column.pay-note", "column.exhibit"}
	dayColumns          = []string{"column.day", "column.collection-contacts", "column.calls", "column.unanswered-calls", "column.messages", "column.at-night"}
	categoryColumns     = []string{"column.category", "column.quantity"}
	ruleColumns         = []string{"column.rule", "column.category", "column.quantity"}
	unclassifiedColumns = []string{"column.number-or-account", "column.party-name", "column.contacts", "column.exhibits"}
)

// labelsFor returns the workbook's words in lang, from the vocabulary.
func labelsFor(lang string) *labels {
	w := func(key string) string { return vocab.Term(lang, "workbook."+key) }
	return &labels{
		sheetSummary: vocab.Term(lang, vocab.SheetSummary), sheetTimeline: vocab.Term(lang, vocab.SheetTimeline),
		sheetEvidence: vocab.Term(lang, vocab.SheetEvidence), sheetFindings: vocab.Term(lang, vocab.SheetFindings),
		sheetSchedule: vocab.Term(lang, vocab.SheetSchedule),

		timelineHeads: vocab.Terms(lang, timelineColumns...), evidenceHeads: vocab.Terms(lang, evidenceColumns...),
		findingsHeads: vocab.Terms(lang, findingsColumns...), scheduleHeads: vocab.Terms(lang, scheduleColumns...),
		paymentHeads: vocab.Terms(lang, paymentColumns...), dayHeads: vocab.Terms(lang, dayColumns...),
		categoryHeads: vocab.Terms(lang, categoryColumns...), ruleHeads: vocab.Terms(lang, ruleColumns...),
		unclassifiedHeads: vocab.Terms(lang, unclassifiedColumns...),

		complainant: vocab.Term(lang, vocab.Complainant), respondent: vocab.Term(lang, vocab.Respondent),
		agreement: vocab.Term(lang, vocab.Agreement), fromComplainant: vocab.Holder(lang, "self"),

		caseID: w("case-id"), items: w("items"), events: w("events"), firstEvent: w("first-event"), lastEvent: w("last-event"),
		stamp: w("stamp"), findingsTotal: w("findings-total"), total: w("total"), payments: w("payments"),
		chartTitle: w("chart-title"), heldBy: w("held-by"), caseYAML: w("case-yaml"),
		period: w("period"), periodFmt: w("period-format"), asOf: w("as-of"), repayment: w("repayment"), sheets: w("sheets"),
		agreedTotal: w("agreed-total"), dueBy: w("due-by"), paidBy: w("paid-by"), owedBy: w("owed-by"),
		planList: w("plan-list"), planMonthly: w("plan-monthly"), sep: w("sep"),
		unclassified: w("unclassified"),
	}
}

// ruleOrder fixes the order rules are listed in, so flags read the same on every row.
var ruleOrder = findings.Rules()

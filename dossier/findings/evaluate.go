package findings

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/classify"
	"github.com/dossier-tool/dossier/dossier/event"
)

// HolderRole values of evidence that came from someone else's device (dossier add --holder-role).
// An empty HolderRole or "self" is the complainant's own evidence.
const (
	HolderFamily     = "family"
	HolderThirdParty = "third-party"
)

// ruleOrder is the order of the Findings table; reports list findings in it.
var ruleOrder = []string{
	RuleNightContact,
	RuleUnansweredAttempts,
	RuleConnectedCalls,
	RuleAfterAgreement,
	RuleThirdPartyContact,
	RuleMissedInstallment,
	RuleProhibitedConduct,
}

// Rules returns the rule ids in the order reports list them.
func Rules() []string { return slices.Clone(ruleOrder) }

// Evaluate runs every rule over a merged, sorted timeline and checks the agreement.
//
// Findings cite events by their Seq (the position+1 in timeline when Seq is unset) and exhibits
// by Exhibit and Exhibits. now only supplies the as_of day when case.yaml has none; everything else is judged from the
// case and the events, so the same inputs always give the same report.
func Evaluate(c *caseconf.Case, timeline []event.Event, now time.Time) *Report {
	if c == nil {
		c = &caseconf.Case{}
	}
	ev := newEvaluator(c, now)
	for i := range timeline {
		ev.observe(&timeline[i], i)
	}
	return ev.report(timeline)
}

// EvaluateEach is Evaluate over a timeline handed over one event at a time by each (which calls
// its argument with every event in order, Seq set, and returns its error), so a timeline of a
// million events need not be in memory: only the findings and the repayments are kept.
func EvaluateEach(c *caseconf.Case, each func(fn func(*event.Event) error) error, now time.Time) (*Report, error) {
	if c == nil {
		c = &caseconf.Case{}
	}
	ev := newEvaluator(c, now)
	var repayments []event.Event
	i := 0
	err := each(func(e *event.Event) error {
		if e.Seq == 0 {
			e.Seq = i + 1
		}
		ev.observe(e, i)
		if isRepayment(e) {
			repayments = append(repayments, *e)
		}
		i++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ev.report(repayments), nil
}

// evaluator holds the per-case settings and the per-day tallies while the timeline streams by.
type evaluator struct {
	c    *caseconf.Case
	loc  *time.Location
	lang string
	asOf caseconf.Date

	quietStart, quietEnd int // seconds after local midnight
	maxUnanswered        int
	maxConnected         int

	cls      *classify.Classifier
	contacts map[string]caseconf.Contact // memo of case.yaml lookups by counterpart
	known    map[string]bool

	byRule       map[string]*findingList // findings of each rule, in the order found
	unanswered   map[unansweredKey]*group
	connected    map[caseconf.Date]*group
	unclassified map[string]*unclassifiedTally
}

type unansweredKey struct {
	holder, counterpart string
	day                 caseconf.Date
}

// group collects the events of one per-day finding.
type group struct {
	seqs []int
	// perNum tallies the calls of each number; a call-history screenshot's row "(8)" is one
	// event and eight calls (see tally).
	perNum   map[string]*tally
	exhibits []int
	// counterpart, name, role and holder role of the first event, for single-number groups.
	counterpart, name, role, holderRole string
}

type unclassifiedTally struct {
	name     string
	contacts int
	exhibits []int
}

func newEvaluator(c *caseconf.Case, now time.Time) *evaluator {
	loc := c.Location()
	if c.Timezone == "" {
		if l, err := time.LoadLocation(caseconf.DefaultTimezone); err == nil {
			loc = l
		}
	}
	e := &evaluator{
		c:             c,
		loc:           loc,
		lang:          language(c),
		asOf:          c.AsOf,
		quietStart:    clockSeconds(c.Rules.QuietStart, caseconf.DefaultQuietStart),
		quietEnd:      clockSeconds(c.Rules.QuietEnd, caseconf.DefaultQuietEnd),
		maxUnanswered: positiveOr(c.Rules.MaxUnansweredPerDay, caseconf.DefaultMaxUnansweredPerDay),
		maxConnected:  positiveOr(c.Rules.MaxConnectedPerDay, caseconf.DefaultMaxConnectedPerDay),
		cls:           classify.ForCase(c),
		contacts:      map[string]caseconf.Contact{},
		byRule:        map[string]*findingList{},
		known:         map[string]bool{},
		unanswered:    map[unansweredKey]*group{},
		connected:     map[caseconf.Date]*group{},
		unclassified:  map[string]*unclassifiedTally{},
	}
	if e.asOf.IsZero() {
		e.asOf = caseconf.DateOf(now, loc)
	}
	return e
}

func language(c *caseconf.Case) string {
	if c.Language == "en" {
		return "en"
	}
	return "zh"
}

func clockSeconds(s, def string) int {
	if s == "" {
		s = def
	}
	return caseconf.ClockMinutes(s) * 60
}

func positiveOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// contactKind says whether an event is an incoming contact and whether it can be a night contact.
// E-mail is a contact (it counts after the agreement and towards third parties) but not a contact
// "at night" in the guidelines' sense: it waits in the inbox and does not disturb. A recording
// counts only when its direction is known to be incoming; most recorders do not say.
func contactKind(e *event.Event) (contact, nightly bool) {
	if e.Direction != event.In || e.Time.IsZero() {
		return false, false
	}
	switch e.Channel {
	case event.Call, event.SMS, event.MMS, event.Recording:
		return true, true
	case event.Chat:
		// A chat's system line ("对方撤回了一条消息") is written by the app, not sent by anyone.
		if e.Kind == "system" {
			return false, false
		}
		return true, true
	case event.Email:
		return true, false
	}
	return false, false
}

// party resolves who a counterpart is. case.yaml is the authority (matching normalised numbers);
// the role the timeline attached is used only when case.yaml does not know the counterpart.
func (ev *evaluator) party(e *event.Event) (role, name string) {
	if e.Counterpart != "" {
		ct, ok := ev.contacts[e.Counterpart]
		if !ok && !ev.known[e.Counterpart] {
			ct, ok = ev.c.Contact(e.Counterpart)
			ev.known[e.Counterpart] = true
			if ok {
				ev.contacts[e.Counterpart] = ct
			}
		}
		if ok {
			return ct.Role, cmp.Or(ct.Name, e.CounterpartName)
		}
	}
	return e.Role, e.CounterpartName
}

// othersRole is the holder role of evidence from someone else's device, "" for the complainant's.
func othersRole(e *event.Event) string {
	if ownEvidence(e) {
		return ""
	}
	return e.HolderRole
}

func ownEvidence(e *event.Event) bool {
	return e.HolderRole == "" || e.HolderRole == caseconf.RoleSelf
}

func seqOf(e *event.Event, i int) int {
	if e.Seq > 0 {
		return e.Seq
	}
	return i + 1
}

// exhibitsOf merges Exhibit and Exhibits; callers sort and de-duplicate once per finding.
func exhibitsOf(e *event.Event) []int {
	out := make([]int, 0, len(e.Exhibits)+1)
	if e.Exhibit > 0 {
		out = append(out, e.Exhibit)
	}
	for _, x := range e.Exhibits {
		if x > 0 {
			out = append(out, x)
		}
	}
	return out
}

// addExhibits adds e's exhibits to set, a sorted list without repeats: a counterpart's or a day's
// contacts of a million-event case come from a handful of exhibits, so the set stays that small
// instead of growing by one exhibit per event.
func addExhibits(set []int, e *event.Event) []int {
	add := func(x int) {
		if x <= 0 {
			return
		}
		if n := len(set); n > 0 && set[n-1] == x {
			return
		}
		if i, found := slices.BinarySearch(set, x); !found {
			set = slices.Insert(set, i, x)
		}
	}
	add(e.Exhibit)
	for _, x := range e.Exhibits {
		add(x)
	}
	return set
}

func sortedUnique(xs []int) []int {
	out := slices.Clone(xs)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []int{}
	}
	return out
}

// inQuietHours judges the local clock time, so a window that wraps midnight (22:00–08:00) and one
// that does not (13:00–14:00) both work; the window includes its start and excludes its end. Equal
// start and end mean no quiet hours.
func (ev *evaluator) inQuietHours(t time.Time) bool {
	h, m, s := t.In(ev.loc).Clock()
	sec := h*3600 + m*60 + s
	switch {
	case ev.quietStart < ev.quietEnd:
		return sec >= ev.quietStart && sec < ev.quietEnd
	case ev.quietStart > ev.quietEnd:
		return sec >= ev.quietStart || sec < ev.quietEnd
	}
	return false
}

func (ev *evaluator) observe(e *event.Event, i int) {
	ev.conduct(e, i)
	contact, nightly := contactKind(e)
	if !contact {
		return
	}
	role, name := ev.party(e)
	// A service notice (a payment confirmation, a code, a reminder before the due date) is on
	// the timeline but is no contact in the rules' sense; only collection counts.
	class := ev.classOf(e, role)
	if role == "" {
		if e.Counterpart != "" && class != classify.Notice {
			u := ev.unclassified[e.Counterpart]
			if u == nil {
				u = &unclassifiedTally{}
				ev.unclassified[e.Counterpart] = u
			}
			u.contacts += calls(e)
			u.name = cmp.Or(u.name, e.CounterpartName)
			u.exhibits = addExhibits(u.exhibits, e)
		}
		return
	}
	if !caseconf.CollectionSide(role) || class != classify.Collection {
		return
	}
	seq := seqOf(e, i)
	day := caseconf.DateOf(e.Time, ev.loc)
	single := func(rule string) Finding {
		t := e.Time.In(ev.loc)
		return Finding{
			Rule: rule, Time: &t, Counterpart: e.Counterpart, Name: name, Role: role,
			Holder: e.Holder, HolderRole: othersRole(e), Count: 1, Events: []int{seq}, Exhibits: sortedUnique(exhibitsOf(e)),
		}
	}
	// A single-contact rule judges the one time the evidence shows: of a screenshot's row of
	// eight calls only the last one's time is known, so it is one finding that says so.
	if nightly && ev.inQuietHours(e.Time) {
		f := single(RuleNightContact)
		f.Message = ev.nightMessage(e, &f) + ev.rowNote(e)
		ev.found(f)
	}
	if a := ev.c.Agreement; a != nil && !a.Date.IsZero() && day.After(a.Date) {
		f := single(RuleAfterAgreement)
		f.Message = ev.afterAgreementMessage(e, &f) + ev.rowNote(e)
		f.BreachNote = ev.text().afterAgreementNote
		ev.found(f)
	}
	if e.HolderRole == HolderFamily || e.HolderRole == HolderThirdParty {
		f := single(RuleThirdPartyContact)
		f.Message = ev.thirdPartyMessage(e, &f) + ev.rowNote(e)
		ev.found(f)
	}
	switch {
	case e.Unanswered():
		// The complainant's own exports are one phone however they were labelled.
		holder := e.Holder
		if ownEvidence(e) {
			holder = ""
		}
		k := unansweredKey{holder: holder, counterpart: e.Counterpart, day: day}
		if e.Counterpart != "" {
			ev.unanswered[k] = add(ev.unanswered[k], e, seq, name, role)
		}
	case e.Connected() && e.Status != event.StatusVoicemail && ownEvidence(e):
		// The NIFA limit protects the debtor, so only calls that reached the complainant count.
		ev.connected[day] = add(ev.connected[day], e, seq, name, role)
	}
}

func add(g *group, e *event.Event, seq int, name, role string) *group {
	if g == nil {
		g = &group{perNum: map[string]*tally{}, counterpart: e.Counterpart, name: name, role: role, holderRole: othersRole(e)}
	}
	g.seqs = append(g.seqs, seq)
	g.exhibits = addExhibits(g.exhibits, e)
	t := g.perNum[e.Counterpart]
	if t == nil {
		t = &tally{}
		g.perNum[e.Counterpart] = t
	}
	t.add(e)
	return g
}

// tally counts one number's calls of a day when some came from a call-history screenshot. A row
// "(8)" stands for eight calls in a row whose last is at the time shown and whose others are not
// dated; an export of the same phone (the call log) may hold some of them as calls of its own,
// and a row folds into the export's record only when the export holds its last call. So only
// what is certain is counted: the export's calls after the last row (they cannot be in it) plus
// the larger of the rows' calls and the export's calls before it. Rows of one screenshot are
// different calls and add up. Events arrive in time order.
type tally struct {
	after, before, rows, merged int
}

func (t *tally) add(e *event.Event) {
	n := calls(e)
	if e.TimeSource != event.TimeFromOCR {
		if t.rows > 0 {
			t.after += n
		} else {
			t.before += n
		}
		return
	}
	t.before += t.after
	t.after = 0
	t.rows += n
	if n > 1 {
		t.merged += n
	}
}

// count is the calls certain, merged how many of them a screenshot showed as rows with a count,
// and atLeast whether calls may have been left out because the export and the rows may overlap.
func (t *tally) count() (count, merged int, atLeast bool) {
	if t.rows == 0 || t.before == 0 {
		return t.after + t.before + t.rows, t.merged, false
	}
	if t.rows >= t.before {
		return t.after + t.rows, t.merged, true
	}
	return t.after + t.before, 0, true
}

// total sums the numbers' tallies.
func (g *group) total() (count, merged int, atLeast bool) {
	for _, t := range g.perNum {
		c, m, a := t.count()
		count, merged, atLeast = count+c, merged+m, atLeast || a
	}
	return
}

// counts is each number's certain count.
func (g *group) counts() map[string]int {
	out := make(map[string]int, len(g.perNum))
	for n, t := range g.perNum {
		out[n], _, _ = t.count()
	}
	return out
}

// calls is how many contacts an event stands for: a call-history screenshot shows repeated calls
// from one number as one row with a count, "(8)", and the time of the last of them only.
func calls(e *event.Event) int {
	if e.Channel == event.Call && e.Repeat > 1 {
		return e.Repeat
	}
	return 1
}

// report finishes the findings; timeline needs to hold only the repayment events (Seq set).
func (ev *evaluator) report(timeline []event.Event) *Report {
	for k, g := range ev.unanswered {
		count, merged, atLeast := g.total()
		if count <= ev.maxUnanswered {
			continue
		}
		f := Finding{
			Rule: RuleUnansweredAttempts, Day: k.day, Counterpart: k.counterpart, Name: g.name, Role: g.role,
			Holder: k.holder, HolderRole: g.holderRole, Count: count, Merged: merged, AtLeast: atLeast, Threshold: ev.maxUnanswered,
			Events: sortedUnique(g.seqs), Exhibits: sortedUnique(g.exhibits),
		}
		f.Message = ev.unansweredMessage(&f)
		ev.found(f)
	}
	for day, g := range ev.connected {
		count, merged, atLeast := g.total()
		if count <= ev.maxConnected {
			continue
		}
		f := Finding{
			Rule: RuleConnectedCalls, Day: day, Count: count, Merged: merged, AtLeast: atLeast, Threshold: ev.maxConnected,
			Events: sortedUnique(g.seqs), Exhibits: sortedUnique(g.exhibits),
		}
		if len(g.perNum) == 1 {
			f.Counterpart, f.Name, f.Role = g.counterpart, g.name, g.role
		}
		f.Message = ev.connectedMessage(&f, g.counts())
		ev.found(f)
	}

	rows := ev.schedule(timeline)
	for i := range rows {
		if f, ok := ev.missed(&rows[i]); ok {
			ev.found(f)
		}
	}

	r := &Report{
		AsOf:           ev.asOf,
		Timezone:       ev.loc.String(),
		Schedule:       rows,
		Unclassified:   ev.unclassifiedList(),
		Totals:         map[string]int{},
		CategoryTotals: map[string]int{},
	}
	if r.Schedule == nil {
		r.Schedule = []ScheduleRow{}
	}
	for _, cat := range Categories() {
		r.CategoryTotals[cat] = 0
	}
	for _, rule := range ruleOrder {
		r.Totals[rule] = ev.byRule[rule].len()
		r.CategoryTotals[CategoryOf(rule)] += ev.byRule[rule].len()
	}
	r.Findings = ev.ordered()
	return r
}

// ordered lists the findings by the rule table, then time (a per-day finding at the start of its
// day), then the first event cited, so the JSON is the same on every run despite map iteration.
// Single-contact findings arrive in timeline order already; sorting is then only a check. It
// empties byRule as it goes, a chunk at a time, so the findings are not held twice.
func (ev *evaluator) ordered() []Finding {
	at := func(f *Finding) time.Time {
		if f.Time != nil {
			return *f.Time
		}
		return f.Day.Start(ev.loc)
	}
	byTime := func(a, b Finding) int {
		return cmp.Or(
			at(&a).Compare(at(&b)),
			cmp.Compare(firstOf(a.Events), firstOf(b.Events)),
			strings.Compare(a.Holder, b.Holder),
			strings.Compare(a.Counterpart, b.Counterpart),
		)
	}
	n := 0
	for _, fs := range ev.byRule {
		n += fs.len()
	}
	out := make([]Finding, 0, n)
	for _, rule := range ruleOrder {
		start := len(out)
		out = ev.byRule[rule].moveTo(out)
		delete(ev.byRule, rule)
		fs := out[start:]
		if !slices.IsSortedFunc(fs, byTime) {
			slices.SortStableFunc(fs, byTime)
		}
		source := ev.source(rule)
		for i := range fs {
			fs[i].ID = rule + "-" + strconv.Itoa(i+1)
			fs[i].Category = CategoryOf(rule)
			if fs[i].Source == "" { // prohibited-conduct findings name the sources of their own kinds
				fs[i].Source = source
			}
		}
	}
	return out
}

// found records a finding of its rule.
func (ev *evaluator) found(f Finding) {
	l := ev.byRule[f.Rule]
	if l == nil {
		l = &findingList{}
		ev.byRule[f.Rule] = l
	}
	l.add(f)
}

// findingList holds one rule's findings in fixed chunks: a case of a million events has about
// 100,000 findings (30 MB), which a growing slice would hold with up to a quarter more room
// than it needs, and twice while it grows or is copied into the report.
type findingList struct {
	chunks [][]Finding
	n      int
}

const findingChunk = 1024

func (l *findingList) add(f Finding) {
	if k := len(l.chunks); k == 0 || len(l.chunks[k-1]) == findingChunk {
		l.chunks = append(l.chunks, nil)
	}
	k := len(l.chunks) - 1
	c := l.chunks[k]
	if len(c) == cap(c) { // a small case's few findings take a small chunk
		grown := make([]Finding, len(c), min(2*cap(c)+4, findingChunk))
		copy(grown, c)
		c = grown
	}
	l.chunks[k] = append(c, f)
	l.n++
}

func (l *findingList) len() int {
	if l == nil {
		return 0
	}
	return l.n
}

// moveTo appends the findings to out in the order found, letting go of each chunk once copied.
func (l *findingList) moveTo(out []Finding) []Finding {
	if l == nil {
		return out
	}
	for i, c := range l.chunks {
		out = append(out, c...)
		l.chunks[i] = nil
	}
	l.chunks, l.n = nil, 0
	return out
}

func firstOf(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	return xs[0]
}

func (ev *evaluator) unclassifiedList() []Unclassified {
	out := make([]Unclassified, 0, len(ev.unclassified))
	for cp, u := range ev.unclassified {
		out = append(out, Unclassified{Counterpart: cp, Name: u.name, Contacts: u.contacts, Exhibits: sortedUnique(u.exhibits)})
	}
	slices.SortFunc(out, func(a, b Unclassified) int {
		return cmp.Or(cmp.Compare(b.Contacts, a.Contacts), strings.Compare(a.Counterpart, b.Counterpart))
	})
	return out
}

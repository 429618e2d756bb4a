package serve

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/timeline"
)

// oneClickRoles are the roles the numbers page offers, in the order a user thinks of them.
var oneClickRoles = []string{caseconf.RoleCollector, caseconf.RoleCreditor, caseconf.RoleFamily, caseconf.RoleOther}

type number struct {
	Counterpart, Name string
	Count             int
	First, Last       string
	Channels          []string
}

// unroled gathers the counterparts of the timeline no contact in case.yaml names, one event at a
// time as the timeline streams by: a million calls from a few numbers keep a few rows.
type unroled struct {
	loc   *time.Location
	by    map[string]*number
	chans map[string]map[string]bool
}

func newUnroled(loc *time.Location) *unroled {
	return &unroled{loc: loc, by: map[string]*number{}, chans: map[string]map[string]bool{}}
}

func (u *unroled) add(e *event.Event) {
	if e.Counterpart == "" || e.Role != "" || e.Channel == event.Payment {
		return
	}
	n := u.by[e.Counterpart]
	if n == nil {
		n = &number{Counterpart: e.Counterpart, First: e.Time.In(u.loc).Format("2006-01-02")}
		u.by[e.Counterpart] = n
		u.chans[e.Counterpart] = map[string]bool{}
	}
	n.Count++
	n.Last = e.Time.In(u.loc).Format("2006-01-02")
	if n.Name == "" {
		n.Name = e.CounterpartName
	}
	if !u.chans[e.Counterpart][string(e.Channel)] {
		u.chans[e.Counterpart][string(e.Channel)] = true
		n.Channels = append(n.Channels, string(e.Channel))
	}
}

// numbers are the counterparts gathered, the most frequent first.
func (u *unroled) numbers() []number {
	out := make([]number, 0, len(u.by))
	for _, n := range u.by {
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Counterpart < out[j].Counterpart
	})
	return out
}

func (s *Server) numbersPage(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	conf, m, err := cc.c.Merged()
	if err != nil {
		s.render(w, r, "error", page{Case: cc.name, Error: err.Error()})
		return
	}
	u := newUnroled(conf.Location())
	if err := m.Each(func(e *event.Event) error { u.add(e); return nil }); err != nil {
		s.render(w, r, "error", page{Case: cc.name, Error: err.Error()})
		return
	}
	s.render(w, r, "numbers", page{Case: cc.name, Nav: "numbers", Data: struct {
		Numbers []number
		Roles   []string
	}{u.numbers(), oneClickRoles}})
}

// setRole adds a contact with the chosen role to case.yaml (keeping its comments), checked by
// caseconf and written under the case lock.
func (s *Server) setRole(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	num := strings.TrimSpace(r.PostFormValue("number"))
	role := r.PostFormValue("role")
	name := strings.TrimSpace(r.PostFormValue("name"))
	if num == "" || !contains(oneClickRoles, role) {
		http.Error(w, "give a number and one of the roles "+strings.Join(oneClickRoles, ", "), http.StatusBadRequest)
		return
	}
	if name == "" {
		name = num
	}
	err := cc.c.Write(r.Context(), s.lock("dossier serve: role"), nil, func() error {
		src, err := os.ReadFile(cc.c.Folder.CaseYAML())
		if err != nil {
			return err
		}
		out, err := addContact(src, num, name, role)
		if err != nil {
			return err
		}
		if _, err := caseconf.Parse(bytes.NewReader(out)); err != nil {
			return err
		}
		return atomicfile.WriteBytes(cc.c.Folder.CaseYAML(), out, 0o644)
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.Header.Get("X-CSRF-Token") != "" {
		writeJSON(w, map[string]string{"number": num, "role": role})
		return
	}
	http.Redirect(w, r, "/c/"+pathEscape(cc.name)+"/numbers", http.StatusSeeOther)
}

func addContact(src []byte, num, name, role string) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("case.yaml: %w", err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("case.yaml: not a mapping")
	}
	doc := root.Content[0]
	key := "wechat"
	if isPhone(num) {
		key = "number"
	} else if strings.Contains(num, "@") {
		key = "email"
	}
	entry := flowMap(key, num, "name", name, "role", role)
	if i := find(doc, "contacts"); i >= 0 && doc.Content[i+1].Kind == yaml.SequenceNode {
		list := doc.Content[i+1]
		list.Style = 0
		list.Content = append(list.Content, entry)
	} else {
		setNode(doc, "contacts", seq([]*yaml.Node{entry}))
	}
	return encodeYAML(&root)
}

func contains(xs []string, x string) bool { return slices.Contains(xs, x) }

type timelineView struct {
	Events                        []eventRow
	Shown, Total                  int
	Channel, Counterpart, Role    string
	Flagged                       bool
	Channels, Roles, Counterparts []string
	Categories                    []categoryView
	Chart                         template.HTML
	// Page is the page of rows shown (from 1) of Pages; Prev and Next are their addresses, with
	// the filters kept, or empty on the first and the last page.
	Page, Pages int
	Prev, Next  string
}

type eventRow struct {
	Time, Channel, Direction, Counterpart, Name, Role, Text string
	Exhibit                                                 int
	Flagged                                                 bool
}

type categoryView struct {
	Category string
	Findings []findings.Finding
	// Total is how many findings the category has; only the first maxFindings are listed.
	Total int
}

// maxRows bounds the rows one timeline page shows; the filters narrow them down and the pages
// go through the rest. maxFindings bounds the findings listed per category: a case of a million
// calls has tens of thousands, which the workbook lists in full.
const (
	maxRows     = 2000
	maxFindings = 500
)

// summary is what the first reading of a case's timeline gives its pages: the findings listed
// per category, the events they flag, the chart's counts and the filters' choices. It is kept
// for the case until the case changes (its custody head or case.yaml) or the day does, so
// going from page to page reads the timeline only for the rows.
type summary struct {
	key                           string
	total                         int
	flagged                       map[int]bool
	categories                    []categoryView
	channels, roles, counterparts []string
	perDay                        map[string]int
}

// summaryKey names the state of a case a summary is of: every write to the case moves the
// custody head or rewrites case.yaml, and installments are judged on the day.
func (s *Server) summaryKey(cc *caseCtx) (string, error) {
	seq, head, err := cc.c.Folder.Head()
	if err != nil {
		return "", err
	}
	yaml, err := os.ReadFile(cc.c.Folder.CaseYAML())
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(yaml)
	return fmt.Sprintf("%d %s %x %s", seq, head, sum, s.opt.Now().In(cc.conf.Location()).Format("2006-01-02")), nil
}

// timelineSummary is the case's summary, from the cache or from one reading of m.
func (s *Server) timelineSummary(cc *caseCtx, conf *caseconf.Case, m *timeline.Merged, key string) (*summary, error) {
	s.mu.Lock()
	sum := s.summaries[cc.c.Folder.Dir]
	s.mu.Unlock()
	if sum != nil && sum.key == key {
		return sum, nil
	}
	loc := conf.Location()
	sum = &summary{key: key, flagged: map[int]bool{}, perDay: map[string]int{}}
	chans, roles, cps := map[string]bool{}, map[string]bool{}, map[string]bool{}
	observe := func(fn func(*event.Event) error) error {
		return m.Each(func(e *event.Event) error {
			sum.total++
			chans[string(e.Channel)] = true
			if e.Role != "" {
				roles[e.Role] = true
			}
			if e.Counterpart != "" {
				cps[e.Counterpart] = true
			}
			if e.Direction == event.In && caseconf.CollectionSide(e.Role) && !e.Time.IsZero() {
				sum.perDay[e.Time.In(loc).Format("2006-01-02")]++
			}
			return fn(e)
		})
	}
	rep, err := findings.EvaluateEach(conf, observe, s.opt.Now())
	if err != nil {
		return nil, err
	}
	cats := map[string]*categoryView{}
	for _, f := range rep.Findings {
		for _, e := range f.Events {
			sum.flagged[e] = true
		}
		c := findings.CategoryOf(f.Rule)
		if cats[c] == nil {
			cats[c] = &categoryView{Category: c}
		}
		if cats[c].Total++; len(cats[c].Findings) < maxFindings {
			cats[c].Findings = append(cats[c].Findings, f)
		}
	}
	for _, c := range []string{findings.CategoryBreach, findings.CategoryInconsistent, findings.CategoryPerformance} {
		if cats[c] != nil {
			sum.categories = append(sum.categories, *cats[c])
		}
	}
	sum.channels, sum.roles, sum.counterparts = keys(chans), keys(roles), keys(cps)
	s.mu.Lock()
	if s.summaries == nil {
		s.summaries = map[string]*summary{}
	}
	s.summaries[cc.c.Folder.Dir] = sum
	s.mu.Unlock()
	return sum, nil
}

// timelinePage reads the timeline as a stream: once for its summary (unless the case is as it
// was for the page before), once for the rows of the page asked for. Nothing of it is held but
// those rows and the summary, so a page of a case of a million events costs the memory of a page.
func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	fail := func(err error) { s.render(w, r, "error", page{Case: cc.name, Error: err.Error()}) }
	// The key is taken before the case is read: a summary is never kept under the name of a
	// state older than the one it was made from.
	key, err := s.summaryKey(cc)
	if err != nil {
		fail(err)
		return
	}
	conf, m, err := cc.c.Merged()
	if err != nil {
		fail(err)
		return
	}
	sum, err := s.timelineSummary(cc, conf, m, key)
	if err != nil {
		fail(err)
		return
	}
	loc := conf.Location()
	q := r.URL.Query()
	v := timelineView{Channel: q.Get("channel"), Counterpart: q.Get("counterpart"), Role: q.Get("role"), Flagged: q.Get("flagged") != "",
		Total: sum.total, Categories: sum.categories, Channels: sum.channels, Roles: sum.roles, Counterparts: sum.counterparts}
	v.Page, _ = strconv.Atoi(q.Get("page"))
	v.Page = max(v.Page, 1)
	flagged := sum.flagged
	first := (v.Page - 1) * maxRows
	// Unfiltered, every event is shown and the first pass counted them: the second stops at the
	// end of the page. A filter needs the whole pass to count what it lets through.
	unfiltered := v.Channel == "" && v.Counterpart == "" && v.Role == "" && !v.Flagged
	seen := 0
	err = m.Each(func(e *event.Event) error {
		if (v.Channel != "" && string(e.Channel) != v.Channel) || (v.Counterpart != "" && e.Counterpart != v.Counterpart) ||
			(v.Role != "" && e.Role != v.Role && !(v.Role == "none" && e.Role == "")) || (v.Flagged && !flagged[e.Seq]) {
			return nil
		}
		seen++
		if seen <= first || len(v.Events) >= maxRows {
			if unfiltered && len(v.Events) >= maxRows {
				return errPageDone
			}
			return nil
		}
		v.Events = append(v.Events, rowOf(e, loc, flagged[e.Seq]))
		return nil
	})
	if err != nil && !errors.Is(err, errPageDone) {
		fail(err)
		return
	}
	v.Shown = seen
	if unfiltered {
		v.Shown = v.Total
	}
	v.Pages = max(1, (v.Shown+maxRows-1)/maxRows)
	at := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return "?" + q.Encode()
	}
	if v.Page > 1 {
		v.Prev = at(min(v.Page-1, v.Pages))
	}
	if v.Page < v.Pages {
		v.Next = at(v.Page + 1)
	}
	v.Chart = perDayChart(sum.perDay, cc.lang)
	s.render(w, r, "timeline", page{Case: cc.name, Nav: "timeline", Data: v})
}

// errPageDone ends the reading of the timeline once the page's rows are in.
var errPageDone = errors.New("page done")

// rowOf is the row the timeline page shows for an event.
func rowOf(e *event.Event, loc *time.Location, flagged bool) eventRow {
	text := e.Text
	if text == "" {
		text = e.Subject
	}
	if e.Duration != nil {
		text = strings.TrimSpace(fmt.Sprintf("%s %ds", text, *e.Duration))
	}
	if e.Status != "" {
		text = strings.TrimSpace(e.Status + " " + text)
	}
	return eventRow{Time: e.Time.In(loc).Format("2006-01-02 15:04:05"), Channel: string(e.Channel),
		Direction: string(e.Direction), Counterpart: e.Counterpart, Name: e.CounterpartName, Role: e.Role, Text: text,
		Exhibit: e.Exhibit, Flagged: flagged}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// perDayChart draws the collection side's incoming contacts per day as inline SVG bars.
func perDayChart(perDay map[string]int, lang string) template.HTML {
	if len(perDay) == 0 {
		return ""
	}
	days := keys(map[string]bool{})
	for d := range perDay {
		days = append(days, d)
	}
	sort.Strings(days)
	first, _ := time.Parse("2006-01-02", days[0])
	last, _ := time.Parse("2006-01-02", days[len(days)-1])
	n := int(last.Sub(first).Hours()/24) + 1
	if n > 400 {
		n, first = 400, last.AddDate(0, 0, -399)
	}
	peak := 1
	for _, c := range perDay {
		peak = max(peak, c)
	}
	const h, top, bottom = 160, 14, 20
	bw := max(2, min(24, 800/n))
	width := n*bw + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d">`,
		template.HTMLEscapeString(t(lang, "web.chart")), width, h+top+bottom, width, h+top+bottom)
	fmt.Fprintf(&b, `<text x="0" y="10" class="axis">%d</text>`, peak)
	for i := 0; i < n; i++ {
		d := first.AddDate(0, 0, i).Format("2006-01-02")
		c := perDay[d]
		if c == 0 {
			continue
		}
		bh := c * h / peak
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d"><title>%s: %d</title></rect>`, 30+i*bw, top+h-bh, max(1, bw-1), bh, d, c)
	}
	fmt.Fprintf(&b, `<text x="30" y="%d" class="axis">%s</text>`, h+top+bottom-4, days[0])
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis" text-anchor="end">%s</text>`, width, h+top+bottom-4, days[len(days)-1])
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built above from numbers and escaped text only
}

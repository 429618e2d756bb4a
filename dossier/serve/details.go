package serve

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/atomicfile"
	"github.com/dossier-tool/dossier/dossier/caseconf"
)

// detailsForm is the case details page: case.yaml as fields, the lists as one line per entry.
type detailsForm struct {
	Title, Language, Timezone                         string
	CName, CID, CPhone, CAddress                      string
	RName, RProduct, RPhone, RAddress                 string
	Contacts                                          string // "number or wechat id, name, role" a line
	ADate, ARef, ACount, AAmount, AFirst, AList       string
	Payments, Demands, Narrative, AsOf                string
	QuietStart, QuietEnd, MaxUnanswered, MaxConnected string
}

func formFromCase(c *caseconf.Case) detailsForm {
	f := detailsForm{Title: c.Title, Language: c.Language, Timezone: c.Timezone,
		CName: c.Complainant.Name, CID: c.Complainant.IDNumber, CPhone: c.Complainant.Phone, CAddress: c.Complainant.Address,
		RName: c.Respondent.Name, RProduct: c.Respondent.Product, RPhone: c.Respondent.Phone, RAddress: c.Respondent.Address,
		Narrative: strings.TrimRight(c.Narrative, "\n "), QuietStart: c.Rules.QuietStart, QuietEnd: c.Rules.QuietEnd,
		MaxUnanswered: strconv.Itoa(c.Rules.MaxUnansweredPerDay), MaxConnected: strconv.Itoa(c.Rules.MaxConnectedPerDay),
		Demands: strings.Join(c.Demands, "\n")}
	if !c.AsOf.IsZero() {
		f.AsOf = c.AsOf.String()
	}
	var lines []string
	for _, k := range c.Contacts {
		id := k.Number
		if id == "" {
			id = k.Wechat
		}
		if id == "" {
			id = k.Email
		}
		lines = append(lines, strings.Join([]string{id, k.Name, k.Role}, ", "))
	}
	f.Contacts = strings.Join(lines, "\n")
	if a := c.Agreement; a != nil {
		f.ADate, f.ARef = a.Date.String(), a.Reference
		if len(a.Installments.List) > 0 {
			lines = nil
			for _, in := range a.Installments.List {
				lines = append(lines, in.Due.String()+", "+in.Amount.String())
			}
			f.AList = strings.Join(lines, "\n")
		} else if a.Installments.Count > 0 {
			f.ACount, f.AAmount, f.AFirst = strconv.Itoa(a.Installments.Count), a.Installments.Amount.String(), a.Installments.FirstDue.String()
		}
	}
	lines = nil
	for _, p := range c.Payments {
		lines = append(lines, strings.TrimSuffix(strings.Join([]string{p.Date.String(), p.Amount.String(), p.Note}, ", "), ", "))
	}
	f.Payments = strings.Join(lines, "\n")
	return f
}

func formFromRequest(r *http.Request) detailsForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return detailsForm{Title: v("title"), Language: v("language"), Timezone: v("timezone"),
		CName: v("c_name"), CID: v("c_id"), CPhone: v("c_phone"), CAddress: v("c_address"),
		RName: v("r_name"), RProduct: v("r_product"), RPhone: v("r_phone"), RAddress: v("r_address"),
		Contacts: v("contacts"), ADate: v("a_date"), ARef: v("a_ref"), ACount: v("a_count"), AAmount: v("a_amount"),
		AFirst: v("a_first"), AList: v("a_list"), Payments: v("payments"), Demands: v("demands"), Narrative: v("narrative"),
		AsOf: v("as_of"), QuietStart: v("quiet_start"), QuietEnd: v("quiet_end"), MaxUnanswered: v("max_unanswered"),
		MaxConnected: v("max_connected")}
}

func (s *Server) detailsPage(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	p := page{Case: cc.name, Nav: "details"}
	if cc.conf == nil {
		_, err := cc.c.Folder.Case()
		p.Error = err.Error()
		s.render(w, r, "details", p)
		return
	}
	p.Data = formFromCase(cc.conf)
	if r.URL.Query().Get("saved") != "" {
		p.Notice = t(cc.lang, "web.saved")
	}
	s.render(w, r, "details", p)
}

func (s *Server) saveDetails(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	f := formFromRequest(r)
	old, err := os.ReadFile(cc.c.Folder.CaseYAML())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out, err := applyDetails(old, f)
	if err == nil {
		_, err = caseconf.Parse(bytes.NewReader(out))
	}
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		s.render(w, r, "details", page{Case: cc.name, Nav: "details", Data: f, Error: err.Error()})
		return
	}
	err = cc.c.Write(r.Context(), s.lock("dossier serve: case details"), nil, func() error {
		return atomicfile.WriteBytes(cc.c.Folder.CaseYAML(), out, 0o644)
	})
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		s.render(w, r, "details", page{Case: cc.name, Nav: "details", Data: f, Error: err.Error()})
		return
	}
	http.Redirect(w, r, "/c/"+pathEscape(cc.name)+"/details?saved=1", http.StatusSeeOther)
}

// lock is how the web app takes a case's writer lock: the same lock as the command line, with
// a short wait, since a person is looking at the page.
func (s *Server) lock(what string) dossier.LockOptions {
	return dossier.LockOptions{Wait: lockWait, Command: what}
}

// applyDetails writes the form into case.yaml's tree, so the user's comments and the order of
// the keys stay where they were; only the values the form holds are replaced.
func applyDetails(src []byte, f detailsForm) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("case.yaml: %w", err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		root = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	doc := root.Content[0]
	set(doc, "title", f.Title)
	set(doc, "language", f.Language)
	set(doc, "timezone", f.Timezone)
	party := func(key string, kv ...string) {
		m := mapping(doc, key)
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" || has(m, kv[i]) {
				set(m, kv[i], kv[i+1])
			}
		}
	}
	party("complainant", "name", f.CName, "id_number", f.CID, "phone", f.CPhone, "address", f.CAddress)
	party("respondent", "name", f.RName, "product", f.RProduct, "phone", f.RPhone, "address", f.RAddress)

	var contacts []*yaml.Node
	for n, line := range lines(f.Contacts) {
		parts := fields(line, 3)
		if parts[0] == "" {
			return nil, fmt.Errorf("contacts line %d: start with the number or chat id", n+1)
		}
		key := "wechat"
		switch {
		case isPhone(parts[0]):
			key = "number"
		case strings.Contains(parts[0], "@"):
			key = "email"
		}
		contacts = append(contacts, flowMap(key, parts[0], "name", parts[1], "role", parts[2]))
	}
	setNode(doc, "contacts", seq(contacts))

	if f.ADate == "" && f.ACount == "" && f.AList == "" {
		remove(doc, "agreement")
	} else {
		a := mapping(doc, "agreement")
		set(a, "date", f.ADate)
		if f.ARef != "" || has(a, "reference") {
			set(a, "reference", f.ARef)
		}
		if f.AList != "" {
			var list []*yaml.Node
			for _, line := range lines(f.AList) {
				p := fields(line, 2)
				list = append(list, flowMap("due", p[0], "amount", p[1]))
			}
			setNode(a, "installments", seq(list))
		} else {
			n, err := strconv.Atoi(f.ACount)
			if err != nil && f.ACount != "" {
				return nil, fmt.Errorf("agreement: installments count %q is not a number", f.ACount)
			}
			m := flowMap("amount", f.AAmount, "first_due", f.AFirst)
			m.Content = append([]*yaml.Node{str("count"), intNode(n)}, m.Content...)
			setNode(a, "installments", m)
		}
	}
	var pays []*yaml.Node
	for _, line := range lines(f.Payments) {
		p := fields(line, 3)
		m := flowMap("date", p[0], "amount", p[1])
		if p[2] != "" {
			m.Content = append(m.Content, str("note"), str(p[2]))
		}
		pays = append(pays, m)
	}
	setNode(doc, "payments", seq(pays))
	var demands []*yaml.Node
	for _, line := range lines(f.Demands) {
		demands = append(demands, str(line))
	}
	setNode(doc, "demands", seq(demands))
	narrative := str(strings.ReplaceAll(f.Narrative, "\r\n", "\n") + "\n")
	narrative.Style = yaml.LiteralStyle
	setNode(doc, "narrative", narrative)
	if f.AsOf != "" {
		set(doc, "as_of", f.AsOf)
	} else {
		remove(doc, "as_of")
	}
	rules := mapping(doc, "rules")
	set(rules, "quiet_start", f.QuietStart)
	set(rules, "quiet_end", f.QuietEnd)
	for _, kv := range [][2]string{{"max_unanswered_per_day", f.MaxUnanswered}, {"max_connected_per_day", f.MaxConnected}} {
		n, err := strconv.Atoi(kv[1])
		if err != nil {
			return nil, fmt.Errorf("rules.%s %q: write a whole number", kv[0], kv[1])
		}
		setNode(rules, kv[0], intNode(n))
	}
	return encodeYAML(&root)
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// fields splits a list line at commas (ASCII or full-width) into exactly n trimmed parts; the
// last one keeps any further commas.
func fields(line string, n int) []string {
	line = strings.ReplaceAll(line, "，", ",")
	parts := strings.SplitN(line, ",", n)
	for len(parts) < n {
		parts = append(parts, "")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func isPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == '-' || r == ' ':
		default:
			return false
		}
	}
	return digits >= 3
}

func str(v string) *yaml.Node {
	var n yaml.Node
	_ = n.Encode(v)
	return &n
}

func intNode(v int) *yaml.Node {
	var n yaml.Node
	_ = n.Encode(v)
	return &n
}

func flowMap(kv ...string) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, str(kv[i]), str(kv[i+1]))
	}
	return m
}

func seq(items []*yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
	if len(items) == 0 {
		n.Style = yaml.FlowStyle
	}
	return n
}

func find(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

func has(m *yaml.Node, key string) bool { return find(m, key) >= 0 }

func set(m *yaml.Node, key, v string) { setNode(m, key, str(v)) }

// setNode replaces a key's value, keeping the comment written after the old value.
func setNode(m *yaml.Node, key string, v *yaml.Node) {
	if i := find(m, key); i >= 0 {
		old := m.Content[i+1]
		v.LineComment, v.FootComment = old.LineComment, old.FootComment
		if v.HeadComment == "" {
			v.HeadComment = old.HeadComment
		}
		m.Content[i+1] = v
		return
	}
	m.Content = append(m.Content, str(key), v)
}

func remove(m *yaml.Node, key string) {
	if i := find(m, key); i >= 0 {
		// A comment written above the key belongs to what follows it as well: keep it.
		if i+2 < len(m.Content) && m.Content[i].HeadComment != "" {
			next := m.Content[i+2]
			next.HeadComment = strings.TrimSpace(m.Content[i].HeadComment + "\n" + next.HeadComment)
		}
		m.Content = append(m.Content[:i], m.Content[i+2:]...)
	}
}

// mapping returns the mapping under key, making it when it is missing or not a mapping.
func mapping(m *yaml.Node, key string) *yaml.Node {
	if i := find(m, key); i >= 0 && m.Content[i+1].Kind == yaml.MappingNode {
		return m.Content[i+1]
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	setNode(m, key, n)
	return n
}

// encodeYAML writes the tree back with case.yaml's two-space indentation.
func encodeYAML(root *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

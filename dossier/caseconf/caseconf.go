// Package caseconf reads and writes case.yaml, the one file of a case the user edits.
//
// case.yaml says who the parties are, who each phone number or chat id belongs to (the role decides
// what the findings count), the repayment agreement if any, payments made outside the ingested
// bills, the demands, the narrative and the thresholds of the rules. Every local time of the case
// is shown and judged in its timezone. Amounts are decimal strings read exactly (package money).
package caseconf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/phone"
)

// Roles of contacts. Creditor and collector are the collection side.
const (
	RoleCreditor  = "creditor"
	RoleCollector = "collector"
	RoleSelf      = "self"
	RoleFamily    = "family"
	RoleOther     = "other"
)

// CollectionSide reports whether a role is the creditor or someone collecting for it.
func CollectionSide(role string) bool { return role == RoleCreditor || role == RoleCollector }

// Defaults of the rules, from the guidelines cited in the findings.
const (
	DefaultQuietStart          = "22:00"
	DefaultQuietEnd            = "08:00"
	DefaultMaxUnansweredPerDay = 6
	DefaultMaxConnectedPerDay  = 3
	DefaultTimezone            = "Asia/Shanghai"
	DefaultLanguage            = "zh"
)

// Case is case.yaml.
type Case struct {
	Title       string     `yaml:"title" json:"title"`
	Language    string     `yaml:"language" json:"language"`
	Timezone    string     `yaml:"timezone" json:"timezone"`
	Complainant Party      `yaml:"complainant" json:"complainant"`
	Respondent  Party      `yaml:"respondent" json:"respondent"`
	Contacts    []Contact  `yaml:"contacts" json:"contacts"`
	Agreement   *Agreement `yaml:"agreement,omitempty" json:"agreement,omitempty"`
	Payments    []Payment  `yaml:"payments" json:"payments"`
	Demands     []string   `yaml:"demands" json:"demands"`
	Narrative   string     `yaml:"narrative" json:"narrative"`
	AsOf        Date       `yaml:"as_of,omitempty" json:"as_of,omitempty"`
	Rules       Rules      `yaml:"rules" json:"rules"`
	// OCRFixes correct what OCR misread on a screenshot, by exhibit and line (the line numbers
	// `dossier ocr --json` and the events' locators give).
	OCRFixes []OCRFix `yaml:"ocr_corrections,omitempty" json:"ocr_corrections,omitempty"`
	// Classes sets the class of single message events by hand; Phrases extends the classifier's
	// and the prohibited-conduct rule's phrase lists (see classes.go).
	Classes []ClassOverride `yaml:"classes,omitempty" json:"classes,omitempty"`
	Phrases Phrases         `yaml:"phrases,omitempty" json:"phrases,omitzero"`
	// TSA lists RFC 3161 time-stamping authorities (URLs) for `dossier timestamp` and for the
	// packet signature's time stamp (PAdES B-T); one URL or a list.
	TSA URLs `yaml:"tsa,omitempty" json:"tsa,omitempty"`

	// Notes say how values written in another form than the documented one were read
	// ("case.yaml line 12: agreement.installments.amount \"1,000.00\" read as 1000.00"), for the
	// command line to show.
	Notes []string `yaml:"-" json:"-"`

	loc *time.Location
}

// OCRFix replaces the text OCR read on one line of a screenshot.
type OCRFix struct {
	Exhibit int    `yaml:"exhibit" json:"exhibit"`
	Line    int    `yaml:"line" json:"line"`
	Text    string `yaml:"text" json:"text"`
}

// Party is the complainant or the respondent.
type Party struct {
	Name     string `yaml:"name" json:"name"`
	IDNumber string `yaml:"id_number,omitempty" json:"id_number,omitempty"`
	Phone    string `yaml:"phone,omitempty" json:"phone,omitempty"`
	Address  string `yaml:"address,omitempty" json:"address,omitempty"`
	Product  string `yaml:"product,omitempty" json:"product,omitempty"`
	Email    string `yaml:"email,omitempty" json:"email,omitempty"`
}

// Contact says who a number, chat id or address belongs to.
type Contact struct {
	Number string `yaml:"number,omitempty" json:"number,omitempty"`
	Wechat string `yaml:"wechat,omitempty" json:"wechat,omitempty"`
	Email  string `yaml:"email,omitempty" json:"email,omitempty"`
	Name   string `yaml:"name" json:"name"`
	Role   string `yaml:"role" json:"role"`
}

// Agreement is a repayment agreement reached in negotiation.
type Agreement struct {
	Date         Date         `yaml:"date" json:"date"`
	Reference    string       `yaml:"reference,omitempty" json:"reference,omitempty"`
	Installments Installments `yaml:"installments" json:"installments"`
}

// Installments is either a monthly plan (Count, Amount, FirstDue) or an explicit List.
type Installments struct {
	Count    int           `yaml:"count,omitempty" json:"count,omitempty"`
	Amount   money.Amount  `yaml:"amount,omitempty" json:"amount,omitempty"`
	FirstDue Date          `yaml:"first_due,omitempty" json:"first_due,omitempty"`
	List     []Installment `yaml:"-" json:"list,omitempty"`
}

// Installment is one agreed payment.
type Installment struct {
	Due    Date         `yaml:"due" json:"due"`
	Amount money.Amount `yaml:"amount" json:"amount"`
}

// UnmarshalYAML accepts the monthly mapping or a list of {due, amount}.
func (in *Installments) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode {
		return n.Decode(&in.List)
	}
	type plain Installments
	return n.Decode((*plain)(in))
}

// MarshalYAML writes back whichever form was read.
func (in Installments) MarshalYAML() (any, error) {
	if len(in.List) > 0 {
		return in.List, nil
	}
	type plain Installments
	return plain(in), nil
}

// Schedule expands the installments into a list ordered by due date. A monthly plan falls due on
// the same day of each following month, or the month's last day when it is shorter.
func (in Installments) Schedule() []Installment {
	if len(in.List) > 0 {
		return append([]Installment(nil), in.List...)
	}
	var out []Installment
	if in.FirstDue.IsZero() {
		return nil
	}
	for i := 0; i < in.Count; i++ {
		out = append(out, Installment{Due: in.FirstDue.AddMonthsClamped(i), Amount: in.Amount})
	}
	return out
}

// Payment is a payment made outside any ingested bill.
type Payment struct {
	Date   Date         `yaml:"date" json:"date"`
	Amount money.Amount `yaml:"amount" json:"amount"`
	Note   string       `yaml:"note,omitempty" json:"note,omitempty"`
}

// Rules are the thresholds of the findings.
type Rules struct {
	QuietStart          string `yaml:"quiet_start,omitempty" json:"quiet_start"`
	QuietEnd            string `yaml:"quiet_end,omitempty" json:"quiet_end"`
	MaxUnansweredPerDay int    `yaml:"max_unanswered_per_day,omitempty" json:"max_unanswered_per_day"`
	MaxConnectedPerDay  int    `yaml:"max_connected_per_day,omitempty" json:"max_connected_per_day"`
}

// ErrInvalid marks a case.yaml that cannot be read or says something impossible. Its text is the
// file's name, so messages read "case.yaml: line 28: ..." with no second prefix.
var ErrInvalid = errors.New("case.yaml")

// MaxSize caps how much of case.yaml is read.
const MaxSize = 4 << 20

var clockRE = regexp.MustCompile(`^([01]?\d|2[0-3]):([0-5]\d)$`)

// Parse reads case.yaml from r, fills the defaults and checks every field. Errors name the line.
func Parse(r io.Reader) (*Case, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalid, MaxSize)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(err, data)
	}
	c := &Case{}
	if len(root.Content) > 0 {
		var notes []string
		if err := check(root.Content[0], reflect.TypeFor[Case](), "", &notes); err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil && err != io.EOF {
			return nil, decodeError(err)
		}
		c.Notes = notes
	}
	if err := c.fill(&root); err != nil {
		return nil, err
	}
	return c, nil
}

func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: ")
	s = strings.ReplaceAll(s, "unmarshal errors:\n  ", "")
	s = strings.ReplaceAll(s, "\n  ", "; ")
	return s
}

// line finds the line of a top-level key, for error messages.
func line(root *yaml.Node, keys ...string) string {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			break
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				n = n.Content[i+1]
				found = true
				break
			}
		}
		if !found {
			break
		}
	}
	if n.Line == 0 {
		return ""
	}
	return fmt.Sprintf("line %d: ", n.Line)
}

func (c *Case) fill(root *yaml.Node) error {
	if c.Language == "" {
		c.Language = DefaultLanguage
	}
	if c.Language != "zh" && c.Language != "en" {
		return fmt.Errorf("%w: %slanguage %q: use zh or en", ErrInvalid, line(root, "language"), c.Language)
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return fmt.Errorf("%w: %stimezone %q is not a known zone (e.g. Asia/Shanghai)", ErrInvalid, line(root, "timezone"), c.Timezone)
	}
	c.loc = loc
	if c.Rules.QuietStart == "" {
		c.Rules.QuietStart = DefaultQuietStart
	}
	if c.Rules.QuietEnd == "" {
		c.Rules.QuietEnd = DefaultQuietEnd
	}
	for _, k := range []struct{ key, v string }{{"quiet_start", c.Rules.QuietStart}, {"quiet_end", c.Rules.QuietEnd}} {
		if !clockRE.MatchString(k.v) {
			return fmt.Errorf("%w: %srules.%s %q: write a time of day as HH:MM", ErrInvalid, line(root, "rules", k.key), k.key, k.v)
		}
	}
	if c.Rules.MaxUnansweredPerDay == 0 {
		c.Rules.MaxUnansweredPerDay = DefaultMaxUnansweredPerDay
	}
	if c.Rules.MaxConnectedPerDay == 0 {
		c.Rules.MaxConnectedPerDay = DefaultMaxConnectedPerDay
	}
	if c.Rules.MaxUnansweredPerDay < 0 || c.Rules.MaxConnectedPerDay < 0 {
		return fmt.Errorf("%w: %srules: thresholds must be positive", ErrInvalid, line(root, "rules"))
	}
	for i, ct := range c.Contacts {
		switch ct.Role {
		case RoleCreditor, RoleCollector, RoleSelf, RoleFamily, RoleOther:
		default:
			return fmt.Errorf("%w: %scontacts[%d] (%s): role %q: use creditor, collector, self, family or other",
				ErrInvalid, contactLine(root, i), i, ct.Name, ct.Role)
		}
		if ct.Number == "" && ct.Wechat == "" && ct.Email == "" {
			return fmt.Errorf("%w: %scontacts[%d] (%s): give a number, wechat or email", ErrInvalid, contactLine(root, i), i, ct.Name)
		}
	}
	if err := c.checkClasses(root); err != nil {
		return err
	}
	if a := c.Agreement; a != nil {
		if a.Date.IsZero() {
			return fmt.Errorf("%w: %sagreement: date is missing", ErrInvalid, line(root, "agreement"))
		}
		in := a.Installments
		if len(in.List) == 0 && in.Count > 0 && (in.FirstDue.IsZero() || in.Amount <= 0) {
			return fmt.Errorf("%w: %sagreement.installments: give count, amount and first_due, or a list of {due, amount}",
				ErrInvalid, line(root, "agreement", "installments"))
		}
	}
	return nil
}

func contactLine(root *yaml.Node, i int) string {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		if n.Content[j].Value == "contacts" && i < len(n.Content[j+1].Content) {
			return fmt.Sprintf("line %d: ", n.Content[j+1].Content[i].Line)
		}
	}
	return ""
}

// Location is the case time zone.
func (c *Case) Location() *time.Location {
	if c.loc == nil {
		if loc, err := time.LoadLocation(c.Timezone); err == nil {
			c.loc = loc
		} else {
			c.loc = time.UTC
		}
	}
	return c.loc
}

// Contact returns the contact a normalised counterpart (number, chat id or e-mail) belongs to.
func (c *Case) Contact(counterpart string) (Contact, bool) {
	if counterpart == "" {
		return Contact{}, false
	}
	i := findContact(c.Contacts, counterpart, func(i int) string { return phone.Normalize(c.Contacts[i].Number) })
	if i < 0 {
		return Contact{}, false
	}
	return c.Contacts[i], true
}

// RoleOf returns the role of a counterpart, or "" when case.yaml does not say.
func (c *Case) RoleOf(counterpart string) string {
	ct, _ := c.Contact(counterpart)
	return ct.Role
}

// ClockMinutes converts "HH:MM" to minutes after midnight.
func ClockMinutes(s string) int {
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	var h, mi int
	fmt.Sscanf(m[1], "%d", &h)
	fmt.Sscanf(m[2], "%d", &mi)
	return h*60 + mi
}

// URLs is one URL or a list of them.
type URLs []string

// UnmarshalYAML takes a scalar as a list of one.
func (u *URLs) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if n.Value != "" {
			*u = URLs{n.Value}
		}
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*u = l
	return nil
}

package classify

import (
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
)

// Classes of message events, stable in JSON.
const (
	Collection = "collection"
	Notice     = "notice"
	Other      = "other"
)

// Conduct kinds, stable in JSON: what a prohibited-conduct finding says the words do.
const (
	KindFamilyEmployer = "family-employer" // threatens to contact family, employer, neighbours
	KindContactList    = "contact-list"    // threatens to tell the contact list or make the debt public
	KindVisit          = "visit"           // threatens a visit to home, work or home town
	KindCriminal       = "criminal"        // threatens arrest, prison or criminal liability
	KindImpersonation  = "impersonation"   // speaks as a court, the police or a lawyer
	KindInsult         = "insult"          // insults or obscenity
	KindBorrow         = "borrow"          // pushes borrowing elsewhere to pay (以贷还贷)
)

// Source keys of the conduct kinds: the documents their findings cite.
const (
	SourceCBA  = "cba"  // 中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》
	SourceNIFA = "nifa" // 中国互联网金融协会《互联网金融个人网络消费信贷贷后催收风控指引》
	SourcePIPL = "pipl" // 《个人信息保护法》
)

//go:embed phrases.yaml
var phrasesYAML []byte

// lists is phrases.yaml.
type lists struct {
	Slots      map[string][]string `yaml:"slots"`
	Negators   []string            `yaml:"negators"`
	Fillers    []string            `yaml:"fillers"`
	Conditions []string            `yaml:"conditions"`
	Notice     struct {
		Payment   []string `yaml:"payment"`
		Code      []string `yaml:"code"`
		Reminder  []string `yaml:"reminder"`
		Marketing []string `yaml:"marketing"`
		Safety    []string `yaml:"safety"`
		Service   []string `yaml:"service"`
	} `yaml:"notice"`
	Replies        []string `yaml:"replies"`
	PluralYouOwned []string `yaml:"plural_you_owned"`
	Reported       []string `yaml:"reported"`
	Tags           struct {
		Agency    []string `yaml:"agency"`
		Authority []string `yaml:"authority"`
	} `yaml:"tags"`
	Collection struct {
		Strong []string `yaml:"strong"`
		Weak   []string `yaml:"weak"`
	} `yaml:"collection"`
	Conduct        map[string][]string `yaml:"conduct"`
	Vetoes         map[string]vetoList `yaml:"vetoes"`
	ConductSources map[string][]string `yaml:"conduct_sources"`
}

type vetoList struct {
	Before []string `yaml:"before"`
	After  []string `yaml:"after"`
	Around []string `yaml:"around"`
	Next   []string `yaml:"next"`
	Needs  []string `yaml:"needs"`
}

// veto holds the words that make a conduct phrase of one kind innocent: before it or after it in
// its clause, right after it, or anywhere in its sentence.
type veto struct {
	before, after, around, next, needs [][]rune
}

// Classifier sorts messages into collection pressure, service notices and other, and finds the
// words of prohibited conduct. It is safe for concurrent use.
type Classifier struct {
	neg                              *negation
	payment, code, reminder, service *set
	safety, replies, reported        *set
	strong, weak                     *set
	pluralYouOwned                   [][]rune
	agencyTags, authorityTags        [][]rune
	kinds                            []string
	conduct                          map[string]*set
	vetoes                           map[string]veto
	sources                          map[string][]string
}

var (
	defaultOnce sync.Once
	defaultC    *Classifier
	defaultErr  error
)

// Default returns the classifier of the built-in phrase lists.
func Default() *Classifier {
	defaultOnce.Do(func() { defaultC, defaultErr = New(caseconf.Phrases{}) })
	if defaultErr != nil {
		panic(defaultErr) // the embedded list is checked by the package tests
	}
	return defaultC
}

// ForCase returns the classifier of the built-in lists extended by case.yaml's phrases:.
func ForCase(c *caseconf.Case) *Classifier {
	if c == nil || c.Phrases.Empty() {
		return Default()
	}
	cl, err := New(c.Phrases)
	if err != nil {
		return Default()
	}
	return cl
}

// New builds a classifier of the built-in lists plus extra (from case.yaml). A conduct kind
// extra names that the built-in list does not know, or a {slot} no list defines, is an error.
func New(extra caseconf.Phrases) (*Classifier, error) {
	var l lists
	if err := yaml.Unmarshal(phrasesYAML, &l); err != nil {
		return nil, fmt.Errorf("classify: phrases.yaml: %w", err)
	}
	slots := map[string]*slot{}
	names := slices.Sorted(maps.Keys(l.Slots))
	for id, name := range names {
		sl, err := newSlot(name, id, l.Slots[name])
		if err != nil {
			return nil, fmt.Errorf("classify: phrases.yaml: %w", err)
		}
		slots[name] = sl
	}
	var err error
	mk := func(where string, ls ...[]string) *set {
		s, e := newSet(slots, ls...)
		if e != nil && err == nil {
			err = fmt.Errorf("classify: %s: %w", where, e)
		}
		return s
	}
	c := &Classifier{
		neg:            newNegation(l.Negators, l.Fillers, l.Conditions),
		payment:        mk("notice.payment", l.Notice.Payment),
		code:           mk("notice.code", l.Notice.Code),
		reminder:       mk("notice.reminder", l.Notice.Reminder),
		service:        mk("notice", l.Notice.Marketing, l.Notice.Service, extra.Notice),
		safety:         mk("notice.safety", l.Notice.Safety),
		replies:        mk("replies", l.Replies),
		reported:       mk("reported", l.Reported),
		strong:         mk("collection", l.Collection.Strong, extra.Collection),
		weak:           mk("collection.weak", l.Collection.Weak),
		pluralYouOwned: foldWords(l.PluralYouOwned),
		agencyTags:     foldWords(l.Tags.Agency),
		authorityTags:  foldWords(l.Tags.Authority),
		conduct:        map[string]*set{},
		vetoes:         map[string]veto{},
		sources:        l.ConductSources,
	}
	for _, k := range []string{KindFamilyEmployer, KindContactList, KindVisit, KindCriminal, KindImpersonation, KindInsult, KindBorrow} {
		if len(l.Conduct[k]) == 0 {
			return nil, fmt.Errorf("classify: phrases.yaml has no conduct.%s", k)
		}
		c.kinds = append(c.kinds, k)
		c.conduct[k] = mk("conduct."+k, l.Conduct[k])
		v := l.Vetoes[k]
		c.vetoes[k] = veto{before: foldWords(v.Before), after: foldWords(v.After), around: foldWords(v.Around), next: foldWords(v.Next), needs: foldWords(v.Needs)}
	}
	for k, ps := range extra.Conduct {
		s, ok := c.conduct[k]
		if !ok {
			return nil, fmt.Errorf("classify: phrases.conduct.%s: unknown kind; use %s", k, strings.Join(c.kinds, ", "))
		}
		for _, p := range ps {
			if e := s.add(p); e != nil && err == nil {
				err = fmt.Errorf("classify: phrases.conduct.%s: %w", k, e)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Kinds returns the conduct kinds in the order findings list them.
func (c *Classifier) Kinds() []string { return slices.Clone(c.kinds) }

// Sources returns the source keys of a conduct kind.
func (c *Classifier) Sources(kind string) []string { return slices.Clone(c.sources[kind]) }

// Hit is one kind of prohibited conduct found in a message.
type Hit struct {
	Kind    string
	Words   string   // the words matched, as the message writes them
	Quote   string   // the clause they stand in
	Sources []string // source keys
}

// Conduct returns the prohibited conduct in s, at most one hit per kind (the earliest), in the
// order of Kinds.
func (c *Classifier) Conduct(s string) []Hit {
	return c.conductIn(prepare(s))
}

func (c *Classifier) conductIn(t *text) []Hit {
	// An anti-fraud notice quotes the words of fraud ("冒充公安、法院"), and the complainant's own
	// words quote the threats they complain of: neither is conduct.
	if _, ok := c.quotes(t); ok {
		return nil
	}
	return c.conductOf(t)
}

// conductOf is conductIn for a text known to be neither a safety notice nor the complainant's.
func (c *Classifier) conductOf(t *text) []Hit {
	var out []Hit
	var reported []hit
	if len(t.runes) > 0 {
		reported = t.find(c.reported, nil)
	}
	for _, k := range c.kinds {
		hits := c.vetoed(t, k, reported, firstPerson(t, t.find(c.conduct[k], c.neg)))
		if k == KindImpersonation {
			if sp, ok := c.tag(t, c.authorityTags); ok {
				hits = append(hits, hit{i: sp.i, j: sp.j})
			}
		}
		if h, ok := first(hits); ok {
			out = append(out, Hit{Kind: k, Words: t.words(h.i, h.j), Quote: t.clause(h.i, h.j), Sources: c.Sources(k)})
		}
	}
	return out
}

// vetoed drops the hits of kind k that its vetoes or reported speech make innocent.
func (c *Classifier) vetoed(t *text, k string, reported, hits []hit) []hit {
	v := c.vetoes[k]
	if len(hits) > 0 && len(v.needs) > 0 && !t.holdsAny(v.needs) {
		return nil
	}
	return slices.DeleteFunc(hits, func(h hit) bool {
		if t.precededInClause(v.before, h.i) || t.followedInClause(v.after, h.j) || t.inSentence(v.around, h.i) ||
			slices.ContainsFunc(v.next, func(w []rune) bool { return t.literalAt(w, h.j) }) {
			return true
		}
		// "他们说要上门": the threat is someone else's, reported.
		return slices.ContainsFunc(reported, func(r hit) bool { return r.j <= h.i && !t.sentenceBetween(r.j, h.i) || r.i <= h.i && h.i < r.j })
	})
}

// quotes reports whether t is a safety notice or the complainant's own words, with the words
// that say so.
func (c *Classifier) quotes(t *text) (hit, bool) {
	if h, ok := first(t.find(c.safety, c.neg)); ok {
		return h, true
	}
	return c.complainant(t)
}

// complainant reports whether the complainant speaks in t: their own phrases ("请停止催收",
// "我家人"), or 你们 said to the collectors. A collector says 你 to the debtor and 你们 only of
// what is theirs (你们单位, 你们村).
func (c *Classifier) complainant(t *text) (hit, bool) {
	if h, ok := first(t.find(c.replies, nil)); ok {
		return h, true
	}
	for i := 0; i+1 < len(t.runes); i++ {
		if t.runes[i] != '你' || t.runes[i+1] != '们' {
			continue
		}
		owned := slices.ContainsFunc(c.pluralYouOwned, func(w []rune) bool { return t.literalAt(w, i+2) })
		if !owned {
			return hit{i: i, j: i + 2}, true
		}
	}
	return hit{}, false
}

// tag finds the sender's signature 【…】 at the start or the end of the message and reports
// whether it holds one of words.
func (c *Classifier) tag(t *text, words [][]rune) (tagSpan, bool) {
	for _, span := range t.tags() {
		for k := span.i; k < span.j; k++ {
			if slices.ContainsFunc(words, func(w []rune) bool { return t.literalAt(w, k) && k+len(w) <= span.j }) {
				return span, true
			}
		}
	}
	return tagSpan{}, false
}

// firstPerson drops the hits whose target is the speaker ("联系我家人", "爆我通讯录"): the words
// of someone reporting a threat, not making one. 我们 and 我司 are the collector speaking.
func firstPerson(t *text, hits []hit) []hit {
	mine := func(k int) bool {
		return k >= 0 && k < len(t.runes) && t.runes[k] == '我' && (k+1 >= len(t.runes) || (t.runes[k+1] != '们' && t.runes[k+1] != '司'))
	}
	out := hits[:0]
	for _, h := range hits {
		if h.phrase != nil && strings.HasPrefix(h.phrase.src, "我") {
			out = append(out, h) // "我是*法院": the speaker's claim is the conduct
			continue
		}
		skip := mine(h.i-1) || mine(h.i-2) && t.runes[h.i-1] == '的'
		for k := h.i; k < h.j && !skip; k++ {
			skip = mine(k)
		}
		if !skip {
			out = append(out, h)
		}
	}
	return out
}

// Text judges a message by its words alone: collection pressure, a service notice, or other
// when no phrase says. The reason is the words that decided, as the message writes them.
//
// In order: the complainant's own words are other; a safety notice is a notice; prohibited
// conduct is collection; a code is a notice; a payment confirmation is a notice unless strong
// pressure or a collector's signature comes with it ("已还款成功，剩余欠款请立即处理"); strong
// pressure is collection, and so is a collector's signature (【某某资产】); a reminder, marketing
// or a service notice is a notice even with weak pressure words ("请按时还款，以免逾期") unless
// it is unsigned and the collector speaks in it as 我们, and so is a platform's signed message
// (【花呗】) without strong pressure; weak pressure alone is collection.
func (c *Classifier) Text(s string) (class, reason string) {
	class, reason, _ = c.judge(prepare(s), true)
	return class, reason
}

// judge is Text; weakOnly reports that weak pressure words alone made the message collection.
// sms says whether a 【…】 at the start or end is an SMS signature; a chat, an e-mail or a
// transcript ("【通话录音文字整理】") has none, and a platform's signature is read only in an SMS.
func (c *Classifier) judge(t *text, sms bool) (class, reason string, weakOnly bool) {
	if len(t.runes) == 0 {
		return Other, "", false
	}
	words := func(h hit) string { return t.words(h.i, h.j) }
	if h, ok := c.complainant(t); ok {
		return Other, words(h), false
	}
	if h, ok := first(t.find(c.safety, c.neg)); ok {
		return Notice, words(h), false
	}
	if hs := c.conductOf(t); len(hs) > 0 {
		return Collection, hs[0].Words, false
	}
	if h, ok := first(t.find(c.code, c.neg)); ok {
		return Notice, words(h), false
	}
	strong, isStrong := first(t.find(c.strong, c.neg))
	agencyTag, agency := c.tag(t, c.agencyTags)
	if h, ok := first(t.find(c.payment, c.neg)); ok && !isStrong && !agency {
		return Notice, words(h), false
	}
	if isStrong {
		return Collection, words(strong), false
	}
	if agency {
		return Collection, t.tagWords(agencyTag), false
	}
	weakHit, isWeak := first(t.find(c.weak, c.neg))
	var tags []tagSpan
	if sms {
		tags = t.tags()
	}
	// A platform signs its notices (an SMS signature is required); an unsigned "请按时还款" in
	// which the collector speaks as 我们 is pressure, not a reminder.
	if isWeak && len(tags) == 0 && t.collectorVoice() {
		return Collection, words(weakHit), true
	}
	if h, ok := first(append(t.find(c.reminder, c.neg), t.find(c.service, c.neg)...)); ok {
		return Notice, words(h), false
	}
	if len(tags) > 0 {
		return Notice, t.tagWords(tags[0]), false
	}
	if isWeak {
		return Collection, words(weakHit), true
	}
	return Other, "", false
}

// Messages are the channels whose events carry words and get a class from them.
func Message(ch event.Channel) bool {
	switch ch {
	case event.SMS, event.MMS, event.Chat, event.Email, event.Recording:
		return true
	}
	return false
}

// wordless are chat message types that carry no words of their own.
var wordless = map[string]bool{"image": true, "voice": true, "video": true, "sticker": true, "file": true, "emoji": true}

// MessageText is the text of an event the classifier reads: an e-mail's subject and body, a
// message's text; "" for a chat picture, voice message or sticker.
func MessageText(e *event.Event) string {
	if e.Channel == event.Chat && wordless[e.Kind] {
		return ""
	}
	if e.Subject != "" {
		return e.Subject + "\n" + e.Text
	}
	return e.Text
}

// Reasons that are not words of the message, stable in JSON.
const (
	ReasonOutgoing = "outgoing"       // the holder sent it
	ReasonSystem   = "system"         // the app wrote it (a chat's system line)
	ReasonRole     = "role "          // + the role: a call, or a message without telling words
	ReasonNoText   = "no text; role " // + the role
	ReasonUser     = "user"           // case.yaml classes: set it
)

// Event classifies one event given its counterpart's role ("" when case.yaml does not know
// it). Calls have no words: their class is the role's (collection side or not). A message is
// judged by its words; a collection-pressure message from the complainant's own side (family,
// friends) is other, since only the collection side collects. A message with no telling words
// takes the class of its sender's role when that is a collector, other otherwise. A message whose
// only pressure is weak words ("请及时还款") and which states a due date still to come is a
// reminder before the due date, a notice. Events that
// are not contacts (payments, screenshots, the agreement) have no class.
func (c *Classifier) Event(e *event.Event, role string) (class, reason string) {
	return c.EventOf(e, role, "")
}

// EventOf is Event for a case whose complainant is called complainant: their own lines of a
// recording's transcript are left out, so only what the other side said decides.
func (c *Classifier) EventOf(e *event.Event, role, complainant string) (class, reason string) {
	if e.Channel != event.Call && !Message(e.Channel) {
		return "", ""
	}
	side := caseconf.CollectionSide(role)
	roleReason := ReasonRole + cmpOr(role, "none")
	if e.Direction == event.Out {
		return Other, ReasonOutgoing
	}
	if e.Channel == event.Chat && e.Kind == "system" {
		return Other, ReasonSystem
	}
	if e.Channel == event.Call {
		if side {
			return Collection, roleReason
		}
		return Other, roleReason
	}
	text := MessageText(e)
	if strings.TrimSpace(text) == "" {
		if side {
			return Collection, ReasonNoText + role
		}
		return Other, ReasonNoText + cmpOr(role, "none")
	}
	if e.Channel == event.Recording {
		text = OthersLines(text, complainant)
	}
	class, reason, weak := c.judge(prepare(text), e.Channel == event.SMS || e.Channel == event.MMS)
	// "请于4月10日前还款" sent on 4 April is a reminder before the due date, whoever sends it.
	if class == Collection && weak {
		if words, ok := beforeDue(text, e.Time, e.Time.Location()); ok {
			class, reason = Notice, words
		}
	}
	switch {
	case class == Collection && role != "" && !side:
		return Other, roleReason
	case class == Other && role == caseconf.RoleCollector:
		return Collection, roleReason
	}
	return class, reason
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ownLabels are the speaker labels a transcript gives the complainant besides their name.
var ownLabels = []string{"我", "本人", "机主"}

// OthersLines drops the complainant's own lines from a transcript ("张三：…", "我：…"), so only
// what the other side said is read.
func OthersLines(text, complainant string) string {
	labels := ownLabels
	if n := strings.TrimSpace(complainant); n != "" {
		labels = append([]string{n}, ownLabels...)
	}
	var keep []string
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		own := false
		for _, who := range labels {
			if strings.HasPrefix(t, who+"：") || strings.HasPrefix(t, who+":") {
				own = true
				break
			}
		}
		if !own {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

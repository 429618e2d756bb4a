package classify

import (
	"fmt"
	"slices"
	"sync"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
)

// RoleOf is the role a counterpart has: case.yaml's (matching normalised numbers), else the one
// the timeline attached.
func RoleOf(c *caseconf.Case, e *event.Event) string {
	if c != nil && e.Counterpart != "" {
		if ct, ok := c.Contact(e.Counterpart); ok {
			return ct.Role
		}
	}
	return e.Role
}

// Tagger gives the events of one case their class as a merged timeline streams by (Seq set),
// with case.yaml's classes: on top. An override that names an event not read from the exhibit
// it names (the timeline changed since it was written) is not applied, so it can never land on
// another message; warn is told once per such override.
type Tagger struct {
	c         *caseconf.Case
	cl        *Classifier
	overrides map[int]int // event Seq -> index in c.Classes
	warn      func(string)
	mu        sync.Mutex
	warned    map[int]bool
}

// NewTagger prepares the classification of c's timeline; warn may be nil.
func NewTagger(c *caseconf.Case, warn func(string)) *Tagger {
	t := &Tagger{c: c, cl: Default(), overrides: map[int]int{}, warn: warn, warned: map[int]bool{}}
	if c != nil && !c.Phrases.Empty() {
		// A phrase naming a word class the lists do not have would otherwise drop all of the
		// case's phrases without a word.
		if cl, err := New(c.Phrases); err != nil {
			if warn != nil {
				warn(fmt.Sprintf("case.yaml phrases: %v; only the built-in phrase lists are used", err))
			}
		} else {
			t.cl = cl
		}
	}
	if c != nil {
		for i, o := range c.Classes {
			t.overrides[o.Event] = i
		}
	}
	return t
}

// Tag sets e's class.
func (t *Tagger) Tag(e *event.Event) {
	complainant := ""
	if t.c != nil {
		complainant = t.c.Complainant.Name
	}
	e.Class, e.ClassReason = t.cl.EventOf(e, RoleOf(t.c, e), complainant)
	e.ClassByUser = false
	i, ok := t.overrides[e.Seq]
	if !ok {
		return
	}
	o := t.c.Classes[i]
	switch {
	case e.Exhibit != o.Exhibit && !slices.Contains(e.Exhibits, o.Exhibit):
		t.once(i, fmt.Sprintf("case.yaml classes[%d]: event %d is read from exhibit %d, not %d (the timeline has changed); the override is not applied",
			i, o.Event, e.Exhibit, o.Exhibit))
	case e.Class == "":
		t.once(i, fmt.Sprintf("case.yaml classes[%d]: event %d is a %s, which has no class; the override is not applied", i, o.Event, e.Channel))
	default:
		e.Class, e.ClassReason, e.ClassByUser = o.Class, ReasonUser, true
		if o.Note != "" {
			e.ClassReason = ReasonUser + ": " + o.Note
		}
	}
}

// Missing warns of the overrides naming an event past the end of a timeline of n events.
func (t *Tagger) Missing(n int) {
	if t.c == nil {
		return
	}
	for i, o := range t.c.Classes {
		if o.Event > n {
			t.once(i, fmt.Sprintf("case.yaml classes[%d]: there is no event %d on the timeline; the override is not applied", i, o.Event))
		}
	}
}

func (t *Tagger) once(i int, msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.warned[i] || t.warn == nil {
		return
	}
	t.warned[i] = true
	t.warn(msg)
}

// Apply classifies a whole merged timeline (Seq set) and returns what an override could not do.
func Apply(c *caseconf.Case, timeline []event.Event) []string {
	var problems []string
	t := NewTagger(c, func(s string) { problems = append(problems, s) })
	for i := range timeline {
		t.Tag(&timeline[i])
	}
	t.Missing(len(timeline))
	return problems
}

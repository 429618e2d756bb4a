package caseconf

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// ClassOverride sets the class of one message event by hand, for a message the classifier
// judged wrongly. The event is named by its number on the timeline (dossier events) and the
// exhibit it comes from: numbers move when evidence is added, and the exhibit lets a stale
// override be noticed instead of landing on another message.
//
//	classes:
//	  - {exhibit: 5, event: 70, class: notice, note: 还款成功通知}
type ClassOverride struct {
	Exhibit int    `yaml:"exhibit" json:"exhibit"`
	Event   int    `yaml:"event" json:"event"`
	Class   string `yaml:"class" json:"class"` // collection, notice or other
	Note    string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Phrases extends the built-in phrase lists of the message classifier and of the
// prohibited-conduct rule (the lists and how phrases match are documented in package classify).
//
//	phrases:
//	  notice: [您的快递已签收]
//	  collection: [再拖下去]
//	  conduct: {family-employer: [找你舅舅]}
type Phrases struct {
	Notice     []string            `yaml:"notice,omitempty" json:"notice,omitempty"`
	Collection []string            `yaml:"collection,omitempty" json:"collection,omitempty"`
	Conduct    map[string][]string `yaml:"conduct,omitempty" json:"conduct,omitempty"`
}

// Empty reports whether the case adds no phrase.
func (p Phrases) Empty() bool {
	return len(p.Notice) == 0 && len(p.Collection) == 0 && len(p.Conduct) == 0
}

// conductKinds are the kinds phrases.conduct may extend (package classify defines them).
var conductKinds = map[string]bool{"family-employer": true, "contact-list": true, "visit": true,
	"criminal": true, "impersonation": true, "insult": true, "borrow": true}

func (c *Case) checkClasses(r *yaml.Node) error {
	for i, o := range c.Classes {
		switch o.Class {
		case "collection", "notice", "other":
		default:
			return fmt.Errorf("%w: %sclasses[%d]: class %q: use collection, notice or other", ErrInvalid, line(r, "classes"), i, o.Class)
		}
		if o.Exhibit <= 0 || o.Event <= 0 {
			return fmt.Errorf("%w: %sclasses[%d]: give the exhibit and the event number (as dossier events shows them)", ErrInvalid, line(r, "classes"), i)
		}
	}
	for k := range c.Phrases.Conduct {
		if !conductKinds[k] {
			return fmt.Errorf("%w: %sphrases.conduct.%s: use family-employer, contact-list, visit, criminal, impersonation, insult or borrow",
				ErrInvalid, line(r, "phrases", "conduct"), k)
		}
	}
	return nil
}

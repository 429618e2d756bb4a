package findings

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/classify"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// classOf is an event's class: the one the timeline gave it, or the classifier's when it has
// none (events built by hand, older callers).
func (ev *evaluator) classOf(e *event.Event, role string) string {
	if e.Class != "" {
		return e.Class
	}
	class, _ := ev.cls.EventOf(e, role, ev.c.Complainant.Name)
	return class
}

// conduct finds prohibited collection conduct in the words of one incoming message from the
// collection side (a recording's transcript too, whatever its direction: the collector's lines
// are in it). A message the user classed by hand as a notice or other is left alone.
func (ev *evaluator) conduct(e *event.Event, i int) {
	if !classify.Message(e.Channel) || e.Time.IsZero() || e.Direction == event.Out {
		return
	}
	if e.Direction != event.In && e.Channel != event.Recording {
		return
	}
	if e.ClassByUser && e.Class != classify.Collection {
		return
	}
	role, name := ev.party(e)
	if !caseconf.CollectionSide(role) {
		return
	}
	text := classify.MessageText(e)
	if e.Channel == event.Recording {
		text = classify.OthersLines(text, ev.c.Complainant.Name)
	}
	hits := ev.cls.Conduct(text)
	if len(hits) == 0 {
		return
	}
	t := e.Time.In(ev.loc)
	f := Finding{
		Rule: RuleProhibitedConduct, Time: &t, Counterpart: e.Counterpart, Name: name, Role: role,
		Holder: e.Holder, HolderRole: othersRole(e), Count: 1, Events: []int{seqOf(e, i)}, Exhibits: sortedUnique(exhibitsOf(e)),
	}
	var quotes, kinds, sources []string
	for _, h := range hits {
		f.Conduct = append(f.Conduct, h.Kind)
		kinds = append(kinds, vocab.Term(ev.lang, "conduct."+h.Kind))
		if !slices.Contains(quotes, h.Quote) {
			quotes = append(quotes, h.Quote)
		}
		for _, s := range h.Sources {
			if !slices.Contains(sources, s) {
				sources = append(sources, s)
			}
		}
	}
	f.Quote = strings.Join(quotes, " … ")
	f.Source = ev.conductSource(sources)
	f.Message = ev.conductMessage(e, &f, kinds)
	ev.found(f)
}

func (ev *evaluator) conductSource(keys []string) string {
	p := ev.text()
	var out []string
	for _, k := range []string{classify.SourceCBA, classify.SourceNIFA, classify.SourcePIPL} {
		if slices.Contains(keys, k) {
			out = append(out, p.conductSources[k])
		}
	}
	if ev.lang == "en" {
		return strings.Join(out, "; ")
	}
	return strings.Join(out, "；")
}

func (ev *evaluator) conductMessage(e *event.Event, f *Finding, kinds []string) string {
	at := f.Time.Format(clock)
	suffix := ev.holderSuffix(e.Holder, e.HolderRole)
	if ev.lang == "en" {
		return fmt.Sprintf("%s from %s at %s: %s (“%s”)%s", capital(ev.channelWord(e)), ev.who(f.Counterpart, f.Name), at,
			strings.Join(kinds, "; "), f.Quote, suffix)
	}
	return fmt.Sprintf("%s %s%s：%s（“%s”）%s", at, ev.whoZH(f.Counterpart, f.Name), ev.channelWord(e), strings.Join(kinds, "；"), f.Quote, suffix)
}

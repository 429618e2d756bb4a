package classify

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

type labelled struct {
	line          int
	class         string
	kinds         []string
	text          string
	gotClass      string
	gotKinds      []string
	classReason   string
	conductQuotes []string
}

func readLabelled(t testing.TB) []labelled { return readSet(t, "testdata/labelled.tsv") }

func readSet(t testing.TB, name string) []labelled {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.SplitN(line, "\t", 3)
		if len(cols) != 3 {
			t.Fatalf("%s:%d: want class<TAB>kinds<TAB>text", name, n)
		}
		l := labelled{line: n, class: cols[0], text: cols[2]}
		if cols[1] != "-" {
			l.kinds = strings.Split(cols[1], ",")
			slices.Sort(l.kinds)
		}
		out = append(out, l)
	}
	return out
}

// scores are precision and recall of one positive label over the set.
type scores struct{ tp, fp, fn int }

func (s scores) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s scores) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

func (s *scores) add(want, got bool) {
	switch {
	case want && got:
		s.tp++
	case got:
		s.fp++
	case want:
		s.fn++
	}
}

// evaluate runs the classifier over the labelled set: message-level scores of the conduct rule
// (a message with any prohibited conduct is a finding), of each class, and per conduct kind.
func evaluate(set []labelled) (conduct scores, class map[string]*scores, kinds map[string]*scores) {
	c := Default()
	class = map[string]*scores{Collection: {}, Notice: {}, Other: {}}
	kinds = map[string]*scores{}
	for _, k := range c.Kinds() {
		kinds[k] = &scores{}
	}
	for i := range set {
		l := &set[i]
		l.gotClass, l.classReason = c.Text(l.text)
		l.gotKinds = nil
		for _, h := range c.Conduct(l.text) {
			l.gotKinds = append(l.gotKinds, h.Kind)
			l.conductQuotes = append(l.conductQuotes, h.Words)
		}
		slices.Sort(l.gotKinds)
		conduct.add(len(l.kinds) > 0, len(l.gotKinds) > 0)
		for name, s := range class {
			s.add(l.class == name, l.gotClass == name)
		}
		for k, s := range kinds {
			s.add(slices.Contains(l.kinds, k), slices.Contains(l.gotKinds, k))
		}
	}
	return conduct, class, kinds
}

// logMisses shows every message the lists get wrong, and the scores.
func logMisses(t *testing.T, name string, set []labelled, conduct scores, class, kinds map[string]*scores) {
	t.Helper()
	for _, l := range set {
		if l.gotClass != l.class || !slices.Equal(l.gotKinds, l.kinds) {
			t.Logf("%s:%d: want %s %v, got %s %v (%q; %q): %s", name, l.line, l.class, l.kinds, l.gotClass, l.gotKinds, l.classReason, l.conductQuotes, l.text)
		}
	}
	t.Logf("%s, %d messages: conduct P=%.3f R=%.3f; collection P=%.3f R=%.3f; notice P=%.3f R=%.3f",
		name, len(set), conduct.precision(), conduct.recall(), class[Collection].precision(), class[Collection].recall(),
		class[Notice].precision(), class[Notice].recall())
	for _, k := range Default().Kinds() {
		t.Logf("  %-16s P=%.3f R=%.3f (tp %d fp %d fn %d)", k, kinds[k].precision(), kinds[k].recall(), kinds[k].tp, kinds[k].fp, kinds[k].fn)
	}
}

// The targets: precision ≥ 0.95 and recall ≥ 0.90 for the prohibited-conduct rule and for the
// collection/notice classifier, over the sets the lists were developed on (look-alike notices,
// negated threats, lawful legal steps, the complainant's own words, traditional characters,
// full-width and spaced-out text). Holding them here keeps a change to the lists from undoing
// what they already get right.
func TestLabelledSet(t *testing.T) {
	for _, name := range []string{"testdata/labelled.tsv", "testdata/heldout.tsv", "testdata/develop.tsv"} {
		t.Run(name, func(t *testing.T) {
			set := readSet(t, name)
			conduct, class, kinds := evaluate(set)
			logMisses(t, name, set, conduct, class, kinds)
			for what, s := range map[string]scores{"conduct": conduct, "collection": *class[Collection], "notice": *class[Notice]} {
				if s.precision() < 0.95 || s.recall() < 0.90 {
					t.Errorf("%s: precision %.3f, recall %.3f; want ≥ 0.95 and ≥ 0.90", what, s.precision(), s.recall())
				}
			}
		})
	}
	if n := len(readLabelled(t)) + len(readSet(t, "testdata/develop.tsv")); n < 400 {
		t.Errorf("the development sets hold %d messages, want at least 400", n)
	}
}

// heldOutFloor is where the held-out scores raise an alarm. They are the honest estimate, quoted
// in the package doc; they are not tuned towards, so they are not held to the targets. A fall
// below the floor means a change has fitted the lists to the development sets at the cost of
// messages they were not written for.
const heldOutFloor = 0.85

// The held-out set was written before this version of the lists and never used to change them.
func TestHeldOutSet(t *testing.T) {
	const name = "testdata/heldout2.tsv"
	set := readSet(t, name)
	if len(set) < 200 {
		t.Fatalf("%s has %d messages, want at least 200", name, len(set))
	}
	conduct, class, kinds := evaluate(set)
	logMisses(t, name, set, conduct, class, kinds)
	for what, s := range map[string]scores{"conduct": conduct, "collection": *class[Collection], "notice": *class[Notice]} {
		if s.precision() < heldOutFloor || s.recall() < heldOutFloor {
			t.Errorf("held out, %s: precision %.3f, recall %.3f; below %.2f the lists are fitted to the development sets",
				what, s.precision(), s.recall(), heldOutFloor)
		}
	}
}

// BenchmarkLabelledSet reports the scores as metrics beside the speed of classifying the set.
func BenchmarkLabelledSet(b *testing.B) {
	set := readLabelled(b)
	var conduct scores
	var class map[string]*scores
	for b.Loop() {
		conduct, class, _ = evaluate(set)
	}
	b.ReportMetric(conduct.precision(), "conduct-P")
	b.ReportMetric(conduct.recall(), "conduct-R")
	b.ReportMetric(class[Collection].precision(), "collection-P")
	b.ReportMetric(class[Collection].recall(), "collection-R")
	b.ReportMetric(class[Notice].precision(), "notice-P")
	b.ReportMetric(class[Notice].recall(), "notice-R")
	b.ReportMetric(float64(len(set)), "messages")
}

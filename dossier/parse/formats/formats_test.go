package formats

import (
	"testing"

	"github.com/dossier-tool/dossier/dossier/parse"
)

func TestFallbackIsLastAndAcceptsAnything(t *testing.T) {
	ps := All()
	last := ps[len(ps)-1]
	for _, s := range []*parse.Sniff{{Name: "x.bin", MIME: "application/octet-stream"}, {Name: "", Head: nil}} {
		if !last.Detect(s) {
			t.Fatalf("the last parser (%s) refused %+v", last.Name(), s)
		}
	}
	seen := map[string]bool{}
	for _, p := range ps[:len(ps)-1] {
		if seen[p.Name()] {
			t.Fatalf("parser %s listed twice", p.Name())
		}
		seen[p.Name()] = true
		if p.Detect(&parse.Sniff{Name: "empty", MIME: "application/octet-stream"}) {
			t.Errorf("%s claims an empty file of unknown type; only the fallback may", p.Name())
		}
	}
}

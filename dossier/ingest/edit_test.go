package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/verify"
)

func TestSidecarMessages(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"bad kind", "title: 截图\nkind: screenshoot\n", `kind "screenshoot": use one of screenshot, photo, call-log, sms, chat`},
		{"unclosed list on line 3", "title: a\npurpose: b\nkind: [x\n", "line 3: did not find expected ',' or ']'"},
		{"unclosed list on line 1, found on the next", "kind: [x\ntitle: a\n", "line 2: did not find expected"},
		{"unknown key", "title: a\n\nkindd: screenshot\n", `line 3: unknown key "kindd": use title, purpose, source, time, kind, holder, holder_role`},
		{"list value", "\ufefftitle: a\ntime:\n  - 1\n", "line 3: time must be one piece of text"},
		{"key twice", "title: a\ntitle: b\n", "line 2: title is given twice (also line 1)"},
		{"bad time", "time: 昨天\n", `time "昨天": write it as 2025-01-28 23:32`},
		{"holder role", "holder_role: boss\n", `holder role "boss": use family or third-party`},
		{"not a map", "- a\n", "line 1: a sidecar is a list of keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, src := setup(t)
			p := filepath.Join(src, "shot.png")
			write(t, p, pngHeader)
			write(t, p+SidecarSuffix, tc.yaml)
			rep, err := Add(f, c, []string{p}, Options{Parsers: []parse.Parser{fallback{}}})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Added != 1 {
				t.Fatalf("the file must still go in: %+v", rep)
			}
			ws := strings.Join(rep.Results[0].Warnings, "\n")
			if !strings.Contains(ws, "shot.png.meta.yaml") || !strings.Contains(ws, tc.want) {
				t.Fatalf("warnings %q, want the sidecar named and %q", ws, tc.want)
			}
		})
	}
}

func TestEditInterruptedAfterCustodyIsCompleted(t *testing.T) {
	f, c, src := setup(t)
	p := filepath.Join(src, "a.txt")
	write(t, p, "NOTE hello")
	if _, err := Add(f, c, []string{p}, Options{Parsers: []parse.Parser{noteParser{}, fallback{}}}); err != nil {
		t.Fatal(err)
	}
	title := "新标题"
	// Simulate a crash after the custody line: put the old index back and leave a journal.
	old, err := os.ReadFile(f.IndexPath())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Edit(f, c, 1, EditOptions{Title: &title}); err != nil {
		t.Fatal(err)
	}
	items, _ := f.Items()
	os.WriteFile(f.IndexPath(), old, 0o644)
	os.WriteFile(filepath.Join(f.PendingDir(), "x.json"), []byte(`{"edit":"`+items[0].ID+`"}`), 0o644)
	r, err := verify.Case(f.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || !strings.Contains(strings.Join(r.Notes, " "), "interrupted") {
		t.Fatalf("an interrupted edit is a note, not a problem: %+v", r)
	}
	notes, err := f.Recover()
	if err != nil || !strings.Contains(strings.Join(notes, " "), "edit") {
		t.Fatalf("recover: %v %v", notes, err)
	}
	items, _ = f.Items()
	if items[0].Title != title {
		t.Fatalf("index not completed: %+v", items[0])
	}
	if r, _ := verify.Case(f.Dir); !r.OK() || len(r.Notes) != 0 {
		t.Fatalf("after recovery: %+v", r)
	}
}

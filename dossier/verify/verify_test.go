package verify

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// lines turns each line of a text file into an event, so items have events to tamper with.
type lines struct{}

func (lines) Name() string               { return "lines" }
func (lines) Detect(s *parse.Sniff) bool { return true }
func (lines) Parse(in *parse.Input) (*parse.Result, error) {
	b, _ := io.ReadAll(in.Reader())
	res := &parse.Result{Kind: parse.KindDocument}
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		res.Events = append(res.Events, event.Event{Time: time.Unix(1738000000+int64(i), 0), Channel: event.Note, Text: l})
	}
	return res, nil
}

// clean builds a case with three items, added in two adds (so the custody log has three lines).
func clean(t *testing.T) *casefolder.Folder {
	t.Helper()
	dir := t.TempDir()
	f, err := casefolder.Init(filepath.Join(dir, "case"), casefolder.InitOptions{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.Case()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	for name, content := range map[string]string{"a.txt": "one\ntwo", "b.txt": "three"} {
		os.WriteFile(filepath.Join(src, name), []byte(content), 0o644)
	}
	opt := ingest.Options{Parsers: []parse.Parser{lines{}}}
	if _, err := ingest.Add(f, c, []string{src}, opt); err != nil {
		t.Fatal(err)
	}
	third := filepath.Join(dir, "c.txt")
	os.WriteFile(third, []byte("four"), 0o644)
	if _, err := ingest.Add(f, c, []string{third}, opt); err != nil {
		t.Fatal(err)
	}
	return f
}

func objectOf(t *testing.T, f *casefolder.Folder, exhibit int) string {
	items, _ := f.Items()
	for _, it := range items {
		if it.Exhibit == exhibit {
			return f.Store.Path(it.SHA256)
		}
	}
	t.Fatalf("no exhibit %d", exhibit)
	return ""
}

func editFile(t *testing.T, path string, edit func([]byte) []byte) {
	t.Helper()
	os.Chmod(path, 0o644)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, edit(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceByLink moves a file aside, edited, and puts a symbolic link to it in its place.
func replaceByLink(t *testing.T, path string, edit func([]byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	aside := filepath.Join(t.TempDir(), "aside")
	if err := os.WriteFile(aside, edit(b), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(aside, path); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
}

func TestCleanCase(t *testing.T) {
	f := clean(t)
	r, err := Case(f.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Items != 3 {
		t.Fatalf("clean case: %+v", r)
	}
	var out bytes.Buffer
	r.WriteText(&out, "zh")
	if !strings.Contains(out.String(), "未发现任何改动") {
		t.Fatalf("summary: %s", out.String())
	}
}

func TestCorruptedCases(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(t *testing.T, f *casefolder.Folder)
		kind    string
		exhibit int
	}{
		{"altered object: one byte flipped", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, objectOf(t, f, 2), func(b []byte) []byte { b[0] ^= 1; return b })
		}, Altered, 2},
		{"altered object: truncated", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, objectOf(t, f, 1), func(b []byte) []byte { return b[:len(b)-1] })
		}, Altered, 1},
		{"missing object", func(t *testing.T, f *casefolder.Folder) {
			os.Remove(objectOf(t, f, 3))
		}, Missing, 3},
		{"extra object", func(t *testing.T, f *casefolder.Folder) {
			p := f.Store.Path(strings.Repeat("ab", 32))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte("planted"), 0o444)
		}, Extra, 0},
		{"edited index: name changed", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, f.IndexPath(), func(b []byte) []byte { return bytes.Replace(b, []byte(`"name":"b.txt"`), []byte(`"name":"x.txt"`), 1) })
		}, IndexEdited, 2},
		{"edited index: line removed", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, f.IndexPath(), func(b []byte) []byte {
				ls := bytes.SplitAfter(b, []byte("\n"))
				return bytes.Join(append(ls[:1], ls[2:]...), nil)
			})
		}, IndexEdited, 2},
		{"broken custody chain: middle entry edited", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, f.CustodyPath(), func(b []byte) []byte { return bytes.Replace(b, []byte(`"name":"a.txt"`), []byte(`"name":"z.txt"`), 1) })
		}, CustodyBroken, 3},
		{"broken custody chain: last entry edited", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, f.CustodyPath(), func(b []byte) []byte { return bytes.Replace(b, []byte(`"name":"c.txt"`), []byte(`"name":"y.txt"`), 1) })
		}, CustodyBroken, 0},
		{"broken custody chain: entry deleted", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, f.CustodyPath(), func(b []byte) []byte {
				ls := bytes.SplitAfter(b, []byte("\n"))
				return bytes.Join(append(ls[:1], ls[2:]...), nil)
			})
		}, CustodyBroken, 3},
		{"extracted events edited", func(t *testing.T, f *casefolder.Folder) {
			items, _ := f.Items()
			editFile(t, f.EventsPath(items[0].ID), func(b []byte) []byte { return bytes.Replace(b, []byte("one"), []byte("0ne"), 1) })
		}, EventsAltered, 1},
		{"extracted events removed", func(t *testing.T, f *casefolder.Folder) {
			items, _ := f.Items()
			os.Remove(f.EventsPath(items[0].ID))
		}, Missing, 1},
		// Links and folders are not in the store's listing, which verify hashes first: they are
		// still followed and hashed, or reported unreadable.
		{"extracted events replaced by a link to an edited copy", func(t *testing.T, f *casefolder.Folder) {
			items, _ := f.Items()
			replaceByLink(t, f.EventsPath(items[0].ID), func(b []byte) []byte { return bytes.Replace(b, []byte("one"), []byte("0ne"), 1) })
		}, EventsAltered, 1},
		{"original replaced by a link to an edited copy", func(t *testing.T, f *casefolder.Folder) {
			replaceByLink(t, objectOf(t, f, 2), func(b []byte) []byte { return append(b, '!') })
		}, Altered, 2},
		{"original replaced by a folder", func(t *testing.T, f *casefolder.Folder) {
			p := objectOf(t, f, 3)
			os.Remove(p)
			os.Mkdir(p, 0o755)
		}, Missing, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := clean(t)
			tt.corrupt(t, f)
			r, err := Case(f.Dir)
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, p := range r.Problems {
				if p.Kind == tt.kind && (tt.exhibit == 0 || p.Exhibit == tt.exhibit) {
					found = true
				}
			}
			if !found {
				t.Fatalf("want a %s problem for exhibit %d, got %+v", tt.kind, tt.exhibit, r.Problems)
			}
			var out bytes.Buffer
			r.WriteText(&out, "en")
			if !strings.Contains(out.String(), "problem(s) found") {
				t.Fatalf("summary: %s", out.String())
			}
			if tt.exhibit > 0 && !strings.Contains(out.String(), "Exhibit "+string(rune('0'+tt.exhibit))) {
				t.Fatalf("summary does not name the exhibit: %s", out.String())
			}
		})
	}
}

func TestEveryProblemIsListed(t *testing.T) {
	f := clean(t)
	editFile(t, objectOf(t, f, 1), func(b []byte) []byte { b[0] ^= 1; return b })
	os.Remove(objectOf(t, f, 2))
	r, _ := Case(f.Dir)
	if len(r.Problems) != 2 || r.Problems[0].Exhibit != 1 || r.Problems[1].Exhibit != 2 {
		t.Fatalf("problems %+v", r.Problems)
	}
	if r.Problems[0].Expected == "" || r.Problems[0].Actual == "" || r.Problems[0].Expected == r.Problems[0].Actual {
		t.Fatalf("altered problem lacks digests: %+v", r.Problems[0])
	}
}

func TestInterruptedAddIsANote(t *testing.T) {
	f := clean(t)
	var b casefolder.Batch
	st, _ := f.Store.Stage(strings.NewReader("half-added"))
	b.Objects = append(b.Objects, st)
	// A journal naming an object moved into the store, then the crash.
	os.WriteFile(filepath.Join(f.PendingDir(), "x.json"), []byte(`{"items":["lost"],"objects":["`+st.SHA256+`"]}`), 0o644)
	f.Store.Commit(b.Objects)
	r, _ := Case(f.Dir)
	if !r.OK() || len(r.Notes) == 0 {
		t.Fatalf("interrupted add: %+v", r)
	}
}

// A case.yaml the user broke is not a changed case: no digest covers it, so verify cannot judge
// and says why, naming the file and line, instead of reporting tampering.
func TestUnreadableCaseYAMLIsAnError(t *testing.T) {
	for _, tc := range []struct{ name, yaml string }{
		{"duplicate key", "title: t\nlanguage: zh\nlanguage: fr\n"},
		{"syntax error", "title: [unclosed\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := clean(t)
			os.WriteFile(f.CaseYAML(), []byte(tc.yaml), 0o644)
			r, err := Case(f.Dir)
			if err == nil {
				t.Fatalf("no error; report %+v", r)
			}
			if !strings.Contains(err.Error(), "case.yaml") || !strings.Contains(err.Error(), "line") {
				t.Fatalf("error does not name the file and line: %v", err)
			}
		})
	}
}

// A record written by another version of dossier may hold a field this one does not know; its
// index line is still that record, byte for byte, and not a rewrite of it.
func TestRecordsWithUnknownFieldsAreNotRewrites(t *testing.T) {
	f := clean(t)
	addField := func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte(`"name":"`), []byte(`"retention":"10y","name":"`))
	}
	rechain(t, f, addField)
	editFile(t, f.IndexPath(), addField)
	r, err := Case(f.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Items != 3 {
		t.Fatalf("want a clean case of 3 items, got %d items and %+v", r.Items, r.Problems)
	}
}

package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// noteTime is the time the note parser gives the message its attachments came in.
var noteTime = time.Date(2025, 4, 13, 12, 0, 0, 0, time.UTC)

// noteParser reads "NOTE <text>" files: one event per line; lines "PANIC" and "FAIL" misbehave.
type noteParser struct{}

func (noteParser) Name() string { return "note" }
func (noteParser) Detect(s *parse.Sniff) bool {
	return bytes.HasPrefix(s.Head, []byte("NOTE")) || bytes.HasPrefix(s.Head, []byte("PANIC")) || bytes.HasPrefix(s.Head, []byte("FAIL"))
}
func (noteParser) Parse(in *parse.Input) (*parse.Result, error) {
	b, _ := io.ReadAll(in.Reader())
	s := string(b)
	switch {
	case strings.HasPrefix(s, "PANIC"):
		panic("boom")
	case strings.HasPrefix(s, "FAIL"):
		return nil, errors.New("line 1: broken")
	}
	res := &parse.Result{Kind: parse.KindChat, Summary: parse.Summarize("messages", 0)}
	for i, line := range strings.Split(strings.TrimSpace(s), "\n") {
		text := strings.TrimPrefix(line, "NOTE ")
		if strings.HasPrefix(text, "ATTACH ") && in.Derive != nil {
			d, err := in.Derive(parse.Embedded{Name: "../../" + strings.TrimPrefix(text, "ATTACH "), MessageTime: noteTime}, strings.NewReader("attached "+text))
			if err != nil {
				return nil, err
			}
			text = "attachment " + d.Name
		}
		res.Events = append(res.Events, event.Event{Time: time.Unix(1738000000+int64(i), 0), Channel: event.Chat, Text: text,
			Counterpart: "wxid_x", TimeSource: event.TimeFromContent})
	}
	if in.Transcript != "" {
		res.Events[0].Text = in.Transcript
	}
	res.Summary = parse.Summarize("messages", len(res.Events))
	return res, nil
}

// fallback accepts anything, as the document parser does.
type fallback struct{}

func (fallback) Name() string               { return "document" }
func (fallback) Detect(s *parse.Sniff) bool { return true }
func (fallback) Parse(in *parse.Input) (*parse.Result, error) {
	return &parse.Result{Kind: parse.KindDocument, Warnings: []parse.Warning{{What: "no parser for " + in.MIME}}}, nil
}

func setup(t *testing.T) (*casefolder.Folder, *caseconf.Case, string) {
	t.Helper()
	dir := t.TempDir()
	f, err := casefolder.Init(filepath.Join(dir, "case"), casefolder.InitOptions{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.Case()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	return f, c, src
}

func write(t *testing.T, path, content string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

var pngHeader = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

func TestAdd(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		opt    Describe
		check  func(t *testing.T, rep *Report, f *casefolder.Folder)
		params []string // paths relative to src; default: the folder
	}{
		{name: "parsed with events", files: map[string]string{"a.txt": "NOTE one\nNOTE two"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				it := only(t, f)
				if it.Kind != parse.KindChat || it.Events != 2 || it.Parser != "note" || it.Exhibit != 1 {
					t.Fatalf("item %+v", it)
				}
				// The summary is stored as a code, worded in the case language when shown, and
				// in English for readers that predate codes.
				if it.SummaryCode == nil || it.SummaryText("zh") != "聊天消息 2 条" || it.SummaryText("en") != "2 messages" || it.Summary != "2 messages" {
					t.Errorf("summary %q, code %+v", it.Summary, it.SummaryCode)
				}
				if got := rep.Results[0].SummaryText("zh"); got != "聊天消息 2 条" {
					t.Errorf("add says %q", got)
				}
			}},
		{name: "unknown file kept as document with warning", files: map[string]string{"blob.bin": "\x00\x01\x02"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				it := only(t, f)
				if it.Kind != parse.KindDocument || len(it.Warnings) != 1 || !strings.Contains(it.Warnings[0], "blob.bin") {
					t.Fatalf("item %+v", it)
				}
			}},
		{name: "parser error falls back with the reason", files: map[string]string{"bad.txt": "FAIL"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				it := only(t, f)
				if it.Kind != parse.KindDocument || !strings.Contains(strings.Join(it.Warnings, "|"), "line 1: broken") {
					t.Fatalf("item %+v", it)
				}
			}},
		{name: "parser panic is contained", files: map[string]string{"p.txt": "PANIC"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				it := only(t, f)
				if it.Kind != parse.KindDocument || !strings.Contains(strings.Join(it.Warnings, "|"), "failed on this file") {
					t.Fatalf("item %+v", it)
				}
			}},
		{name: "same bytes twice stay one item", files: map[string]string{"a.txt": "NOTE x", "b/copy.txt": "NOTE x"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				only(t, f)
				if rep.Dups != 1 || rep.Results[1].DuplicateOf != 1 {
					t.Fatalf("report %+v", rep)
				}
			}},
		{name: "flags describe items and sidecar overrides", opt: Describe{Title: "flag title", Source: "手机", Holder: "李四", HolderRole: HolderFamily},
			files: map[string]string{"a.txt": "NOTE x", "a.txt.meta.yaml": "title: 侧车标题\npurpose: 证明夜间催收\nkind: agreement\n"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				it := only(t, f)
				if it.Title != "侧车标题" || it.Purpose != "证明夜间催收" || it.Source != "手机" || it.Kind != parse.KindAgreement ||
					it.Holder != "李四" || it.HolderRole != HolderFamily {
					t.Fatalf("item %+v", it)
				}
			}},
		{name: "user time overrides a single-moment item", opt: Describe{Time: "2025-01-28 23:32"},
			files: map[string]string{"x.bin": "\x00binary"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				it := only(t, f)
				if it.Time == nil || it.TimeSource != event.TimeFromUser || it.Time.UTC().Format(time.RFC3339) != "2025-01-28T15:32:00Z" {
					t.Fatalf("item time %v %s", it.Time, it.TimeSource)
				}
				evs, _ := f.Events(&it)
				if len(evs) != 1 || evs[0].Channel != event.Note {
					t.Fatalf("events %+v", evs)
				}
			}},
		{name: "embedded files become linked items with safe names", files: map[string]string{"m.txt": "NOTE ATTACH evil.png"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				items, _ := f.Items()
				if len(items) != 2 || items[1].DerivedFrom != items[0].ID || items[1].Kind != parse.KindAttachment || items[0].Exhibit != 1 {
					t.Fatalf("items %+v", items)
				}
				if items[1].Name != "evil.png" {
					t.Fatalf("derived name %q", items[1].Name)
				}
				if items[1].Time == nil || !items[1].Time.Equal(noteTime) || items[1].TimeSource != event.TimeFromMessage {
					t.Fatalf("an attachment nothing dates takes its message's time: %v %q", items[1].Time, items[1].TimeSource)
				}
			}},
		{name: "transcript travels with its recording", files: map[string]string{"call.mp3": "NOTE rec", "call.txt": "对方：请按时还款"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				items, _ := f.Items()
				if len(items) != 2 || items[1].Kind != parse.KindTranscript || items[1].DerivedFrom != items[0].ID {
					t.Fatalf("items %+v", items)
				}
				evs, _ := f.Events(&items[0])
				if evs[0].Text != "对方：请按时还款" {
					t.Fatalf("transcript not in event: %+v", evs)
				}
			}},
		{name: "extension disagreeing with content is said", files: map[string]string{"photo.jpg": pngHeader},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				it := only(t, f)
				if !strings.Contains(strings.Join(it.Warnings, "|"), "image/png (.png) but the name says .jpg") {
					t.Fatalf("warnings %v", it.Warnings)
				}
			}},
		{name: "system files skipped", files: map[string]string{".DS_Store": "x", "a.txt": "NOTE a"},
			check: func(t *testing.T, rep *Report, f *casefolder.Folder) {
				only(t, f)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, src := setup(t)
			for name, content := range tt.files {
				write(t, filepath.Join(src, name), content)
			}
			paths := []string{src}
			rep, err := Add(f, c, paths, Options{Describe: tt.opt, Parsers: []parse.Parser{noteParser{}, fallback{}}})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, rep, f)
		})
	}
}

func only(t *testing.T, f *casefolder.Folder) evidence.Item {
	t.Helper()
	items, err := f.Items()
	if err != nil || len(items) != 1 {
		t.Fatalf("want one item, got %d (%v): %+v", len(items), err, items)
	}
	return items[0]
}

func TestAddPathErrorsAreLocal(t *testing.T) {
	f, c, src := setup(t)
	write(t, filepath.Join(src, "good.txt"), "NOTE ok")
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret.txt"), "NOTE secret")
	os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(src, "link.txt"))
	os.Symlink(src, filepath.Join(src, "loop"))
	if err := syscall.Mkfifo(filepath.Join(src, "pipe"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	rep, err := Add(f, c, []string{src, filepath.Join(src, "missing.txt")}, Options{Parsers: []parse.Parser{noteParser{}, fallback{}}})
	if err != nil {
		t.Fatal(err)
	}
	items, _ := f.Items()
	if len(items) != 1 || items[0].Name != "good.txt" {
		t.Fatalf("items %+v", items)
	}
	var skipped, skippedZH, failed []string
	for _, r := range rep.Results {
		if r.Skipped != "" {
			skipped = append(skipped, filepath.Base(r.Path)+": "+r.Skipped)
			skippedZH = append(skippedZH, filepath.Base(r.Path)+": "+r.SkippedText("zh"))
		}
		if r.Err != "" {
			failed = append(failed, filepath.Base(r.Path)+": "+r.Err)
		}
	}
	all := strings.Join(skipped, "\n")
	for _, want := range []string{"link.txt: symbolic link", "loop: symbolic link", "pipe: not a regular file (a named pipe)"} {
		if !strings.Contains(all, want) {
			t.Errorf("skips %q lack %q", all, want)
		}
	}
	// A Chinese case says why in Chinese.
	allZH := strings.Join(skippedZH, "\n")
	for _, want := range []string{"link.txt: 文件夹中的符号链接，不跟随", "pipe: 不是普通文件（命名管道），已跳过"} {
		if !strings.Contains(allZH, want) {
			t.Errorf("skips %q lack %q", allZH, want)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "missing.txt: no such file") {
		t.Errorf("failures %v", failed)
	}
}

func TestAddNothing(t *testing.T) {
	f, c, src := setup(t)
	_, err := Add(f, c, []string{src}, Options{})
	if !errors.Is(err, ErrNothing) {
		t.Fatalf("empty folder: %v", err)
	}
}

func TestExhibitsFollowPathOrder(t *testing.T) {
	f, c, src := setup(t)
	for i, n := range []string{"c.txt", "a.txt", "b/z.txt", "b/a.txt"} {
		write(t, filepath.Join(src, n), "NOTE "+strings.Repeat("x", i+1))
	}
	if _, err := Add(f, c, []string{src}, Options{Parsers: []parse.Parser{noteParser{}, fallback{}}, BatchItems: 2}); err != nil {
		t.Fatal(err)
	}
	items, _ := f.Items()
	var names []string
	for _, it := range items {
		names = append(names, it.Name)
	}
	if strings.Join(names, ",") != "a.txt,a.txt,z.txt,c.txt" {
		t.Fatalf("order %v", names)
	}
	lines, _ := f.Custody()
	if len(lines) != 3 { // init + two batches of two
		t.Fatalf("custody lines %d, want 3", len(lines))
	}
}

// Added is told of every item an add put in the case, as it is recorded, in exhibit order, once:
// not of a file already in the case.
func TestAddedIsToldOfEveryItemRecorded(t *testing.T) {
	f, c, src := setup(t)
	for i := 1; i <= 5; i++ {
		write(t, filepath.Join(src, fmt.Sprintf("%02d.txt", i)), fmt.Sprintf("NOTE %d", i))
	}
	write(t, filepath.Join(src, "06.txt"), "NOTE 2") // the same bytes as 02.txt
	var told []evidence.Item
	opt := Options{Parsers: []parse.Parser{noteParser{}, fallback{}}, BatchItems: 2, Added: func(it evidence.Item) { told = append(told, it) }}
	if _, err := Add(f, c, []string{src}, opt); err != nil {
		t.Fatal(err)
	}
	items, _ := f.Items()
	if len(items) != 5 || len(told) != len(items) {
		t.Fatalf("told of %d items, %d in the case; want 5 and 5", len(told), len(items))
	}
	for i := range items {
		a, _ := json.Marshal(told[i])
		b, _ := json.Marshal(items[i])
		if string(a) != string(b) {
			t.Errorf("item %d: told\n%s\nindexed\n%s", i+1, a, b)
		}
	}
	told = nil
	if _, err := Add(f, c, []string{src}, opt); err != nil || len(told) != 0 {
		t.Fatalf("adding the same files again: told of %d items (%v), want none", len(told), err)
	}
}

// sabotage is a parser that, on the file named "06.txt", removes the case's custody head, so that
// the next commit refuses the damaged case. A folder takes its place, so that a commit already
// under way when the file goes cannot write the head back (the test removes it after the add).
type sabotage struct{ f *casefolder.Folder }

func (sabotage) Name() string               { return "sabotage" }
func (sabotage) Detect(s *parse.Sniff) bool { return true }
func (p sabotage) Parse(in *parse.Input) (*parse.Result, error) {
	if in.Name == "06.txt" {
		head := filepath.Join(p.f.Dir, casefolder.StoreDir, "custody.head")
		os.Remove(head)
		os.Mkdir(head, 0o755)
	}
	return &parse.Result{Kind: parse.KindDocument, Summary: parse.Summarize("email")}, nil
}

// Batches are committed while the next one is copied and parsed, still one at a time and in
// order: when a commit fails, the add stops with its error, nothing is left being written into
// the case, no later batch is committed, and once the next writer has recovered the case holds
// the first files in order, each with its object, and nothing else.
func TestFailedCommitEndsTheAdd(t *testing.T) {
	f, c, src := setup(t)
	for i := 1; i <= 9; i++ {
		write(t, filepath.Join(src, fmt.Sprintf("%02d.txt", i)), fmt.Sprintf("file %d", i))
	}
	var told []string
	_, err := Add(f, c, []string{src}, Options{Parsers: []parse.Parser{sabotage{f}}, BatchItems: 2,
		Added: func(it evidence.Item) { told = append(told, it.Name) }})
	if !errors.Is(err, casefolder.ErrDamaged) && (err == nil || !strings.Contains(err.Error(), "custody.head")) {
		t.Fatalf("add into a case whose head went missing: %v, want the commit refused", err)
	}
	if left, _ := os.ReadDir(f.Path("tmp")); len(left) != 0 {
		t.Errorf("%d staged files left in tmp/ after the add returned", len(left))
	}
	os.Remove(filepath.Join(f.Dir, casefolder.StoreDir, "custody.head"))
	// A commit the damage interrupted midway left its journal: the next writer rolls it back.
	if _, err := f.Recover(); err != nil {
		t.Fatal(err)
	}
	items, err := f.Items()
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 && len(items) != 4 {
		t.Fatalf("%d items committed, want the two or four before the damage", len(items))
	}
	for i, it := range items {
		if want := fmt.Sprintf("%02d.txt", i+1); it.Name != want || it.Exhibit != i+1 {
			t.Errorf("item %d is %s, exhibit %d; want %s, exhibit %d", i, it.Name, it.Exhibit, want, i+1)
		}
	}
	// Added is told only of batches committed before the add failed.
	if len(told) > len(items) {
		t.Errorf("told of %d items added, but %d are in the case", len(told), len(items))
	}
	for i, name := range told {
		if i < len(items) && items[i].Name != name {
			t.Errorf("told of %s as the %d. item added, but the case has %s", name, i+1, items[i].Name)
		}
	}
	objs, err := f.Store.List()
	if err != nil || len(objs) != len(items) {
		t.Errorf("%d objects in the store (%v), want one per committed item (%d)", len(objs), err, len(items))
	}
	if left, _ := os.ReadDir(f.PendingDir()); len(left) != 0 {
		t.Errorf("%d journals left in pending/ after recovery", len(left))
	}
}

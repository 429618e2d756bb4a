package casefolder

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

func newCase(t *testing.T) *Folder {
	t.Helper()
	f, err := Init(filepath.Join(t.TempDir(), "case"), InitOptions{Title: "测试", Now: time.Date(2025, 4, 15, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// stageItem stages one object and its events into b.
func stageItem(t *testing.T, f *Folder, b *Batch, exhibit int, content string) evidence.Item {
	t.Helper()
	st, err := f.Store.Stage(strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	it := evidence.Item{Exhibit: exhibit, ID: "id-" + content, SHA256: st.SHA256, Name: content + ".txt", Size: st.Size, Kind: "document"}
	sum, err := f.StageEvents(b, it.ID, []event.Event{{Time: time.Unix(1738000000, 0).UTC(), Channel: event.Note, Text: content}})
	if err != nil {
		t.Fatal(err)
	}
	it.EventsSHA256, it.Events = sum, 1
	b.Objects = append(b.Objects, st)
	b.Items = append(b.Items, it)
	return it
}

func TestInitRefusesExistingCase(t *testing.T) {
	f := newCase(t)
	before, _ := os.ReadFile(f.CaseYAML())
	_, err := Init(f.Dir, InitOptions{Title: "another"})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("second init: %v, want ErrExists", err)
	}
	after, _ := os.ReadFile(f.CaseYAML())
	if string(before) != string(after) {
		t.Fatal("second init changed case.yaml")
	}
}

func TestOpenNoCase(t *testing.T) {
	_, err := Open(t.TempDir())
	if !errors.Is(err, ErrNoCase) {
		t.Fatalf("open empty folder: %v", err)
	}
}

func TestCommitAndRead(t *testing.T) {
	f := newCase(t)
	var b Batch
	a := stageItem(t, f, &b, 1, "alpha")
	stageItem(t, f, &b, 2, "beta")
	if err := f.Commit(&b, time.Now()); err != nil {
		t.Fatal(err)
	}
	items, err := f.Items()
	if err != nil || len(items) != 2 || items[0].ID != a.ID {
		t.Fatalf("items %v %v", items, err)
	}
	info, err := os.Stat(f.Store.Path(a.SHA256))
	if err != nil || info.Mode().Perm()&0o222 != 0 {
		t.Fatalf("object not stored read-only: %v %v", info, err)
	}
	evs, err := f.Events(&items[0])
	if err != nil || len(evs) != 1 || evs[0].Text != "alpha" {
		t.Fatalf("events %v %v", evs, err)
	}
	lines, _ := f.Custody()
	if len(lines) != 2 || lines[1].Action != "add" || len(lines[1].Items) != 2 || lines[1].Prev == ZeroHash {
		t.Fatalf("custody %+v", lines)
	}
	entries, _ := os.ReadDir(f.PendingDir())
	if len(entries) != 0 {
		t.Fatalf("journal left behind: %v", entries)
	}
}

// The recovery cases simulate a crash at each step of Commit.
func TestRecover(t *testing.T) {
	tests := []struct {
		name      string
		crash     func(t *testing.T, f *Folder, b *Batch)
		wantItems int
	}{
		{"after staging", func(t *testing.T, f *Folder, b *Batch) {}, 0},
		{"after journal and objects moved", func(t *testing.T, f *Folder, b *Batch) {
			writeJournal(t, f, b)
			if err := f.Store.Commit(b.Objects); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"after custody, before index", func(t *testing.T, f *Folder, b *Batch) {
			writeJournal(t, f, b)
			if err := f.Store.Commit(b.Objects); err != nil {
				t.Fatal(err)
			}
			if err := f.appendCustody(&CustodyLine{Time: time.Now(), Action: "add", Items: b.Items}); err != nil {
				t.Fatal(err)
			}
		}, 2},
		{"torn custody line", func(t *testing.T, f *Folder, b *Batch) {
			writeJournal(t, f, b)
			if err := f.Store.Commit(b.Objects); err != nil {
				t.Fatal(err)
			}
			fh, _ := os.OpenFile(f.CustodyPath(), os.O_APPEND|os.O_WRONLY, 0)
			fh.WriteString(`{"seq":2,"time":"2025-`)
			fh.Close()
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCase(t)
			var b Batch
			stageItem(t, f, &b, 1, "alpha")
			stageItem(t, f, &b, 2, "beta")
			tt.crash(t, f, &b)
			notes, err := f.Recover()
			if err != nil {
				t.Fatal(err)
			}
			items, _ := f.Items()
			if len(items) != tt.wantItems {
				t.Fatalf("after recovery %d items, want %d (notes %v)", len(items), tt.wantItems, notes)
			}
			objs, _ := f.Store.List()
			if len(objs) != tt.wantItems {
				t.Fatalf("after recovery %d objects, want %d", len(objs), tt.wantItems)
			}
			tmp, _ := os.ReadDir(f.Path("tmp"))
			pending, _ := os.ReadDir(f.PendingDir())
			if len(tmp) != 0 || len(pending) != 0 {
				t.Fatalf("debris left: tmp %v pending %v", tmp, pending)
			}
			seq, hash, err := f.Head()
			lines, _ := f.Custody()
			if err != nil || seq != len(lines) || hash == "" {
				t.Fatalf("head %d %s %v after recovery, %d lines", seq, hash, err, len(lines))
			}
		})
	}
}

func writeJournal(t *testing.T, f *Folder, b *Batch) {
	t.Helper()
	j := journal{}
	for _, it := range b.Items {
		j.Items = append(j.Items, it.ID)
	}
	for _, st := range b.Objects {
		j.Objects = append(j.Objects, st.SHA256)
	}
	data, _ := json.Marshal(j)
	if err := os.WriteFile(filepath.Join(f.PendingDir(), "crash.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLockWaitsAndTimesOut(t *testing.T) {
	f := newCase(t)
	unlock, err := f.Lock(context.Background(), time.Second, "dossier add one", nil)
	if err != nil {
		t.Fatal(err)
	}
	var told atomic.Value
	done := make(chan error, 1)
	go func() {
		u, err := f.Lock(context.Background(), 5*time.Second, "dossier add two", func(h string) { told.Store(h) })
		if err == nil {
			u()
		}
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	unlock()
	if err := <-done; err != nil {
		t.Fatalf("second lock after release: %v", err)
	}
	if h, _ := told.Load().(string); !strings.Contains(h, "dossier add one") {
		t.Fatalf("waiting message named %q, want the holder's command", h)
	}

	unlock, _ = f.Lock(context.Background(), time.Second, "holder", nil)
	defer unlock()
	_, err = f.Lock(context.Background(), 200*time.Millisecond, "late", nil)
	if !errors.Is(err, ErrLockTimeout) {
		t.Fatalf("timeout: %v", err)
	}
}

func TestMissingHeadIsNotRebuilt(t *testing.T) {
	f := newCase(t)
	os.Remove(f.Path(headFile))
	if _, err := f.Recover(); err != nil {
		t.Fatal(err)
	}
	var b Batch
	stageItem(t, f, &b, 1, "alpha")
	if _, _, err := f.Head(); err == nil {
		t.Fatal("recovery rebuilt a deleted custody head")
	}
	if err := f.Commit(&b, time.Now()); !errors.Is(err, ErrDamaged) {
		t.Fatalf("commit with no head: %v, want ErrDamaged", err)
	}
	if objs, _ := f.Store.List(); len(objs) != 0 {
		t.Fatalf("a refused commit moved objects into the store: %v", objs)
	}
}

// The index is decoded in chunks on every core; what Items returns must not depend on where a
// chunk ends: every readable line, in exhibit order, equal exhibits in the order of the index.
func TestItemsReadsEveryLineAcrossChunks(t *testing.T) {
	for _, n := range []int{0, 1, itemsChunk - 1, itemsChunk, itemsChunk + 1, 2*itemsChunk + 7} {
		t.Run(fmt.Sprint(n, " lines"), func(t *testing.T) {
			f := newCase(t)
			var index []byte
			var want []evidence.Item
			for i := range n {
				var line []byte
				switch {
				case i%97 == 5:
					line = []byte(`{"exhibit":`) // cut short
				case i%89 == 3:
					line = []byte("  ")
				default:
					// Exhibits repeat (i*7919 mod n/3) so both the sort and its stability show.
					it := evidence.Item{Exhibit: i * 7919 % max(n/3, 1), ID: fmt.Sprint("item-", i)}
					line, _ = json.Marshal(it)
					want = append(want, it)
				}
				index = append(append(index, line...), '\n')
			}
			sort.SliceStable(want, func(i, j int) bool { return want[i].Exhibit < want[j].Exhibit })
			if err := os.WriteFile(f.IndexPath(), index, 0o644); err != nil {
				t.Fatal(err)
			}
			items, err := f.Items()
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != len(want) {
				t.Fatalf("got %d items, want %d", len(items), len(want))
			}
			for i := range want {
				if items[i].ID != want[i].ID || items[i].Exhibit != want[i].Exhibit {
					t.Fatalf("item %d: got %s (exhibit %d), want %s (exhibit %d)", i, items[i].ID, items[i].Exhibit, want[i].ID, want[i].Exhibit)
				}
			}
		})
	}
}

// A crash between appending a custody line and moving the head leaves the head on the line
// before the last; the next writer moves it. Any other disagreement is left for verify.
func TestRecoverMovesTheHeadACrashLeftBehind(t *testing.T) {
	tests := []struct {
		name      string
		head      func(lines [][]byte) string // the head as the crash or the edit left it
		lastLine  func([]byte) []byte         // the last custody line as it is left
		wantMoved bool
	}{
		{"one line behind: the crash", func(ls [][]byte) string { return fmt.Sprintf("%d %s\n", len(ls)-1, Hash(ls[len(ls)-2])) }, nil, true},
		{"two lines behind: not a crash", func(ls [][]byte) string { return fmt.Sprintf("%d %s\n", len(ls)-2, Hash(ls[len(ls)-3])) }, nil, false},
		{"one line behind with another hash: an edit", func(ls [][]byte) string { return fmt.Sprintf("%d %s\n", len(ls)-1, strings.Repeat("0", 64)) }, nil, false},
		{"last line does not parse", func(ls [][]byte) string { return fmt.Sprintf("%d %s\n", len(ls)-1, Hash(ls[len(ls)-2])) },
			func(b []byte) []byte { return b[:len(b)/2] }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCase(t)
			for i, content := range []string{"alpha", "beta"} {
				var b Batch
				stageItem(t, f, &b, i+1, content)
				if err := f.Commit(&b, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			raw, err := os.ReadFile(f.CustodyPath())
			if err != nil {
				t.Fatal(err)
			}
			lines := bytes.Split(bytes.TrimSuffix(raw, []byte("\n")), []byte("\n"))
			if tt.lastLine != nil {
				lines[len(lines)-1] = tt.lastLine(lines[len(lines)-1])
				os.WriteFile(f.CustodyPath(), append(bytes.Join(lines, []byte("\n")), '\n'), 0o644)
			}
			left := tt.head(lines)
			os.WriteFile(f.Path("custody.head"), []byte(left), 0o644)
			if _, err := f.Recover(); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(f.Path("custody.head"))
			moved := fmt.Sprintf("%d %s\n", len(lines), Hash(lines[len(lines)-1]))
			switch {
			case tt.wantMoved && string(got) != moved:
				t.Fatalf("head %q, want it moved to the last line: %q", got, moved)
			case !tt.wantMoved && string(got) != left:
				t.Fatalf("head %q, want it left as %q", got, left)
			}
		})
	}
}

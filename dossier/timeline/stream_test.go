package timeline

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

// streamCase writes the events of items as a case stores them, one file per item; items whose
// exhibit is a multiple of loadEvery are instead read whole through Load, as OCR-read screenshots
// are.
func streamCase(t testing.TB, perItem map[int][]event.Event, loadEvery int) ([]evidence.Item, Source, Loader) {
	t.Helper()
	dir := t.TempDir()
	var items []evidence.Item
	for ex := 1; ex <= len(perItem); ex++ {
		it := evidence.Item{Exhibit: ex, ID: fmt.Sprintf("item-%d", ex), Events: len(perItem[ex])}
		if ex%3 == 0 {
			it.Holder, it.HolderRole = "李四", "family"
		}
		var b strings.Builder
		for _, e := range perItem[ex] {
			line, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(line)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, it.ID+".jsonl"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	load := func(it *evidence.Item) ([]event.Event, error) {
		var out []event.Event
		for _, e := range perItem[it.Exhibit] {
			// Through JSON, as the file path decodes them, so both see the same values.
			b, _ := json.Marshal(e)
			var d event.Event
			if err := json.Unmarshal(b, &d); err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	}
	src := Source{Load: load, File: func(it *evidence.Item) string {
		if loadEvery > 0 && it.Exhibit%loadEvery == 0 {
			return ""
		}
		return filepath.Join(dir, it.ID+".jsonl")
	}}
	return items, src, load
}

// randomExports is events as real cases hold them: several exports of calls and messages from a
// few numbers, some in time order and some not, a share present in two exports (folded), many at
// the same second, a few without a time and non-copied events (screenshots) close to others.
func randomExports(seed uint64, items, perItem int) map[int][]event.Event {
	r := rand.New(rand.NewPCG(seed, seed))
	numbers := []string{"15900001111", "17700002222", "95188", ""}
	base := time.Date(2025, 1, 20, 8, 0, 0, 0, time.UTC)
	out := map[int][]event.Event{}
	for ex := 1; ex <= items; ex++ {
		n := r.IntN(perItem + 1)
		t := base
		for range n {
			t = t.Add(time.Duration(r.IntN(4)) * time.Second / 2)
			d := int64(r.IntN(3))
			e := event.Event{Time: t, Channel: event.Call, Direction: event.In, Status: event.StatusAnswered,
				Counterpart: numbers[r.IntN(len(numbers))], Duration: &d}
			switch r.IntN(6) {
			case 0:
				e.Channel, e.Status, e.Duration, e.Text = event.SMS, event.StatusReceived, nil, "请尽快还款"
			case 1:
				e.Channel, e.Duration = event.Screenshot, nil
			case 2:
				e.Time = time.Time{}
			}
			out[ex] = append(out[ex], e)
		}
		if r.IntN(2) == 0 {
			r.Shuffle(len(out[ex]), func(i, j int) { out[ex][i], out[ex][j] = out[ex][j], out[ex][i] })
		}
	}
	return out
}

func TestMergedMatchesBuild(t *testing.T) {
	c := testCase(t)
	for _, tt := range []struct {
		name             string
		seed             uint64
		items, perItem   int
		loadEvery        int
		wantFoldedEvents bool
	}{
		{"few items with many events", 1, 3, 400, 0, true},
		{"many items with few events", 2, 60, 8, 0, true},
		{"some items loaded whole", 3, 20, 50, 4, true},
		{"more files than are kept open", 4, maxOpenFiles + 30, 30, 7, true},
		{"empty items only", 5, 4, 0, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			perItem := randomExports(tt.seed, tt.items, tt.perItem)
			items, src, load := streamCase(t, perItem, tt.loadEvery)
			want, err := Build(c, items, load)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Open(c, items, src)
			if err != nil {
				t.Fatal(err)
			}
			for pass := 1; pass <= 2; pass++ {
				got, err := m.Events()
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("pass %d: %d events, Build gives %d", pass, len(got), len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("pass %d: event %d\n got %+v\nwant %+v", pass, i, got[i], want[i])
					}
				}
			}
			n, err := m.Len()
			if err != nil || n != len(want) {
				t.Errorf("Len() = %d, %v; want %d", n, err, len(want))
			}
			folded := 0
			for _, e := range want {
				if len(e.Exhibits) > 1 {
					folded++
				}
			}
			if tt.wantFoldedEvents && folded == 0 {
				t.Error("the case folds nothing: the test does not exercise folding")
			}
		})
	}
}

func TestMergedBadLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.jsonl")
	os.WriteFile(path, []byte(`{"time":"2025-01-01T00:00:00Z","channel":"call"}`+"\n"+`{"time":`+"\n"), 0o644)
	items := []evidence.Item{{Exhibit: 4, ID: "x", Events: 2}}
	_, err := Open(nil, items, Source{File: func(*evidence.Item) string { return path }})
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("error %v, want one naming line 2", err)
	}
}

func TestMergedStopsOnError(t *testing.T) {
	perItem := randomExports(9, 2, 50)
	items, src, _ := streamCase(t, perItem, 0)
	m, err := Open(nil, items, src)
	if err != nil {
		t.Fatal(err)
	}
	stop := fmt.Errorf("stop")
	calls := 0
	err = m.Each(func(*event.Event) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Fatalf("Each returned %v after %d calls, want the callback's error after 1", err, calls)
	}
}

// A million events keep a million keys in memory for as long as a document renders.
func TestKeyIs24Bytes(t *testing.T) {
	if n := unsafe.Sizeof(key{}); n != 24 {
		t.Fatalf("a key takes %d bytes, want 24", n)
	}
}

// A line is read up to its newline: lines longer than the reader's buffer (a long e-mail) and a
// file whose last line has no newline give the events Build gives.
func TestMergedLongLines(t *testing.T) {
	c := testCase(t)
	perItem := randomExports(11, 3, 40)
	for ex, evs := range perItem {
		for i := range evs {
			if i%7 == 0 {
				evs[i].Channel, evs[i].Status, evs[i].Duration = event.Email, event.StatusReceived, nil
				evs[i].Text = strings.Repeat("逾期账单通知，请尽快处理。", 1000*(1+i%5)) // 39–195 KB
			}
		}
		perItem[ex] = evs
	}
	items, src, load := streamCase(t, perItem, 0)
	last := src.File(&items[0])
	b, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(last, []byte(strings.TrimSuffix(string(b), "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := Build(c, items, load)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Open(c, items, src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Events()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d events, Build gives %d", len(got), len(want))
	}
	long := 0
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("event %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
		if len(want[i].Text) > 32<<10 {
			long++
		}
	}
	if long == 0 {
		t.Fatal("no line longer than the reader's buffer: the test does not exercise them")
	}
}

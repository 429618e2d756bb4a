package casefolder

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readingsState checks what a reader and verify rely on: for every item the reading in place is
// the one the item's last "ocr" custody line names (or there is neither), the head names the
// last line, and no journal or staged reading is left. It returns each item's reading.
func readingsState(t *testing.T, f *Folder, ids []string) map[string]string {
	t.Helper()
	lines, err := f.Custody()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, cl := range lines {
		if cl.Action == ActionReading {
			want[cl.Note] = cl.SHA256
		}
	}
	got := map[string]string{}
	for _, id := range ids {
		b, err := os.ReadFile(f.ReadingPath(id))
		if os.IsNotExist(err) {
			if want[id] != "" {
				t.Errorf("%s: the log records a reading that is not in place", id)
			}
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != want[id] {
			t.Errorf("%s: the reading in place (%q) is not the one the log records last", id, b)
		}
		got[id] = string(b)
	}
	seq, _, err := f.Head()
	if err != nil || seq != lines[len(lines)-1].Seq {
		t.Errorf("head at %d (%v), the log ends at %d", seq, err, lines[len(lines)-1].Seq)
	}
	for _, dir := range []string{f.PendingDir(), f.Path("tmp")} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			t.Errorf("left behind: %s", filepath.Join(filepath.Base(dir), e.Name()))
		}
	}
	return got
}

func readingFiles(ids []string, version string) []ReadingFile {
	var rs []ReadingFile
	for i, id := range ids {
		rs = append(rs, ReadingFile{ItemID: id, Exhibit: i + 1, Data: []byte(fmt.Sprintf("{\"item\":%q,\"v\":%q}\n", id, version))})
	}
	return rs
}

// A batch of readings is one sync, one append of custody lines and one head; each reading is
// recorded with the digest of its file, in order.
func TestWriteReadings(t *testing.T) {
	f := newCase(t)
	ids := []string{"a", "b", "c"}
	if err := f.WriteReadings(readingFiles(ids, "1"), time.Now()); err != nil {
		t.Fatal(err)
	}
	got := readingsState(t, f, ids)
	if len(got) != 3 || !strings.Contains(got["b"], `"v":"1"`) {
		t.Fatalf("readings in place: %v", got)
	}
	lines, _ := f.Custody()
	for k, id := range ids {
		cl := lines[len(lines)-3+k]
		if cl.Action != ActionReading || cl.Note != id || cl.Exhibit != k+1 {
			t.Errorf("custody line %d: %+v", cl.Seq, cl)
		}
	}
	if err := f.WriteReadings(readingFiles(ids[:1], "2"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := readingsState(t, f, ids); !strings.Contains(got["a"], `"v":"2"`) || !strings.Contains(got["c"], `"v":"1"`) {
		t.Fatalf("after reading a again: %v", got)
	}
}

// A crash at any step of a batch leaves a case the next writer (Recover) makes whole: each item
// has either its new reading or the one before, as the custody log says, and nothing is left over.
func TestCrashDuringReadings(t *testing.T) {
	ids := []string{"a", "b", "c"}
	for _, tt := range []struct {
		name string
		step string
		// after is done to the case after the crash, to reach states between the steps
		after func(t *testing.T, f *Folder, headBefore []byte)
		want  string // the version in place afterwards: "1" rolled back, "2" completed
		quiet bool   // nothing was recorded, so recovery has nothing to tell
	}{
		{name: "staged, not durable", step: "staged", want: "1"},
		{name: "durable, not recorded", step: "durable", want: "1"},
		{name: "journal torn", step: "staged", want: "1", quiet: true, after: func(t *testing.T, f *Folder, _ []byte) {
			entries, _ := os.ReadDir(f.PendingDir())
			for _, e := range entries {
				p := filepath.Join(f.PendingDir(), e.Name())
				b, _ := os.ReadFile(p)
				os.WriteFile(p, b[:len(b)/2], 0o644)
			}
		}},
		{name: "recorded, nothing placed", step: "recorded", want: "2"},
		{name: "recorded, head not moved", step: "recorded", want: "2", after: func(t *testing.T, f *Folder, head []byte) {
			if err := os.WriteFile(f.Path(headFile), head, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "last line torn", step: "recorded", want: "mixed", after: func(t *testing.T, f *Folder, head []byte) {
			b, _ := os.ReadFile(f.CustodyPath())
			os.WriteFile(f.CustodyPath(), b[:len(b)-20], 0o644)
			os.WriteFile(f.Path(headFile), head, 0o644)
		}},
		{name: "one placed", step: "placed one", want: "2"},
		{name: "placed, journal kept", step: "placed", want: "2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newCase(t)
			if err := f.WriteReadings(readingFiles(ids, "1"), time.Now()); err != nil {
				t.Fatal(err)
			}
			head, _ := os.ReadFile(f.Path(headFile))
			func() {
				crashAt = func(step string) {
					if step == tt.step {
						panic("crash")
					}
				}
				defer func() { crashAt = nil; recover() }()
				f.WriteReadings(readingFiles(ids, "2"), time.Now())
				t.Fatalf("no crash at %q", tt.step)
			}()
			if tt.after != nil {
				tt.after(t, f, head)
			}
			notes, err := f.Recover()
			if err != nil {
				t.Fatal(err)
			}
			if len(notes) == 0 && !tt.quiet {
				t.Error("recovery said nothing")
			}
			got := readingsState(t, f, ids)
			for _, id := range ids {
				v := `"v":"` + tt.want + `"`
				if tt.want == "mixed" {
					v = map[string]string{"a": `"v":"2"`, "b": `"v":"2"`, "c": `"v":"1"`}[id]
				}
				if !strings.Contains(got[id], v) {
					t.Errorf("%s: %q, want %s", id, got[id], v)
				}
			}
			// and the case takes the next batch
			if err := f.WriteReadings(readingFiles(ids, "3"), time.Now()); err != nil {
				t.Fatal(err)
			}
			readingsState(t, f, ids)
		})
	}
}

// BenchmarkWriteReadings stores 300 readings of 4 KiB (what OCR keeps of a screenshot) one at a
// time, as an add did before batches, and in the batches reading.Run writes.
// Run: go test ./dossier/casefolder -run '^$' -bench WriteReadings -benchtime 3x
func BenchmarkWriteReadings(b *testing.B) {
	const n = 300
	data := []byte(strings.Repeat("x", 4<<10))
	for _, per := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch%d", per), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				f, err := Init(filepath.Join(b.TempDir(), "case"), InitOptions{Title: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for i := 0; i < n; i += per {
					var rs []ReadingFile
					for k := i; k < min(i+per, n); k++ {
						rs = append(rs, ReadingFile{ItemID: fmt.Sprintf("item-%03d", k), Exhibit: k + 1, Data: data})
					}
					if err := f.WriteReadings(rs, time.Now()); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/reading")
		})
	}
}

package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
)

// A batch of readings a crash cut between its custody lines and moving its files into place
// (the head not moved either) is an interrupted write, not tampering: verify notes it, and after
// the next writer's recovery the case verifies clean with the recorded readings in place.
func TestInterruptedReadings(t *testing.T) {
	f := clean(t)
	items, _ := f.Items()
	var first, second []casefolder.ReadingFile
	for _, it := range items {
		first = append(first, casefolder.ReadingFile{ItemID: it.ID, Exhibit: it.Exhibit, Data: []byte(`{"v":1}` + "\n")})
		second = append(second, casefolder.ReadingFile{ItemID: it.ID, Exhibit: it.Exhibit, Data: []byte(`{"v":2}` + "\n")})
	}
	if err := f.WriteReadings(first, time.Now()); err != nil {
		t.Fatal(err)
	}
	head, _ := os.ReadFile(f.Path("custody.head"))
	seq, _, _ := f.Head()
	if err := f.WriteReadings(second, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Back to the moment after the lines were appended: the new readings staged, the old ones
	// in place, the journal kept, the head where it was.
	type staged struct {
		Item    string `json:"item"`
		Exhibit int    `json:"exhibit"`
		SHA256  string `json:"sha256"`
		Staged  string `json:"staged"`
	}
	var j struct {
		Readings []staged `json:"readings"`
		After    int      `json:"after"`
	}
	j.After = seq
	for k, r := range second {
		name := "stage-ocr-" + r.ItemID
		if err := os.Rename(f.ReadingPath(r.ItemID), f.Path("tmp", name)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.ReadingPath(r.ItemID), first[k].Data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(r.Data)
		j.Readings = append(j.Readings, staged{r.ItemID, r.Exhibit, hex.EncodeToString(sum[:]), name})
	}
	jb, _ := json.Marshal(j)
	os.WriteFile(filepath.Join(f.PendingDir(), "readings-1.json"), jb, 0o644)
	os.WriteFile(f.Path("custody.head"), head, 0o644)

	rep, err := Case(f.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || !strings.Contains(strings.Join(rep.Notes, "\n"), "text reading(s) was interrupted") {
		t.Fatalf("interrupted batch: problems %+v, notes %q", rep.Problems, rep.Notes)
	}
	if _, err := f.Recover(); err != nil {
		t.Fatal(err)
	}
	rep, err = Case(f.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Notes) > 0 {
		t.Fatalf("after recovery: problems %+v, notes %q", rep.Problems, rep.Notes)
	}
	for _, r := range second {
		if b, _ := os.ReadFile(f.ReadingPath(r.ItemID)); string(b) != string(r.Data) {
			t.Errorf("exhibit %d: reading %q after recovery, want the recorded %q", r.Exhibit, b, r.Data)
		}
	}
}

package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

// checkReadings compares what OCR read on each item (store/ocr/<id>.json) with the digest the
// last "ocr" custody line recorded for it: a reading is extracted data, and the timeline takes
// events from it, so an edit of it is as much an alteration as an edit of an events file.
func checkReadings(f *casefolder.Folder, r *Report, items []evidence.Item) {
	want := map[string]string{}
	exhibit := map[string]int{}
	_ = casefolder.ReadLines(f.CustodyPath(), func(l casefolder.RawLine) error {
		var cl casefolder.CustodyLine
		if !l.Torn && json.Unmarshal(l.Bytes, &cl) == nil && cl.Action == casefolder.ActionReading {
			want[cl.Note], exhibit[cl.Note] = cl.SHA256, cl.Exhibit
		}
		return nil
	})
	names := map[string]string{}
	for _, it := range items {
		names[it.ID] = it.Name
	}
	for id, sum := range want {
		rel := "store/ocr/" + id + ".json"
		b, err := os.ReadFile(f.ReadingPath(id))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.add(Problem{Kind: Missing, Exhibit: exhibit[id], Name: names[id], Path: rel, Detail: "the text read from this item by OCR is missing"})
		case err != nil:
			r.add(Problem{Kind: EventsAltered, Exhibit: exhibit[id], Name: names[id], Path: rel, Detail: shortErr(err)})
		default:
			h := sha256.Sum256(b)
			if got := hex.EncodeToString(h[:]); got != sum {
				r.add(Problem{Kind: EventsAltered, Exhibit: exhibit[id], Name: names[id], Path: rel, Expected: sum, Actual: got,
					Detail: "the text read from this item by OCR was changed after it was recorded"})
			}
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(f.ReadingPath("x")))
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		if _, known := want[id]; !known {
			r.add(Problem{Kind: EventsAltered, Path: "store/ocr/" + e.Name(), Detail: "an OCR reading the custody log never recorded"})
		}
	}
}

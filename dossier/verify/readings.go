package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

// recordedReading is what the last "ocr" custody line of an item recorded of its reading.
type recordedReading struct {
	sha256  string
	exhibit int
}

// checkReadings compares what OCR read on each item (store/ocr/<id>.json) with the digest the
// last "ocr" custody line recorded for it (want, by item id, from checkCustody): a reading is
// extracted data, and the timeline takes events from it, so an edit of it is as much an
// alteration as an edit of an events file. An item whose reading an interrupted run was writing
// (pending) may still have the one before, or none: the next writer puts the recorded one in place.
func checkReadings(f *casefolder.Folder, r *Report, items []evidence.Item, want map[string]recordedReading, pending map[string]bool) {
	names := map[string]string{}
	for _, it := range items {
		names[it.ID] = it.Name
	}
	for id, rec := range want {
		if pending[id] {
			continue
		}
		sum := rec.sha256
		rel := "store/ocr/" + id + ".json"
		b, err := os.ReadFile(f.ReadingPath(id))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.add(Problem{Kind: Missing, Exhibit: rec.exhibit, Name: names[id], Path: rel, Detail: "the text read from this item by OCR is missing"})
		case err != nil:
			r.add(Problem{Kind: EventsAltered, Exhibit: rec.exhibit, Name: names[id], Path: rel, Detail: shortErr(err)})
		default:
			h := sha256.Sum256(b)
			if got := hex.EncodeToString(h[:]); got != sum {
				r.add(Problem{Kind: EventsAltered, Exhibit: rec.exhibit, Name: names[id], Path: rel, Expected: sum, Actual: got,
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

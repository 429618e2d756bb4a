package casefolder

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

// Change is one field of an item's description an edit changed, as the custody log records it.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// ErrNoExhibit is returned for an exhibit number the case does not have.
var ErrNoExhibit = errors.New("no such exhibit")

// NoExhibitError is ErrNoExhibit with the number asked for and how many the case has.
type NoExhibitError struct {
	Exhibit, Count int
}

func (e *NoExhibitError) Error() string {
	return fmt.Sprintf("%s: %v (the case has %d)", evidence.Label("en", e.Exhibit), ErrNoExhibit, e.Count)
}

func (e *NoExhibitError) Is(target error) bool { return target == ErrNoExhibit }

// editJournal is pending/<id>.json while an edit is committed: the item and, when its events
// change, the staged events file.
type editJournal struct {
	Edit   string `json:"edit"`
	Events string `json:"events,omitempty"` // base name in tmp/
}

// Edit records a new description of an item: updated is the item as it is to be (same id,
// object and exhibit), changes what differs, events (nil: unchanged) the item's new events when
// its time moved them. The original's bytes are never touched. The caller holds the lock.
//
// The custody line is the commit point, as for an add: the journal names the item first, and
// Recover puts the events file and the index line in place after a crash.
func (f *Folder) Edit(updated evidence.Item, changes []Change, events []event.Event, now time.Time) error {
	if len(changes) == 0 {
		return nil
	}
	if _, _, err := f.Head(); err != nil {
		return &DamagedError{File: headFile, Err: err}
	}
	j := editJournal{Edit: updated.ID}
	if events != nil {
		var b Batch
		sum, err := f.StageEvents(&b, updated.ID, events)
		if err != nil {
			return err
		}
		updated.Events, updated.EventsSHA256 = len(events), sum
		if p := b.events[updated.ID]; p != "" {
			if err := syncFile(p); err != nil {
				os.Remove(p)
				return err
			}
			j.Events = filepath.Base(p)
		}
	}
	jpath, err := f.writeJournal(j)
	if err != nil {
		return err
	}
	if err := f.appendCustody(&CustodyLine{Time: now.UTC().Truncate(time.Millisecond), Action: "edit",
		Exhibit: updated.Exhibit, SHA256: updated.SHA256, Items: []evidence.Item{updated}, Changes: changes}); err != nil {
		return err
	}
	if err := f.finishEdit(j, updated); err != nil {
		return err
	}
	if err := os.Remove(jpath); err != nil {
		return err
	}
	return atomicfile.SyncDir(f.PendingDir())
}

// finishEdit moves an edit's events into place and rewrites the item's index line from its
// custody record.
func (f *Folder) finishEdit(j editJournal, rec evidence.Item) error {
	if j.Events != "" {
		staged := f.Path("tmp", filepath.Base(j.Events))
		if _, err := os.Stat(staged); err == nil {
			if sum, err := fileSHA256(staged); err != nil || sum != rec.EventsSHA256 {
				os.Remove(staged) // not the events the record names: an older attempt's
			} else {
				if err := os.Rename(staged, f.EventsPath(rec.ID)); err != nil {
					return fmt.Errorf("move events into place: %w", err)
				}
				if err := atomicfile.SyncDir(f.Path("events")); err != nil {
					return err
				}
			}
		}
	}
	if rec.Events == 0 {
		os.Remove(f.EventsPath(rec.ID))
	}
	return f.rewriteIndexLine(rec)
}

// rewriteIndexLine replaces the index line of rec.ID with rec, atomically. The index lists the
// current description of every item; the custody log keeps every earlier one.
func (f *Folder) rewriteIndexLine(rec evidence.Item) error {
	line, err := json.Marshal(&rec)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	found := false
	err = ReadLines(f.IndexPath(), func(l RawLine) error {
		if l.Torn {
			return nil
		}
		var it struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(l.Bytes, &it) == nil && it.ID == rec.ID {
			buf.Write(line)
			found = true
		} else {
			buf.Write(l.Bytes)
		}
		buf.WriteByte('\n')
		return nil
	})
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	if !found {
		return fmt.Errorf("%s: item %s is not in the index", indexFile, rec.ID)
	}
	return atomicfile.WriteBytes(f.IndexPath(), buf.Bytes(), 0o644)
}

// recoverEdit finishes an edit a crash interrupted after its custody line, and drops one that
// never reached it. latest is the last custody record of each item.
func (f *Folder) recoverEdit(j editJournal, latest map[string]evidence.Item) (string, error) {
	rec, ok := latest[j.Edit]
	if !ok {
		return "", nil
	}
	staged := ""
	if j.Events != "" {
		staged = f.Path("tmp", filepath.Base(j.Events))
	}
	if err := f.finishEdit(j, rec); err != nil {
		return "", err
	}
	if staged != "" {
		os.Remove(staged)
	}
	return fmt.Sprintf("completed an interrupted edit of %s", evidence.Label("en", rec.Exhibit)), nil
}

func fileSHA256(path string) (string, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func syncFile(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	return file.Sync()
}

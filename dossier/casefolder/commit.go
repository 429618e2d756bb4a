package casefolder

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/store"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Batch is a set of new items committed together.
type Batch struct {
	Items   []evidence.Item
	Objects []*store.Staged
	events  map[string]string // item id → staged events file
}

// Len is the number of items in the batch.
func (b *Batch) Len() int { return len(b.Items) }

// StageEvents writes an item's events to tmp/ and returns their digest for the item record.
func (f *Folder) StageEvents(b *Batch, itemID string, evs []event.Event) (string, error) {
	w := f.EventsWriter(b, itemID)
	for i := range evs {
		if err := w.Write(&evs[i]); err != nil {
			return "", err
		}
	}
	sum, _, err := w.Close()
	return sum, err
}

// EventsWriter streams one item's events, a JSON line each, into a file under tmp/ that Commit
// moves into events/. The digest is computed while writing, so neither the events nor the file
// are ever read back. Nothing is created until the first event: an item without events has no
// events file, as StageEvents has always done.
type EventsWriter struct {
	f      *Folder
	b      *Batch
	itemID string
	tmp    *os.File
	hash   hash.Hash
	buf    *bufio.Writer
	enc    *json.Encoder
	n      int
	err    error
}

// eventsBuffer is large enough that a write system call carries hundreds of events.
const eventsBuffer = 64 << 10

// EventsWriter starts the events file of an item in a batch. Finish it with Close, or Abort it.
func (f *Folder) EventsWriter(b *Batch, itemID string) *EventsWriter {
	return &EventsWriter{f: f, b: b, itemID: itemID}
}

// Write appends one event. After an error every later Write returns the same error.
func (w *EventsWriter) Write(e *event.Event) error {
	if w.err != nil {
		return w.err
	}
	if w.tmp == nil {
		tmp, err := os.CreateTemp(w.f.Path("tmp"), "stage-events-*")
		if err != nil {
			w.err = fmt.Errorf("stage events of item %s: %w", w.itemID, err)
			return w.err
		}
		w.tmp, w.hash = tmp, sha256.New()
		w.buf = bufio.NewWriterSize(io.MultiWriter(tmp, w.hash), eventsBuffer)
		w.enc = json.NewEncoder(w.buf)
		w.enc.SetEscapeHTML(false)
	}
	if err := w.enc.Encode(e); err != nil {
		w.fail(fmt.Errorf("stage events of item %s: event %d: %w", w.itemID, w.n+1, err))
		return w.err
	}
	w.n++
	return nil
}

// Len is the number of events written so far.
func (w *EventsWriter) Len() int { return w.n }

// Close finishes the file and hands it to the batch. It returns the digest of the file ("" when
// no event was written) and the number of events.
func (w *EventsWriter) Close() (sum string, n int, err error) {
	if w.err != nil {
		return "", 0, w.err
	}
	if w.tmp == nil {
		return "", 0, nil
	}
	if err := w.buf.Flush(); err != nil {
		w.fail(fmt.Errorf("stage events of item %s: %w", w.itemID, err))
		return "", 0, w.err
	}
	name := w.tmp.Name()
	if err := w.tmp.Close(); err != nil {
		os.Remove(name)
		w.err = fmt.Errorf("stage events of item %s: %w", w.itemID, err)
		return "", 0, w.err
	}
	w.tmp = nil
	w.err = errClosed
	if w.b.events == nil {
		w.b.events = map[string]string{}
	}
	w.b.events[w.itemID] = name
	return hex.EncodeToString(w.hash.Sum(nil)), w.n, nil
}

// Abort throws away what was written; the item then has no staged events. It is safe after
// Close (the file then belongs to the batch and stays) and more than once.
func (w *EventsWriter) Abort() {
	if w.tmp != nil {
		w.tmp.Close()
		os.Remove(w.tmp.Name())
		w.tmp = nil
	}
	w.n = 0
	if w.err == nil {
		w.err = errClosed
	}
}

var errClosed = errors.New("events writer already closed")

func (w *EventsWriter) fail(err error) {
	w.err = err
	w.tmp.Close()
	os.Remove(w.tmp.Name())
	w.tmp = nil
}

// Discard removes everything a batch staged.
func (f *Folder) Discard(b *Batch) {
	for _, st := range b.Objects {
		f.Store.Discard(st)
	}
	for _, p := range b.events {
		os.Remove(p)
	}
	*b = Batch{}
}

type journal struct {
	Items   []string `json:"items"`
	Objects []string `json:"objects"`
}

// Commit makes a batch part of the case. The caller holds the lock.
func (f *Folder) Commit(b *Batch, now time.Time) error {
	if len(b.Items) == 0 {
		f.Discard(b)
		return nil
	}
	// Refuse before anything moves, rather than after the objects are in place.
	if _, _, err := f.Head(); err != nil {
		return &DamagedError{File: headFile, Err: err}
	}
	for i := range b.Items {
		b.Items[i].MakeValid() // or its index line would not read back as written
	}
	j := journal{}
	for _, it := range b.Items {
		j.Items = append(j.Items, it.ID)
	}
	for _, st := range b.Objects {
		j.Objects = append(j.Objects, st.SHA256)
	}
	jpath, err := f.writeJournal(j)
	if err != nil {
		return err
	}
	// From here on the journal is durable, so a crash before the custody line rolls back
	// whatever was moved: the bytes need only be durable before that line, and one sync of
	// the file system makes the objects, the events files and all the moves durable at once.
	placed, err := f.Store.Place(b.Objects)
	if err != nil {
		return err
	}
	var events []string
	if len(b.events) > 0 {
		for itemID, p := range b.events {
			dst := f.EventsPath(itemID)
			if err := os.Rename(p, dst); err != nil {
				return fmt.Errorf("move events into place: %w", err)
			}
			events = append(events, dst)
		}
		placed.Dirs = append(placed.Dirs, f.Path("events"))
	}
	if err := f.Store.Durable(placed, events); err != nil {
		return err
	}
	if err := f.appendCustody(&CustodyLine{Time: now.UTC().Truncate(time.Millisecond), Action: "add", Items: b.Items}); err != nil {
		return err
	}
	if err := f.appendIndex(b.Items); err != nil {
		return err
	}
	if err := os.Remove(jpath); err != nil {
		return err
	}
	*b = Batch{}
	return atomicfile.SyncDir(f.PendingDir())
}

// writeJournal makes a commit's journal durable in pending/ and returns its path.
func (f *Folder) writeJournal(j any) (string, error) {
	jb, err := json.Marshal(j)
	if err != nil {
		return "", err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	jpath := filepath.Join(f.PendingDir(), id.String()+".json")
	return jpath, atomicfile.WriteBytes(jpath, jb, 0o644)
}

func (f *Folder) appendIndex(items []evidence.Item) error {
	var buf strings.Builder
	for i := range items {
		line, err := json.Marshal(&items[i])
		if err != nil {
			return err
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	return atomicfile.Append(f.Path(indexFile), []byte(buf.String()))
}

// RecordDuplicate notes in the custody log that a file with the same bytes as an exhibit was
// presented again.
func (f *Folder) RecordDuplicate(exhibit int, sha, from string, now time.Time) error {
	return f.appendCustody(&CustodyLine{Time: now.UTC().Truncate(time.Millisecond), Action: "duplicate", Exhibit: exhibit, SHA256: sha, Note: from})
}

// Pending lists the journals of interrupted commits.
func (f *Folder) Pending() ([]string, []string, error) {
	var items, objects []string
	err := f.eachJournal(func(b []byte) {
		var j journal
		var ej editJournal
		if json.Unmarshal(b, &ej) == nil && ej.Edit != "" {
			items = append(items, ej.Edit)
		} else if _, ok := isReadingsJournal(b); ok {
			return // PendingReadings lists those
		} else if json.Unmarshal(b, &j) == nil {
			items = append(items, j.Items...)
			objects = append(objects, j.Objects...)
		}
	})
	return items, objects, err
}

// eachJournal gives fn the bytes of every journal in pending/ that can be read.
func (f *Folder) eachJournal(fn func(b []byte)) error {
	entries, err := os.ReadDir(f.PendingDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(f.PendingDir(), e.Name())); err == nil {
			fn(b)
		}
	}
	return nil
}

// Recover finishes or rolls back a commit a crash interrupted and removes debris. The caller
// holds the lock. It returns what it did, for the user.
func (f *Folder) Recover() ([]string, error) {
	var notes []string
	for _, name := range []string{custodyFile, indexFile} {
		cut, err := truncateTorn(f.Path(name))
		if err != nil {
			return notes, err
		}
		if cut {
			notes = append(notes, fmt.Sprintf("removed an incomplete last line of %s left by an interrupted run", name))
		}
	}
	if err := f.repairHead(); err != nil {
		return notes, err
	}
	entries, err := os.ReadDir(f.PendingDir())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return notes, err
	}
	// Every write command starts here: the whole log (which repeats every item record) is
	// decoded only when there is interrupted work to finish.
	inCustody := map[string]evidence.Item{}
	if len(entries) > 0 {
		lines, err := f.Custody()
		if err != nil {
			return notes, err
		}
		for _, cl := range lines {
			for _, it := range cl.Items {
				inCustody[it.ID] = it
			}
		}
	}
	for _, e := range entries {
		jpath := filepath.Join(f.PendingDir(), e.Name())
		b, err := os.ReadFile(jpath)
		var j journal
		if err != nil || json.Unmarshal(b, &j) != nil {
			os.Remove(jpath)
			continue
		}
		if rj, ok := isReadingsJournal(b); ok {
			note, err := f.recoverReadings(jpath, rj)
			if err != nil {
				return notes, err
			}
			notes = append(notes, note)
			continue
		}
		if ej := (editJournal{}); json.Unmarshal(b, &ej) == nil && ej.Edit != "" {
			note, err := f.recoverEdit(ej, inCustody)
			if err != nil {
				return notes, err
			}
			if note != "" {
				notes = append(notes, note)
			}
			if err := os.Remove(jpath); err != nil {
				return notes, err
			}
			continue
		}
		committed := len(j.Items) > 0
		for _, id := range j.Items {
			if _, ok := inCustody[id]; !ok {
				committed = false
			}
		}
		if committed {
			if err := f.completeIndex(j.Items, inCustody); err != nil {
				return notes, err
			}
			notes = append(notes, fmt.Sprintf("completed an interrupted add of %d item(s)", len(j.Items)))
		} else {
			indexed, err := f.Items()
			if err != nil {
				return notes, err
			}
			keep := map[string]bool{}
			for _, it := range indexed {
				keep[it.SHA256] = true
			}
			for _, sha := range j.Objects {
				if !keep[sha] {
					if err := f.Store.Remove(sha); err != nil {
						return notes, err
					}
				}
			}
			for _, id := range j.Items {
				os.Remove(f.EventsPath(id))
			}
			notes = append(notes, fmt.Sprintf("rolled back an interrupted add of %d item(s); add them again", len(j.Items)))
		}
		if err := os.Remove(jpath); err != nil {
			return notes, err
		}
	}
	if err := f.Store.Clean(); err != nil {
		return notes, err
	}
	return notes, atomicfile.SyncDir(f.PendingDir())
}

// repairHead moves the head to the last custody line when a crash came between the append and
// the head update (the head then names the line before the last).
func (f *Folder) repairHead() error {
	var lastRaw []byte
	if err := ReadLines(f.CustodyPath(), func(l RawLine) error {
		if !l.Torn {
			lastRaw = l.Bytes
		}
		return nil
	}); err != nil {
		return err
	}
	var last CustodyLine
	if lastRaw == nil || jsonv1.Unmarshal(lastRaw, &last) != nil {
		return nil // an empty log, or an edited one: leave it for verify to report
	}
	seq, hash, err := f.Head()
	if err != nil || seq == last.Seq || !(seq == last.Seq-1 && hash == last.Prev) {
		return nil // nothing to do, or not a crash pattern: leave it for verify to report
	}
	return atomicfile.WriteBytes(f.Path(headFile), []byte(fmt.Sprintf("%d %s\n", last.Seq, Hash(lastRaw))), 0o644)
}

func (f *Folder) completeIndex(ids []string, inCustody map[string]evidence.Item) error {
	indexed, err := f.Items()
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, it := range indexed {
		have[it.ID] = true
	}
	var missing []evidence.Item
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, inCustody[id])
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return f.appendIndex(missing)
}

// truncateTorn cuts a log back to its last complete line.
func truncateTorn(path string) (bool, error) {
	file, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil || info.Size() == 0 {
		return false, err
	}
	// Scan back from the end for the last newline.
	size := info.Size()
	buf := make([]byte, 64<<10)
	end := size
	for end > 0 {
		start := end - int64(len(buf))
		if start < 0 {
			start = 0
		}
		n, err := file.ReadAt(buf[:end-start], start)
		if err != nil && err != io.EOF {
			return false, err
		}
		for i := n - 1; i >= 0; i-- {
			if buf[i] == '\n' {
				keep := start + int64(i) + 1
				if keep == size {
					return false, nil
				}
				if err := file.Truncate(keep); err != nil {
					return false, err
				}
				return true, file.Sync()
			}
		}
		end = start
	}
	if err := file.Truncate(0); err != nil {
		return false, err
	}
	return true, file.Sync()
}

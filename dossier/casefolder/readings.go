package casefolder

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
)

// Readings are what a machine read from an original after it was added, kept beside it: the
// text OCR found on a screenshot (package ocr/reading defines the content). Each is one file,
//
//	store/ocr/<item id>.json
//
// replaced when the item is read again, and every write is a custody line
// {"action":"ocr","exhibit":N,"sha256":"<digest of the file>","note":"<item id>"}, so the last
// such line for an item names the digest its reading must have. The original and its events file
// are never touched.
//
// Readings are written in batches, durable together (an add of 3,000 screenshots made 5 fsyncs a
// reading when each was its own atomic file and custody line): the batch's files are staged in
// tmp/ and its journal pending/<id>.json ({"readings":[{item, exhibit, sha256, staged}], "after":
// <seq of the custody line before the batch>}) is written beside them; one file-system sync makes
// all of it durable; the batch's custody lines are appended in one write (the commit point: no
// reading is recorded before its bytes are durable) and the head moved; the staged files are
// renamed into ocr/ and the journal removed. After a crash Recover moves into place every staged
// reading whose custody line was appended and removes the others, and moves the head to the last
// line of the batch when the crash came before the head was.
const (
	readingsDir   = "ocr"
	ActionReading = "ocr"
)

// ReadingPath is where the reading of an item is kept.
func (f *Folder) ReadingPath(itemID string) string { return f.Path(readingsDir, itemID+".json") }

// ReadingFile is one reading to store: the item it was read from and the bytes of its file.
type ReadingFile struct {
	ItemID  string
	Exhibit int
	Data    []byte
}

type readingsJournal struct {
	Readings []stagedReading `json:"readings"`
	After    int             `json:"after"`
}

type stagedReading struct {
	Item    string `json:"item"`
	Exhibit int    `json:"exhibit"`
	SHA256  string `json:"sha256"`
	Staged  string `json:"staged"` // file name in tmp/
}

// WriteReading stores the reading of one item and records it in the custody log. The caller
// holds the writer lock.
func (f *Folder) WriteReading(itemID string, exhibit int, data []byte, now time.Time) error {
	return f.WriteReadings([]ReadingFile{{ItemID: itemID, Exhibit: exhibit, Data: data}}, now)
}

// WriteReadings stores a batch of readings and records each in the custody log, all made
// durable together (see Readings). The caller holds the writer lock.
func (f *Folder) WriteReadings(rs []ReadingFile, now time.Time) (err error) {
	if len(rs) == 0 {
		return nil
	}
	seq, _, err := f.Head()
	if err != nil {
		return &DamagedError{File: headFile, Err: err}
	}
	for _, d := range []string{f.Path(readingsDir), f.Path("tmp"), f.PendingDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	j := readingsJournal{After: seq}
	committed := false
	defer func() {
		// Before the custody lines the staged files are only debris; after them they are the
		// case's, and Recover moves them into place.
		if err != nil && !committed {
			for _, s := range j.Readings {
				os.Remove(f.Path("tmp", s.Staged))
			}
		}
	}()
	for _, r := range rs {
		path, err := stageFile(f.Path("tmp"), "stage-ocr-*", r.Data)
		if err != nil {
			return fmt.Errorf("write reading of exhibit %d: %w", r.Exhibit, err)
		}
		sum := sha256.Sum256(r.Data)
		j.Readings = append(j.Readings, stagedReading{Item: r.ItemID, Exhibit: r.Exhibit, SHA256: hex.EncodeToString(sum[:]), Staged: filepath.Base(path)})
	}
	jpath, err := f.stageJournal(j)
	if err != nil {
		return err
	}
	reached("staged")
	if err := f.durable(jpath, j.Readings); err != nil {
		os.Remove(jpath)
		return err
	}
	reached("durable")
	lines := make([]*CustodyLine, len(j.Readings))
	for i, s := range j.Readings {
		lines[i] = &CustodyLine{Time: now.UTC(), Action: ActionReading, Exhibit: s.Exhibit, SHA256: s.SHA256, Note: s.Item}
	}
	// Whether or not the lines reach the log, the journal now says what to do: Recover moves
	// into place the readings the log records and removes the others.
	committed = true
	if err := f.appendCustody(lines...); err != nil {
		return err
	}
	reached("recorded")
	return f.placeReadings(jpath, j)
}

// crashAt, set by tests, is told each step of a batch as it is reached; it stops the write there
// by panicking, as a crash would: nothing after it runs and nothing is cleaned up.
var crashAt func(step string)

func reached(step string) {
	if crashAt != nil {
		crashAt(step)
	}
}

// stageFile writes data to a new file in dir named after pattern (not yet durable), readable by
// all as the case's files are, and returns its path.
func stageFile(dir, pattern string, data []byte) (string, error) {
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", werr
	}
	return tmp.Name(), nil
}

// stageJournal writes the journal under its final name in pending/, made durable with the
// staged readings by durable. A crash can tear it only before any custody line is written, and
// Recover removes a journal that does not parse.
func (f *Folder) stageJournal(j readingsJournal) (string, error) {
	jb, err := json.Marshal(j)
	if err != nil {
		return "", err
	}
	return stageFile(f.PendingDir(), "readings-*.json", jb)
}

// durable makes the journal and the staged readings durable: one sync of the file system, or
// for a batch of a few readings (or where syncfs is not offered) an fsync of each file and of
// the two folders, since syncfs also waits for whatever else is being written to the disk.
func (f *Folder) durable(jpath string, staged []stagedReading) error {
	if len(staged) > syncEachUpTo {
		if err := atomicfile.SyncFS(f.Dir); err == nil {
			return nil
		}
	}
	files := []string{jpath}
	for _, s := range staged {
		files = append(files, f.Path("tmp", s.Staged))
	}
	for _, p := range files {
		if err := atomicfile.SyncFile(p); err != nil {
			return err
		}
	}
	if err := atomicfile.SyncDir(f.Path("tmp")); err != nil {
		return err
	}
	return atomicfile.SyncDir(f.PendingDir())
}

// syncEachUpTo is the size of batch up to which each file is synced instead of the file system.
const syncEachUpTo = 4

// placeReadings moves a committed batch's staged readings into ocr/ and removes its journal.
func (f *Folder) placeReadings(jpath string, j readingsJournal) error {
	for _, s := range j.Readings {
		if err := os.Rename(f.Path("tmp", s.Staged), f.ReadingPath(s.Item)); err != nil {
			return fmt.Errorf("move reading of exhibit %d into place: %w", s.Exhibit, err)
		}
		reached("placed one")
	}
	if err := atomicfile.SyncDir(f.Path(readingsDir)); err != nil {
		return err
	}
	reached("placed")
	if err := os.Remove(jpath); err != nil {
		return err
	}
	return atomicfile.SyncDir(f.PendingDir())
}

// isReadingsJournal reports whether a journal's bytes are a batch of readings, and reads it.
func isReadingsJournal(b []byte) (readingsJournal, bool) {
	var j readingsJournal
	return j, json.Unmarshal(b, &j) == nil && len(j.Readings) > 0
}

// PendingReadings lists the items whose reading an interrupted batch was writing: until the next
// writer recovers, the reading in place may be the one before, or missing.
func (f *Folder) PendingReadings() ([]string, error) {
	var items []string
	err := f.eachJournal(func(b []byte) {
		if j, ok := isReadingsJournal(b); ok {
			for _, s := range j.Readings {
				items = append(items, s.Item)
			}
		}
	})
	return items, err
}

// recoverReadings finishes a batch of readings a crash interrupted: the readings whose custody
// lines were appended are moved into place, the others removed, and the head moved to the
// batch's last line when the crash came before it was. It returns a note for the user.
func (f *Folder) recoverReadings(jpath string, j readingsJournal) (string, error) {
	type raw struct {
		seq  int
		hash string
		line CustodyLine
	}
	var after []raw
	afterHash := ZeroHash
	err := ReadLines(f.CustodyPath(), func(l RawLine) error {
		var cl CustodyLine
		if l.Torn || json.Unmarshal(l.Bytes, &cl) != nil {
			return nil
		}
		if cl.Seq == j.After {
			afterHash = Hash(l.Bytes)
		}
		if cl.Seq > j.After {
			after = append(after, raw{seq: cl.Seq, hash: Hash(l.Bytes), line: cl})
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	// The batch's lines are the ones right after j.After, in the journal's order, chained.
	batch := j.Readings
	committed := map[string]bool{}
	prev := afterHash
	for k, r := range after {
		if k >= len(batch) || r.line.Action != ActionReading || r.line.Note != batch[k].Item || r.line.SHA256 != batch[k].SHA256 ||
			r.line.Prev != prev || r.seq != j.After+k+1 {
			after = after[:k]
			break
		}
		committed[batch[k].Staged] = true
		prev = r.hash
	}
	if len(after) > 0 {
		last := after[len(after)-1]
		if seq, hash, err := f.Head(); err == nil && seq >= j.After && seq < last.seq {
			// The head must name a line of this batch or the one before it: anything else is
			// not a crash pattern, and verify reports it.
			known := seq == j.After && hash == afterHash
			for _, r := range after {
				known = known || (r.seq == seq && r.hash == hash)
			}
			if known {
				if err := atomicfile.WriteBytes(f.Path(headFile), []byte(fmt.Sprintf("%d %s\n", last.seq, last.hash)), 0o644); err != nil {
					return "", err
				}
			}
		}
	}
	placed := 0
	for _, s := range batch {
		staged := f.Path("tmp", s.Staged)
		if !committed[s.Staged] {
			os.Remove(staged)
			continue
		}
		if err := os.Rename(staged, f.ReadingPath(s.Item)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		placed++
	}
	if err := atomicfile.SyncDir(f.Path(readingsDir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if err := os.Remove(jpath); err != nil {
		return "", err
	}
	if placed < len(batch) {
		return fmt.Sprintf("kept %d of %d text readings an interrupted run was writing; read the others again with dossier ocr", placed, len(batch)), nil
	}
	return fmt.Sprintf("completed %d text readings an interrupted run was writing", len(batch)), nil
}

// MaxReading caps the size of a reading file that is read back.
const MaxReading = 16 << 20

// Reading returns the stored reading of an item, or nil when it has none.
func (f *Folder) Reading(itemID string) ([]byte, error) {
	p := f.ReadingPath(itemID)
	info, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxReading {
		return nil, fmt.Errorf("%s: %d bytes, more than a reading can be", p, info.Size())
	}
	return os.ReadFile(p)
}

package casefolder

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/store"

	// The index and the custody log are read whole by every command: the faster decoder with
	// encoding/json's semantics, as the timeline reads events.
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Format identifies the case folder layout in store/case.json: new cases are made in it.
// FormatFanOut2 is the first format, whose store spreads objects over two levels of folders;
// such a case opens, grows and verifies in its own layout (see package store).
const (
	Format        = "dossier-case/2"
	FormatFanOut2 = "dossier-case/1"
)

// layouts is the store layout of each case format this version reads.
var layouts = map[string]store.Layout{Format: store.FanOut1, FormatFanOut2: store.FanOut2}

// File names inside the case folder.
const (
	CaseFile    = "case.yaml"
	StoreDir    = "store"
	OutDir      = "out"
	indexFile   = "index.jsonl"
	custodyFile = "custody.jsonl"
	headFile    = "custody.head"
	metaFile    = "case.json"
)

// ZeroHash is the prev of the first custody line.
var ZeroHash = strings.Repeat("0", 64)

// Errors callers map to messages and exit codes.
var (
	ErrNoCase = errors.New("no case here")
	ErrExists = errors.New("a case already exists here")
	// ErrDamaged refuses to write to a case whose custody records cannot be trusted.
	ErrDamaged = errors.New("the case's custody records are damaged")
)

// DamagedError is ErrDamaged with the record that could not be read.
type DamagedError struct {
	File string // relative to the store
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%v: %s is missing or unreadable (%v); run 'dossier verify' to see what changed", ErrDamaged, e.File, e.Err)
}

func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

func (e *DamagedError) Unwrap() error { return e.Err }

// Meta is store/case.json.
type Meta struct {
	Format  string    `json:"format"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
}

// Folder is an open case folder.
type Folder struct {
	Dir   string
	Meta  Meta
	Store *store.Store
}

func (f *Folder) storeDir() string { return filepath.Join(f.Dir, StoreDir) }

// Path returns a path inside the store folder.
func (f *Folder) Path(elem ...string) string {
	return filepath.Join(append([]string{f.storeDir()}, elem...)...)
}

// CaseYAML is the path of case.yaml.
func (f *Folder) CaseYAML() string { return filepath.Join(f.Dir, CaseFile) }

// InitOptions describe a new case.
type InitOptions struct {
	Title    string
	Language string
	Timezone string
	Now      time.Time
}

// Init creates a case in dir (created if missing). It refuses to touch a folder that already has
// a case.yaml or a store.
func Init(dir string, opt InitOptions) (*Folder, error) {
	if opt.Language == "" {
		opt.Language = caseconf.DefaultLanguage
	}
	if opt.Timezone == "" {
		opt.Timezone = caseconf.DefaultTimezone
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	yml, err := caseconf.Template(opt.Title, opt.Language, opt.Timezone)
	if err != nil {
		return nil, err
	}
	for _, p := range []string{filepath.Join(dir, CaseFile), filepath.Join(dir, StoreDir)} {
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("%s: %w", p, ErrExists)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, StoreDir), 0o755); err != nil {
		return nil, fmt.Errorf("create case folder: %w", err)
	}
	for _, d := range []string{"events", "pending"} {
		if err := os.MkdirAll(filepath.Join(dir, StoreDir, d), 0o755); err != nil {
			return nil, fmt.Errorf("create case folder: %w", err)
		}
	}
	st, err := store.OpenLayout(filepath.Join(dir, StoreDir), layouts[Format])
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, err
	}
	f := &Folder{Dir: dir, Store: st, Meta: Meta{Format: Format, ID: id.String(), Created: opt.Now.UTC().Truncate(time.Second)}}
	meta, _ := json.MarshalIndent(f.Meta, "", "  ")
	if err := atomicfile.WriteBytes(f.Path(metaFile), append(meta, '\n'), 0o444); err != nil {
		return nil, err
	}
	if err := f.appendCustody(&CustodyLine{Time: f.Meta.Created, Action: "init", CaseID: f.Meta.ID, Note: opt.Title}); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(f.Path(indexFile), nil, 0o644); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(f.CaseYAML(), yml, 0o644); err != nil {
		return nil, err
	}
	return f, nil
}

// Open opens the case in dir.
func Open(dir string) (*Folder, error) {
	b, err := os.ReadFile(filepath.Join(dir, StoreDir, metaFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, yerr := os.Stat(filepath.Join(dir, CaseFile)); yerr == nil {
			return nil, fmt.Errorf("%s: %w (case.yaml without %s/%s)", dir, ErrNoCase, StoreDir, metaFile)
		}
		return nil, fmt.Errorf("%s: %w", dir, ErrNoCase)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", metaFile, err)
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil || m.Format == "" {
		return nil, fmt.Errorf("%s: %s is not a dossier case description", dir, filepath.Join(StoreDir, metaFile))
	}
	layout, ok := layouts[m.Format]
	if !ok {
		return nil, fmt.Errorf("%s: the case is in format %q, which this version of dossier does not know (it reads %s and %s); use a newer dossier",
			dir, m.Format, FormatFanOut2, Format)
	}
	st, err := store.OpenLayout(filepath.Join(dir, StoreDir), layout)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"events", "pending"} {
		if err := os.MkdirAll(filepath.Join(dir, StoreDir, d), 0o755); err != nil {
			return nil, err
		}
	}
	return &Folder{Dir: dir, Meta: m, Store: st}, nil
}

// Case reads case.yaml.
func (f *Folder) Case() (*caseconf.Case, error) {
	file, err := os.Open(f.CaseYAML())
	if err != nil {
		return nil, fmt.Errorf("open case.yaml: %w", err)
	}
	defer file.Close()
	c, err := caseconf.Parse(file)
	if errors.Is(err, caseconf.ErrInvalid) {
		return nil, err // already says case.yaml and the line
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CaseFile, err)
	}
	return c, nil
}

// CustodyLine is one entry of the custody log as stored.
type CustodyLine struct {
	Seq    int             `json:"seq"`
	Time   time.Time       `json:"time"`
	Action string          `json:"action"`
	Actor  string          `json:"actor,omitempty"`
	CaseID string          `json:"case_id,omitempty"`
	Items  []evidence.Item `json:"items,omitempty"`
	// For "duplicate": the exhibit the presented file already is, and where it came from.
	Exhibit int    `json:"exhibit,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	// For "edit": what changed; Items then holds the item as it is after the edit.
	Changes []Change `json:"changes,omitempty"`
	Note    string   `json:"note,omitempty"`
	Prev    string   `json:"prev"`
}

// RawLine is a line of a log as found on disk, with its position.
type RawLine struct {
	N     int    // 1-based line number
	Bytes []byte // the line's own copy: a callback may keep it
	Torn  bool   // the last line, without its newline: an append a crash cut short
}

// Hash is the hex SHA-256 of a log line (without its newline).
func Hash(line []byte) string {
	s := sha256.Sum256(line)
	return hex.EncodeToString(s[:])
}

// ReadLines reads a JSONL log streaming, line by line.
func ReadLines(path string, fn func(RawLine) error) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 256<<10)
	n := 0
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			n++
			torn := line[len(line)-1] != '\n'
			if !torn {
				line = line[:len(line)-1]
			}
			if ferr := fn(RawLine{N: n, Bytes: line, Torn: torn}); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Head reads store/custody.head.
func (f *Folder) Head() (seq int, hash string, err error) {
	b, err := os.ReadFile(f.Path(headFile))
	if err != nil {
		return 0, "", err
	}
	parts := strings.Fields(string(b))
	if len(parts) != 2 {
		return 0, "", fmt.Errorf("%s: malformed", headFile)
	}
	seq, err = strconv.Atoi(parts[0])
	if err != nil {
		return 0, "", fmt.Errorf("%s: malformed", headFile)
	}
	return seq, parts[1], nil
}

// CustodyPath, IndexPath and EventsPath locate the logs for verify.
func (f *Folder) CustodyPath() string         { return f.Path(custodyFile) }
func (f *Folder) IndexPath() string           { return f.Path(indexFile) }
func (f *Folder) EventsPath(id string) string { return f.Path("events", id+".jsonl") }
func (f *Folder) PendingDir() string          { return f.Path("pending") }

// appendCustody appends one custody line chained to the last one and moves the head.
func (f *Folder) appendCustody(cls ...*CustodyLine) error {
	seq, prev, err := f.Head()
	if errors.Is(err, fs.ErrNotExist) && len(cls) == 1 && cls[0].Action == "init" {
		seq, prev, err = 0, ZeroHash, nil
	}
	if err != nil {
		// Rebuilding the head from the log would bless an edit of the log's last line.
		return &DamagedError{File: headFile, Err: err}
	}
	// The lines go in one write and the head moves once: a batch costs one fsync of the log and
	// one replacement of the head, however many lines it has.
	var buf []byte
	for _, cl := range cls {
		seq++
		cl.Seq, cl.Prev = seq, prev
		if cl.Actor == "" {
			cl.Actor = actor()
		}
		line, err := json.Marshal(cl)
		if err != nil {
			return err
		}
		buf = append(append(buf, line...), '\n')
		prev = Hash(line)
	}
	if err := atomicfile.Append(f.Path(custodyFile), buf); err != nil {
		return err
	}
	return atomicfile.WriteBytes(f.Path(headFile), []byte(fmt.Sprintf("%d %s\n", seq, prev)), 0o644)
}

func actor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return ""
}

// Custody reads the custody log. Lines that do not parse are skipped here; verify reports them.
func (f *Folder) Custody() ([]CustodyLine, error) {
	var out []CustodyLine
	err := ReadLines(f.Path(custodyFile), func(l RawLine) error {
		if l.Torn {
			return nil
		}
		var cl CustodyLine
		if jsonv1.Unmarshal(l.Bytes, &cl) == nil {
			out = append(out, cl)
		}
		return nil
	})
	return out, err
}

// Items reads the index, ordered by exhibit number. Lines that do not parse are skipped here;
// verify reports them.
func (f *Folder) Items() ([]evidence.Item, error) {
	var out []evidence.Item
	var chunk [][]byte
	err := ReadLines(f.Path(indexFile), func(l RawLine) error {
		if l.Torn || len(bytes.TrimSpace(l.Bytes)) == 0 {
			return nil
		}
		if chunk = append(chunk, l.Bytes); len(chunk) == itemsChunk {
			out = decodeItems(out, chunk)
			chunk = chunk[:0]
		}
		return nil
	})
	out = decodeItems(out, chunk)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Exhibit < out[j].Exhibit })
	return out, err
}

// itemsChunk is how many index lines are decoded at once, on every core: decoding is most of
// what reading an index of tens of thousands of items costs (a record is about 800 bytes).
const itemsChunk = 2048

// decodeItems appends the items of lines, in their order, leaving out those that do not parse.
func decodeItems(out []evidence.Item, lines [][]byte) []evidence.Item {
	decoded := make([]evidence.Item, len(lines))
	ok := make([]bool, len(lines))
	workers := min(runtime.GOMAXPROCS(0), (len(lines)+255)/256)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(lines); i += workers {
				ok[i] = jsonv1.Unmarshal(lines[i], &decoded[i]) == nil
			}
		}()
	}
	wg.Wait()
	for i := range decoded {
		if ok[i] {
			out = append(out, decoded[i])
		}
	}
	return out
}

// minEventLine is less than the shortest line an event is stored as ({"time":…,"channel":…}).
const minEventLine = 32

// Events reads the events extracted from one item.
func (f *Folder) Events(it *evidence.Item) ([]event.Event, error) { return f.EventsUntil(it, nil) }

// EventsUntil is Events asking stop, when set, every few thousand lines; its error (a cancelled
// context) ends the read and is returned.
func (f *Folder) EventsUntil(it *evidence.Item, stop func() error) ([]event.Event, error) {
	if it.Events == 0 {
		return nil, nil
	}
	// Sized from the index up front: growing a slice of a million events by doubling holds the
	// old and the new array at once, half a gigabyte more than the events themselves. The
	// file's size bounds the count, so an edited index cannot make this allocate at will.
	n := it.Events
	if info, err := os.Stat(f.EventsPath(it.ID)); err == nil {
		n = int(min(int64(n), info.Size()/minEventLine))
	}
	out := make([]event.Event, 0, max(n, 0))
	err := ReadLines(f.EventsPath(it.ID), func(l RawLine) error {
		if stop != nil && l.N%4096 == 0 {
			if err := stop(); err != nil {
				return err
			}
		}
		out = append(out, event.Event{})
		if err := jsonv1.Unmarshal(l.Bytes, &out[len(out)-1]); err != nil {
			return fmt.Errorf("events of %s line %d: %w", evidence.Label("en", it.Exhibit), l.N, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CustodyEntries turns the custody log into the rows documents show: one per item of an add.
func CustodyEntries(lines []CustodyLine, hashes map[int]string) []evidence.CustodyEntry {
	var out []evidence.CustodyEntry
	for _, cl := range lines {
		base := evidence.CustodyEntry{Seq: cl.Seq, Time: cl.Time, Action: cl.Action, Actor: cl.Actor, Prev: cl.Prev, Hash: hashes[cl.Seq], Note: cl.Note}
		if len(cl.Items) == 0 || cl.Action == "edit" {
			base.Exhibit, base.SHA256 = cl.Exhibit, cl.SHA256
			if len(cl.Changes) > 0 {
				base.Note = describeChanges(cl.Changes)
			}
			out = append(out, base)
			continue
		}
		for _, it := range cl.Items {
			e := base
			e.Exhibit, e.SHA256, e.Note = it.Exhibit, it.SHA256, it.Name
			out = append(out, e)
		}
	}
	return out
}

// Bundle reads everything renderers need. Events are not merged here (package timeline does it).
func (f *Folder) Bundle() (*evidence.Bundle, error) {
	c, err := f.Case()
	if err != nil {
		return nil, err
	}
	items, err := f.Items()
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	var lines []CustodyLine
	hashes := map[int]string{}
	err = ReadLines(f.Path(custodyFile), func(l RawLine) error {
		var cl CustodyLine
		if !l.Torn && jsonv1.Unmarshal(l.Bytes, &cl) == nil {
			lines = append(lines, cl)
			hashes[cl.Seq] = Hash(l.Bytes)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read custody log: %w", err)
	}
	b := &evidence.Bundle{Case: c, CaseID: f.Meta.ID, Created: f.Meta.Created, Items: items,
		Custody: CustodyEntries(lines, hashes)}
	b.Stamp = f.Meta.Created
	if len(lines) > 0 {
		b.Stamp = lines[len(lines)-1].Time
	}
	b.Open = func(sha string) (io.ReadCloser, error) { return f.Store.Open(sha) }
	return b, nil
}

// describeChanges is the note an edit's custody row carries: `title: "old" → "new"; ...`.
func describeChanges(cs []Change) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %q → %q", c.Field, c.Old, c.New)
	}
	return b.String()
}

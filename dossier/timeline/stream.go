package timeline

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	// encoding/json's semantics (the events files are written with it), decoding in a third of
	// its time and a quarter of its allocations.
	json "github.com/go-json-experiment/json/v1"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

// Source says where each item's events come from. File names an item's events file (a JSON
// object a line, as the case stores it) to be streamed from disk; an item for which it returns ""
// is read whole with Load (an item whose events are layered over its file, such as a screenshot's
// OCR reading, or one without events).
type Source struct {
	Load Loader
	File func(it *evidence.Item) string
	// Stop, when set, is asked between items and every stopEvery events of Open and of every
	// pass; its error (a cancelled context: Ctrl-C) ends them and is returned, so a case of a
	// million events stops reading within a fraction of a second.
	Stop func() error
}

// stopEvery is how many events are read between two calls of Source.Stop.
const stopEvery = 4096

// Merged is the merged timeline of a case, read from disk on every pass instead of held in
// memory: what Build returns, in the same order with the same events folded, for a case of a
// million events in a few tens of megabytes.
//
// Open reads every events file once and keeps only a sort key per event (its instant, the ranks
// of its channel and counterpart, its exhibit and where its line is). Each call of Each sorts
// nothing: it walks the keys in order and decodes each event again from its line, so the
// renderers and findings see one event at a time. Items' events files are usually in time order
// already, so most reads are sequential; a file in another order is read by seeking.
type Merged struct {
	c     *caseconf.Case
	items []evidence.Item
	files []string        // events file of each item, "" when loaded
	mem   [][]event.Event // events of each loaded item
	keys  []key
	// byRank is the item of each rank in keys' slot.
	byRank []uint32
	n      int // events after folding; -1 until one pass has counted them
	// Classify, when set, is called with every event as a pass emits it, Seq set, before the
	// caller sees it: how the case gives each message its class (package classify).
	Classify func(e *event.Event)
	stop     func() error
}

// key places one event: compared field by field exactly as sortEvents compares events, in 24
// bytes (a million events, 24 MB). Its line is read up to its newline, so only where it starts
// is kept.
type key struct {
	sec int64
	// at is the byte offset of the line in the file (or the index in mem) above the low 30
	// bits, and the nanoseconds of the instant in them.
	at uint64
	cp uint32 // rank among the case's counterparts
	// slot is the item's rank in (exhibit, position) order above the low 8 bits, and the rank of
	// the channel among the case's channels in them.
	slot uint32
}

func (k *key) item() uint32    { return k.slot >> 8 }
func (k *key) channel() uint32 { return k.slot & 0xff }
func (k *key) nsec() uint64    { return k.at & (1<<nsecBits - 1) }
func (k *key) off() int64      { return int64(k.at >> nsecBits) }

// Limits of a key: far beyond any case (the channels are the few event.Channel names; an events
// file of 16 GiB would hold some thirty million events).
const (
	maxItems    = 1<<24 - 1
	maxChannels = 1 << 8
	nsecBits    = 30
	maxOffset   = 1<<(64-nsecBits) - 1
)

// maxOpenFiles bounds the events files a pass keeps open (and buffered) at once.
const maxOpenFiles = 64

// Open reads the keys of every event of items (pass one of two).
func Open(c *caseconf.Case, items []evidence.Item, src Source) (*Merged, error) {
	m := &Merged{c: c, items: items, files: make([]string, len(items)), mem: make([][]event.Event, len(items)), n: -1, stop: src.Stop}
	total := 0
	for i := range items {
		total += min(max(items[i].Events, 0), maxPrealloc)
	}
	m.keys = make([]key, 0, min(total, maxPrealloc))
	if len(items) > maxItems {
		return nil, fmt.Errorf("timeline: %d items, more than the %d one timeline merges", len(items), maxItems)
	}
	// Keys sort by item rank where events sort by exhibit, then item.
	rank := make([]uint32, len(items))
	byExhibit := make([]int, len(items))
	for i := range byExhibit {
		byExhibit[i] = i
	}
	slices.SortStableFunc(byExhibit, func(a, b int) int { return cmp.Compare(items[a].Exhibit, items[b].Exhibit) })
	for r, i := range byExhibit {
		rank[i] = uint32(r)
	}
	m.byRank = make([]uint32, len(items))
	for i, r := range rank {
		m.byRank[r] = uint32(i)
	}
	channels, counterparts := newRanks(), newRanks()
	for i := range items {
		it := &items[i]
		if err := m.stopped(); err != nil {
			return nil, err
		}
		add := func(t time.Time, channel event.Channel, counterpart string, off int64, length int) error {
			if len(m.keys)%stopEvery == stopEvery-1 {
				if err := m.stopped(); err != nil {
					return err
				}
			}
			if t.IsZero() {
				return nil // ingest warned about it; the timeline leaves it out
			}
			ch := channels.id(string(channel))
			if ch >= maxChannels {
				return fmt.Errorf("timeline: events of more than %d channels", maxChannels)
			}
			if off > maxOffset {
				return fmt.Errorf("timeline: events of %s: more than %d bytes", evidence.Label("en", it.Exhibit), int64(maxOffset))
			}
			m.keys = append(m.keys, key{sec: t.Unix(), at: uint64(off)<<nsecBits | uint64(t.Nanosecond()),
				slot: rank[i]<<8 | ch, cp: counterparts.id(counterpart)})
			return nil
		}
		if src.File != nil && it.Events > 0 {
			if path := src.File(it); path != "" {
				m.files[i] = path
				if err := scanFile(path, it, add); err != nil {
					return nil, err
				}
				continue
			}
		}
		evs, err := src.Load(it)
		if err != nil {
			return nil, err
		}
		m.mem[i] = evs
		for j := range evs {
			if err := add(evs[j].Time, evs[j].Channel, evs[j].Counterpart, int64(j), 0); err != nil {
				return nil, err
			}
		}
	}
	chRank, cpRank := channels.ranks(), counterparts.ranks()
	for i := range m.keys {
		k := &m.keys[i]
		k.slot, k.cp = k.slot&^0xff|chRank[k.channel()], cpRank[k.cp]
	}
	slices.SortFunc(m.keys, func(a, b key) int {
		return cmp.Or(cmp.Compare(a.sec, b.sec), cmp.Compare(a.nsec(), b.nsec()), cmp.Compare(a.channel(), b.channel()),
			cmp.Compare(a.cp, b.cp), cmp.Compare(a.item(), b.item()), cmp.Compare(a.off(), b.off()))
	})
	return m, nil
}

// keyFields are the fields of an event its key is made of: decoding only these (the line is still
// checked to be JSON) costs a fraction of decoding the whole event.
type keyFields struct {
	Time        time.Time     `json:"time"`
	Channel     event.Channel `json:"channel"`
	Counterpart string        `json:"counterpart"`
}

// scanFile decodes the key fields of every line of an events file and reports them with where
// the line is. A line that is not JSON fails here, as casefolder.Folder.Events fails on it.
func scanFile(path string, it *evidence.Item, fn func(t time.Time, channel event.Channel, counterpart string, off int64, length int) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	var off int64
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			size := int64(len(line))
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			var e keyFields
			if jerr := json.Unmarshal(line, &e); jerr != nil {
				return lineError(it, n, jerr)
			}
			if len(line) > 1<<31 {
				return lineError(it, n, errors.New("line too long"))
			}
			if err := fn(e.Time, e.Channel, e.Counterpart, off, len(line)); err != nil {
				return err
			}
			off += size
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func lineError(it *evidence.Item, n int, err error) error {
	return fmt.Errorf("events of %s line %d: %w", evidence.Label("en", it.Exhibit), n, err)
}

func (m *Merged) stopped() error {
	if m.stop == nil {
		return nil
	}
	return m.stop()
}

// Len is the number of events of the timeline (after folding), counted by a pass if none ran.
func (m *Merged) Len() (int, error) {
	if m.n < 0 {
		if err := m.Each(func(*event.Event) error { return nil }); err != nil {
			return 0, err
		}
	}
	return m.n, nil
}

// Each calls fn with every event of the timeline in order, Seq set, tagged as Build tags them
// (pass two; it may run any number of times). An error from fn stops the pass and is returned.
// fn must not keep e: the event is reused.
func (m *Merged) Each(fn func(e *event.Event) error) error {
	rd := &lineReader{}
	defer rd.close()
	book := m.c.ContactBook()
	seq := 0
	f := &folder{emit: func(e *event.Event) error {
		seq++
		e.Seq = seq
		if m.Classify != nil {
			m.Classify(e)
		}
		return fn(e)
	}}
	for i := range m.keys {
		if i%stopEvery == stopEvery-1 {
			if err := m.stopped(); err != nil {
				return err
			}
		}
		k := &m.keys[i]
		item := m.byRank[k.item()]
		it := &m.items[item]
		var e event.Event
		if m.files[item] == "" {
			e = m.mem[item][k.off()]
		} else {
			line, err := rd.read(m.files[item], k.off())
			if err != nil {
				return fmt.Errorf("events of %s: %w", evidence.Label("en", it.Exhibit), err)
			}
			if err := json.Unmarshal(line, &e); err != nil {
				return fmt.Errorf("events of %s at byte %d: %w", evidence.Label("en", it.Exhibit), k.off(), err)
			}
		}
		if err := f.push(tag(m.c, book, it, e)); err != nil {
			return err
		}
	}
	if err := f.close(); err != nil {
		return err
	}
	m.n = seq
	return nil
}

// Events collects the whole timeline, for callers that need it as a slice (small cases, tests).
func (m *Merged) Events() ([]event.Event, error) {
	out := make([]event.Event, 0, len(m.keys))
	err := m.Each(func(e *event.Event) error {
		out = append(out, *e)
		return nil
	})
	return out, err
}

// lineReader reads lines of events files by offset, keeping a few files open and buffered so
// that a file read in order costs sequential reads, not a system call per event.
type lineReader struct {
	open map[string]*openFile
	tick int
	buf  []byte
}

type openFile struct {
	f    *os.File
	br   *bufio.Reader
	next int64 // offset br is at
	used int
}

func (r *lineReader) read(path string, off int64) ([]byte, error) {
	if r.open == nil {
		r.open = map[string]*openFile{}
	}
	r.tick++
	of := r.open[path]
	if of == nil {
		if len(r.open) >= maxOpenFiles {
			r.evict()
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		of = &openFile{f: f, br: bufio.NewReaderSize(f, 32<<10)}
		r.open[path] = of
	}
	of.used = r.tick
	if of.next != off {
		if _, err := of.f.Seek(off, io.SeekStart); err != nil {
			return nil, err
		}
		of.br.Reset(of.f)
		of.next = off
	}
	// A line longer than the reader's buffer is gathered in r.buf.
	r.buf = r.buf[:0]
	for {
		part, err := of.br.ReadSlice('\n')
		of.next += int64(len(part))
		if err == bufio.ErrBufferFull {
			r.buf = append(r.buf, part...)
			continue
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		line := part
		if len(r.buf) > 0 {
			r.buf = append(r.buf, part...)
			line = r.buf
		}
		if err == io.EOF && len(line) == 0 {
			return nil, errors.New("changed while being read: no line where one was")
		}
		return bytes.TrimSuffix(line, []byte{'\n'}), nil
	}
}

func (r *lineReader) evict() {
	var oldest string
	for p, of := range r.open {
		if oldest == "" || of.used < r.open[oldest].used {
			oldest = p
		}
	}
	r.open[oldest].f.Close()
	delete(r.open, oldest)
}

func (r *lineReader) close() {
	for _, of := range r.open {
		of.f.Close()
	}
	r.open = nil
}

// ranks interns strings and then numbers them in sorted order, so keys compare ranks as the
// strings would compare.
type ranks struct {
	ids  map[string]uint32
	strs []string
}

func newRanks() *ranks { return &ranks{ids: map[string]uint32{}} }

func (r *ranks) id(s string) uint32 {
	if id, ok := r.ids[s]; ok {
		return id
	}
	id := uint32(len(r.strs))
	r.ids[s] = id
	r.strs = append(r.strs, s)
	return id
}

// ranks returns, for each id, its rank in sorted order, and drops the strings.
func (r *ranks) ranks() []uint32 {
	order := make([]uint32, len(r.strs))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(r.strs[a], r.strs[b]) })
	rank := make([]uint32, len(r.strs))
	for pos, id := range order {
		rank[id] = uint32(pos)
	}
	r.ids, r.strs = nil, nil
	return rank
}

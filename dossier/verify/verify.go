// Package verify checks that nothing in a case, a bag or a packet has changed since it was made.
//
// Verification never stops at the first problem: it collects every one (restic's check is the
// model), each naming the exhibit, the original's name and the expected and actual digests, so a
// reader sees the whole extent of a change. A crash-interrupted add is not a problem: it is
// reported as a note, and the next add completes or rolls it back.
//
// A case is verified in two streams at once: every file of the store is hashed on every core
// from the moment the store is listed, while the custody log and the index are read and
// compared; only then is each digest held to its record. An index line equal to its custody
// record byte for byte is that record and is not decoded again; any other line is decoded and
// compared field by field.
package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/store"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Kinds of problems.
const (
	Altered         = "altered"      // content differs from its recorded digest
	Missing         = "missing"      // recorded but not there
	Extra           = "extra"        // there but not recorded
	IndexEdited     = "index-edited" // an index line differs from the custody record
	IndexUnreadable = "index-unreadable"
	CustodyBroken   = "custody-broken" // the hash chain does not hold
	CaseFile        = "case-file"      // case.yaml or case.json unreadable
	EventsAltered   = "events-altered" // extracted events differ from their recorded digest
	Malformed       = "malformed"      // a bag or packet structure is broken
	Oxum            = "oxum"           // bag Payload-Oxum mismatch
	TagAltered      = "tag-altered"    // a bag tag file differs from the tag manifest
	CoverMismatch   = "cover-mismatch" // the manifest digest on a packet's cover differs
)

// Problem is one finding of verify.
type Problem struct {
	Kind     string `json:"kind"`
	Exhibit  int    `json:"exhibit,omitempty"`
	Name     string `json:"name,omitempty"`
	Path     string `json:"path,omitempty"`
	Line     int    `json:"line,omitempty"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	Detail   string `json:"detail"`
}

// Report is the outcome of a verification.
type Report struct {
	Target   string    `json:"target"`
	Type     string    `json:"type"` // case, bag, packet
	Items    int       `json:"items"`
	Bytes    int64     `json:"bytes"`
	Problems []Problem `json:"problems"`
	// Recomputed are the digests ("sha256", "sm3", "sha512") recomputed from the bytes of every
	// original checked; NotRecomputed those recorded but only read (vouched for by the records
	// that hold them: the custody chain, a bag's tag manifests, a packet's manifest and cover).
	Recomputed    []string `json:"recomputed"`
	NotRecomputed []string `json:"not_recomputed,omitempty"`
	Notes         []string `json:"notes,omitempty"`
	// Signature is what was found of a packet's signature; nil for a case, a bag or an
	// unsigned packet.
	Signature *Signature `json:"signature,omitempty"`
	Language  string     `json:"-"`
	// changedUnder: the signature found the signed bytes changed.
	changedUnder bool
}

// OK reports whether nothing was found.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) add(p Problem) { r.Problems = append(r.Problems, p) }

// recomputedOriginals records what was recomputed of originals hashed for their SHA-256, and
// for their SM3 too (withSM3: some have one recorded) when allDigests asks.
func (r *Report) recomputedOriginals(withSM3, allDigests bool) {
	r.Recomputed = []string{"sha256"}
	switch {
	case withSM3 && allDigests:
		r.Recomputed = append(r.Recomputed, "sm3")
	case withSM3:
		r.NotRecomputed = []string{"sm3"}
	}
}

// Progress is told how much there is to re-hash and how much is done, for a display.
type Progress interface {
	Total(files int, bytes int64)
	Advance(bytes int64)
}

// Options control what verify trusts and tells.
type Options struct {
	// Progress, when not nil, is told how the re-hashing goes.
	Progress Progress
	// TSARoots, when not nil, are the authorities a time-stamping authority's certificate must
	// chain to; without them a token's signature and digest are checked, not who made it.
	TSARoots *x509.CertPool
	// AllDigests recomputes every recorded digest (SM3, and SHA-512 in a bag), not only
	// SHA-256. Without it, a recorded SM3 is held to the record that holds it: an SM3 edited in
	// the index differs from the custody log's, and one edited in the custody log breaks its
	// chain, so what is not recomputed is still covered; only an original whose SHA-256 still
	// matches but whose SM3 does not (a SHA-256 collision) needs the full recomputation.
	AllDigests bool
}

// Case verifies a case folder.
func Case(dir string) (*Report, error) { return CaseWith(dir, Options{}) }

// CaseWithProgress verifies a case folder, reporting the re-hashing to p (which may be nil).
func CaseWithProgress(dir string, p Progress) (*Report, error) {
	return CaseWith(dir, Options{Progress: p})
}

// CaseWith verifies a case folder.
func CaseWith(dir string, opt Options) (*Report, error) {
	p := opt.Progress
	r := &Report{Target: dir, Type: "case", Problems: []Problem{}, Recomputed: []string{}}
	f, err := casefolder.Open(dir)
	if err != nil {
		return nil, err
	}
	// An add committing at this moment has objects in place before its custody line and index
	// lines; read half-way, that looks like tampering. So verify waits for writers like a
	// writer does. A case on read-only media cannot be locked, and nobody can be writing it.
	unlock, err := f.Lock(context.Background(), lockWait, "dossier verify", nil)
	switch {
	case err == nil:
		defer unlock()
	case errors.Is(err, casefolder.ErrLockTimeout):
		return nil, err
	default:
		r.Notes = append(r.Notes, "the case could not be locked ("+shortErr(err)+"); if another dossier process is adding to it, verify again when it is done")
	}
	if b, err := os.ReadFile(f.Path("case.json")); err == nil {
		want, _ := json.MarshalIndent(f.Meta, "", "  ")
		if string(b) != string(want)+"\n" {
			r.add(Problem{Kind: CaseFile, Path: "store/case.json", Detail: "the case description was rewritten"})
		}
	}
	// case.yaml is the user's to edit and no digest covers it: when it cannot be read the case
	// cannot be judged, which is an error to fix, not a sign of tampering.
	c, err := f.Case()
	if err != nil {
		return nil, fmt.Errorf("the case cannot be read: %w", err)
	}
	r.Language = c.Language
	pendingItems, pendingObjects, err := f.Pending()
	if err != nil {
		return nil, err
	}
	pendingItem := set(pendingItems)
	pendingObject := set(pendingObjects)
	if len(pendingItems) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("an add of %d item(s) was interrupted; the next dossier add completes or rolls it back", len(pendingItems)))
	}

	pendingReadings, err := f.PendingReadings()
	if err != nil {
		return nil, err
	}
	if len(pendingReadings) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("a run writing %d text reading(s) was interrupted; the next dossier command that writes the case completes or rolls it back", len(pendingReadings)))
	}

	// An interrupted add may have appended its custody line and not moved the head; an
	// interrupted batch of readings, one line per reading.
	behind := len(pendingReadings)
	if len(pendingItems) > 0 {
		behind = max(behind, 1)
	}
	hashes := startHashing(f, p, opt.AllDigests)
	custody, readings := checkCustody(f, r, behind)
	items := checkIndex(f, r, custody, pendingItem)
	checkObjects(f, r, items, pendingObject, hashes, opt.AllDigests)
	checkCaseTimestamps(f, r, opt.TSARoots)
	checkReadings(f, r, items, readings, set(pendingReadings))
	sortProblems(r.Problems)
	return r, nil
}

// lockWait is how long verify waits for another process writing the case.
const lockWait = 10 * time.Minute

func set(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// checkCustody walks the hash chain and returns the items the log records, by id, and the last
// OCR reading it records of each item (the log is read once, not again for the readings). behind
// is how many lines an interrupted write may have appended past the head (0: none was).
func checkCustody(f *casefolder.Folder, r *Report, behind int) (map[string]custodyItem, map[string]recordedReading) {
	interrupted := behind > 0
	items := map[string]custodyItem{}
	readings := map[string]recordedReading{}
	prev := casefolder.ZeroHash
	var lastSeq int
	var lastHash string
	err := casefolder.ReadLines(f.CustodyPath(), func(l casefolder.RawLine) error {
		if l.Torn {
			if interrupted {
				r.Notes = append(r.Notes, fmt.Sprintf("custody log line %d was cut short by the interrupted add", l.N))
			} else {
				r.add(Problem{Kind: CustodyBroken, Path: "store/custody.jsonl", Line: l.N, Detail: "the last line is incomplete"})
			}
			return nil
		}
		cl, raw, err := decodeCustody(l.Bytes)
		if err != nil {
			r.add(Problem{Kind: CustodyBroken, Path: "store/custody.jsonl", Line: l.N, Detail: "line is not a custody entry: " + shortErr(err)})
			prev = casefolder.Hash(l.Bytes)
			lastSeq++
			lastHash = prev
			return nil
		}
		if cl.Prev != prev {
			r.add(Problem{Kind: CustodyBroken, Path: "store/custody.jsonl", Line: l.N, Exhibit: firstExhibit(cl),
				Expected: prev, Actual: cl.Prev, Detail: fmt.Sprintf("entry %d does not follow from the entry before it: the log was edited at or before line %d", cl.Seq, l.N)})
		}
		if cl.Seq != l.N {
			r.add(Problem{Kind: CustodyBroken, Path: "store/custody.jsonl", Line: l.N, Detail: fmt.Sprintf("entry numbered %d on line %d: entries were removed or reordered", cl.Seq, l.N)})
		}
		if l.N == 1 && (cl.Action != "init" || cl.CaseID != f.Meta.ID || !cl.Time.Equal(f.Meta.Created)) {
			r.add(Problem{Kind: CustodyBroken, Path: "store/custody.jsonl", Line: 1, Detail: "the first entry is not this case's creation"})
			r.add(Problem{Kind: CaseFile, Path: "store/case.json", Detail: "the case's id or creation time differs from the custody log's first entry"})
		}
		for i, it := range cl.Items {
			items[it.ID] = custodyItem{Item: it, line: l.N, raw: raw[i]}
		}
		if cl.Action == casefolder.ActionReading {
			readings[cl.Note] = recordedReading{sha256: cl.SHA256, exhibit: cl.Exhibit}
		}
		prev = casefolder.Hash(l.Bytes)
		lastSeq, lastHash = l.N, prev
		return nil
	})
	if err != nil {
		r.add(Problem{Kind: CustodyBroken, Path: "store/custody.jsonl", Detail: "cannot read the custody log: " + shortErr(err)})
		return items, readings
	}
	seq, hash, err := f.Head()
	switch {
	case err != nil:
		r.add(Problem{Kind: CustodyBroken, Path: "store/custody.head", Detail: "cannot read the custody head: " + shortErr(err)})
	case seq == lastSeq && hash == lastHash:
		// The head is written as exactly this line; other spellings of it are edits too.
		if b, err := os.ReadFile(f.Path("custody.head")); err == nil && string(b) != fmt.Sprintf("%d %s\n", seq, hash) {
			r.add(Problem{Kind: CustodyBroken, Path: "store/custody.head", Detail: "the custody head was rewritten (same entry, different bytes)"})
		}
	case interrupted && seq < lastSeq && seq >= lastSeq-behind:
		r.Notes = append(r.Notes, "the custody head was not yet moved by the interrupted add")
	default:
		r.add(Problem{Kind: CustodyBroken, Path: "store/custody.head", Expected: fmt.Sprintf("%d %s", seq, hash),
			Actual: fmt.Sprintf("%d %s", lastSeq, lastHash), Detail: "the last custody entry is not the one the head records: the end of the log was edited or removed"})
	}
	return items, readings
}

type custodyItem struct {
	evidence.Item
	line int
	raw  []byte // the record as the custody line holds it
}

// decodeCustody decodes a custody line, keeping each item's record as written too, so that an
// index line can be found equal to its record byte for byte instead of decoded and encoded again.
func decodeCustody(line []byte) (casefolder.CustodyLine, [][]byte, error) {
	var e struct {
		casefolder.CustodyLine
		Items []jsonv1.RawMessage `json:"items,omitempty"`
	}
	if err := jsonv1.Unmarshal(line, &e); err != nil {
		return casefolder.CustodyLine{}, nil, err
	}
	cl := e.CustodyLine
	raw := make([][]byte, len(e.Items))
	cl.Items = make([]evidence.Item, len(e.Items))
	for i, b := range e.Items {
		if err := jsonv1.Unmarshal(b, &cl.Items[i]); err != nil {
			return casefolder.CustodyLine{}, nil, fmt.Errorf("item %d: %w", i+1, err)
		}
		raw[i] = b
	}
	return cl, raw, nil
}

func firstExhibit(cl casefolder.CustodyLine) int {
	if len(cl.Items) > 0 {
		return cl.Items[0].Exhibit
	}
	return cl.Exhibit
}

// checkIndex compares the index with the custody records.
func checkIndex(f *casefolder.Folder, r *Report, custody map[string]custodyItem, pending map[string]bool) []evidence.Item {
	var items []evidence.Item
	seen := map[string]bool{}
	exhibits := map[int]string{}
	listed := func(it evidence.Item, line int) {
		items = append(items, it)
		seen[it.ID] = true
		if other, dup := exhibits[it.Exhibit]; dup {
			r.add(Problem{Kind: IndexEdited, Exhibit: it.Exhibit, Name: it.Name, Path: "store/index.jsonl", Line: line,
				Detail: fmt.Sprintf("exhibit number used twice (also %s)", other)})
		}
		exhibits[it.Exhibit] = it.Name
	}
	// An index line is written as its item's latest custody record: a line equal to one, byte
	// for byte, is that record and needs no decoding.
	byRecord := make(map[string]string, len(custody))
	for id, rec := range custody {
		byRecord[string(rec.raw)] = id
	}
	err := casefolder.ReadLines(f.IndexPath(), func(l casefolder.RawLine) error {
		if len(bytes.TrimSpace(l.Bytes)) == 0 {
			return nil
		}
		if l.Torn && len(pending) > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("index line %d was cut short by the interrupted add", l.N))
			return nil
		}
		if id, ok := byRecord[string(l.Bytes)]; ok && !l.Torn {
			listed(custody[id].Item, l.N)
			return nil
		}
		var it evidence.Item
		if err := json.Unmarshal(l.Bytes, &it); err != nil {
			r.add(Problem{Kind: IndexUnreadable, Path: "store/index.jsonl", Line: l.N, Detail: "line is not an item: " + shortErr(err)})
			return nil
		}
		listed(it, l.N)
		rec, ok := custody[it.ID]
		if !ok {
			r.add(Problem{Kind: IndexEdited, Exhibit: it.Exhibit, Name: it.Name, Path: "store/index.jsonl", Line: l.N,
				Detail: "item is in the index but the custody log never recorded adding it"})
			return nil
		}
		if a, b := canonical(it), canonical(rec.Item); a != b && pending[it.ID] {
			r.Notes = append(r.Notes, fmt.Sprintf("an edit of %s was interrupted; the next dossier command that writes completes it", evidence.Label("en", rec.Exhibit)))
		} else if a != b {
			r.add(Problem{Kind: IndexEdited, Exhibit: rec.Exhibit, Name: rec.Name, Path: "store/index.jsonl", Line: l.N,
				Detail: "index entry differs from the custody record (" + diffFields(rec.Item, it) + ")"})
		} else if string(l.Bytes) != b || l.Torn {
			// Index lines are written as exactly these bytes; any other spelling of the same
			// record (spaces, escapes, a lost newline) is still an edit.
			r.add(Problem{Kind: IndexEdited, Exhibit: rec.Exhibit, Name: rec.Name, Path: "store/index.jsonl", Line: l.N,
				Detail: "index line was rewritten (same fields, different bytes)"})
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.add(Problem{Kind: IndexUnreadable, Path: "store/index.jsonl", Detail: shortErr(err)})
	} else if errors.Is(err, fs.ErrNotExist) {
		r.add(Problem{Kind: Missing, Path: "store/index.jsonl", Detail: "the index is missing"})
	}
	ids := make([]string, 0, len(custody))
	for id := range custody {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rec := custody[id]
		if !seen[id] && !pending[id] {
			r.add(Problem{Kind: IndexEdited, Exhibit: rec.Exhibit, Name: rec.Name, Path: "store/index.jsonl",
				Detail: fmt.Sprintf("the custody log records this item (line %d) but the index does not list it", rec.line)})
			items = append(items, rec.Item) // still check its object
		}
	}
	r.Items = len(items)
	return items
}

func canonical(it evidence.Item) string {
	b, _ := json.Marshal(it)
	return string(b)
}

// diffFields names the fields of an item that differ.
func diffFields(want, got evidence.Item) string {
	var wm, gm map[string]any
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(got)
	_ = json.Unmarshal(wb, &wm)
	_ = json.Unmarshal(gb, &gm)
	var names []string
	for k, v := range wm {
		if fmt.Sprint(gm[k]) != fmt.Sprint(v) {
			names = append(names, k)
		}
	}
	for k := range gm {
		if _, ok := wm[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return "fields: " + strings.Join(names, ", ")
}

// storeHashes is the re-hashing of everything the store holds, started before the records are
// read. Which digest each file must have comes from the records, but which files there are to
// hash does not; reading the records (the custody log repeats every item record) would otherwise
// leave the cores idle for a tenth of the time the hashing takes.
type storeHashes struct {
	done    chan struct{}
	objects []store.Object // what objects/ holds
	listErr error
	results map[string]store.HashResult // by path
}

// startHashing lists objects/ and events/ and hashes every file there on every core, reporting
// to prog. allDigests computes each object's SM3 as well.
func startHashing(f *casefolder.Folder, prog Progress, allDigests bool) *storeHashes {
	h := &storeHashes{done: make(chan struct{}), results: map[string]store.HashResult{}}
	go func() {
		defer close(h.done)
		h.objects, h.listErr = f.Store.List()
		jobs := make([]store.Object, 0, len(h.objects))
		for _, o := range h.objects {
			o.AlsoSM3 = allDigests
			jobs = append(jobs, o)
		}
		// The events files are named by item, not by digest; one that is not there is found
		// missing when the records are compared.
		events, _ := os.ReadDir(f.Path("events"))
		for _, e := range events {
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() && strings.HasSuffix(e.Name(), ".jsonl") {
				jobs = append(jobs, store.Object{Path: f.Path("events", e.Name()), Size: info.Size()})
			}
		}
		if prog != nil {
			var total int64
			for _, j := range jobs {
				total += j.Size
			}
			prog.Total(len(jobs), total)
		}
		store.Rehash(jobs, func(res store.HashResult) {
			h.results[res.Path] = res
			if prog != nil {
				prog.Advance(res.Size)
			}
		})
	}()
	return h
}

// checkObjects compares the digests of every original and every events file with the records,
// and looks for objects nobody recorded.
func checkObjects(f *casefolder.Folder, r *Report, items []evidence.Item, pendingObject map[string]bool, hashes *storeHashes, allDigests bool) {
	<-hashes.done
	type expect struct {
		item   evidence.Item
		events bool
		want   store.Object
	}
	want := map[string]expect{} // path → what it should be
	var order []string
	bySHA := map[string]evidence.Item{}
	withSM3 := false
	var unlisted []store.Object // there, but not when the store was listed
	expected := func(it evidence.Item, o store.Object, events bool) {
		if _, dup := want[o.Path]; dup {
			return
		}
		if _, ok := hashes.results[o.Path]; !ok {
			if _, err := os.Lstat(o.Path); err != nil {
				gone := "the stored original is gone"
				if events {
					gone = "the events extracted from this item are gone"
				}
				r.add(Problem{Kind: Missing, Exhibit: it.Exhibit, Name: it.Name, Path: rel(f, o.Path), Expected: o.SHA256, Detail: gone})
				return
			}
			unlisted = append(unlisted, o)
		}
		want[o.Path] = expect{item: it, events: events, want: o}
		order = append(order, o.Path)
	}
	for _, it := range items {
		withSM3 = withSM3 || it.SM3 != ""
		bySHA[it.SHA256] = it
		o := store.Object{SHA256: it.SHA256, Path: f.Store.Path(it.SHA256), Size: it.Size}
		if allDigests {
			o.SM3 = it.SM3
		}
		expected(it, o, false)
		if it.EventsSHA256 != "" {
			expected(it, store.Object{SHA256: it.EventsSHA256, Path: f.EventsPath(it.ID)}, true)
		}
	}
	if hashes.listErr != nil {
		r.add(Problem{Kind: Malformed, Path: "store/objects", Detail: "cannot list the store: " + shortErr(hashes.listErr)})
	}
	for _, o := range hashes.objects {
		if _, ok := want[o.Path]; ok {
			continue
		}
		if pendingObject[o.SHA256] {
			continue
		}
		p := Problem{Kind: Extra, Path: rel(f, o.Path), Actual: o.SHA256, Detail: "a file in the store that no item records"}
		if it, ok := bySHA[o.SHA256]; ok {
			p.Exhibit, p.Name, p.Detail = it.Exhibit, it.Name, "a copy of this exhibit stored in the wrong place"
		}
		r.add(p)
	}
	r.recomputedOriginals(withSM3, allDigests)
	store.Rehash(unlisted, func(res store.HashResult) { hashes.results[res.Path] = res })
	for _, p := range order {
		e := want[p]
		h := hashes.results[p]
		r.Bytes += e.want.Size
		switch {
		case h.Err != nil:
			r.add(Problem{Kind: Missing, Exhibit: e.item.Exhibit, Name: e.item.Name, Path: rel(f, p), Expected: e.want.SHA256,
				Detail: "cannot read: " + shortErr(h.Err)})
		case h.Actual != e.want.SHA256 && e.events:
			r.add(Problem{Kind: EventsAltered, Exhibit: e.item.Exhibit, Name: e.item.Name, Path: rel(f, p), Expected: e.want.SHA256,
				Actual: h.Actual, Detail: "the events extracted from this item were changed"})
		case h.Actual != e.want.SHA256:
			r.add(Problem{Kind: Altered, Exhibit: e.item.Exhibit, Name: e.item.Name, Path: rel(f, p), Expected: e.want.SHA256,
				Actual: h.Actual, Detail: "the stored original was changed"})
		case e.want.SM3 != "" && h.ActualSM3 != e.want.SM3:
			r.add(Problem{Kind: Altered, Exhibit: e.item.Exhibit, Name: e.item.Name, Path: rel(f, p), Expected: "sm3:" + e.want.SM3,
				Actual: "sm3:" + h.ActualSM3, Detail: "the stored original's SM3 digest differs from the one recorded when it was added"})
		}
	}
}

func rel(f *casefolder.Folder, p string) string {
	if s, ok := strings.CutPrefix(p, f.Dir+string(os.PathSeparator)); ok {
		return strings.ReplaceAll(s, string(os.PathSeparator), "/")
	}
	return p
}

func shortErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Exhibit != ps[j].Exhibit {
			if ps[i].Exhibit == 0 || ps[j].Exhibit == 0 {
				return ps[j].Exhibit == 0
			}
			return ps[i].Exhibit < ps[j].Exhibit
		}
		if ps[i].Path != ps[j].Path {
			return ps[i].Path < ps[j].Path
		}
		return ps[i].Line < ps[j].Line
	})
}

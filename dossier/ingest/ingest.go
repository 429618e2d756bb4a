// Package ingest brings files into a case: it walks the paths the user gives, copies and hashes
// each file into the store in one pass, detects its type from its bytes, parses it with the first
// parser that recognises it, numbers it as the next exhibit and commits it with its events.
//
// Evidence is never refused. A file no parser recognises, or one its parser cannot read, is
// stored as a document with a warning naming the file and the reason; only a path that cannot be
// read at all is an error, and then only for that path: the rest still goes in. The same bytes
// added twice stay one item; the second add says which exhibit they already are.
//
// Copying and hashing run on every core ahead of the single, in-order step that numbers and
// parses, so exhibit numbers follow the order of the paths (folders in lexical order) whatever
// the timing. Items are committed in batches (package casefolder) so that a folder of ten
// thousand small files costs a handful of file-system syncs, not tens of thousands.
//
// Events go to the item's events file as they come: a parser may hand them over one by one
// through parse.Input.Emit while it reads, and whatever it returns in Result.Events follows, so a
// backup of hundreds of thousands of messages never sits in memory as a slice. Only the first
// event is held back, because --time replaces the time of an item's single event.
package ingest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/google/uuid"
	"golang.org/x/text/unicode/norm"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/store"
	"github.com/dossier-tool/dossier/dossier/textenc"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// Options control an add.
type Options struct {
	Describe // applies to every file; a sidecar overrides it for its file
	Parsers  []parse.Parser
	Now      func() time.Time
	// Progress, when set, is told the total and each file's bytes as they are copied.
	Progress Progress
	// BatchItems and BatchBytes bound how much is staged before a commit.
	BatchItems int
	BatchBytes int64
	// ShowFrom, when set, is a folder the files were put in only to be added (the web app's
	// uploads): paths under it are shown and recorded relative to it, as the user gave them.
	ShowFrom string
	// Added, when set, is given the record of every item added, once its batch is committed,
	// one call at a time: what a caller does next with the new items (OCR) need not read the
	// whole index again.
	Added func(evidence.Item)
}

// show is the path as the user knows it, decoded for display (see textenc.FileName).
func (o *Options) show(p string) string { return textenc.FileName(o.showRaw(p)) }

// showRaw is show with the path's bytes as they are.
func (o *Options) showRaw(p string) string {
	if o.ShowFrom != "" {
		if rel, err := filepath.Rel(o.ShowFrom, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(p)
}

// Progress receives the progress of an add.
type Progress interface {
	Total(files int, bytes int64)
	Advance(bytes int64)
}

// Result is what happened to one file.
type Result struct {
	Path    string `json:"path"`
	Exhibit int    `json:"exhibit,omitempty"`
	ID      string `json:"id,omitempty"`
	Kind    string `json:"kind,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	Summary string `json:"summary,omitempty"`
	// SummaryCode is Summary as a code, for a caller to word in the case language.
	SummaryCode *vocab.Summary `json:"summary_code,omitempty"`
	Events      int            `json:"events"`
	Warnings    []string       `json:"warnings,omitempty"`
	// WarningCodes are Warnings as codes, for a caller to word in the case language.
	WarningCodes []vocab.Warning `json:"warning_codes,omitempty"`
	DuplicateOf  int             `json:"duplicate_of,omitempty"`
	DerivedFrom  int             `json:"derived_from,omitempty"`
	Skipped      string          `json:"skipped,omitempty"` // why a path was not evidence (a symlink, a FIFO)
	SkippedCode  *vocab.Warning  `json:"skipped_code,omitempty"`
	Err          string          `json:"error,omitempty"`
	ErrCode      *vocab.Warning  `json:"error_code,omitempty"`
	// Denied is set when Err is a permission error, so a caller can say how to fix it.
	Denied bool `json:"permission_denied,omitempty"`
}

// Report is the outcome of an add.
type Report struct {
	Results []Result `json:"results"`
	Added   int      `json:"added"`
	Dups    int      `json:"duplicates"`
	Failed  int      `json:"failed"`
	Notes   []string `json:"notes,omitempty"` // recovery notes
}

// ErrNothing is returned when the paths held no file at all.
var ErrNothing = errors.New("nothing to add")

// NothingError is ErrNothing with how many of the given paths could not be read.
type NothingError struct{ Unreadable int }

func (e *NothingError) Error() string {
	if e.Unreadable > 0 {
		return ErrNothing.Error() + ": no readable file in the given paths"
	}
	return ErrNothing.Error() + ": no files in the given paths"
}

func (e *NothingError) Is(target error) bool { return target == ErrNothing }

// audioExts are the recordings a same-stem .txt transcript can belong to.
var audioExts = map[string]bool{".mp3": true, ".m4a": true, ".aac": true, ".amr": true, ".awb": true, ".3gp": true,
	".3gpp": true, ".wav": true, ".ogg": true, ".opus": true, ".flac": true}

// ignored are files operating systems leave in folders; they are not evidence.
var ignored = map[string]bool{".DS_Store": true, "Thumbs.db": true, "desktop.ini": true}

type file struct {
	path       string // as found
	display    string // as the user would recognise it
	size       int64
	modTime    time.Time
	transcript string // path of a same-stem .txt to store with a recording
	sidecar    string // path of its <name>.meta.yaml, when there is one
}

// Add ingests paths into the case. The caller holds the case lock and has run Recover.
func Add(f *casefolder.Folder, c *caseconf.Case, paths []string, opt Options) (*Report, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.BatchItems == 0 {
		opt.BatchItems = 512
	}
	if opt.BatchBytes == 0 {
		opt.BatchBytes = 512 << 20
	}
	if err := opt.Describe.Check(c.Location()); err != nil {
		return nil, err
	}
	rep := &Report{}
	files := collect(paths, rep, ownFiles(f))
	for i := range files {
		files[i].display = opt.show(files[i].path)
	}
	if len(files) == 0 {
		return rep, &NothingError{Unreadable: rep.Failed}
	}
	if opt.Progress != nil {
		var total int64
		for _, fl := range files {
			total += fl.size
		}
		opt.Progress.Total(len(files), total)
	}
	items, err := f.Items()
	if err != nil {
		return rep, fmt.Errorf("read index: %w", err)
	}
	a := &adder{f: f, c: c, opt: opt, rep: rep, bySHA: map[string]*evidence.Item{}}
	for i := range items {
		a.bySHA[items[i].SHA256] = &items[i]
		if items[i].Exhibit > a.last {
			a.last = items[i].Exhibit
		}
	}
	defer f.Discard(&a.batch)
	// Every return waits for the batch being committed: nothing writes to the case after Add.
	defer a.wait()

	var stop atomic.Bool
	staging := stageAll(f.Store, files, opt.Progress, &stop)
	// On an early return the stagers stop taking files and the few still copying finish into
	// the void: no goroutine is left writing into the case, and no staged copy outlives this call.
	defer func() {
		stop.Store(true)
		for st := range staging {
			if st.staged != nil {
				f.Store.Discard(st.staged)
			}
		}
	}()
	for st := range staging {
		if st.err != nil {
			why := describeErr(st.err)
			rep.Results = append(rep.Results, Result{Path: st.file.display, Err: why.String(), ErrCode: &why, Denied: errors.Is(st.err, fs.ErrPermission)})
			rep.Failed++
			continue
		}
		if err := a.one(st.file, st.staged); err != nil {
			return rep, err
		}
		if a.batch.Len() >= opt.BatchItems || a.batchBytes >= opt.BatchBytes {
			if err := a.commit(); err != nil {
				return rep, err
			}
		}
	}
	if err := a.commit(); err != nil {
		return rep, err
	}
	if err := a.wait(); err != nil {
		return rep, err
	}
	return rep, nil
}

type adder struct {
	f          *casefolder.Folder
	c          *caseconf.Case
	opt        Options
	rep        *Report
	bySHA      map[string]*evidence.Item
	last       int
	batch      casefolder.Batch
	batchBytes int64
	// committing is the outcome of the batch handed to a goroutine to commit, nil when none is.
	committing chan error
}

// commit hands the batch to a goroutine that commits it, after the one before has committed, so
// that the batch's sync (most of a commit's time) runs while the next batch is copied and
// parsed. Batches still commit one at a time and in order, each in the way casefolder.Commit
// makes crash-safe; a failed commit ends the add before the next batch is handed over.
func (a *adder) commit() error {
	if err := a.wait(); err != nil {
		return err
	}
	if a.batch.Len() == 0 {
		return nil
	}
	b := new(casefolder.Batch)
	*b, a.batch = a.batch, casefolder.Batch{}
	a.batchBytes = 0
	done := make(chan error, 1)
	a.committing = done
	now := a.opt.Now()
	go func() {
		items := b.Items // Commit empties the batch
		err := a.f.Commit(b, now)
		if err != nil {
			a.f.Discard(b)
		} else if a.opt.Added != nil {
			for _, it := range items {
				a.opt.Added(it)
			}
		}
		done <- err
	}()
	return nil
}

// wait waits for the batch being committed, if any, and returns its error.
func (a *adder) wait() error {
	if a.committing == nil {
		return nil
	}
	err := <-a.committing
	a.committing = nil
	return err
}

// describe is what the flags and the file's sidecar, if it is readable, say of it.
func (a *adder) describe(fl file) Describe {
	desc := a.opt.Describe
	if side, ok, err := readSidecar(fl.sidecar); ok && err == nil && side.Check(a.c.Location()) == nil {
		desc = desc.merge(side)
	}
	return desc
}

// one numbers, parses and stages one file (and what it carries inside).
func (a *adder) one(fl file, st *store.Staged) error {
	res := Result{Path: fl.display, SHA256: st.SHA256}
	if prev := a.bySHA[st.SHA256]; prev != nil {
		var derived []Result
		// An archive added before without its password is opened now that one is given.
		if prev.Kind == parse.KindArchive {
			if desc := a.describe(fl); desc.Password != "" {
				var err error
				var warnings []vocab.Warning
				if derived, warnings, err = a.reopen(prev, st, desc); err != nil {
					a.f.Store.Discard(st)
					return err
				}
				res.warn(warnings...)
			}
		}
		a.f.Store.Discard(st)
		res.DuplicateOf, res.Exhibit, res.Kind, res.ID = prev.Exhibit, prev.Exhibit, prev.Kind, prev.ID
		a.rep.Results = append(a.rep.Results, res)
		a.rep.Dups++
		for _, d := range derived {
			a.rep.Results = append(a.rep.Results, d)
			a.rep.Added++
		}
		return nil
	}
	desc := a.opt.Describe
	if side, ok, err := readSidecar(fl.sidecar); ok {
		if err != nil {
			w := parse.Warn("", "sidecar-ignored", err)
			w.File = filepath.Base(fl.sidecar)
			res.warn(w)
		} else if err := side.Check(a.c.Location()); err != nil {
			w := parse.Warn("", "sidecar-ignored", err)
			w.File = filepath.Base(fl.sidecar)
			res.warn(w)
		} else {
			desc = desc.merge(side)
		}
	}
	var transcript string
	var tstaged *store.Staged
	if fl.transcript != "" {
		var terr error
		transcript, tstaged, terr = a.readTranscript(fl.transcript)
		if terr != nil {
			res.warn(parse.Warn("", "transcript-not-stored", filepath.Base(fl.transcript), terr))
		}
	}
	it, derived, err := a.item(baseName(fl.path), fl.path, fl.modTime, time.Time{}, st, desc, "", transcript, 0)
	if err != nil {
		return err
	}
	res.Exhibit, res.ID, res.Kind, res.Summary, res.SummaryCode, res.Events = it.Exhibit, it.ID, it.Kind, it.Summary, it.SummaryCode, it.Events
	res.Warnings, res.WarningCodes = append(res.Warnings, it.Warnings...), append(res.WarningCodes, it.WarningCodes...)
	a.rep.Results = append(a.rep.Results, res)
	a.rep.Added++
	for _, d := range derived {
		a.rep.Results = append(a.rep.Results, d)
		a.rep.Added++
	}
	if tstaged != nil {
		if prev := a.bySHA[tstaged.SHA256]; prev != nil {
			a.f.Store.Discard(tstaged)
		} else {
			tdesc := Describe{Holder: desc.Holder, HolderRole: desc.HolderRole, Source: desc.Source, Kind: parse.KindTranscript}
			tinfo, _ := os.Stat(fl.transcript)
			var mt time.Time
			if tinfo != nil {
				mt = tinfo.ModTime()
			}
			tit, _, err := a.item(baseName(fl.transcript), fl.transcript, mt, time.Time{}, tstaged, tdesc, it.ID, "", 1)
			if err != nil {
				return err
			}
			a.rep.Results = append(a.rep.Results, Result{Path: a.opt.show(fl.transcript), Exhibit: tit.Exhibit, ID: tit.ID, Kind: tit.Kind,
				SHA256: tit.SHA256, Summary: tit.Summary, SummaryCode: tit.SummaryCode, DerivedFrom: it.Exhibit})
			a.rep.Added++
		}
	}
	return nil
}

// maxTranscript caps the transcript text carried in the recording's event.
const maxTranscript = 1 << 20

func (a *adder) readTranscript(path string) (string, *store.Staged, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer fh.Close()
	st, err := a.f.Store.StageOpen(fh, 0)
	if err != nil {
		return "", nil, err
	}
	defer st.Release()
	r, _, err := textenc.NewReader(io.NewSectionReader(st.File(), 0, min(st.Size, maxTranscript)))
	if err != nil {
		return "", st, err
	}
	b, err := io.ReadAll(r)
	return strings.TrimSpace(string(b)), st, err
}

// maxDepth bounds how deep files inside files are extracted: real mail holds forward chains of
// ten messages each attached to the next, plus the pictures at the bottom, and archives hold
// folders of e-mails. A file deeper than this is named on its container's item as not
// extracted, never dropped in silence.
const maxDepth = 16

// errTooDeep is what Derive answers below maxDepth; parsers report it on the item.
var errTooDeep = fmt.Errorf("not extracted: it is nested more than %d files deep (an e-mail forwarded as an attachment of an attachment ...); the file that holds it is kept whole", maxDepth)

// item detects, parses and stages one stored original. depth counts how deep inside another
// file it was found (MMS parts, e-mail attachments).
func (a *adder) item(name, origPath string, modTime, messageTime time.Time, st *store.Staged, desc Describe, parent, transcript string, depth int) (*evidence.Item, []Result, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return nil, nil, err
	}
	a.last++
	it := evidence.Item{Exhibit: a.last, ID: id.String(), SHA256: st.SHA256, SM3: st.SM3, Name: norm.NFC.String(textenc.FileName(name)), Size: st.Size,
		Acquired: a.opt.Now().UTC().Truncate(time.Millisecond), Title: desc.Title, Purpose: desc.Purpose, Source: desc.Source,
		Holder: desc.Holder, HolderRole: desc.HolderRole, DerivedFrom: parent}
	// A name that is not UTF-8 (GBK bytes from a zip made on Chinese Windows) is shown decoded
	// and kept exactly, escaped, so nothing of it is lost and the index stays valid text.
	if !utf8.ValidString(name) {
		it.NameRaw = strconv.Quote(name)
	}
	if origPath != "" {
		raw := a.opt.showRaw(origPath)
		it.Added = textenc.FileName(raw)
		if !utf8.ValidString(raw) {
			it.AddedRaw = strconv.Quote(raw)
		}
	}
	if !modTime.IsZero() {
		mt := modTime.UTC().Truncate(time.Second)
		it.ModTime = &mt
	}
	a.bySHA[st.SHA256] = &it
	a.batch.Objects = append(a.batch.Objects, st)
	a.batchBytes += st.Size

	// The copy staged with StageOpen is still open and its head in memory; an embedded file
	// staged by Derive is opened here.
	defer st.Release()
	data, head := st.File(), st.Head()
	if data == nil {
		fh, err := os.Open(st.TempPath())
		if err != nil {
			return nil, nil, fmt.Errorf("%s: reopen staged copy: %w", name, err)
		}
		defer fh.Close()
		data, head = fh, make([]byte, parse.HeadSize)
		n, _ := io.ReadFull(fh, head)
		head = head[:n]
	}
	mt := mimetype.Detect(head)
	it.MIME = mt.String()
	ext := strings.ToLower(filepath.Ext(name))
	var warnings []vocab.Warning
	if w, ok := extensionMismatch(mt, ext); ok {
		warnings = append(warnings, w)
	}

	var derived []Result
	in := &parse.Input{Name: it.Name, Ext: ext, MIME: it.MIME, Size: st.Size, Data: data, ModTime: modTime,
		Zone: a.c.Location(), Kind: desc.Kind, Transcript: transcript, MessageTime: messageTime, Password: desc.Password,
		Latest: a.latest(), TempDir: a.f.Path("tmp")}
	in.Derive = a.deriver(&it, desc, depth, &derived)
	sniff := &parse.Sniff{Name: it.Name, Ext: ext, MIME: it.MIME, Head: head, Size: st.Size}
	sink := newEventSink(func() *casefolder.EventsWriter { return a.f.EventsWriter(&a.batch, it.ID) })
	defer func() { sink.w.Abort() }() // after close the file is the batch's and stays
	in.Emit = sink.add
	var res *parse.Result
	var parserName string
	if desc.Kind == parse.KindTranscript {
		// A transcript's text is already the recording's event; it is kept as it is.
		res = &parse.Result{Kind: parse.KindTranscript, Summary: parse.Summarize("transcript")}
	} else {
		res, parserName = a.parse(sniff, in, sink)
	}
	if sink.err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, sink.err)
	}
	it.Parser = parserName
	it.Kind = res.Kind
	if desc.Kind != "" {
		it.Kind = desc.Kind
	}
	if it.Kind == "" {
		it.Kind = parse.KindDocument
	}
	if parent != "" && it.Kind == parse.KindDocument && desc.Kind == "" {
		it.Kind = parse.KindAttachment
	}
	it.Info = res.Info
	if res.Summary.Code != "" {
		sum := res.Summary
		it.Summary, it.SummaryCode = sum.String(), &sum
	}
	it.MIME = withCharset(it.MIME, res.Info["encoding"])
	warnings = append(warnings, parse.CapWarnings(res.Warnings)...)
	for i := range res.Events {
		if err := sink.add(res.Events[i]); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	res.Events = nil
	if !res.Time.IsZero() {
		t := res.Time
		it.Time, it.TimeSource = &t, res.TimeSource
	} else if sink.n == 1 {
		t := sink.first.Time
		it.Time, it.TimeSource = &t, sink.first.TimeSource
	} else if sink.n == 0 && !messageTime.IsZero() {
		// An attachment nothing inside dates (a document, a file of no known format) was at
		// least there when its message was.
		t := messageTime.In(a.c.Location())
		it.Time, it.TimeSource = &t, event.TimeFromMessage
	}
	if desc.Time != "" {
		ut, _ := ParseUserTime(desc.Time, a.c.Location())
		it.Time, it.TimeSource = &ut, event.TimeFromUser
		// A single-moment item (a screenshot, a document) takes the user's time; logs keep
		// the times their rows carry.
		switch {
		case sink.n == 1 && sink.first.TimeSource != event.TimeFromContent:
			sink.first.Time, sink.first.TimeSource = ut, event.TimeFromUser
		case sink.n == 0 && (it.Kind == parse.KindAgreement || it.Kind == parse.KindDocument):
			ch := event.Note
			if it.Kind == parse.KindAgreement {
				ch = event.Agreement
			}
			if err := sink.add(event.Event{Time: ut, TimeSource: event.TimeFromUser, Channel: ch, Text: it.DisplayTitle()}); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	sum, n, err := sink.close()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	warnings = append(warnings, sink.warnings.List()...)
	it.WarningCodes = ofFile(it.Name, warnings)
	it.Warnings = english(it.WarningCodes)
	it.Events = n
	it.EventsSHA256 = sum
	a.batch.Items = append(a.batch.Items, it)
	// Later duplicates are answered from a copy: the batch's own records are the committing
	// goroutine's once the batch is handed over.
	a.bySHA[st.SHA256] = &it
	return &it, derived, nil
}

// parse runs the first parser that recognises the file; a parser that fails or panics hands the
// file to the fallback (the last parser) with the reason as a warning.
//
// Events a failed parser emitted before failing are thrown away: the fallback starts from an
// empty events file. A sink that can no longer write ends the parse at once; item reports it.
func (a *adder) parse(s *parse.Sniff, in *parse.Input, sink *eventSink) (*parse.Result, string) {
	ps := a.opt.Parsers
	if len(ps) == 0 {
		return &parse.Result{Kind: parse.KindDocument, Warnings: []parse.Warning{parse.Warn("", "no-parsers")}}, ""
	}
	for i, p := range ps {
		if !safeDetect(p, s) {
			continue
		}
		res, err := safeParse(p, in)
		if err == nil && res != nil {
			return res, p.Name()
		}
		if sink.err != nil {
			return &parse.Result{}, p.Name()
		}
		sink.reset()
		if i == len(ps)-1 {
			break
		}
		why := errNoResult
		if err != nil {
			why = err
		}
		fb := ps[len(ps)-1]
		fres, ferr := safeParse(fb, in)
		if sink.err != nil {
			return &parse.Result{}, fb.Name()
		}
		if ferr != nil || fres == nil {
			sink.reset()
			fres = &parse.Result{Kind: parse.KindDocument}
		}
		fres.Warnings = append([]parse.Warning{parse.Warn("", "not-readable-as", p.Name(), why)}, fres.Warnings...)
		return fres, fb.Name()
	}
	return &parse.Result{Kind: parse.KindDocument, Warnings: []parse.Warning{parse.Warn("", "no-parser")}}, ""
}

func safeDetect(p parse.Parser, s *parse.Sniff) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return p.Detect(s)
}

func safeParse(p parse.Parser, in *parse.Input) (res *parse.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, parse.Errorf("reader-failed", p.Name(), fmt.Sprint(r))
		}
	}()
	return p.Parse(in)
}

// eventSink receives an item's events, from Parse through Input.Emit and then from
// Result.Events, and streams them into the item's events file, so a parser that emits never has
// its events in memory all at once.
//
// The first event is held back until a second one arrives (or the parse ends): when it turns
// out to be the only one, --time may still replace its time before it is written, exactly as
// when every parser returned its events in a slice. The "has no time" warning is decided when
// an event is written, after that override, and numbers events in file order.
type eventSink struct {
	open     func() *casefolder.EventsWriter
	w        *casefolder.EventsWriter
	first    event.Event
	held     bool
	n        int // events received, the held one included
	written  int
	warnings parse.Warnings
	// err is a failure to write; it survives reset, since it ends the whole add.
	err error
}

func newEventSink(open func() *casefolder.EventsWriter) *eventSink {
	return &eventSink{open: open, w: open()}
}

func (s *eventSink) add(e event.Event) error {
	if s.err != nil {
		return s.err
	}
	s.n++
	if s.n == 1 {
		s.first, s.held = e, true
		return nil
	}
	if s.held {
		s.held = false
		if err := s.write(&s.first); err != nil {
			return err
		}
	}
	return s.write(&e)
}

func (s *eventSink) write(e *event.Event) error {
	s.written++
	if e.Time.IsZero() {
		s.warnings.AddKind("untimed", parse.Warn("", "event-untimed", s.written))
	}
	if err := s.w.Write(e); err != nil {
		s.err = err
		return err
	}
	return nil
}

// reset throws away everything received, for a parser that failed after emitting.
func (s *eventSink) reset() {
	if s.err != nil {
		return
	}
	s.w.Abort()
	*s = eventSink{open: s.open, w: s.open()}
}

// close writes the held event and finishes the file.
func (s *eventSink) close() (string, int, error) {
	if s.held {
		s.held = false
		if err := s.write(&s.first); err != nil {
			return "", 0, err
		}
	}
	if s.err != nil {
		return "", 0, s.err
	}
	return s.w.Close()
}

// ofFile marks warnings as concerning the named file (unless they name another, a sidecar).
func ofFile(name string, ws []vocab.Warning) []vocab.Warning {
	out := make([]vocab.Warning, 0, len(ws))
	for _, w := range ws {
		if w.File == "" {
			w.File = name
		}
		out = append(out, w)
	}
	return out
}

// english is the stored English text of warnings, for readers that predate their codes.
func english(ws []vocab.Warning) []string {
	if len(ws) == 0 {
		return nil
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.String()
	}
	return out
}

// ErrText is why the path could not be read, worded in lang.
func (r *Result) ErrText(lang string) string {
	if r.ErrCode == nil {
		return r.Err
	}
	return r.ErrCode.Message(lang)
}

// SkippedText is why the path was not evidence, worded in lang.
func (r *Result) SkippedText(lang string) string {
	if r.SkippedCode == nil {
		return r.Skipped
	}
	return r.SkippedCode.Message(lang)
}

// SummaryText is the result's summary worded in lang.
func (r *Result) SummaryText(lang string) string {
	if r.SummaryCode == nil {
		return r.Summary
	}
	return r.SummaryCode.In(lang)
}

// WarningTexts are the result's warnings worded in lang.
func (r *Result) WarningTexts(lang string) []string {
	if len(r.WarningCodes) == 0 {
		return r.Warnings
	}
	return vocab.Warnings(lang, r.WarningCodes)
}

func (r *Result) warn(ws ...vocab.Warning) {
	r.WarningCodes = append(r.WarningCodes, ws...)
	r.Warnings = append(r.Warnings, english(ws)...)
}

var errNoResult = parse.Errorf("no-result")

// extensionMismatch says when the bytes and the name disagree about a binary format.
func extensionMismatch(mt *mimetype.MIME, ext string) (vocab.Warning, bool) {
	if ext == "" || mt.Is("application/octet-stream") || strings.HasPrefix(mt.String(), "text/") {
		return vocab.Warning{}, false
	}
	var exts []string
	for m := mt; m != nil; m = m.Parent() {
		if m.Is("application/octet-stream") || strings.HasPrefix(m.String(), "text/") {
			break
		}
		if m.Extension() != "" {
			exts = append(exts, m.Extension())
		}
	}
	if len(exts) == 0 {
		return vocab.Warning{}, false
	}
	for _, e := range exts {
		if e == ext || sameExt[e] == ext || sameExt[ext] == e {
			return vocab.Warning{}, false
		}
	}
	// Office files are zip files, m4a is mp4: the parent chain covers these.
	return parse.Warn("", "extension-mismatch", mt.String(), exts[0], ext), true
}

var sameExt = map[string]string{".jpg": ".jpeg", ".jpeg": ".jpg", ".tif": ".tiff", ".tiff": ".tif", ".htm": ".html",
	".html": ".htm", ".3gp": ".3gpp", ".3gpp": ".3gp", ".m4a": ".mp4", ".aac": ".m4a", ".heif": ".heic", ".heic": ".heif",
	".awb": ".amr", ".oga": ".ogg", ".opus": ".ogg", ".eml": ".mht"}

func baseName(p string) string { return filepath.Base(p) }

// displayPath is a path as messages show it: a name that is not UTF-8 is decoded (GB18030 when it
// decodes, else with U+FFFD), so that every result and record is valid text.
func displayPath(p string) string { return textenc.FileName(filepath.ToSlash(p)) }

// collect walks the paths in order. Folders are walked in lexical order without following
// symbolic links (a link could lead outside the folder the user meant); FIFOs, sockets and
// devices are skipped and named; sidecars are read with their file, not added.
func collect(paths []string, rep *Report, own map[string]bool) []file {
	var out []file
	skip := func(p string, why vocab.Warning) {
		rep.Results = append(rep.Results, Result{Path: displayPath(p), Skipped: why.String(), SkippedCode: &why})
	}
	fail := func(p string, err error) {
		why := describeErr(err)
		rep.Results = append(rep.Results, Result{Path: displayPath(p), Err: why.String(), ErrCode: &why, Denied: errors.Is(err, fs.ErrPermission)})
		rep.Failed++
	}
	sidecars := map[string]bool{} // found while walking folders
	add := func(p string, info fs.FileInfo) {
		base := info.Name()
		switch {
		case strings.HasSuffix(base, SidecarSuffix):
			sidecars[p] = true
			return
		case ignored[base] || strings.HasPrefix(base, "._"):
			skip(p, parse.Warn("", "skip-system-file"))
			return
		case !info.Mode().IsRegular():
			skip(p, vocab.Warning{Code: "skip-not-regular", Cause: kindOf(info.Mode())})
			return
		}
		out = append(out, file{path: p, display: displayPath(p), size: info.Size(), modTime: info.ModTime()})
	}
	for _, root := range paths {
		info, err := os.Stat(root) // a path named by the user is followed if it is a link
		if err != nil {
			fail(root, err)
			continue
		}
		if !info.IsDir() {
			add(root, info)
			if _, err := os.Stat(root + SidecarSuffix); err == nil {
				sidecars[root+SidecarSuffix] = true
			}
			continue
		}
		absRoot, _ := filepath.Abs(root)
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fail(p, err)
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if isOwn(own, absRoot, root, p) {
				skip(p, parse.Warn("", "skip-own-folder"))
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if strings.HasSuffix(p, SidecarSuffix) {
					sidecars[p] = true // read with its file, as a sidecar named beside it is
				}
				skip(p, parse.Warn("", "skip-symlink"))
				return nil
			}
			info, err := d.Info()
			if err != nil {
				fail(p, err)
				return nil
			}
			add(p, info)
			return nil
		})
		if err != nil {
			fail(root, err)
		}
	}
	for i := range out {
		if s := out[i].path + SidecarSuffix; sidecars[s] {
			out[i].sidecar = s
		}
	}
	pairTranscripts(out)
	// A transcript travels with its recording, not on its own.
	kept := out[:0]
	taken := map[string]bool{}
	for _, fl := range out {
		if fl.transcript != "" {
			taken[fl.transcript] = true
		}
	}
	for _, fl := range out {
		if !taken[fl.path] {
			kept = append(kept, fl)
		}
	}
	return kept
}

// ownFiles are the case's own files and folders (its store, its outputs, case.yaml), by absolute
// path: adding a folder that holds the case must not take the lock file, the staged copies of
// this very add or the rendered packets as evidence.
func ownFiles(f *casefolder.Folder) map[string]bool {
	own := map[string]bool{}
	for _, p := range []string{f.Path(), filepath.Join(f.Dir, casefolder.OutDir), f.CaseYAML()} {
		if abs, err := filepath.Abs(p); err == nil {
			own[abs] = true
		}
	}
	return own
}

// isOwn reports whether p, found by walking root (absRoot when made absolute), is one of own.
// The absolute path is joined from the root's, not asked of the system for every file.
func isOwn(own map[string]bool, absRoot, root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil || absRoot == "" {
		abs, err := filepath.Abs(p)
		return err == nil && own[abs]
	}
	return own[filepath.Join(absRoot, rel)]
}

// pairTranscripts links a same-stem .txt beside a recording to it.
func pairTranscripts(files []file) {
	txt := map[string]string{}
	for _, fl := range files {
		if strings.EqualFold(filepath.Ext(fl.path), ".txt") {
			txt[strings.TrimSuffix(fl.path, filepath.Ext(fl.path))] = fl.path
		}
	}
	if len(txt) == 0 {
		return
	}
	for i := range files {
		ext := strings.ToLower(filepath.Ext(files[i].path))
		if audioExts[ext] {
			if t, ok := txt[strings.TrimSuffix(files[i].path, filepath.Ext(files[i].path))]; ok {
				files[i].transcript = t
			}
		}
	}
}

func kindOf(m fs.FileMode) *vocab.Warning {
	w := vocab.Warning{}
	switch {
	case m&fs.ModeNamedPipe != 0:
		w = parse.Warn("", "file-named-pipe")
	case m&fs.ModeSocket != 0:
		w = parse.Warn("", "file-socket")
	case m&fs.ModeDevice != 0:
		w = parse.Warn("", "file-device")
	case m&fs.ModeSymlink != 0:
		w = parse.Warn("", "file-symlink")
	default:
		w.What = m.Type().String()
	}
	return &w
}

func describeErr(err error) vocab.Warning {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return parse.Warn("", "no-such-path")
		case errors.Is(err, fs.ErrPermission):
			return parse.Warn("", "permission-denied")
		}
		return vocab.Warning{What: pe.Err.Error()}
	}
	return vocab.Warning{What: err.Error()}
}

type staged struct {
	file   file
	staged *store.Staged
	err    error
}

// stageAll copies and hashes files on every core and yields them in their original order. At
// most a few files per worker are in flight, so memory does not grow with the case.
func stageAll(s *store.Store, files []file, prog Progress, stop *atomic.Bool) <-chan staged {
	workers := runtime.GOMAXPROCS(0)
	slots := make([]chan staged, len(files))
	for i := range slots {
		slots[i] = make(chan staged, 1)
	}
	sem := make(chan struct{}, workers*2)
	out := make(chan staged)
	go func() {
		idx := make(chan int)
		for w := 0; w < workers; w++ {
			go func() {
				for i := range idx {
					if stop.Load() {
						slots[i] <- staged{file: files[i], err: errStopped}
						continue
					}
					slots[i] <- stageOne(s, files[i], prog)
				}
			}()
		}
		go func() {
			for i := range files {
				sem <- struct{}{}
				idx <- i
			}
			close(idx)
		}()
		for i := range files {
			r := <-slots[i]
			<-sem
			out <- r
		}
		close(out)
	}()
	return out
}

// errStopped is what a file not staged because the add stopped early gets; nobody sees it.
var errStopped = errors.New("not staged: the add stopped")

func stageOne(s *store.Store, fl file, prog Progress) staged {
	fh, err := store.OpenOriginal(fl.path)
	if err != nil {
		return staged{file: fl, err: err}
	}
	defer fh.Close()
	var advance func(int64)
	if prog != nil {
		advance = prog.Advance
	}
	st, err := s.StageFile(fh, parse.HeadSize, advance)
	if err != nil {
		return staged{file: fl, err: fmt.Errorf("read: %s", describeErr(err))}
	}
	return staged{file: fl, staged: st}
}

// SortResults orders results by exhibit (errors and skips last), for stable output.
func SortResults(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		ei, ej := rs[i].Exhibit, rs[j].Exhibit
		if ei == 0 {
			ei = 1 << 30
		}
		if ej == 0 {
			ej = 1 << 30
		}
		return ei < ej
	})
}

// withCharset replaces the charset that MIME detection guessed from a text file's head (it calls
// GBK "iso-8859-1") by the encoding the parser found and decoded the file with.
func withCharset(mt, encoding string) string {
	if encoding == "" || !strings.HasPrefix(mt, "text/") {
		return mt
	}
	media, params, err := mime.ParseMediaType(mt)
	if err != nil {
		return mt
	}
	cs := strings.ToLower(strings.TrimSuffix(encoding, " BOM"))
	if params == nil {
		params = map[string]string{}
	}
	params["charset"] = cs
	if out := mime.FormatMediaType(media, params); out != "" {
		return out
	}
	return mt
}

// latest is the latest time an original may claim for itself: a day after it is added, and
// never earlier than a day after the case was created.
func (a *adder) latest() time.Time {
	t := a.opt.Now()
	if c := a.f.Meta.Created; c.After(t) {
		t = c
	}
	return t.Add(24 * time.Hour)
}

// maxNameFolders bounds the folders kept in the name of a file found inside another.
const maxNameFolders = 16

// embeddedName is the item name of a file found inside another: its folders (an archive's
// "账单/2025/支付宝.csv") kept, each element made safe, and nothing that climbs out ("..", a
// leading "/", a drive letter).
func embeddedName(name string) string {
	var parts []string
	for _, p := range strings.FieldsFunc(strings.ReplaceAll(name, "\\", "/"), func(r rune) bool { return r == '/' }) {
		if p == "." || p == ".." || (len(parts) == 0 && len(p) == 2 && p[1] == ':') {
			continue
		}
		parts = append(parts, manifest.SafeName(p))
	}
	if len(parts) == 0 {
		return manifest.SafeName(name)
	}
	if len(parts) > maxNameFolders+1 {
		parts = append(parts[:maxNameFolders], parts[len(parts)-1])
	}
	return strings.Join(parts, "/")
}

// deriver is the Input.Derive of a file at the given depth: it stores a file found inside parent
// as an item of its own, linked to parent, and collects what happened in derived.
func (a *adder) deriver(parent *evidence.Item, desc Describe, depth int, derived *[]Result) func(parse.Embedded, io.Reader) (parse.Derived, error) {
	if depth >= maxDepth {
		return func(parse.Embedded, io.Reader) (parse.Derived, error) { return parse.Derived{}, errTooDeep }
	}
	return func(e parse.Embedded, r io.Reader) (parse.Derived, error) {
		dst, err := a.f.Store.Stage(r)
		if err != nil {
			return parse.Derived{}, fmt.Errorf("store embedded file %q: %w", e.Name, err)
		}
		if prev := a.bySHA[dst.SHA256]; prev != nil {
			a.f.Store.Discard(dst)
			return parse.Derived{ID: prev.ID, Exhibit: prev.Exhibit, SHA256: prev.SHA256, Name: prev.Name}, nil
		}
		ddesc := Describe{Holder: desc.Holder, HolderRole: desc.HolderRole, Source: desc.Source, Password: desc.Password}
		name := manifest.SafeName(e.Name)
		if e.Folders {
			name = embeddedName(e.Name)
		}
		dit, sub, err := a.item(name, "", e.ModTime, e.MessageTime, dst, ddesc, parent.ID, "", depth+1)
		if err != nil {
			return parse.Derived{}, err
		}
		*derived = append(*derived, Result{Path: fmt.Sprintf("%s → %s", parent.Name, dit.Name), Exhibit: dit.Exhibit, ID: dit.ID,
			Kind: dit.Kind, SHA256: dit.SHA256, Summary: dit.Summary, SummaryCode: dit.SummaryCode, Events: dit.Events, Warnings: dit.Warnings, WarningCodes: dit.WarningCodes,
			DerivedFrom: parent.Exhibit})
		*derived = append(*derived, sub...)
		return parse.Derived{ID: dit.ID, Exhibit: dit.Exhibit, SHA256: dit.SHA256, Name: dit.Name}, nil
	}
}

// reopen reads an archive that is already in the case again because a password now comes with
// it: the members it could not open before become items linked to it (members already present
// stay one item each). The archive's own item is not changed.
func (a *adder) reopen(prev *evidence.Item, st *store.Staged, desc Describe) ([]Result, []vocab.Warning, error) {
	var p parse.Parser
	for _, q := range a.opt.Parsers {
		if q.Name() == prev.Parser {
			p = q
		}
	}
	if p == nil {
		return nil, nil, nil
	}
	data, err := os.Open(st.TempPath())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: reopen staged copy: %w", prev.Name, err)
	}
	defer data.Close()
	var derived []Result
	in := &parse.Input{Name: prev.Name, Ext: strings.ToLower(filepath.Ext(prev.Name)), MIME: prev.MIME, Size: st.Size, Data: data,
		Zone: a.c.Location(), Password: desc.Password, Latest: a.latest()}
	in.Derive = a.deriver(prev, desc, 0, &derived)
	res, err := func() (res *parse.Result, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = parse.Errorf("reader-failed", p.Name(), fmt.Sprint(r))
			}
		}()
		return p.Parse(in)
	}()
	if err != nil {
		return derived, ofFile(prev.Name, []vocab.Warning{parse.Warn("", "reopen-failed", err)}), nil
	}
	return derived, ofFile(prev.Name, res.Warnings), nil
}

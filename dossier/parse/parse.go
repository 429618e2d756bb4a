// Package parse defines how one original becomes events.
//
// Each input format lives in its own package under parse/ and implements Parser. Detection is by
// content: ingest shows every parser the first bytes of a file (with the name and the MIME type
// detected from those bytes) and the first parser whose Detect accepts it parses the file. The
// list, in order of precedence, is in package formats.
//
// A parser never refuses evidence. A format it recognises but cannot fully read yields the events
// it could read plus warnings naming the line or element; an error from Parse means "this is not
// my format after all" or "nothing usable", and the file is kept as a plain document with the
// error as its warning.
package parse

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"archive/zip"
	"compress/flate"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/textenc"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// HeadSize is how many leading bytes Detect sees.
const HeadSize = 64 << 10

// Kinds of evidence items. A parser's Result.Kind is one of these; the user may override it.
const (
	KindScreenshot = "screenshot"
	KindPhoto      = "photo"
	KindCallLog    = "call-log"
	KindSMS        = "sms"
	KindChat       = "chat"
	KindRecording  = "recording"
	KindTranscript = "transcript"
	KindEmail      = "email"
	KindBill       = "bill"
	KindAgreement  = "agreement"
	KindAttachment = "attachment"
	KindDocument   = "document"
	KindArchive    = "archive"
)

// Sniff is what detection sees of a file.
//
// Parsers that need the head as text ask Text or Lines instead of decoding Head themselves: the
// head is judged binary or text once and decoded once per file, however many parsers look at
// it (adding ten thousand photos must not pay for a GB18030 decode of each, once per CSV
// format).
type Sniff struct {
	Name string // original base name, NFC
	Ext  string // lower-case extension with the dot: ".xml"
	MIME string // detected from the bytes by mimetype, e.g. "text/xml; charset=utf-8"
	Head []byte // up to HeadSize leading bytes
	Size int64

	decoded   bool
	binary    bool
	text      string
	lines     string
	linesDone bool
}

// Text returns the head decoded to UTF-8 (without a byte-order mark) and true, or "" and false
// when the head is binary (see textenc.Binary). The result is computed once and shared by every
// parser's Detect.
func (s *Sniff) Text() (string, bool) {
	if !s.decoded {
		s.decoded = true
		s.binary = textenc.Binary(s.Head)
		if !s.binary {
			s.text, _ = textenc.Decode(s.Head)
		}
	}
	return s.text, !s.binary
}

// Lines is Text without a partial last line when the head is shorter than the file, so that a
// line cut by the head limit is not misread as a whole one.
func (s *Sniff) Lines() (string, bool) {
	text, ok := s.Text()
	if !ok || s.linesDone {
		return s.lines, ok
	}
	s.linesDone = true
	s.lines = text
	if int64(len(s.Head)) >= s.Size {
		return s.lines, true
	}
	i := bytes.LastIndexByte(s.Head, '\n')
	if i < 0 {
		return s.lines, true
	}
	cut := s.Head[:i+1]
	switch enc := textenc.Detect(s.Head); {
	case enc != textenc.Detect(cut), enc == textenc.UTF16LE, enc == textenc.UTF16BE:
		// Either only the partial line made the head undecodable as what the whole lines
		// are, or a newline byte is not a newline character: decode the whole lines alone.
		s.lines, _ = textenc.Decode(cut)
	default:
		// In UTF-8 and GB18030 a newline byte is always a newline character.
		if j := strings.LastIndexByte(text, '\n'); j >= 0 {
			s.lines = text[:j+1]
		}
	}
	return s.lines, true
}

// Input is one original as a parser reads it.
type Input struct {
	Name    string
	Ext     string
	MIME    string
	Size    int64
	Data    io.ReaderAt // the stored original; read-only
	ModTime time.Time   // the original's modification time as found on disk
	// Zone is the case time zone; formats that write local times without an offset are read in it.
	Zone *time.Location
	// Kind is the kind the user asked for (--kind or a sidecar), or "".
	Kind string
	// Password opens encrypted containers (a password-protected zip). It comes from the user for
	// this add only and must never be stored or logged.
	Password string
	// Latest is the latest time the evidence can claim for itself: a day after it was added to
	// the case. Zero when unknown, and then only the lower bound applies (see Implausible).
	Latest time.Time
	// TempDir is a private folder inside the case for a parser whose library spills to disk
	// (excelize inflating a large worksheet). Evidence text must not leave the case, so a parser
	// never writes to the system's temporary folder: with no TempDir it keeps everything in
	// memory, within its caps.
	TempDir string
	// Transcript is the text of a same-stem .txt found beside a recording.
	Transcript string
	// MessageTime is, for a file embedded in a message (an MMS part, an e-mail attachment), the
	// message's time; zero otherwise. Parsers use it where they would use ModTime.
	MessageTime time.Time
	// Derive stores a file embedded in this one (an MMS part, an e-mail attachment) as an item of
	// its own, linked to this one. May be nil, in which case embedded files are only mentioned.
	Derive func(e Embedded, r io.Reader) (Derived, error)
	// Emit, when non-nil, takes events one by one as the parser reads them, so that a log of
	// hundreds of thousands of rows never sits in memory as a slice: the caller writes each to
	// disk at once. A parser MAY deliver its events through Emit instead of appending them to
	// Result.Events; events delivered this way are not repeated in Result.Events, and the caller
	// takes the emitted ones first, then Result.Events. Parsers that produce few events can
	// ignore it. An error from Emit means the events can no longer be kept (a full disk): the
	// parser stops and returns an error. If Parse returns an error, whatever it emitted is
	// thrown away.
	Emit func(e event.Event) error
}

// Embedded describes a file handed to Input.Derive.
type Embedded struct {
	// Name is the name the container gives the file. It is untrusted and is sanitised by the store.
	Name string
	// Folders says that Name is a path whose folders belong to the evidence (an archive's
	// "账单/2025/支付宝.csv") and are kept, made safe, in the item's name. Otherwise only the last
	// element of Name is kept: an attachment's name with slashes is an attack, not a folder.
	Folders bool
	// MessageTime is the time of the message that carried the file, zero when unknown.
	MessageTime time.Time
	// ModTime is the modification time the container recorded for the file, zero when none.
	ModTime time.Time
}

// Derived identifies an item created by Input.Derive.
type Derived struct {
	ID      string
	Exhibit int
	SHA256  string
	Name    string
}

// Reader returns a fresh reader over the whole original.
func (in *Input) Reader() io.Reader { return io.NewSectionReader(in.Data, 0, in.Size) }

// Earliest is the earliest time a piece of evidence in a consumer-credit dispute can claim for
// itself; an earlier capture time is a camera's unset clock (year 0, 1600, 1970), not a fact.
var Earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// Implausible says why t cannot be the time a file was made — before Earliest or after
// in.Latest — or returns nil when it can be.
func (in *Input) Implausible(t time.Time) *Warning {
	switch {
	case t.Before(Earliest):
		w := Warn("", "time-too-early", t.Format("2006-01-02 15:04:05"), Earliest.Year())
		return &w
	case !in.Latest.IsZero() && t.After(in.Latest):
		w := Warn("", "time-too-late", t.Format("2006-01-02 15:04:05"))
		return &w
	}
	return nil
}

// FallbackTime is the time a single-moment file takes when neither its content nor its name
// dates it: the time of the message that carried it, else its modification time. The source is
// "" when there is neither.
func (in *Input) FallbackTime() (time.Time, string) {
	switch {
	case !in.MessageTime.IsZero():
		return in.MessageTime, event.TimeFromMessage
	case !in.ModTime.IsZero():
		return in.ModTime, event.TimeFromModTime
	}
	return time.Time{}, ""
}

// Location returns the case zone, or UTC when none was given.
func (in *Input) Location() *time.Location {
	if in.Zone == nil {
		return time.UTC
	}
	return in.Zone
}

// Warning is a problem found while reading an original: a code worded by package vocab
// (vocab.Warning), the line or element, and the arguments.
type Warning = vocab.Warning

// Warn builds the warning code at where. Arguments are kept as text (numbers in digits); an
// error as the last argument becomes the warning's Cause, worded by its own code when it has
// one (see Errorf and Cause).
func Warn(where, code string, args ...any) Warning {
	if !vocab.Has("warn."+code) && strings.ContainsAny(code, " %") {
		// An English format from code not yet given codes: kept readable, in English. (Not
		// through Warnf, or vet would take Warn for a printf wrapper.)
		format := strings.Clone(code)
		return Warning{Where: where, What: fmt.Sprintf(format, args...)}
	}
	w := Warning{Where: where, Code: code}
	if n := len(args); n > 0 {
		if err, ok := args[n-1].(error); ok && err != nil {
			w.Cause = Cause(err)
			args = args[:n-1]
		}
	}
	for _, a := range args {
		w.Args = append(w.Args, argText(a))
	}
	return w
}

func argText(a any) string {
	switch v := a.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(a)
}

// Problem is an error worded by a code, for the functions under a parser whose errors end up
// in a warning: the warning then reads in the case language, not in the English of Error.
// Err, when set, is the error it stands for (a sentinel callers test with errors.Is).
type Problem struct {
	W   Warning
	Err error
}

func (p *Problem) Error() string { return p.W.String() }

func (p *Problem) Unwrap() error { return p.Err }

// Errorf is the error worded by code; its arguments are those of Warn.
func Errorf(code string, args ...any) error {
	return &Problem{W: Warn("", code, args...)}
}

// FileErrorf is Errorf naming the file it concerns, for a Parse that gives up on a file.
func FileErrorf(file, code string, args ...any) error {
	w := Warn("", code, args...)
	w.File = file
	return &Problem{W: w}
}

// Cause is err as the cause of a warning: the coded warning of a Problem, a few errors of the
// standard library said by code, else the error's own text.
func Cause(err error) *Warning {
	var p *Problem
	var se *xml.SyntaxError
	var fe flate.CorruptInputError
	switch {
	case errors.As(err, &p):
		w := p.W
		return &w
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &Warning{Code: "unexpected-eof"}
	case errors.As(err, &se):
		if se.Msg == "unexpected EOF" {
			return &Warning{Code: "xml-eof", Args: []string{strconv.Itoa(se.Line)}}
		}
		return &Warning{Code: "xml-syntax", Args: []string{strconv.Itoa(se.Line)}, Cause: &Warning{What: se.Msg}}
	case errors.As(err, &fe):
		return &Warning{Code: "corrupt-compressed", Args: []string{strconv.FormatInt(int64(fe), 10)}}
	case errors.Is(err, zip.ErrFormat):
		return &Warning{Code: "zip-format"}
	case errors.Is(err, zip.ErrChecksum):
		return &Warning{Code: "zip-checksum"}
	case errors.Is(err, fs.ErrPermission):
		return &Warning{Code: "permission-denied"}
	case errors.Is(err, fs.ErrNotExist):
		return &Warning{Code: "not-found"}
	}
	return &Warning{What: err.Error()}
}

// Summarize builds a Result's summary from a code worded in package vocab ("summary.<code>")
// and its arguments; numbers are written with thousands separators.
func Summarize(code string, args ...any) vocab.Summary {
	s := vocab.Summary{Code: code}
	for _, a := range args {
		switch v := a.(type) {
		case int:
			s.Args = append(s.Args, Thousands(v))
		case int64:
			s.Args = append(s.Args, Thousands(int(v)))
		default:
			s.Args = append(s.Args, argText(a))
		}
	}
	return s
}

// Warnf builds a warning without a code from an English format.
//
// Deprecated: its words cannot be shown in the case language; use Warn with a code worded in
// package vocab.
func Warnf(where, format string, args ...any) Warning {
	return Warning{Where: where, What: fmt.Sprintf(format, args...)}
}

// Result is what a parser extracted from one original.
type Result struct {
	Kind     string
	Events   []event.Event
	Warnings []Warning
	// Time is the time the evidence itself carries (a screenshot's capture time, a bill's export
	// time), with the source it was read from (event.TimeFrom...). Zero when unknown.
	Time       time.Time
	TimeSource string
	// Info holds facts worth printing in the evidence list: "width", "height", "pages",
	// "duration", "encoding", "layout", "app", "subject", ...
	Info map[string]string
	// Summary says in a few words what was extracted ("通话记录 120 条", "120 calls"), as a code
	// worded in package vocab (see Summarize).
	Summary vocab.Summary
}

// Parser reads one format.
type Parser interface {
	// Name is a stable identifier of the format, e.g. "smsbackup-calls".
	Name() string
	// Detect reports whether the file is in this format, looking only at its head.
	Detect(s *Sniff) bool
	// Parse extracts events. It must not panic on any input and must read the original as a
	// stream (or through Data's ReaderAt), never whole into memory when it can be large.
	Parse(in *Input) (*Result, error)
}

// MaxRepeated is how many warnings of one kind are kept in full; the rest are only counted.
const MaxRepeated = 20

// Warnings collects the warnings of one file, keeping the first MaxRepeated of each kind in full
// and counting the rest, so a backup of a million malformed elements yields a few lines, not a
// million (which the index, the custody log and every verify would carry).
type Warnings struct {
	list  []Warning
	kinds map[string]*warningKind
	order []string
}

type warningKind struct {
	n     int     // seen
	last  int     // index in list of the last one kept
	first Warning // for the summary
}

// Add records a warning; its kind is its English text without the place.
func (ws *Warnings) Add(w Warning) { ws.AddKind(w.Message(vocab.EN), w) }

// AddKind records a warning of the given kind (for example the format string it was made from,
// so that warnings naming different values still count as one kind).
func (ws *Warnings) AddKind(kind string, w Warning) {
	if ws.kinds == nil {
		ws.kinds = map[string]*warningKind{}
	}
	k := ws.kinds[kind]
	if k == nil {
		first := w
		first.Where = ""
		k = &warningKind{first: first}
		ws.kinds[kind] = k
		ws.order = append(ws.order, kind)
	}
	k.n++
	if k.n <= MaxRepeated {
		ws.list = append(ws.list, w)
		k.last = len(ws.list) - 1
	}
}

// List returns the warnings kept, each kind seen more than MaxRepeated times followed (after its
// last kept one) by a warning saying how many more there were.
func (ws *Warnings) List() []Warning {
	more := map[int]Warning{}
	for _, kind := range ws.order {
		if k := ws.kinds[kind]; k.n > MaxRepeated {
			first := k.first
			more[k.last] = Warning{Code: vocab.CodeMore, Args: []string{Thousands(k.n - MaxRepeated)}, Cause: &first}
		}
	}
	if len(more) == 0 {
		return ws.list
	}
	out := make([]Warning, 0, len(ws.list)+len(more))
	for i, w := range ws.list {
		out = append(out, w)
		if m, ok := more[i]; ok {
			out = append(out, m)
		}
	}
	return out
}

// CapWarnings applies the Warnings cap to a list a parser returned.
func CapWarnings(list []Warning) []Warning {
	var ws Warnings
	for _, w := range list {
		ws.Add(w)
	}
	return ws.List()
}

// Thousands writes n with a comma between groups of three digits: 999,980.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

package smsbackup

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/phone"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// export is one backup file being read: the decoder over the guard, and the result so far.
type export struct {
	in   *parse.Input
	g    *guard
	dec  *xml.Decoder
	res  *parse.Result
	root string
	// declared is the root's count attribute, or -1.
	declared int
	// line is where the token returned last by next starts.
	line  int
	ended bool
	// unknown counts child elements of the root that are not part of the format.
	unknown map[string]int
	warns   parse.Warnings
	// kept counts the events delivered, through Input.Emit or into res.Events.
	kept int
	// emitErr is Input.Emit's refusal, which ends the parse with an error.
	emitErr error
}

// openExport reads up to the root element and checks that it is the one expected.
func openExport(in *parse.Input, root, kind string) (*export, error) {
	if in == nil || in.Data == nil {
		return nil, errors.New("smsbackup: no input")
	}
	g := newGuard(in.Reader())
	dec := xml.NewDecoder(g)
	dec.Strict = true
	x := &export{in: in, g: g, dec: dec, root: root, declared: -1, unknown: map[string]int{},
		res: &parse.Result{Kind: kind, Info: map[string]string{"app": "SMS Backup & Restore"}}}
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if err != nil {
			return nil, parse.FileErrorf(in.Name, "sms-no-root", line, root, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != root {
			return nil, parse.FileErrorf(in.Name, "sms-wrong-root", line, se.Name.Local, root)
		}
		a := attrs(se.Attr)
		if ms, ok := epochMillis(a.get("backup_date")); ok {
			x.res.Time = x.at(ms)
			x.res.TimeSource = event.TimeFromContent
		}
		if n, err := strconv.Atoi(a.get("count")); err == nil && n >= 0 {
			x.declared = n
			x.res.Info["declared_count"] = strconv.Itoa(n)
		}
		if t := a.get("type"); t != "" {
			x.res.Info["backup_type"] = t
		}
		return x, nil
	}
}

// children calls handle for each element directly inside the root. handle must consume the
// element through its end (x.skip does).
func (x *export) children(handle func(se xml.StartElement)) {
	for tok := x.next(); tok != nil; tok = x.next() {
		switch t := tok.(type) {
		case xml.StartElement:
			handle(t)
		case xml.EndElement:
			x.ended = true // the root's end: anything after it is not part of the export
		}
	}
}

// next returns the next token, or nil once the export has ended, normally or not.
func (x *export) next() xml.Token {
	if x.ended {
		return nil
	}
	x.line, _ = x.dec.InputPos()
	tok, err := x.dec.Token()
	if err != nil {
		x.stop(err)
		return nil
	}
	return tok
}

// keep delivers an event: through Input.Emit when the caller streams, so that a backup of
// hundreds of thousands of messages is never held as a slice, else into the result.
func (x *export) keep(ev event.Event) {
	x.kept++
	if x.in.Emit == nil {
		x.res.Events = append(x.res.Events, ev)
		return
	}
	if x.emitErr != nil {
		return
	}
	if err := x.in.Emit(ev); err != nil {
		x.emitErr = fmt.Errorf("%s: %s: %w", x.in.Name, ev.Locator, err)
		x.ended = true
	}
}

// skip consumes the rest of the element whose start was just read.
func (x *export) skip() {
	if x.ended {
		return
	}
	if err := x.dec.Skip(); err != nil {
		x.stop(err)
	}
}

// ignore remembers the name of an element the format does not define, for one warning.
func (x *export) ignore(se xml.StartElement) {
	if _, seen := x.unknown[se.Name.Local]; seen || len(x.unknown) < 16 {
		x.unknown[se.Name.Local]++
	}
}

// stop records why reading ended early.
func (x *export) stop(err error) {
	x.ended = true
	line, _ := x.dec.InputPos()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		line = se.Line
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || se != nil && x.g.atEnd(x.dec.InputOffset()):
		x.warn(line, "export-truncated")
	case errors.Is(err, errTooLarge):
		x.warn(0, "stopped-reading", err)
	case se != nil:
		x.warn(line, "stopped-reading", &parse.Problem{W: parse.Warning{Code: "xml-syntax-message", Cause: &parse.Warning{What: se.Msg}}})
	default:
		x.warn(line, "stopped-reading", err)
	}
}

func (x *export) warn(line int, code string, args ...any) {
	// Counted by code: a million elements with the same fault are one kind of warning.
	x.add(line, code, parse.Warn("", code, args...))
}

func (x *export) add(line int, kind string, w parse.Warning) {
	if line > 0 {
		w.Where = "line " + strconv.Itoa(line)
	}
	x.warns.AddKind(kind, w)
}

// finish adds the warnings that concern the whole file.
func (x *export) finish(read int) {
	for _, n := range x.g.notes {
		x.add(n.line, n.w.Message(vocab.EN), n.w)
	}
	if x.g.dropped > 0 {
		x.warn(0, "more-values-repaired", x.g.dropped)
	}
	if len(x.unknown) > 0 {
		names := make([]string, 0, len(x.unknown))
		for name, n := range x.unknown {
			names = append(names, fmt.Sprintf("<%s>×%d", name, n))
		}
		sort.Strings(names)
		x.warn(0, "undefined-elements", strings.Join(names, ", "))
	}
	if x.declared >= 0 && x.declared != read {
		x.warn(0, "count-mismatch", x.root, x.declared, read)
	}
	x.res.Warnings = x.warns.List()
}

func (x *export) at(ms int64) time.Time {
	return time.UnixMilli(ms).In(x.in.Location())
}

func (x *export) locator() string { return "line " + strconv.Itoa(x.line) }

// attrs looks attributes up by local name. The phone writes "null" for a value it did not have;
// that reads as "".
type attrs []xml.Attr

func (a attrs) get(name string) string {
	for i := range a {
		if a[i].Name.Local == name {
			if a[i].Value == "null" {
				return ""
			}
			return a[i].Value
		}
	}
	return ""
}

// raw is the value as written, "null" included, for messages about it.
func (a attrs) raw(name string) string {
	for i := range a {
		if a[i].Name.Local == name {
			return a[i].Value
		}
	}
	return ""
}

// epochMillis reads a `date` attribute. Zero and negative values are as unusable as text: the
// phone writes them for records it lost the time of.
func epochMillis(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n > maxEpochMillis {
		return 0, false
	}
	return n, true
}

// maxEpochMillis (the year 9999) keeps absurd values out of time.Time arithmetic.
const maxEpochMillis = 253402300799999

// contactName is the phone's name for the counterpart; "(Unknown)" means it had none.
func contactName(s string) string {
	s = strings.TrimSpace(s)
	if s == "(Unknown)" || strings.EqualFold(s, "unknown") {
		return ""
	}
	return s
}

// numbers normalises an address that may join several numbers with '~', keeping their order and
// dropping withheld ones and the placeholder some phones write for the holder's own number.
func numbers(raw string) []string {
	var out []string
	for part := range strings.SplitSeq(raw, "~") {
		if strings.EqualFold(strings.TrimSpace(part), "insert-address-token") {
			continue
		}
		if n := phone.Normalize(part); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// rootName returns the name of the first element in head, or "" when head does not start like
// an XML document. It serves detection, so it reads nothing but the head it is given.
func rootName(head []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	dec := xml.NewDecoder(bytes.NewReader(head))
	dec.Strict = true
	for range 64 {
		tok, err := dec.RawToken()
		if err != nil {
			return ""
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t.Name.Local
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return ""
			}
		}
	}
	return ""
}

// Package vmessage reads SMS exported as vMessage (.vmsg, .vmg): the format the backup apps of
// MediaTek-based phones (OPPO/realme ColorOS, early Huawei/Honor, many Xiaomi and PC suites)
// and Nokia's PC Suite write, one BEGIN:VMSG … END:VMSG block per message.
//
// The layouts seen in public code, all read by one tolerant reader:
//
// MediaTek backup (SmsBackupComposer.combineVmsg, also what ColorOS and HiSuite write), CRLF:
//
//	BEGIN:VMSG
//	VERSION:1.1
//	BEGIN:VCARD
//	TEL:15900001111
//	END:VCARD
//	BEGIN:VBODY
//	X-BOX:INBOX                      (SENDBOX for sent messages; anything else was written as INBOX)
//	X-READ:READ                      (UNREAD)
//	X-SEEN:1
//	X-SIMID:1
//	X-LOCKED:UNLOCKED
//	X-TYPE:SMS
//	Date:2025/04/10 22:31:05         (local time, "yyyy/MM/dd kk:mm:ss")
//	Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E8=AF=B7=E5=B0=BD...=
//	=E5=BF=AB...                     (every byte as =XX, a soft break "=" CRLF every 67 characters)
//	END:VBODY
//	END:VMSG
//
// The composer escapes a body line "END:VBODY" as "/END:VBODY" before encoding; that is undone.
//
// Nokia PC Suite and NbuExplorer: "VERSION: 1.1" with a space, X-IRMC-BOX:INBOX|SENTBOX|OUTBOX|
// DRAFT or X-MESSAGE-TYPE:DELIVER|SUBMIT, the sender's VCARD first and the recipient's inside a
// BEGIN:VENV block, the body as plain lines after the Date line, dates as "dd.MM.yyyy HH:mm:ss",
// ISO 8601 ("20250410T143105Z", UTC when it ends in Z) or epoch milliseconds, sometimes "Date "
// without the colon. Properties may carry ENCODING=QUOTED-PRINTABLE (or BASE64) and CHARSET=
// (UTF-8, GBK/GB2312 read as GB18030, any WHATWG label).
//
// A message becomes an event.SMS: direction from the box or message type (a block that says
// neither is kept without a direction, with a warning), the counterpart the sender of a received
// message and the recipient of a sent one, the time read in the case zone unless it carries its
// own. A block without a readable date is skipped with a warning naming its line; a file cut
// inside a block keeps what the block had. Lines are bounded (maxLine), message texts capped
// (maxText), and events are streamed to Input.Emit when the caller gives one.
package vmessage

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/phone"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

const (
	maxLine     = 1 << 20
	maxValue    = 256 << 10
	maxText     = 64 << 10
	maxMessages = 1 << 21
	detectLines = 8
)

// Parser reads vMessage files.
type Parser struct{}

var _ parse.Parser = Parser{}

// Name implements parse.Parser.
func (Parser) Name() string { return "vmessage" }

// ErrNotVMessage means the file holds no BEGIN:VMSG block.
var ErrNotVMessage = parse.Errorf("not-vmessage")

// Detect accepts text whose first non-blank lines open a vMessage block.
func (Parser) Detect(s *parse.Sniff) bool {
	text, ok := s.Text()
	if !ok {
		return false
	}
	n := 0
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.EqualFold(line, "BEGIN:VMSG") {
			return true
		}
		if n++; n >= detectLines {
			return false
		}
	}
	return false
}

// msg is a block being read.
type msg struct {
	line     int
	box      string
	msgType  string
	date     string
	nokDate  string
	tels     []string
	names    []string
	body     strings.Builder
	subject  string
	inBody   bool
	bodyText bool // plain lines follow the Date line (the Nokia layout)
	cut      bool
}

type reader struct {
	in    *parse.Input
	res   *parse.Result
	br    *bufio.Reader
	line  int
	count int
	err   error
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	text, enc, err := textenc.NewReader(in.Reader())
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", in.Name, err)
	}
	rd := &reader{in: in, br: bufio.NewReaderSize(text, 64<<10),
		res: &parse.Result{Kind: parse.KindSMS, Info: map[string]string{"encoding": enc, "layout": "vMessage"}}}
	var cur *msg
	depth := 0 // VCARD/VENV/VBODY nesting inside the block
	for {
		line, ok := rd.next()
		if !ok {
			break
		}
		upper := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case upper == "BEGIN:VMSG":
			if cur != nil {
				rd.warn(cur.line, "vmsg-no-end-before-begin")
				rd.finish(cur)
			}
			cur, depth = &msg{line: rd.line}, 0
			continue
		case cur == nil:
			if upper != "" && rd.count == 0 && rd.line > 64 {
				return nil, fmt.Errorf("%s: %w in the first lines", in.Name, ErrNotVMessage)
			}
			continue
		case upper == "END:VMSG":
			rd.finish(cur)
			cur = nil
			continue
		}
		if rd.err != nil {
			break
		}
		switch {
		case strings.HasPrefix(upper, "BEGIN:"):
			depth++
			if upper == "BEGIN:VBODY" {
				cur.inBody = true
			}
		case strings.HasPrefix(upper, "END:"):
			depth = max(depth-1, 0)
			if upper == "END:VBODY" {
				cur.inBody = false
			}
		default:
			rd.property(cur, line)
		}
	}
	if cur != nil {
		rd.warn(cur.line, "vmsg-truncated")
		rd.finish(cur)
	}
	if rd.err != nil {
		return nil, rd.err
	}
	if rd.count == 0 && len(rd.res.Warnings) == 0 {
		return nil, fmt.Errorf("%s: %w", in.Name, ErrNotVMessage)
	}
	rd.res.Info["messages"] = strconv.Itoa(rd.count)
	rd.res.Summary = parse.Summarize("sms", rd.count)
	return rd.res, nil
}

func (rd *reader) warn(line int, code string, args ...any) {
	where := ""
	if line > 0 {
		where = "line " + strconv.Itoa(line)
	}
	rd.res.Warnings = append(rd.res.Warnings, parse.Warn(where, code, args...))
}

// next returns the next line without its end; a line over maxLine is skipped with a warning.
func (rd *reader) next() (string, bool) {
	line, long, err := textenc.ReadLine(rd.br, maxLine)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			rd.warn(rd.line, "stopped-reading", err)
		}
		return "", false
	}
	rd.line++
	if long {
		rd.warn(rd.line, "line-too-long", maxLine)
		return "", true
	}
	return line, true
}

// property reads one content line of a block (and, for a quoted-printable value, the lines its
// soft breaks continue onto).
func (rd *reader) property(m *msg, line string) {
	name, params, value, isProp := split(line)
	key := strings.ToUpper(name)
	if !isProp || (m.bodyText && !knownKey[key]) {
		if m.inBody && m.bodyText {
			m.addText(strings.TrimPrefix(line, "/"))
		} else if m.inBody && strings.TrimSpace(line) != "" && m.date != "" {
			m.bodyText = true
			m.addText(strings.TrimPrefix(line, "/"))
		}
		return
	}
	enc := strings.ToUpper(params["ENCODING"])
	if (enc == "QUOTED-PRINTABLE" || enc == "QP") && strings.HasSuffix(value, "=") {
		var b strings.Builder
		b.WriteString(value)
		last := value
		for strings.HasSuffix(last, "=") && b.Len() < maxValue {
			more, ok := rd.next()
			if !ok {
				break
			}
			b.WriteString("\r\n")
			b.WriteString(more)
			last = more
		}
		value = b.String()
	}
	text := decode(value, enc, params["CHARSET"])
	switch key {
	case "TEL":
		m.tels = append(m.tels, strings.TrimSpace(text))
	case "N", "FN":
		if n := strings.Trim(strings.TrimSpace(text), ";"); n != "" {
			m.names = append(m.names, n)
		}
	case "X-BOX", "X-IRMC-BOX":
		if m.box == "" {
			m.box = strings.ToUpper(strings.TrimSpace(text))
		}
	case "X-MESSAGE-TYPE":
		m.msgType = strings.ToUpper(strings.TrimSpace(text))
	case "X-NOK-DT":
		m.nokDate = strings.TrimSpace(text)
	case "DATE":
		if m.inBody {
			m.date = strings.TrimSpace(text)
		}
	case "SUBJECT":
		if m.inBody {
			m.addText(unescapeEnd(text))
		} else {
			m.subject = text
		}
	default:
		if m.inBody && m.date != "" && !knownKey[key] {
			m.bodyText = true
			m.addText(line)
		}
	}
}

// knownKey are the property names of the layouts; any other line after the Date line of a body
// is text.
var knownKey = map[string]bool{"TEL": true, "N": true, "FN": true, "X-BOX": true, "X-IRMC-BOX": true, "X-READ": true,
	"X-SEEN": true, "X-SIMID": true, "X-LOCKED": true, "X-TYPE": true, "X-MESSAGE-TYPE": true, "X-MA-TYPE": true,
	"X-NOK-DT": true, "X-IRMC-STATUS": true, "X-IRMS-TYPE": true, "X-IRMC-TYPE": true, "DATE": true, "SUBJECT": true, "VERSION": true}

func (m *msg) addText(s string) {
	if m.cut {
		return
	}
	if m.body.Len() > 0 {
		m.body.WriteByte('\n')
	}
	if m.body.Len()+len(s) > maxText {
		s = strings.ToValidUTF8(s[:max(0, maxText-m.body.Len())], "")
		m.cut = true
	}
	m.body.WriteString(s)
}

func unescapeEnd(s string) string {
	return strings.ReplaceAll(s, "/END:VBODY", "END:VBODY")
}

// split reads "NAME;PARAM=V;PARAM2=V:value" (and "Date 2025…" without the colon). isProp is
// false for a line that is no property (body text).
func split(line string) (name string, params map[string]string, value string, isProp bool) {
	colon := strings.IndexByte(line, ':')
	head := line
	if colon >= 0 {
		head, value = line[:colon], line[colon+1:]
	} else if strings.HasPrefix(strings.ToUpper(line), "DATE ") {
		return "Date", nil, line[5:], true
	} else {
		return "", nil, "", false
	}
	parts := strings.Split(head, ";")
	name = strings.TrimSpace(parts[0])
	if name == "" || strings.ContainsAny(name, " \t") {
		return "", nil, "", false
	}
	for _, c := range name {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "", nil, "", false
		}
	}
	params = map[string]string{}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			// vCard 2.1 bare parameters: "TEL;CELL:…", "…;QUOTED-PRINTABLE:…"
			k, v = "TYPE", p
			if up := strings.ToUpper(p); up == "QUOTED-PRINTABLE" || up == "BASE64" {
				k = "ENCODING"
			}
		}
		params[strings.ToUpper(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return name, params, value, true
}

// decode undoes a value's transfer encoding and converts its charset to UTF-8.
func decode(value, enc, charset string) string {
	raw := []byte(value)
	switch enc {
	case "QUOTED-PRINTABLE", "QP":
		b, err := io.ReadAll(io.LimitReader(quotedprintable.NewReader(strings.NewReader(value)), maxValue))
		if err == nil || len(b) > 0 {
			raw = b
		}
	case "BASE64", "B":
		if b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value), "")); err == nil {
			raw = b
		}
	}
	switch cs := strings.ToLower(strings.TrimSpace(charset)); cs {
	case "", "utf-8", "utf8":
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	case "gb2312", "gbk", "gb18030", "cp936":
		b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
		if err == nil {
			return string(b)
		}
	default:
		if e, err := htmlindex.Get(cs); err == nil {
			if b, err := e.NewDecoder().Bytes(raw); err == nil {
				return strings.ToValidUTF8(string(b), "\uFFFD")
			}
		}
	}
	return strings.ToValidUTF8(string(bytes.Clone(raw)), "\uFFFD")
}

var boxes = map[string]struct {
	dir    event.Direction
	status string
}{
	"INBOX":   {event.In, event.StatusReceived},
	"DELIVER": {event.In, event.StatusReceived},
	"SENDBOX": {event.Out, event.StatusSent},
	"SENTBOX": {event.Out, event.StatusSent},
	"SENT":    {event.Out, event.StatusSent},
	"SUBMIT":  {event.Out, event.StatusSent},
	"OUTBOX":  {event.Out, event.StatusOutbox},
	"DRAFT":   {event.Out, event.StatusDraft},
	"DRAFTS":  {event.Out, event.StatusDraft},
	"FAILED":  {event.Out, event.StatusFailed},
}

// finish turns a complete (or cut) block into an event.
func (rd *reader) finish(m *msg) {
	if rd.err != nil {
		return
	}
	if rd.count >= maxMessages {
		if rd.count == maxMessages {
			rd.warn(m.line, "too-many-messages", maxMessages)
			rd.count++
		}
		return
	}
	when, ok := rd.time(m.date)
	if !ok {
		when, ok = rd.time(m.nokDate)
	}
	if !ok {
		rd.warn(m.line, "message-bad-date", clip(m.date))
		return
	}
	ev := event.Event{Time: when.In(rd.in.Location()), TimeSource: event.TimeFromContent, Channel: event.SMS,
		Text: strings.TrimRight(m.body.String(), "\r\n"), Subject: m.subject, Locator: "line " + strconv.Itoa(m.line)}
	if m.cut {
		rd.warn(m.line, "message-too-long", maxText)
	}
	box := m.box
	if box == "" {
		box = m.msgType
	}
	if b, ok := boxes[box]; ok {
		ev.Direction, ev.Status = b.dir, b.status
	} else {
		rd.warn(m.line, "vmsg-box-no-direction", clip(box))
	}
	if len(m.tels) > 0 {
		tel := m.tels[0]
		if ev.Direction == event.Out && len(m.tels) > 1 {
			tel = m.tels[len(m.tels)-1] // the recipient's card, inside VENV
		}
		ev.Counterpart = phone.Normalize(tel)
		if len(m.names) > 0 {
			name := m.names[0]
			if ev.Direction == event.Out && len(m.names) > 1 {
				name = m.names[len(m.names)-1]
			}
			if phone.Normalize(name) != ev.Counterpart {
				ev.CounterpartName = name
			}
		}
	}
	rd.count++
	if rd.in.Emit != nil {
		if err := rd.in.Emit(ev); err != nil {
			rd.err = err
		}
		return
	}
	rd.res.Events = append(rd.res.Events, ev)
}

func clip(s string) string {
	if len(s) > 60 {
		return strings.ToValidUTF8(s[:60], "") + "…"
	}
	return s
}

var localLayouts = []string{"2006/01/02 15:04:05", "2006/1/2 15:04:05", "2006-01-02 15:04:05", "2006/01/02 15:04",
	"02.01.2006 15:04:05", "02.01.2006 15:04", "2006.01.02 15:04:05", "20060102T150405"}

// time reads the date forms of the layouts; local forms are read in the case zone.
func (rd *reader) time(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if isDigits(s) && (len(s) == 13 || len(s) == 10) {
		n, _ := strconv.ParseInt(s, 10, 64)
		if len(s) == 13 {
			return plausible(time.UnixMilli(n))
		}
		return plausible(time.Unix(n, 0))
	}
	for _, layout := range []string{"20060102T150405Z", time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return plausible(t)
		}
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, rd.in.Location()); err == nil {
			return plausible(t)
		}
	}
	return time.Time{}, false
}

// plausible rejects years no SMS was sent in: a misread, not a message.
func plausible(t time.Time) (time.Time, bool) {
	return t, t.Year() >= 1995 && t.Year() <= 2100
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

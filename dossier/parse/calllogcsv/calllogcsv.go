// Package calllogcsv reads call logs exported as CSV by phones and phone managers.
//
// There is no standard layout: every phone manager names and orders its columns differently,
// writes its own words for the call type and its own spelling of durations, and Excel on Chinese
// Windows saves the file in GBK. So nothing here is positional. The header row is found by its
// content within the first lines (exports often start with a title, an export time or an
// account name) and its cells are matched against aliases in Chinese and English; a row that
// names at least a number and a time is the header. A CSV with a message-body column is an SMS
// or chat export, not a call log, and is left to other parsers; a CSV whose header matches no
// layout is not detected at all and is kept as a plain document.
//
// The encoding is detected from the bytes (package textenc) and the file is decoded and read as
// a stream, one record at a time; a record may not exceed 4 MiB, so an unbalanced quote cannot
// make the reader hold the whole file.
//
// Type words map onto the statuses of package event: incoming calls are answered, outgoing calls
// are outgoing, and missed, rejected, blocked, voicemail and answered-externally keep their
// meaning; the Android type numbers 1–7 mean what they mean in the phone's own call log. An
// incoming call whose duration cell says it never connected ("未接通") is missed. Local times are
// read in the case zone; a time with an offset or an epoch number is absolute. An export time
// stated in the preamble ("导出时间：...") becomes the time of the evidence itself.
//
// Once the header is recognised, Parse never fails: a row it cannot read (ragged, an unreadable
// time) is skipped with a warning naming its line, and a row whose type or duration is
// unreadable is kept with that part unknown and a warning.
package calllogcsv

import (
	"errors"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/phone"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// headerScanLines is how many leading records may precede the header row.
const headerScanLines = 50

// maxEvents bounds the events kept from one file; a real call log has a few thousand rows.
const maxEvents = 1 << 20

// ErrNoHeader means the file has no call-log header row near its start.
var ErrNoHeader = errors.New("no call-log header row (number and time columns) in the first 50 lines")

// Parser reads call-log CSV files.
type Parser struct{}

var _ parse.Parser = Parser{}

// Name implements parse.Parser.
func (Parser) Name() string { return "calllog-csv" }

// bodyHeaders name message text; a CSV with one of these is a message export.
var bodyHeaders = map[string]bool{
	"内容": true, "短信内容": true, "信息内容": true, "消息内容": true, "正文": true, "消息": true,
	"body": true, "message": true, "content": true, "text": true, "strcontent": true,
}

// Detect accepts a text file whose first lines contain a call-log header row.
func (Parser) Detect(s *parse.Sniff) bool {
	rec := csvtext.FindInHead(s, headerScanLines, func(rec []string) bool {
		_, ok := mapHeader(rec)
		return ok
	})
	return rec != nil && !hasBody(rec)
}

func hasBody(cells []string) bool {
	for _, c := range cells {
		if bodyHeaders[normHeader(c)] {
			return true
		}
	}
	return false
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	text, enc, err := textenc.NewReader(in.Reader())
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", in.Name, err)
	}
	budget := csvtext.NewBudget(text, csvtext.MaxRecordBytes)
	r := csvtext.NewReader(budget)

	var (
		head     layout
		found    bool
		header   []string
		exported time.Time
	)
	for range headerScanLines {
		rec, err := r.Read()
		budget.Reset()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		if l, ok := mapHeader(rec); ok && !hasBody(rec) {
			head, found, header = l, true, append([]string(nil), rec...)
			break
		}
		if t, ok := exportTime(rec, in.Location()); ok && exported.IsZero() {
			exported = t
		}
	}
	if !found {
		return nil, fmt.Errorf("%s: %w", in.Name, ErrNoHeader)
	}

	res := &parse.Result{Kind: parse.KindCallLog, Info: map[string]string{
		"encoding": enc,
		"layout":   strings.Join(head.names, ","),
	}}
	if !exported.IsZero() {
		res.Time, res.TimeSource = exported, event.TimeFromContent
	}
	rd := rowReader{in: in, head: head, header: header, res: res}
	lastLine, _ := r.FieldPos(0)
	for {
		rec, err := r.Read()
		budget.Reset()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := csvtext.ErrorLine(err, lastLine)
			res.Warnings = append(res.Warnings, parse.Warn(fmt.Sprintf("line %d", line),
				"stopped-reading", err))
			break
		}
		line, _ := r.FieldPos(0)
		lastLine = line
		if len(res.Events) >= maxEvents {
			res.Warnings = append(res.Warnings, parse.Warn(fmt.Sprintf("line %d", line),
				"too-many-calls", maxEvents))
			break
		}
		rd.row(line, rec)
	}
	res.Info["calls"] = strconv.Itoa(len(res.Events))
	res.Summary = parse.Summarize("calls", len(res.Events))
	return res, nil
}

var reExported = regexp.MustCompile(`(?i)(?:导出时间|导出日期|export(?:ed)?(?: time| at| date)?)\s*[:：,]?\s*(.+)$`)

// exportTime reads the export time a preamble line states ("导出时间：2025-04-15 12:30:00"), the
// time the evidence itself carries.
func exportTime(rec []string, loc *time.Location) (time.Time, bool) {
	m := reExported.FindStringSubmatch(strings.TrimSpace(strings.Join(trimTrailingEmpty(rec), ",")))
	if m == nil {
		return time.Time{}, false
	}
	t, err := parseTime(strings.Trim(m[1], ", "), loc)
	return t, err == nil
}

// rowReader turns data rows into events.
type rowReader struct {
	in     *parse.Input
	head   layout
	header []string
	res    *parse.Result
}

var scientific = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)

// unnamed are name cells that mean "no contact name".
var unnamed = map[string]bool{
	"": true, "null": true, "(unknown)": true, "unknown": true, "未知": true, "陌生号码": true,
	"未知号码": true, "-": true, "--": true,
}

func (rd *rowReader) warn(line int, code string, args ...any) {
	rd.res.Warnings = append(rd.res.Warnings, parse.Warn(fmt.Sprintf("line %d", line), code, args...))
}

func (rd *rowReader) row(line int, rec []string) {
	cells := trimTrailingEmpty(rec)
	if len(cells) == 0 {
		return
	}
	if sameHeader(cells, rd.header) {
		return // a repeated header where two exports were concatenated
	}
	if len(cells) > rd.head.width {
		rd.warn(line, "row-cell-count", len(cells), rd.head.width)
		return
	}
	if len(rec) <= rd.head.maxCol() {
		rd.warn(line, "row-cell-count", len(cells), rd.head.width)
		return
	}
	cell := func(f field) string {
		if c := rd.head.col[f]; c >= 0 {
			return strings.TrimSpace(strings.Trim(rec[c], "\t"))
		}
		return ""
	}

	rawTime := cell(fieldStart)
	if rd.head.col[fieldStart] < 0 {
		rawTime = cell(fieldDate) + " " + cell(fieldTime)
	}
	when, err := parseTime(rawTime, rd.in.Location())
	if err != nil {
		rd.warn(line, "row-bad-time", short(rawTime))
		return
	}

	ev := event.Event{
		Time:       when,
		TimeSource: event.TimeFromContent,
		Channel:    event.Call,
		Locator:    fmt.Sprintf("line %d", line),
	}
	rawNumber := cell(fieldNumber)
	if scientific.MatchString(rawNumber) {
		rd.warn(line, "number-scientific", short(rawNumber))
	} else {
		ev.Counterpart = phone.Normalize(rawNumber)
	}
	if name := cell(fieldName); !unnamed[strings.ToLower(name)] && name != rawNumber && name != ev.Counterpart {
		ev.CounterpartName = name
	}

	connected := true
	if rd.head.col[fieldDuration] >= 0 {
		raw := cell(fieldDuration)
		secs, ok, err := parseDuration(raw)
		switch {
		case err != nil && raw == "":
			// No duration written: unknown, not zero.
		case err != nil:
			rd.warn(line, "call-bad-duration", short(raw))
		default:
			ev.Duration = event.Seconds(secs)
			connected = ok
		}
	}

	if rd.head.col[fieldType] >= 0 {
		raw := cell(fieldType)
		o, ok := parseType(raw)
		if ok {
			ev.Direction, ev.Status = o.direction, o.status
			if ev.Status == event.StatusAnswered && !connected {
				ev.Status = event.StatusMissed
			}
		} else {
			rd.warn(line, "call-unknown-type", short(raw))
		}
	}
	rd.res.Events = append(rd.res.Events, ev)
}

func sameHeader(cells, header []string) bool {
	h := trimTrailingEmpty(header)
	if len(cells) != len(h) || cells[0] != h[0] {
		// Comparing the raw first cell first keeps data rows off the normalising path.
		return false
	}
	for i := range cells {
		if normHeader(cells[i]) != normHeader(h[i]) {
			return false
		}
	}
	return true
}

// short caps a cell quoted in a warning, cutting on a rune boundary.
func short(s string) string {
	out, _ := textenc.Clip(s, 60)
	return out
}

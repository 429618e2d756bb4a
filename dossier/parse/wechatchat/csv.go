package wechatchat

import (
	"errors"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// CSV reads the WeChatMsg CSV layout.
type CSV struct{}

var _ parse.Parser = CSV{}

// Name implements parse.Parser.
func (CSV) Name() string { return "wechat-csv" }

// ErrNotWeChatCSV means the first lines hold no WeChat message-table header.
var ErrNotWeChatCSV = parse.Errorf("not-wechat-csv")

// csvHeaderLines is how many leading records may precede the header.
const csvHeaderLines = 5

type column int

const (
	colTalker column = iota
	colType
	colSubType
	colIsSender
	colCreateTime
	colStrContent
	colStrTime
	colRemark
	colNickName
	colSender
	colCount
)

var columnNames = map[string]column{
	"talkerid": colTalker, "strtalker": colTalker, "type": colType, "subtype": colSubType,
	"issender": colIsSender, "createtime": colCreateTime, "strcontent": colStrContent,
	"strtime": colStrTime, "remark": colRemark, "nickname": colNickName, "sender": colSender,
}

type csvLayout struct {
	col   [colCount]int
	width int
}

func mapCSVHeader(cells []string) (csvLayout, bool) {
	var l csvLayout
	for i := range l.col {
		l.col[i] = -1
	}
	for i, c := range cells {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")))
		if col, ok := columnNames[name]; ok && l.col[col] < 0 {
			l.col[col] = i
		}
	}
	l.width = len(trimTrailingEmpty(cells))
	ok := l.col[colType] >= 0 && l.col[colIsSender] >= 0 && l.col[colStrContent] >= 0 &&
		(l.col[colCreateTime] >= 0 || l.col[colStrTime] >= 0)
	return l, ok
}

func (l *csvLayout) maxCol() int {
	m := -1
	for _, c := range l.col {
		m = max(m, c)
	}
	return m
}

// Detect accepts a text file whose first lines hold the message-table header.
func (CSV) Detect(s *parse.Sniff) bool {
	return csvtext.FindInHead(s, csvHeaderLines, func(rec []string) bool {
		_, ok := mapCSVHeader(rec)
		return ok
	}) != nil
}

// Parse implements parse.Parser.
func (CSV) Parse(in *parse.Input) (*parse.Result, error) {
	text, enc, err := textenc.NewReader(in.Reader())
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", in.Name, err)
	}
	budget := csvtext.NewBudget(text, csvtext.MaxRecordBytes)
	r := csvtext.NewReader(budget)
	var (
		head  csvLayout
		found bool
	)
	for range csvHeaderLines {
		rec, err := r.Read()
		budget.Reset()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		if head, found = mapCSVHeader(rec); found {
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("%s: %w", in.Name, ErrNotWeChatCSV)
	}

	res := &parse.Result{Kind: parse.KindChat, Info: map[string]string{"encoding": enc, "layout": "WeChatMsg CSV", "app": App}}
	rd := csvRows{in: in, head: head, res: res, names: map[string]string{}}
	lastLine, _ := r.FieldPos(0)
	for {
		rec, err := r.Read()
		budget.Reset()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := csvtext.ErrorLine(err, lastLine)
			res.Warnings = append(res.Warnings, lineWarn(line, "stopped-reading", err))
			break
		}
		line, _ := r.FieldPos(0)
		lastLine = line
		if len(res.Events) >= maxEvents {
			res.Warnings = append(res.Warnings, lineWarn(line, "too-many-messages-file", maxEvents))
			break
		}
		rd.row(line, rec)
	}
	rd.finish()
	res.Info["messages"] = strconv.Itoa(len(res.Events))
	res.Summary = parse.Summarize("messages", len(res.Events))
	return res, nil
}

// csvRows turns database rows into events.
type csvRows struct {
	in    *parse.Input
	head  csvLayout
	res   *parse.Result
	names map[string]string // counterpart → the name last seen for it
	// incoming collects the distinct senders of incoming messages in one-to-one chats whose
	// talker id is a database number; with exactly one, it is the counterpart of the holder's
	// own messages too.
	incoming map[string]bool
	orphans  []int // events of the holder's own messages still without a counterpart
}

func (rd *csvRows) warn(line int, code string, args ...any) {
	rd.res.Warnings = append(rd.res.Warnings, lineWarn(line, code, args...))
}

func (rd *csvRows) row(line int, rec []string) {
	cells := trimTrailingEmpty(rec)
	if len(cells) == 0 {
		return
	}
	if len(cells) > rd.head.width || len(rec) <= rd.head.maxCol() {
		rd.warn(line, "row-cell-count", len(cells), rd.head.width)
		return
	}
	cell := func(c column) string {
		if i := rd.head.col[c]; i >= 0 {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if strings.EqualFold(cell(colType), "type") {
		return // a repeated header
	}

	when, ok := rd.time(cell(colCreateTime), cell(colStrTime))
	if !ok {
		rd.warn(line, "wechat-bad-time", short(cell(colCreateTime)), short(cell(colStrTime)))
		return
	}
	var kind, text string
	if typ, err := strconv.Atoi(cell(colType)); err == nil {
		subType, _ := strconv.Atoi(cell(colSubType))
		kind, text = describe(typ, subType, cell(colStrContent))
	} else {
		rd.warn(line, "wechat-bad-type", short(cell(colType)))
		kind, text = KindOther, "[消息类型 "+short(cell(colType))+"]"
	}
	text, cut := clip(text, maxText)
	if cut {
		rd.warn(line, "message-too-long", maxText)
	}

	ev := event.Event{
		Time:       when,
		TimeSource: event.TimeFromContent,
		Channel:    event.Chat,
		App:        App,
		Kind:       kind,
		Text:       text,
		Locator:    fmt.Sprintf("line %d", line),
	}
	switch sender := cell(colIsSender); {
	case kind == KindSystem:
		// Nobody sent it: WeChat wrote it into the conversation.
	case sender == "1":
		ev.Direction = event.Out
	case sender == "0":
		ev.Direction = event.In
	default:
		rd.warn(line, "wechat-bad-sender", short(sender))
	}

	talker, from := cell(colTalker), cell(colSender)
	group := strings.HasSuffix(talker, "@chatroom")
	numeric := isDigits(talker)
	switch {
	case group && ev.Direction == event.In && from != "":
		ev.Counterpart = from
	case !numeric && talker != "":
		ev.Counterpart = talker
	case ev.Direction == event.In && from != "":
		ev.Counterpart = from
		if rd.incoming == nil {
			rd.incoming = map[string]bool{}
		}
		rd.incoming[from] = true
	}

	name := cell(colRemark)
	if name == "" && ev.Direction == event.In {
		name = cell(colNickName)
	}
	if name == "" {
		name = rd.names[ev.Counterpart]
	}
	if ev.Counterpart != "" && name != "" && !group {
		rd.names[ev.Counterpart] = name
	}
	if group && ev.Direction == event.In {
		name = cell(colNickName) // the member who spoke
	}
	ev.CounterpartName = name

	if ev.Counterpart == "" && ev.Direction == event.Out {
		rd.orphans = append(rd.orphans, len(rd.res.Events))
	}
	rd.res.Events = append(rd.res.Events, ev)
}

// finish gives the holder's own messages the counterpart of a one-to-one chat whose talker id was
// a database number, once the whole file has shown who the other side is.
func (rd *csvRows) finish() {
	if len(rd.incoming) != 1 {
		return
	}
	for other := range rd.incoming {
		for _, i := range rd.orphans {
			e := &rd.res.Events[i]
			e.Counterpart = other
			if e.CounterpartName == "" {
				e.CounterpartName = rd.names[other]
			}
		}
	}
}

// time prefers CreateTime (an absolute epoch) over StrTime (local, and formatted by the exporter).
// WeChat did not exist before 2011; a year far outside its life is a misread, not a message.
func (rd *csvRows) time(create, str string) (time.Time, bool) {
	t, ok := rd.anyTime(create, str)
	return t, ok && t.Year() >= 2011 && t.Year() <= 2100
}

func (rd *csvRows) anyTime(create, str string) (time.Time, bool) {
	loc := rd.in.Location()
	if isDigits(create) && len(create) <= 13 {
		n, err := strconv.ParseInt(create, 10, 64)
		if err == nil && n > 0 {
			if len(create) == 13 {
				return time.UnixMilli(n).In(loc), true
			}
			if len(create) <= 10 {
				return time.Unix(n, 0).In(loc), true
			}
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006/01/02 15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, str, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func trimTrailingEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

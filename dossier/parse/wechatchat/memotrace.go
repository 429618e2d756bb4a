package wechatchat

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// MemoTraceCSV reads the CSV that WeChatMsg 2.x (MemoTrace) writes, one file per conversation
// named after the contact's remark ("张三.csv"), UTF-8 with a byte-order mark:
//
//	消息ID,类型,发送人,时间,内容,备注,昵称,更多信息
//
// 消息ID is the server's message id; 类型 the type as a word (文本, 图片, 语音, 视频, 表情包, 文件,
// 分享链接, 引用消息, 转账, 红包, 位置分享, 音视频通话, 系统消息, 拍一拍, ...); 发送人 the display name of
// the sender (the holder's own name on their messages); 时间 local "YYYY-MM-DD HH:MM:SS"; 内容 the
// message as text, non-text messages as "【图片】", "【语音】<transcript>", "【文件】name size path";
// 备注 and 昵称 the sender's remark and nickname; 更多信息 the constant "more". Nothing marks the
// holder's messages, so directions follow the TXT layout's rule (see TXT): the other party is the
// sender whose name is the file's name, a sender named "我" is the holder, and in a chat of exactly
// two senders the one who is not the party is the holder.
type MemoTraceCSV struct{}

var _ parse.Parser = MemoTraceCSV{}

// Name implements parse.Parser.
func (MemoTraceCSV) Name() string { return "memotrace-csv" }

// ErrNotMemoTraceCSV means the first lines hold no MemoTrace header.
var ErrNotMemoTraceCSV = errors.New("no MemoTrace header (类型, 发送人, 时间, 内容) in the first lines")

type memoColumns struct {
	typ, sender, when, content, remark, nickname int
	width                                        int
}

func mapMemoHeader(cells []string) (memoColumns, bool) {
	c := memoColumns{typ: -1, sender: -1, when: -1, content: -1, remark: -1, nickname: -1}
	for i, cell := range cells {
		switch strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff")) {
		case "类型":
			c.typ = i
		case "发送人":
			c.sender = i
		case "时间":
			c.when = i
		case "内容":
			c.content = i
		case "备注":
			c.remark = i
		case "昵称":
			c.nickname = i
		}
	}
	c.width = len(trimTrailingEmpty(cells))
	return c, c.typ >= 0 && c.sender >= 0 && c.when >= 0 && c.content >= 0
}

// Detect accepts a text file whose first lines hold the MemoTrace header.
func (MemoTraceCSV) Detect(s *parse.Sniff) bool {
	return csvtext.FindInHead(s, csvHeaderLines, func(rec []string) bool {
		_, ok := mapMemoHeader(rec)
		return ok
	}) != nil
}

// memoKinds maps MemoTrace's type words (wxManager's MessageType.name) to event kinds.
var memoKinds = map[string]string{
	"文本": KindText, "引用消息": KindText,
	"图片": KindImage, "语音": KindVoice, "视频": KindVideo, "表情包": KindSticker,
	"文件": KindApp, "分享链接": KindApp, "小程序": KindApp, "转账": KindApp, "红包": KindApp,
	"合并转发的聊天记录": KindApp, "音乐分享": KindApp, "收藏笔记": KindApp, "视频号": KindApp,
	"位置分享": KindLocation, "个人/公众号名片": KindCard, "企业微信名片": KindCard,
	"音视频通话": KindCall, "系统消息": KindSystem, "拍一拍": KindSystem,
}

// Parse implements parse.Parser.
func (MemoTraceCSV) Parse(in *parse.Input) (*parse.Result, error) {
	text, enc, err := textenc.NewReader(in.Reader())
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", in.Name, err)
	}
	budget := csvtext.NewBudget(text, csvtext.MaxRecordBytes)
	r := csvtext.NewReader(budget)
	var (
		cols  memoColumns
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
		if cols, found = mapMemoHeader(rec); found {
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("%s: %w", in.Name, ErrNotMemoTraceCSV)
	}
	res := &parse.Result{Kind: parse.KindChat, Info: map[string]string{"encoding": enc, "layout": "MemoTrace CSV", "app": App}}
	var names []string
	lastLine, _ := r.FieldPos(0)
	for {
		rec, err := r.Read()
		budget.Reset()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			res.Warnings = append(res.Warnings, lineWarn(csvtext.ErrorLine(err, lastLine), "stopped-reading", err))
			break
		}
		line, _ := r.FieldPos(0)
		lastLine = line
		if len(res.Events) >= maxEvents {
			res.Warnings = append(res.Warnings, lineWarn(line, "too-many-messages-file", maxEvents))
			break
		}
		ev, name, ok := memoRow(in, cols, line, rec, res)
		if ok {
			res.Events = append(res.Events, ev)
			names = append(names, name)
		}
	}
	party := assignDirections(res.Events, names, in.Name)
	if party != "" {
		res.Info["party"] = party
	} else if len(res.Events) > 0 {
		res.Warnings = append(res.Warnings, parse.Warn("", "chat-party-unknown"))
	}
	res.Info["messages"] = strconv.Itoa(len(res.Events))
	res.Summary = parse.Summarize("messages", len(res.Events))
	return res, nil
}

// memoRow turns one record into an event whose counterpart is, for now, the sender's display
// name; assignDirections settles direction and counterpart once the whole file is read.
func memoRow(in *parse.Input, c memoColumns, line int, rec []string, res *parse.Result) (event.Event, string, bool) {
	cells := trimTrailingEmpty(rec)
	if len(cells) == 0 {
		return event.Event{}, "", false
	}
	cell := func(i int) string {
		if i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	if len(rec) <= max(c.typ, c.sender, c.when, c.content) {
		res.Warnings = append(res.Warnings, lineWarn(line, "row-cell-count", len(cells), c.width))
		return event.Event{}, "", false
	}
	if cell(c.typ) == "类型" {
		return event.Event{}, "", false // a repeated header
	}
	when, err := time.ParseInLocation(time.DateTime, cell(c.when), in.Location())
	if err == nil && (when.Year() < 2011 || when.Year() > 2100) {
		err = errors.New("year outside WeChat's life")
	}
	if err != nil {
		res.Warnings = append(res.Warnings, lineWarn(line, "row-bad-time", short(cell(c.when))))
		return event.Event{}, "", false
	}
	kind, known := memoKinds[cell(c.typ)]
	if !known {
		kind = KindOther
	}
	text, cut := clip(strings.TrimSpace(rec[c.content]), maxText)
	if cut {
		res.Warnings = append(res.Warnings, lineWarn(line, "message-too-long", maxText))
	}
	name := cell(c.sender)
	shown := cell(c.remark)
	if shown == "" {
		shown = name
	}
	ev := event.Event{
		Time:            when,
		TimeSource:      event.TimeFromContent,
		Channel:         event.Chat,
		App:             App,
		Kind:            kind,
		Text:            text,
		Counterpart:     name,
		CounterpartName: shown,
		Locator:         fmt.Sprintf("line %d", line),
	}
	if kind == KindSystem {
		ev.Counterpart, ev.CounterpartName = "", ""
	}
	return ev, name, true
}

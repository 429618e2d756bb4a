package wechatchat

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// TXT reads the plain-text layout: a line "YYYY-MM-DD HH:MM:SS <display name>", the content on the
// following lines, a blank line between messages.
//
// The layout has no ids and does not mark the holder's messages, so direction follows one rule:
// the other party is taken from the file name ("与X的聊天记录", "X的聊天记录", "聊天记录_X", "X_聊天记录",
// "微信_X", or the whole stem, which is how WeChatMsg names its files) when that name is one of the
// speakers. Messages by the other party are incoming; when the file has exactly two speakers, the
// other one is the holder and their messages are outgoing. A speaker named "我" (or "me") is always
// the holder. When the party cannot be established, direction stays unknown rather than guessed,
// and findings will not count those messages as incoming contacts.
type TXT struct{}

var _ parse.Parser = TXT{}

// Name implements parse.Parser.
func (TXT) Name() string { return "wechat-txt" }

// ErrNotWeChatTXT means the first lines hold no timestamp-and-name line.
var ErrNotWeChatTXT = parse.Errorf("not-wechat-txt")

var reStamp = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?: +(\S.{0,99}))?$`)

const (
	// txtLeadLines is how many non-blank lines (a title, an export note) may precede the first
	// message.
	txtLeadLines = 10
	// txtDetectLines is how many non-blank lines detection looks at.
	txtDetectLines = 40
	// maxLine bounds one line of the TXT layout.
	maxLine = 4 << 20
)

// stamp splits a timestamp-and-name line. WeChatMsg 2.x (MemoTrace) writes a system message (a
// recall, a pat, a time notice) under a line holding only the time: name is then "".
func stamp(line string) (ts, name string, ok bool) {
	m := reStamp.FindStringSubmatch(strings.TrimRight(line, " \t\r"))
	if m == nil {
		return "", "", false
	}
	return m[1], strings.TrimSpace(m[2]), true
}

// Detect accepts a text file whose first message line comes within the first few lines and
// which either has a second message line or ends within the head.
func (TXT) Detect(s *parse.Sniff) bool {
	if !strings.HasPrefix(s.MIME, "text/") && s.Ext != ".txt" {
		return false
	}
	text, ok := s.Text()
	if !ok {
		return false
	}
	// Lines of a time alone (system messages) count only beside a line that names a speaker:
	// plenty of logs are a column of times.
	stamps, named, nonBlank := 0, 0, 0
	for line := range strings.Lines(text) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		nonBlank++
		if _, name, ok := stamp(strings.TrimRight(line, "\n")); ok {
			stamps++
			if name != "" {
				named++
			}
		} else if stamps == 0 && nonBlank > txtLeadLines {
			return false
		}
		if nonBlank >= txtDetectLines || (stamps >= 2 && named >= 1) {
			break
		}
	}
	return named >= 1 && (stamps >= 2 || int64(len(s.Head)) >= s.Size)
}

// txtMessage is a message being assembled.
type txtMessage struct {
	line    int
	when    time.Time
	name    string
	content strings.Builder
	blanks  int // blank lines seen since the last content line, kept only if more content follows
	cut     bool
}

// Parse implements parse.Parser.
func (TXT) Parse(in *parse.Input) (*parse.Result, error) {
	text, enc, err := textenc.NewReader(in.Reader())
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", in.Name, err)
	}
	lr := lineReader{br: bufio.NewReaderSize(text, 64<<10)}
	res := &parse.Result{Kind: parse.KindChat, Info: map[string]string{"encoding": enc, "layout": "WeChat TXT", "app": App}}
	var (
		cur      *txtMessage
		skipping bool // inside a message whose timestamp could not be read
		names    []string
	)
	flush := func() {
		if cur == nil {
			return
		}
		if cur.cut {
			res.Warnings = append(res.Warnings, lineWarn(cur.line, "message-too-long", maxText))
		}
		res.Events = append(res.Events, txtEvent(cur))
		names = append(names, cur.name)
		cur = nil
	}
	nonBlank := 0
	for {
		line, long, err := lr.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				res.Warnings = append(res.Warnings, lineWarn(lr.line, "stopped-reading", err))
			}
			break
		}
		if long {
			res.Warnings = append(res.Warnings, lineWarn(lr.line, "line-too-long", maxLine))
			continue
		}
		if ts, name, ok := stamp(line); ok {
			flush()
			if len(res.Events) >= maxEvents {
				res.Warnings = append(res.Warnings, lineWarn(lr.line, "too-many-messages-file", maxEvents))
				break
			}
			when, err := time.ParseInLocation(time.DateTime, ts, in.Location())
			if err == nil && (when.Year() < 2011 || when.Year() > 2100) {
				err = errors.New("year outside WeChat's life")
			}
			if err != nil {
				res.Warnings = append(res.Warnings, lineWarn(lr.line, "message-bad-time", ts))
				skipping = true
				continue
			}
			skipping = false
			cur = &txtMessage{line: lr.line, when: when, name: name}
			continue
		}
		if cur == nil {
			if strings.TrimSpace(line) != "" && !skipping {
				nonBlank++
				if len(res.Events) == 0 && nonBlank > txtLeadLines {
					return nil, fmt.Errorf("%s: %w", in.Name, ErrNotWeChatTXT)
				}
			}
			continue
		}
		cur.add(line)
	}
	flush()
	if len(res.Events) == 0 && len(res.Warnings) == 0 {
		return nil, fmt.Errorf("%s: %w", in.Name, ErrNotWeChatTXT)
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

func (m *txtMessage) add(line string) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" {
		if m.content.Len() > 0 {
			m.blanks++
		}
		return
	}
	if m.cut {
		return
	}
	var b strings.Builder
	if m.content.Len() > 0 {
		b.WriteString(strings.Repeat("\n", m.blanks+1))
	}
	b.WriteString(line)
	m.blanks = 0
	if m.content.Len()+b.Len() > maxText {
		rest, _ := clip(b.String(), max(0, maxText-m.content.Len()))
		m.content.WriteString(rest)
		m.cut = true
		return
	}
	m.content.WriteString(b.String())
}

func txtEvent(m *txtMessage) event.Event {
	text := m.content.String()
	kind := KindText
	for label, k := range placeholders {
		if text == label || strings.HasPrefix(text, label+" ") {
			kind = k
			break
		}
	}
	// WeChatMsg 2.x writes non-text messages as 【图片】, 【语音】<transcript>, 【文件】<name> ...
	if strings.HasPrefix(text, "【") {
		if end := strings.Index(text, "】"); end > 0 {
			if k, ok := bracketKinds[text[len("【"):end]]; ok {
				kind = k
			}
		}
	}
	if systemNames[m.name] || m.name == "" {
		kind = KindSystem
	}
	return event.Event{
		Time:            m.when,
		TimeSource:      event.TimeFromContent,
		Channel:         event.Chat,
		Counterpart:     m.name,
		CounterpartName: m.name,
		App:             App,
		Kind:            kind,
		Text:            text,
		Locator:         fmt.Sprintf("line %d", m.line),
	}
}

// bracketKinds are the words WeChatMsg 2.x puts in 【】 at the start of a non-text message.
var bracketKinds = map[string]string{
	"图片": KindImage, "语音": KindVoice, "视频": KindVideo, "表情包": KindSticker,
	"文件": KindApp, "分享链接": KindApp, "视频号": KindApp, "红包": KindApp, "合并转发的聊天记录": KindApp,
	"笔记": KindApp, "发起转账": KindApp, "已收款": KindApp, "已退还": KindApp, "非实时转账收款": KindApp,
	"发起非实时转账": KindApp, "音视频通话": KindCall, "位置分享": KindLocation, "名片": KindCard,
}

// systemNames are the speaker names exporters give to messages WeChat itself wrote.
var systemNames = map[string]bool{"系统消息": true, "系统": true, "系统提示": true}

var selfNames = map[string]bool{"我": true, "me": true, "自己": true, "本人": true}

var partyPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^与(.+?)的(?:微信)?聊天记录`),
	regexp.MustCompile(`^和(.+?)的(?:微信)?聊天记录`),
	regexp.MustCompile(`^(.+?)的(?:微信)?聊天记录`),
	regexp.MustCompile(`^(?:微信)?聊天记录[_\- ]+(.+)$`),
	regexp.MustCompile(`^(.+?)[_\- ]+(?:微信)?聊天记录`),
	regexp.MustCompile(`^(?i:wechat|微信)[_\- ]+(.+)$`),
}

var reCopyNumber = regexp.MustCompile(`^(.+?)[(（]\d{1,3}[)）]$`)

// assignDirections applies the rule documented on TXT and returns the party it found, or "".
func assignDirections(events []event.Event, names []string, fileName string) string {
	speakers := map[string]bool{}
	for i, n := range names {
		if events[i].Kind != KindSystem {
			speakers[n] = true
		}
	}
	stem := strings.TrimSuffix(path.Base(strings.ReplaceAll(fileName, "\\", "/")), path.Ext(fileName))
	party := ""
	for _, re := range partyPatterns {
		if m := re.FindStringSubmatch(stem); m != nil && speakers[strings.TrimSpace(m[1])] {
			party = strings.TrimSpace(m[1])
			break
		}
	}
	if party == "" && speakers[stem] {
		party = stem
	}
	// Exporters number a second export of the same chat: "张三(1).csv".
	if m := reCopyNumber.FindStringSubmatch(stem); party == "" && m != nil && speakers[m[1]] {
		party = m[1]
	}
	var self string
	for n := range speakers {
		if selfNames[strings.ToLower(n)] {
			self = n
		}
	}
	if party == "" && self != "" && len(speakers) == 2 {
		for n := range speakers {
			if n != self {
				party = n
			}
		}
	}
	twoParty := party != "" && len(speakers) == 2
	for i := range events {
		e := &events[i]
		if e.Kind == KindSystem {
			continue
		}
		switch n := e.Counterpart; {
		case party != "" && n == party:
			e.Direction = event.In
		case selfNames[strings.ToLower(n)] || (twoParty && n != party):
			e.Direction = event.Out
			if party != "" {
				e.Counterpart, e.CounterpartName = party, party
			}
		}
	}
	return party
}

// lineReader reads lines of any length with bounded memory: a line longer than maxLine is
// consumed and reported as long instead of returned.
type lineReader struct {
	br   *bufio.Reader
	line int
}

func (lr *lineReader) next() (string, bool, error) {
	line, long, err := textenc.ReadLine(lr.br, maxLine)
	if err != nil {
		return "", false, err
	}
	lr.line++
	return line, long, nil
}

// Package wechathtml reads the HTML export of WeChat conversations written by WeChatMsg (1.x)
// and its successor MemoTrace (2.x): one page per conversation (2.x splits long ones into
// "<remark>_0.html", "<remark>_1000.html", ...), the contact's remark in <title>, and the
// messages not as markup but as a JavaScript array that the page's script renders:
//
//	<script>
//	const chatMessages = [
//	{ type:1, text: '您好，这里是<img src="./emoji/微笑.png" id="微笑" class="emoji_img">...',is_send:0,avatar_path:'./avatar/wxid_x.png',timestamp:1737856800,is_chatroom:0,displayname:'王经理'},{ type:34, ...},
//	];
//
// WeChatMsg 1.x (app/util/exporter/exporter_html.py into app/resources/data/template.html, split
// at the marker "/*注意看这是分割线*/") writes each message as an object literal with bare keys and
// single-quoted strings, one after another, usually on one very long line. Strings went through
// html.escape (without quotes) and then a JavaScript escape of \ ' " and line breaks; text messages
// also have WeChat's emoji codes replaced by <img ... id="微笑" class="emoji_img"> and, in later
// versions, line breaks written as <br>. The keys: type (1 text, 0 system, 3 image — stickers are
// written as 3 too —, 34 voice with voice_to_text, 43 video, 49 with sub_type 57 quote (text the
// reply, refer_text the quoted message), 6 file (file_name, file_size), 3 music (title), 5 link
// card (title, description, url), 2000 transfer (text the state, feedesc the amount, pay_memo),
// 50 call (text what WeChat shows, call_type; written without is_send)), is_send 1 for the
// holder's messages, timestamp in epoch seconds, is_chatroom 1 in a group, displayname the
// sender's name as the holder sees it (the contact's remark, a group member's name, the
// holder's own name). Older versions insert a time separator before a message five minutes
// after the previous one: an element of type 0 whose text is the time; it is not a message.
//
// MemoTrace 2.x (exporter/exporter_html.py, messages from wxManager.model Message.to_json())
// writes the same array as JSON (json.dumps, indent 4, ensure_ascii False) after html-escaping
// every string field that does not start with "http": "type" the database type as a string
// ("1", "3", "34", "43", "47", "48" location, "50" call, "42"/"66" contact card, "10000"
// system, and the composite codes of app messages: "25769803825" file, "21474836529" and four
// others links, "12884901937" music, "8594229559345" red packet, "8589934592049" transfer,
// "244813135921" quote, "81604378673" merged messages, "141733920817"/"154618822705" mini
// program, "219043332145" channels video, "103079215153" note; a pat is written with the number
// 10000), "is_send" true or false, "timestamp" epoch seconds, "server_id", "display_name",
// "avatar_src", "xml_dict" (the message's XML as nested objects, ignored here), and per type
// "text", "voice_to_text", "duration", "file_name", "title", "description", "desc", "poiname",
// "nickname", "fee_desc", "pay_memo", "display_content", "quote_text". The page template of
// 2.x was not available to read; the array is found after "chatMessages =" as in 1.x, or failing
// that as the first array that opens on an object with a "type" key.
//
// Beside each page MemoTrace writes "<page>.html.json", the same list as plain JSON before the
// escaping for the page; it is read the same way, its text taken as it is, the conversation
// named by the file.
//
// A message becomes an event.Chat like the CSV and TXT exports' (see package wechatchat): App
// "微信", Kind text/image/voice/video/sticker/app/system/card/location/call, a readable Text
// (markup and paths dropped, emoji images back to "[微笑]", non-text messages as "[图片]",
// "[语音] <transcript>", "[文件] <name>", ...), the time from timestamp, the direction from
// is_send (none for system messages and for 1.x calls, which do not say). The counterpart is
// the sender's display name for incoming messages, and the conversation's title (the contact
// or the group) for the holder's own.
//
// The file is read as a stream; an element may not exceed 4 MiB nor nest deeper than 32 levels
// (skipped with a warning), a text is cut at 8 KiB. An element the grammar cannot read (1.x did
// not escape every field it wrote) is skipped with a warning and reading resumes at the next
// "{ type:"; a file cut short keeps every message before the cut and says where it ends.
package wechathtml

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/wechatchat"
)

// Parser reads the HTML export.
type Parser struct{}

var _ parse.Parser = Parser{}

// Name implements parse.Parser.
func (Parser) Name() string { return "wechat-html" }

// ErrNoMessageList means the page holds no message array where the exporters put it.
var ErrNoMessageList = parse.Errorf("no-message-list")

const (
	maxEvents = 1 << 20
	maxText   = 8 << 10
	// maxPrologue bounds how far into the page the message list may start: the template's style
	// sheet and markup come first.
	maxPrologue = 8 << 20
)

// reSplitPart is the "_0", "_1000" MemoTrace adds to the pages of a long conversation.
var reSplitPart = regexp.MustCompile(`_\d+$`)

// markers are strings only the exporters' page template has in its first bytes.
var markers = []string{"chatMessages", "聊天记录未能成功展示", "注意看这是分割线", "is_send:", `"is_send":`}

// jsonMarkers are keys every message of MemoTrace's companion .json carries.
var jsonMarkers = []string{`"is_send":`, `"server_id":`, `"timestamp":`}

// Detect accepts an HTML page whose head carries the exporters' template, and the .json that
// MemoTrace writes beside each page.
func (Parser) Detect(s *parse.Sniff) bool {
	mt, _, _ := strings.Cut(s.MIME, ";")
	if s.Ext == ".json" {
		for _, m := range jsonMarkers {
			if !bytes.Contains(s.Head, []byte(m)) {
				return false
			}
		}
		return true
	}
	if mt != "text/html" && s.Ext != ".html" && s.Ext != ".htm" {
		return false
	}
	for _, m := range markers {
		if bytes.Contains(s.Head, []byte(m)) {
			return true
		}
	}
	return false
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	br := bufio.NewReaderSize(in.Reader(), 64<<10)
	sc := &scanner{br: br, line: 1}
	title, generation, err := prologue(sc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	clean := cleanText
	if in.Ext == ".json" {
		// The companion file holds the messages before the escaping for the page: plain text,
		// and no title, so the conversation is named by the file ("王经理_0.html.json").
		generation, clean = "MemoTrace JSON", strings.TrimSpace
		title = reSplitPart.ReplaceAllString(strings.TrimSuffix(strings.TrimSuffix(in.Name, ".json"), ".html"), "")
	}
	res := &parse.Result{Kind: parse.KindChat, Info: map[string]string{"layout": generation, "app": wechatchat.App}}
	if title != "" {
		res.Info["party"] = title
	}
	var ws parse.Warnings
	index := 0
	for {
		sc.used = 0
		b, err := sc.skipSpace()
		if err != nil {
			ws.Add(parse.Warn(fmt.Sprintf("line %d", sc.line), "html-list-cut"))
			break
		}
		sc.readByte()
		if b == ']' {
			break
		}
		if b == ',' {
			continue
		}
		index++
		line := sc.line
		where := fmt.Sprintf("line %d, message %d", line, index)
		if b != '{' {
			ws.AddKind("syntax", parse.Warn(where, "html-not-message"))
			if !resync(sc) {
				break
			}
			continue
		}
		fields, err := sc.object(1, true)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				ws.Add(parse.Warn(where, "html-message-cut"))
				break
			}
			var syn *syntaxError
			if !errors.As(err, &syn) && !errors.Is(err, errTooLarge) && !errors.Is(err, errTooDeep) {
				ws.Add(parse.Warn(where, "stopped-reading", err))
				break
			}
			ws.AddKind("unreadable", parse.Warn(where, "html-message-unreadable", err))
			if !resync(sc) {
				break
			}
			continue
		}
		if len(res.Events) >= maxEvents {
			ws.Add(parse.Warn(where, "too-many-messages-file", maxEvents))
			break
		}
		ev, ok, problem := toEvent(in, fields, title, where, clean)
		if problem != nil {
			ws.AddKind(problem.Error(), parse.Warn(where, "error", problem))
		}
		if !ok {
			continue
		}
		res.Events = append(res.Events, ev)
	}
	res.Warnings = ws.List()
	res.Info["messages"] = strconv.Itoa(len(res.Events))
	res.Summary = parse.Summarize("messages", len(res.Events))
	return res, nil
}

// prologue reads the page up to the opening bracket of the message list, keeping the title, and
// says which exporter generation wrote it.
func prologue(sc *scanner) (title, generation string, err error) {
	var win []byte // the last bytes read, for matching
	const keep = 64
	inTitle := false
	var t []byte
	for n := 0; n < maxPrologue; n++ {
		b, err := sc.br.ReadByte()
		if err != nil {
			return "", "", ErrNoMessageList
		}
		sc.offset++
		if b == '\n' {
			sc.line++
		}
		if inTitle {
			t = append(t, b)
			if bytes.HasSuffix(t, []byte("</title>")) {
				title = cleanText(string(t[:len(t)-len("</title>")]))
				inTitle = false
			} else if len(t) > 1024 {
				inTitle = false
			}
		}
		win = append(win, b)
		if len(win) > 2*keep {
			win = append(win[:0], win[len(win)-keep:]...)
		}
		switch {
		case title == "" && !inTitle && t == nil && bytes.HasSuffix(win, []byte("<title>")):
			inTitle = true
		case b == '[' && bytes.Contains(win, []byte("chatMessages")):
			if i := bytes.LastIndex(win, []byte("chatMessages")); i >= 0 && strings.TrimSpace(string(win[i+len("chatMessages"):len(win)-1])) == "=" {
				if p, _ := sc.br.Peek(64); bytes.Contains(p, []byte(`"type"`)) {
					return title, "MemoTrace HTML", nil
				}
				return title, "WeChatMsg HTML", nil
			}
		case b == '[':
			// A 2.x array is JSON whose first element opens with its "type".
			if p, _ := sc.br.Peek(32); bytes.HasPrefix(bytes.TrimLeft(p, " \t\r\n"), []byte("{")) {
				rest := bytes.TrimLeft(bytes.TrimLeft(p, " \t\r\n")[1:], " \t\r\n")
				if bytes.HasPrefix(rest, []byte(`"type"`)) {
					return title, "MemoTrace HTML", nil
				}
			}
		}
	}
	return "", "", ErrNoMessageList
}

// resync skips to the next element that starts like a 1.x message ("{ type:") or a 2.x one
// ('{' then "type" as the first key) after an unreadable one, and reports whether there is one.
func resync(sc *scanner) bool {
	for {
		p, _ := sc.br.Peek(24)
		if len(p) == 0 {
			return false
		}
		if p[0] == '{' {
			rest := bytes.TrimLeft(p[1:], " \t\r\n")
			if bytes.HasPrefix(rest, []byte("type:")) || bytes.HasPrefix(rest, []byte(`"type"`)) {
				return true
			}
		}
		if b, _ := sc.br.ReadByte(); b == '\n' {
			sc.line++
		}
		sc.offset++
	}
}

// toEvent turns one element into an event. ok is false for an element that is no message (a
// time separator) or cannot be placed in time; problem is then the warning, if one is due.
func toEvent(in *parse.Input, f map[string]scalar, title, where string, clean func(string) string) (event.Event, bool, error) {
	ts, err := strconv.ParseFloat(f["timestamp"].text, 64)
	if err != nil || ts < 1293840000 || ts > 4102444800 { // 2011 to 2100: WeChat's life
		return event.Event{}, false, parse.Errorf("html-no-time")
	}
	when := time.Unix(int64(ts), 0)
	kind, text, system := describe(f, clean)
	if system && isSeparator(text, in.Location()) {
		return event.Event{}, false, nil
	}
	text, cut := clip(text, maxText)
	var problem error
	if cut {
		problem = parse.Errorf("message-too-long", maxText)
	}
	name := clean(first(f, "displayname", "display_name"))
	ev := event.Event{
		Time:       when,
		TimeSource: event.TimeFromContent,
		Channel:    event.Chat,
		App:        wechatchat.App,
		Kind:       kind,
		Text:       text,
		Locator:    where,
	}
	if system {
		ev.Kind = wechatchat.KindSystem
		return ev, true, problem
	}
	switch sent, known := boolField(f["is_send"]); {
	case !known:
		// 1.x writes calls without is_send: who called is not said.
		ev.Counterpart = orElse(title, name)
	case sent:
		ev.Direction = event.Out
		ev.Counterpart = orElse(title, name)
	default:
		ev.Direction = event.In
		ev.Counterpart = orElse(name, title)
	}
	ev.CounterpartName = ev.Counterpart
	return ev, true, problem
}

func boolField(v scalar) (value, known bool) {
	switch strings.ToLower(v.text) {
	case "1", "true":
		return true, true
	case "0", "false":
		return false, true
	}
	return false, false
}

// isSeparator reports whether a system element's text is only a time: the separators older 1.x
// versions put between messages five minutes apart.
func isSeparator(text string, loc *time.Location) bool {
	text = strings.TrimSpace(text)
	for _, layout := range []string{time.DateTime, "2006-01-02 15:04", "15:04", "15:04:05"} {
		if _, err := time.ParseInLocation(layout, text, loc); err == nil {
			return true
		}
	}
	return false
}

func first(f map[string]scalar, keys ...string) string {
	for _, k := range keys {
		if v := f[k]; v.text != "" {
			return v.text
		}
	}
	return ""
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

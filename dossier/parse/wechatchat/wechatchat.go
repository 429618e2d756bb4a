// Package wechatchat reads WeChat conversations exported by the open-source exporters (WeChatMsg
// 1.x and its 2.x successor MemoTrace): the CSV layouts, one message per record, and the TXT
// layout, blocks of a timestamp-and-name line followed by the content.
//
// Both become event.Chat events with App "微信", a Kind naming the message type (text, image,
// voice, video, sticker, app, system, and card, location, call for the other common types) and a
// Text that is readable: non-text messages are shown as the bracketed placeholder WeChat itself
// uses ("[图片]", "[语音]"), enriched with what can be read safely (a voice message's length, a
// file's or link's title), and never as the raw XML the database stores.
//
// CSV: the header names the columns, so their order does not matter. IsSender 1 is the holder
// (Direction Out), anything else the other side; system messages have no direction, since nobody
// sent them. CreateTime (epoch seconds) is preferred, StrTime (local, in the case zone) is the
// fallback. The counterpart is a WeChat id, never a phone number: the talker's wxid in a one-to-one
// chat; in a group chat (a talker id ending in "@chatroom") the member who spoke, and the group for
// the holder's own messages. Some exporter versions write a numeric database id as TalkerId; then
// the Sender of incoming messages is used. The name is the holder's remark for the contact, else the
// nickname of the sender of an incoming message.
//
// TXT: the layout carries display names only, so the counterpart is a display name, and who "me" is
// must be inferred; the rule is deliberately conservative (see TXT). A message's content runs to the
// next timestamp line; a content line that itself looks like a timestamp line cannot be told apart
// and starts a new message.
//
// MemoTrace (WeChatMsg 2.x) writes its own CSV (消息ID,类型,发送人,时间,内容,备注,昵称,更多信息; see
// MemoTraceCSV) and a TXT of the same blocks in which a system message sits under a line holding
// only the time; TXT reads both generations.
//
// All parsers stream: one record or one line at a time, each bounded (a record or line may not
// exceed 4 MiB, a message text is cut at 8 KiB with a warning). Once the layout is recognised, Parse
// never fails; what it cannot read is skipped or kept incomplete with a warning naming the line.
package wechatchat

import (
	"fmt"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// App is the application named on every event.
const App = "微信"

// Kinds of chat messages (event.Event.Kind).
const (
	KindText     = "text"
	KindImage    = "image"
	KindVoice    = "voice"
	KindVideo    = "video"
	KindSticker  = "sticker"
	KindApp      = "app"
	KindSystem   = "system"
	KindCard     = "card"
	KindLocation = "location"
	KindCall     = "call"
	KindOther    = "other"
)

// maxEvents bounds the events kept from one file; long chats have tens of thousands of messages.
const maxEvents = 1 << 20

// maxText caps one message's text; longer texts are cut and the cut is reported.
const maxText = 8 << 10

// placeholders are WeChat's own bracketed names of non-text messages, as the TXT layout shows them.
var placeholders = map[string]string{
	"[图片]":   KindImage,
	"[语音]":   KindVoice,
	"[视频]":   KindVideo,
	"[表情包]":  KindSticker,
	"[动画表情]": KindSticker,
	"[表情]":   KindSticker,
	"[文件]":   KindApp,
	"[链接]":   KindApp,
	"[小程序]":  KindApp,
	"[转账]":   KindApp,
	"[红包]":   KindApp,
	"[聊天记录]": KindApp,
	"[名片]":   KindCard,
	"[位置]":   KindLocation,
	"[语音通话]": KindCall,
	"[视频通话]": KindCall,
	"[通话]":   KindCall,
	"[系统消息]": KindSystem,
}

var clip = textenc.Clip

func lineWarn(line int, code string, args ...any) parse.Warning {
	return parse.Warn(fmt.Sprintf("line %d", line), code, args...)
}

// short caps a value quoted in a warning.
func short(s string) string {
	out, _ := clip(s, 60)
	return out
}

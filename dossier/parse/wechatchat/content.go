package wechatchat

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
)

// Message types of the WeChat database (MSG.Type).
const (
	typeText     = 1
	typeImage    = 3
	typeVoice    = 34
	typeCard     = 42
	typeVideo    = 43
	typeSticker  = 47
	typeLocation = 48
	typeApp      = 49
	typeCall     = 50
	typeSystem   = 10000
	typeSysXML   = 10002
)

// App message sub-types (MSG.SubType for Type 49) worth naming.
var appSubTypes = map[int]string{
	4: "[链接]", 5: "[链接]", 6: "[文件]", 8: "[表情包]", 19: "[聊天记录]", 33: "[小程序]", 36: "[小程序]",
	2000: "[转账]", 2001: "[红包]",
}

// subTypeQuote is a reply quoting an earlier message; its title is the text the sender typed.
const subTypeQuote = 57

// maxTitle caps a title read out of an XML blob.
const maxTitle = 200

var (
	reTitle       = regexp.MustCompile(`(?s)<title>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</title>`)
	reVoiceLength = regexp.MustCompile(`\bvoicelength\s*=\s*"(\d{1,9})"`)
	rePlayLength  = regexp.MustCompile(`\bplaylength\s*=\s*"(\d{1,9})"`)
	reNickname    = regexp.MustCompile(`\bnickname\s*=\s*"([^"]{1,200})"`)
	reLabel       = regexp.MustCompile(`\b(?:poiname|label)\s*=\s*"([^"]{1,200})"`)
	reCDATA       = regexp.MustCompile(`(?s)<!\[CDATA\[(.*?)\]\]>`)
	reReplace     = regexp.MustCompile(`(?s)<replacemsg>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</replacemsg>`)
)

// describe turns a database row's type and content into a kind and readable text. Content that
// is XML is never returned as it is; only small, named pieces of it are.
func describe(typ, subType int, content string) (kind, text string) {
	content = strings.TrimSpace(content)
	switch typ {
	case typeText:
		return KindText, content
	case typeImage:
		return KindImage, "[图片]"
	case typeVoice:
		if ms, ok := firstInt(reVoiceLength, content); ok {
			return KindVoice, fmt.Sprintf("[语音] %d秒", (ms+500)/1000)
		}
		return KindVoice, "[语音]"
	case typeVideo:
		if s, ok := firstInt(rePlayLength, content); ok {
			return KindVideo, fmt.Sprintf("[视频] %d秒", s)
		}
		return KindVideo, "[视频]"
	case typeSticker:
		return KindSticker, "[表情包]"
	case typeCard:
		return KindCard, withDetail("[名片]", firstString(reNickname, content))
	case typeLocation:
		return KindLocation, withDetail("[位置]", firstString(reLabel, content))
	case typeCall:
		return KindCall, withDetail("[通话]", firstString(reCDATA, content))
	case typeApp:
		title := firstString(reTitle, content)
		if subType == subTypeQuote && title != "" {
			return KindText, title
		}
		label, ok := appSubTypes[subType]
		if !ok {
			label = "[链接]"
			if title == "" {
				label = "[应用消息]"
			}
		}
		return KindApp, withDetail(label, title)
	case typeSystem:
		if isXML(content) {
			return KindSystem, withDetail("[系统消息]", firstString(reReplace, content))
		}
		return KindSystem, content
	case typeSysXML:
		return KindSystem, withDetail("[系统消息]", firstString(reReplace, content))
	}
	return KindOther, fmt.Sprintf("[消息类型 %d]", typ)
}

func isXML(s string) bool { return strings.HasPrefix(s, "<") }

func firstInt(re *regexp.Regexp, s string) (int, bool) {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// firstString returns the first capture, unescaped, flattened to one line and capped; a capture
// that is itself markup is dropped.
func firstString(re *regexp.Regexp, s string) string {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	v := strings.Join(strings.Fields(html.UnescapeString(m[1])), " ")
	if isXML(v) {
		return ""
	}
	v, _ = clip(v, maxTitle)
	return v
}

func withDetail(label, detail string) string {
	if detail == "" {
		return label
	}
	return label + " " + detail
}

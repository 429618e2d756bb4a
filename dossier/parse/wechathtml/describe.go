package wechathtml

import (
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/dossier-tool/dossier/dossier/parse/wechatchat"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// MemoTrace 2.x composite type codes of app messages (wxManager.model.MessageType).
const (
	typeFile       = "25769803825"
	typeMusic      = "12884901937"
	typeRedPacket  = "8594229559345"
	typeTransfer   = "8589934592049"
	typeQuote      = "244813135921"
	typeMerged     = "81604378673"
	typeApplet     = "141733920817"
	typeApplet2    = "154618822705"
	typeChannels   = "219043332145"
	typeNote       = "103079215153"
	typePat        = "266287972401"
	typeOpenIMCard = "66"
)

var linkTypes = map[string]bool{"21474836529": true, "292057776177": true, "4294967345": true, "326417514545": true, "17179869233": true}

// describe gives an element's kind and readable text, and whether it is a system notice.
func describe(f map[string]scalar, clean func(string) string) (kind, text string, system bool) {
	typ := f["type"].text
	if n, err := strconv.ParseFloat(typ, 64); err == nil && n == float64(int64(n)) {
		typ = strconv.FormatInt(int64(n), 10)
	}
	field := func(k string) string { return clean(f[k].text) }
	switch typ {
	case "1", "2":
		return wechatchat.KindText, field("text"), false
	case "0", "10000", "10002", typePat:
		return wechatchat.KindSystem, field("text"), true
	case "3":
		return wechatchat.KindImage, "[图片]", false
	case "34":
		return wechatchat.KindVoice, join("[语音]", seconds(f["duration"].text), field("voice_to_text")), false
	case "43":
		return wechatchat.KindVideo, join("[视频]", seconds(f["duration"].text)), false
	case "47":
		return wechatchat.KindSticker, join("[表情包]", field("desc")), false
	case "48":
		return wechatchat.KindLocation, join("[位置]", orElse(field("poiname"), field("label"))), false
	case "42", typeOpenIMCard:
		return wechatchat.KindCard, join("[名片]", field("nickname")), false
	case "50":
		return wechatchat.KindCall, join("[通话]", orElse(field("display_content"), field("text"))), false
	case typeFile:
		return wechatchat.KindApp, join("[文件]", field("file_name")), false
	case typeMusic:
		return wechatchat.KindApp, join("[音乐]", field("title")), false
	case typeRedPacket:
		return wechatchat.KindApp, join("[红包]", field("text")), false
	case typeTransfer:
		return wechatchat.KindApp, join("[转账]", field("fee_desc"), field("text"), field("pay_memo")), false
	case typeQuote:
		return wechatchat.KindText, field("text"), false
	case typeMerged:
		return wechatchat.KindApp, join("[聊天记录]", field("title")), false
	case typeApplet, typeApplet2:
		return wechatchat.KindApp, join("[小程序]", field("title")), false
	case typeChannels:
		return wechatchat.KindApp, join("[视频号]", field("title")), false
	case typeNote:
		return wechatchat.KindApp, join("[笔记]", field("text")), false
	case "49":
		switch f["sub_type"].text {
		case "57":
			return wechatchat.KindText, field("text"), false
		case "6":
			return wechatchat.KindApp, join("[文件]", field("file_name")), false
		case "3":
			return wechatchat.KindApp, join("[音乐]", field("title")), false
		case "2000":
			return wechatchat.KindApp, join("[转账]", field("feedesc"), field("text"), field("pay_memo")), false
		default:
			return wechatchat.KindApp, join("[链接]", field("title")), false
		}
	}
	if linkTypes[typ] {
		return wechatchat.KindApp, join("[链接]", field("title")), false
	}
	return wechatchat.KindOther, join("[消息类型 "+clipped(typ, 20)+"]", field("text")), false
}

func seconds(v string) string {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 || n > 1e6 {
		return ""
	}
	return strconv.Itoa(int(n+0.5)) + "秒"
}

func join(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

var (
	reBreak = regexp.MustCompile(`(?i)<br\s*/?>`)
	reEmoji = regexp.MustCompile(`(?i)<img\b[^<>]*?\bid\s*=\s*"([^"<>]{1,20})"[^<>]*>`)
	reTag   = regexp.MustCompile(`</?[A-Za-z][^<>]{0,1000}>`)
)

// cleanText turns a field as the exporters wrote it (html-escaped, with emoji images and <br>)
// back into the text the person typed. A '<' the person typed was escaped as &lt;, so every
// literal tag is the exporter's.
func cleanText(s string) string {
	if strings.ContainsRune(s, '<') {
		s = reBreak.ReplaceAllString(s, "\n")
		s = reEmoji.ReplaceAllString(s, "[$1]")
		s = reTag.ReplaceAllString(s, "")
	}
	s = html.UnescapeString(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(s)
}

var clip = textenc.Clip

func clipped(s string, limit int) string {
	out, _ := clip(s, limit)
	return out
}

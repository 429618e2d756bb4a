// Package screens draws invented phone screens — chat conversations and call histories with
// Chinese text — as HTML and renders them to images with headless Chromium, with the truth of
// what each shows (who said what on which side, when; each call row's number, type, time and
// repeat count). The sample case's screenshots and the OCR benchmark's labelled set are made
// with it; neither depends on any real person's data.
package screens

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// Style is how a screen looks: size in device pixels is Width×Height CSS pixels times Scale.
type Style struct {
	Width, Height int // CSS pixels
	Scale         int // device pixels per CSS pixel
	Font          string
	Dark          bool
	// JPEG, when between 1 and 100, saves the screen as a JPEG of that quality instead of PNG.
	JPEG int
}

// Entry is one thing in a chat: a time separator or a message.
type Entry struct {
	// Separator is the time line as printed ("昨天 23:10"); At is the instant it means.
	Separator string
	At        time.Time
	Out       bool // the message is the phone owner's (right side)
	Text      string
}

// Chat is a conversation screen.
type Chat struct {
	App     string // "wechat" or "sms"
	Title   string // the other party, as the title bar shows them
	Shot    time.Time
	Entries []Entry
}

// Call is one row of a call history.
type Call struct {
	Name     string // contact name, or "" when the row shows the number
	Number   string
	Place    string // "广东深圳"
	Type     string // missed, incoming, outgoing (event status words)
	Count    int    // repeats folded into the row ("(8)"); 1 when none
	At       time.Time
	Stamp    string // the time as the row prints it
	Duration int    // seconds, for answered calls
}

// Calls is a call-history screen.
type Calls struct {
	Title string
	Shot  time.Time
	Rows  []Call
}

const weekdays = "日一二三四五六"

// Stamp prints t as a phone prints it on a screen captured at shot: 23:10 today, 昨天 23:10,
// 星期三 23:10 within the week, 1月30日 23:10 this year, 2024年12月30日 23:10 before; twelve
// hour clocks write 晚上11:10.
func Stamp(t, shot time.Time, twelve bool) string {
	clock := t.Format("15:04")
	if twelve {
		h := t.Hour()
		period := map[bool]string{true: "上午", false: "下午"}[h < 12]
		switch {
		case h < 6:
			period = "凌晨"
		case h >= 18:
			period = "晚上"
		case h == 12:
			period = "中午"
		}
		if h > 12 {
			h -= 12
		}
		clock = fmt.Sprintf("%s%d:%02d", period, h, t.Minute())
	}
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, x.Location()) }
	days := int(day(shot).Sub(day(t)).Hours()/24 + 0.5)
	switch {
	case days == 0:
		return clock
	case days == 1:
		return "昨天 " + clock
	case days < 7:
		return "星期" + string([]rune(weekdays)[t.Weekday()]) + " " + clock
	case t.Year() == shot.Year():
		return fmt.Sprintf("%d月%d日 %s", t.Month(), t.Day(), clock)
	}
	return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), t.Month(), t.Day(), clock)
}

type palette struct{ bg, bar, text, sub, in, inText, out, outText, sep, line, red string }

func colours(app string, dark bool) palette {
	p := palette{bg: "#ededed", bar: "#ededed", text: "#111111", sub: "#888888", in: "#ffffff", inText: "#111111",
		out: "#95ec69", outText: "#111111", sep: "#b2b2b2", line: "#e5e5e5", red: "#e64340"}
	if app == "sms" {
		p.bg, p.bar, p.in, p.out, p.outText = "#ffffff", "#f7f7f7", "#eeeef0", "#3478f6", "#ffffff"
	}
	if dark {
		p = palette{bg: "#111111", bar: "#191919", text: "#d5d5d5", sub: "#7f7f7f", in: "#2c2c2c", inText: "#d5d5d5",
			out: "#3eb575", outText: "#111111", sep: "#5f5f5f", line: "#2a2a2a", red: "#fa5151"}
		if app == "sms" {
			p.out, p.outText = "#2f6ee0", "#f5f5f5"
		}
	}
	return p
}

func page(st Style, p palette, body string) string {
	font := st.Font
	if font == "" {
		font = "Noto Sans CJK SC"
	}
	return fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><style>
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { width: %dpx; height: %dpx; overflow: hidden; background: %s; color: %s; font-family: %q, sans-serif; }
.status { height: 26px; padding: 4px 14px; font-size: 13px; display: flex; justify-content: space-between; background: %s; }
.title { height: 46px; display: flex; align-items: center; justify-content: center; font-size: 17px; font-weight: 500; background: %s; position: relative; border-bottom: 1px solid %s; }
.title .back { position: absolute; left: 12px; font-size: 26px; }
.title .more { position: absolute; right: 14px; font-size: 17px; letter-spacing: 1px; }
.body { padding: 6px 12px; display: flex; flex-direction: column; }
.sep { align-self: center; font-size: 12px; color: %s; margin: 12px 0 8px; }
.msg { display: flex; margin: 7px 0; align-items: flex-start; }
.msg.out { flex-direction: row-reverse; }
.avatar { width: 40px; height: 40px; border-radius: 5px; flex: none; }
.bubble { max-width: 68%%; padding: 9px 12px; border-radius: 6px; font-size: 16px; line-height: 1.45; margin: 0 10px; word-break: break-all; }
.in .bubble { background: %s; color: %s; }
.out .bubble { background: %s; color: %s; }
.input { position: absolute; bottom: 0; left: 0; right: 0; height: 54px; background: %s; border-top: 1px solid %s; display: flex; align-items: center; padding: 0 12px; }
.input div { flex: 1; height: 36px; background: %s; border-radius: 5px; margin: 0 10px; }
.row { display: flex; align-items: center; height: 66px; padding: 0 16px; border-bottom: 1px solid %s; }
.row .who { flex: 1; }
.row .name { font-size: 17px; }
.row .name.missed { color: %s; }
.row .sub { font-size: 12.5px; color: %s; margin-top: 3px; }
.row .when { font-size: 13px; color: %s; margin-left: 10px; }
.row .i { width: 22px; height: 22px; border: 1.5px solid %s; border-radius: 50%%; margin-left: 12px; font-size: 13px; text-align: center; line-height: 19px; color: %s; }
.big { font-size: 28px; font-weight: 600; padding: 8px 16px 10px; }
</style></head><body>%s</body></html>`,
		st.Width, st.Height, p.bg, p.text, font, p.bar, p.bar, p.line, p.sep,
		p.in, p.inText, p.out, p.outText, p.bar, p.line, p.in, p.line, p.red, p.sub, p.sub, p.sub, p.sub, body)
}

func statusBar(shot time.Time) string {
	return fmt.Sprintf(`<div class="status"><span>%s</span><span>5G ▮▮▮ 76%%</span></div>`, shot.Format("15:04"))
}

// HTML draws the chat.
func (c *Chat) HTML(st Style) string {
	p := colours(c.App, st.Dark)
	var b strings.Builder
	b.WriteString(statusBar(c.Shot))
	fmt.Fprintf(&b, `<div class="title"><span class="back">‹</span>%s<span class="more">···</span></div><div class="body">`, html.EscapeString(c.Title))
	for _, e := range c.Entries {
		if e.Separator != "" {
			fmt.Fprintf(&b, `<div class="sep">%s</div>`, html.EscapeString(e.Separator))
			continue
		}
		side, av := "in", "#7a9cc6"
		if e.Out {
			side, av = "out", "#c69a7a"
		}
		fmt.Fprintf(&b, `<div class="msg %s"><div class="avatar" style="background:%s"></div><div class="bubble">%s</div></div>`, side, av, html.EscapeString(e.Text))
	}
	b.WriteString(`</div><div class="input"><span>◎</span><div></div><span>☺ ⊕</span></div>`)
	return page(st, p, b.String())
}

// HTML draws the call history.
func (c *Calls) HTML(st Style) string {
	p := colours("", st.Dark)
	var b strings.Builder
	b.WriteString(statusBar(c.Shot))
	fmt.Fprintf(&b, `<div class="big">%s</div>`, html.EscapeString(c.Title))
	for _, r := range c.Rows {
		who := r.Name
		if who == "" {
			who = r.Number
		}
		if r.Count > 1 {
			who += fmt.Sprintf(" (%d)", r.Count)
		}
		cls := "name"
		if r.Type == "missed" {
			cls += " missed"
		}
		sub := r.Place
		switch r.Type {
		case "missed":
			sub += " · 未接"
		case "incoming":
			sub += " · 呼入 " + durationText(r.Duration)
		case "outgoing":
			sub += " · 呼出 " + durationText(r.Duration)
		}
		fmt.Fprintf(&b, `<div class="row"><div class="who"><div class="%s">%s</div><div class="sub">%s</div></div><div class="when">%s</div><div class="i">i</div></div>`,
			cls, html.EscapeString(who), html.EscapeString(sub), html.EscapeString(r.Stamp))
	}
	return page(st, p, b.String())
}

func durationText(s int) string {
	switch {
	case s <= 0:
		return "未接通"
	case s < 60:
		return fmt.Sprintf("%d秒", s)
	case s < 3600:
		return fmt.Sprintf("%d分%d秒", s/60, s%60)
	}
	return fmt.Sprintf("%d小时%d分%d秒", s/3600, s/60%60, s%60)
}

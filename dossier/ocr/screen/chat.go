package screen

import (
	"strings"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/ocr"
)

// bubble is the lines of one message.
type bubble struct {
	ls   []line
	side event.Direction
}

func (b *bubble) x0() float64 {
	v := b.ls[0].x0
	for _, l := range b.ls {
		v = min(v, l.x0)
	}
	return v
}

func (b *bubble) x1() float64 {
	v := b.ls[0].x1
	for _, l := range b.ls {
		v = max(v, l.x1)
	}
	return v
}

func chat(ls []line, p *ocr.Page, s Shot) []event.Event {
	W, H := float64(p.Width), float64(p.Height)
	centred := func(l *line) bool { return abs(l.cx-W/2) < 0.1*W && l.x0 > 0.15*W }
	// Time separators and notices (撤回, 以下是新消息) sit in the middle. A bubble starts beside
	// an avatar, so a bubble line centred on the screen is a wide one; a centred line is a
	// notice when it is a time or narrower than a third of the screen.
	notice := func(l *line) bool {
		if abs(l.cx-W/2) >= 0.06*W {
			return false
		}
		_, isTime := parseStamp(l.Text, s.Time)
		return isTime || l.x1-l.x0 < 0.35*W
	}
	// The title is the first centred line near the top; what is above it is the status bar.
	title, top := "", 0.0
	for i := range ls {
		l := &ls[i]
		if l.cy > 0.14*H {
			break
		}
		if centred(l) {
			title, top = cleanTitle(l.Text), l.y1
			break
		}
	}
	if title == "" {
		return nil
	}
	type item struct {
		sep *stamp
		b   *bubble
	}
	var items []item
	var cur *bubble
	for i := range ls {
		l := ls[i]
		if l.y0 <= top || l.cy > 0.965*H {
			continue
		}
		if notice(&l) {
			cur = nil
			if st, ok := parseStamp(l.Text, s.Time); ok {
				items = append(items, item{sep: &st})
			} else if timeLike(l.Text) {
				// A separator OCR misread: the bubbles after it are not of the time before it,
				// and the screen gives them none that can be read.
				items = append(items, item{sep: &stamp{}})
			}
			continue // a system notice (撤回, 以下是新消息) is neither a time nor a message
		}
		if cur != nil {
			last := cur.ls[len(cur.ls)-1]
			if l.y0-last.y1 < 1.2*last.height() && near(l.Background, last.Background) && abs(l.x0-last.x0) < 0.04*W {
				cur.ls = append(cur.ls, l)
				continue
			}
		}
		cur = &bubble{ls: []line{l}}
		items = append(items, item{b: cur})
	}
	var bubbles []*bubble
	for _, it := range items {
		if it.b != nil {
			bubbles = append(bubbles, it.b)
		}
	}
	sides(bubbles, W)

	var out []event.Event
	var when *stamp
	for _, it := range items {
		if it.sep != nil {
			when = it.sep
			continue
		}
		b := it.b
		if when == nil || !when.clock || b.side == event.None {
			continue
		}
		var text strings.Builder
		conf := 1.0
		var ns []int
		for _, l := range b.ls {
			// A bubble wraps where its width ends, inside words and numbers too: its lines
			// join without a space.
			text.WriteString(l.Text)
			conf = min(conf, l.Confidence)
			ns = append(ns, l.n)
		}
		e := event.Event{Time: when.t, TimeSource: event.TimeFromOCR, Channel: event.Chat, Direction: b.side,
			Text: text.String(), App: s.App, Kind: "text", Locator: locator(ns...), Confidence: round3(conf)}
		if s.App == "短信" || s.App == "信息" {
			e.Channel = event.SMS
		}
		if b.side == event.In {
			e.Status, e.Counterpart, e.CounterpartName = event.StatusReceived, title, title
		} else {
			e.Status, e.Counterpart, e.CounterpartName = event.StatusSent, title, title
		}
		out = append(out, e)
	}
	return out
}

// timeLike reports a centred line that was meant to be a time separator: digits with a colon or
// the words of a date ("4月13日7最5:24", "期18下3:50"), as opposed to a system notice.
func timeLike(s string) bool {
	if !strings.ContainsAny(s, "0123456789") {
		return false
	}
	return strings.ContainsAny(s, ":：月日年期周午晚昨天") && !strings.ContainsAny(s, "，。元")
}

// sides decides each bubble's side. Position decides where it is plain (a bubble that starts
// near the left edge and ends well before the right, or the reverse), and a bubble colour takes
// the side most of its plain bubbles have. A colour no plain bubble decides goes by the apps'
// convention: the owner's bubbles are coloured (WeChat green, SMS and Alipay blue), the other
// party's neutral white or grey. Only when all bubbles share one colour does a wide bubble go by
// which edge it is nearer.
func sides(bs []*bubble, W float64) {
	type vote struct {
		c       ocr.Colour
		in, out int
	}
	var votes []*vote
	find := func(c ocr.Colour) *vote {
		for _, v := range votes {
			if near(v.c, c) {
				return v
			}
		}
		v := &vote{c: c}
		votes = append(votes, v)
		return v
	}
	plain := func(b *bubble) event.Direction {
		left, right := b.x0(), W-b.x1()
		switch {
		case left < 0.3*W && right > left+0.12*W:
			return event.In
		case right < 0.3*W && left > right+0.12*W:
			return event.Out
		}
		return event.None
	}
	for _, b := range bs {
		v := find(b.ls[0].Background)
		switch plain(b) {
		case event.In:
			v.in++
		case event.Out:
			v.out++
		}
	}
	for _, b := range bs {
		v := find(b.ls[0].Background)
		switch {
		case v.in > v.out:
			b.side = event.In
		case v.out > v.in:
			b.side = event.Out
		case len(votes) > 1 && chroma(v.c) >= 40:
			b.side = event.Out
		case len(votes) > 1:
			b.side = event.In
		case b.x0() < W-b.x1():
			b.side = event.In
		default:
			b.side = event.Out
		}
	}
}

// chroma is how far a colour is from grey.
func chroma(c ocr.Colour) float64 {
	hi := max(c[0], c[1], c[2])
	lo := min(c[0], c[1], c[2])
	return float64(hi) - float64(lo)
}

func near(a, b ocr.Colour) bool {
	d := 0.0
	for i := range 3 {
		d += abs(float64(a[i]) - float64(b[i]))
	}
	return d < 45
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// cleanTitle is the other party as the title bar names them: a contact name, or a number
// written as the timeline writes numbers ("159 0000 1111" is 15900001111), so the screen's
// messages meet the same messages of a backup.
func cleanTitle(s string) string {
	s = strings.TrimSpace(strings.TrimLeft(s, "<‹〈《 "))
	s = strings.TrimSpace(strings.TrimRight(s, ".·… "))
	s = countRE.ReplaceAllString(s, "")
	if numberish(s) {
		return normalizeNumber(s)
	}
	return normalizeName(s)
}

// Package screen recognises what the common phone screens show, from the lines OCR read on a
// screenshot, and turns it into timeline events with time source "ocr" and OCR's confidence:
//
//   - a chat screen (WeChat, the Alipay service chat, QQ, the SMS app): the title bar names the
//     other party; each bubble is one message, incoming on the left and outgoing on the right;
//     the centred time separators (今天 23:10, 昨天, 星期三, 1月30日 晚上23:10, 2025年1月30日)
//     date the messages after them, resolved against the moment the screenshot was taken;
//   - a call-history screen (MIUI/HyperOS, EMUI/HarmonyOS, ColorOS, iOS): each row a call with
//     the number or name, the type (from the words 未接/呼入/呼出/拒接, else a red name for a
//     missed call), the time at the row's right and the repeat count "(8)".
//
// Only what the screen itself states becomes an event: a message above the first time separator
// has no time the screen gives, and a call row that prints only a day has no time of day, so
// neither is an event (their words stay in the screenshot's text). A bubble's side is decided by
// the bubble's colour where the screen shows both kinds, since wide bubbles on either side start
// and end at almost the same place; a colour's side comes from the bubbles of that colour whose
// position leaves no doubt.
package screen

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/phone"
)

// Shot is what is known of the screenshot besides its text.
type Shot struct {
	Time time.Time // when it was taken, in the case zone; zero when unknown
	App  string    // the app named by the file name ("微信"), if any
}

// Extract returns the events a screen shows, or none when it is not a screen it knows.
func Extract(p *ocr.Page, s Shot) []event.Event {
	if p == nil || len(p.Lines) == 0 || s.Time.IsZero() {
		return nil
	}
	ls := lines(p)
	if isCallHistory(ls, p) {
		return calls(ls, p, s)
	}
	return chat(ls, p, s)
}

// line is an OCR line with its number in the reading (1-based) and its geometry.
type line struct {
	ocr.Line
	n                      int
	x0, y0, x1, y1, cx, cy float64
}

func (l *line) height() float64 { return l.y1 - l.y0 }

func lines(p *ocr.Page) []line {
	out := make([]line, 0, len(p.Lines))
	for i, l := range p.Lines {
		x0, y0, x1, y1 := l.Bounds()
		out = append(out, line{Line: l, n: i + 1, x0: float64(x0), y0: float64(y0), x1: float64(x1), y1: float64(y1),
			cx: float64(x0+x1) / 2, cy: float64(y0+y1) / 2})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].cy < out[j].cy })
	return out
}

var callTitles = []string{"通话记录", "最近通话", "通话", "电话", "拨号", "最近"}

func isCallHistory(ls []line, p *ocr.Page) bool {
	for _, l := range ls {
		if l.cy > 0.15*float64(p.Height) {
			break
		}
		t := strings.TrimSpace(l.Text)
		for _, w := range callTitles {
			if t == w {
				return true
			}
		}
	}
	return false
}

// locator names the reading's lines an event was read from.
func locator(ns ...int) string {
	sort.Ints(ns)
	if ns[0] == ns[len(ns)-1] {
		return "line " + itoa(ns[0])
	}
	return "line " + itoa(ns[0]) + "-" + itoa(ns[len(ns)-1])
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// countRE finds a call row's repeat count; the recogniser sometimes puts a dot between its
// digits ("(1.1)" for "(11)").
var countRE = regexp.MustCompile(`\s*[(（]\s*(\d(?:[.,]?\d){0,2})\s*[)）]\s*$`)

// repeatCount reads the digits of a count.
func repeatCount(s string) int { return atoi(strings.NewReplacer(".", "", ",", "").Replace(s)) }

// numberish reports a row label that is a phone number: digits with spaces, dashes, a plus (and
// dots, which the recogniser sometimes reads for the spaces between groups).
func numberish(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '+' || r == '.':
		default:
			return false
		}
	}
	return digits >= 3
}

var hanParenRE = regexp.MustCompile(`\s*[(（]\s*([^()（）]*\p{Han}[^()（）]*?)\s*[)）]`)

// normalizeName writes brackets around Chinese words full width, as people write them in contact
// names (李四（配偶）); OCR reads them as either width, with a space before.
func normalizeName(s string) string { return hanParenRE.ReplaceAllString(s, "（$1）") }

func normalizeNumber(s string) string {
	return phone.Normalize(strings.NewReplacer(" ", "", ".", "").Replace(s))
}

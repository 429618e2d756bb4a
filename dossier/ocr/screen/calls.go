package screen

import (
	"regexp"
	"strings"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/ocr"
)

var (
	durationRE = regexp.MustCompile(`(?:(\d+)\s*小时)?\s*(?:(\d+)\s*分(?:钟)?)?\s*(?:(\d+)\s*秒)?`)
	typeWords  = []struct {
		words  []string
		status string
	}{
		{[]string{"未接", "末接", "响铃", "未应答"}, event.StatusMissed}, // 末接: 未 read as 末
		{[]string{"拒接", "已拒接", "拒绝"}, event.StatusRejected},
		{[]string{"拦截", "骚扰拦截"}, event.StatusBlocked},
		{[]string{"呼出", "去电", "已拨", "拨出"}, event.StatusOutgoing},
		// 呼人: 入 and 人 differ by a stroke's slant, which a shrunken screenshot loses.
		{[]string{"呼入", "呼人", "来电", "已接"}, event.StatusAnswered},
	}
)

// calls reads the rows of a call history. A row is anchored on the time at its right; the lines
// to its left within the row's height are the label (name or number, with "(8)") and, below it,
// the details (place, type, duration).
func calls(ls []line, p *ocr.Page, s Shot) []event.Event {
	W, H := float64(p.Width), float64(p.Height)
	var out []event.Event
	used := map[int]bool{}
	for i := range ls {
		a := &ls[i]
		if a.x0 < 0.5*W || a.cy < 0.06*H {
			continue
		}
		st, ok := parseStamp(a.Text, s.Time)
		if !ok {
			continue
		}
		var label, detail *line
		for j := range ls {
			l := &ls[j]
			if used[j] || l.x1 > a.x0 || l.x0 > 0.35*W || abs(l.cy-a.cy) > 1.3*a.height() {
				continue
			}
			switch {
			case l.cy <= a.cy && (label == nil || l.cy < label.cy):
				label = l
			case l.cy > a.cy && (detail == nil || l.cy < detail.cy):
				detail = l
			}
		}
		if label == nil {
			continue
		}
		used[indexOf(ls, label)] = true
		if !st.clock {
			continue // a day without a time of day: not a time the screen gives
		}
		e := event.Event{Time: st.t, TimeSource: event.TimeFromOCR, Channel: event.Call, Repeat: 1}
		text := strings.TrimSpace(label.Text)
		if m := countRE.FindStringSubmatch(text); m != nil {
			e.Repeat = repeatCount(m[1])
			text = strings.TrimSpace(text[:len(text)-len(m[0])])
		}
		if numberish(text) {
			e.Counterpart = normalizeNumber(text)
		} else {
			text = normalizeName(text)
			e.Counterpart, e.CounterpartName = text, text
		}
		conf := min(label.Confidence, a.Confidence)
		ns := []int{label.n, a.n}
		det := ""
		if detail != nil {
			det = detail.Text
			conf = min(conf, detail.Confidence)
			ns = append(ns, detail.n)
		}
		e.Status = callType(det, label.Ink)
		switch e.Status {
		case "":
			continue // neither the words nor the colour say what kind of call it was
		case event.StatusOutgoing:
			e.Direction = event.Out
		default:
			e.Direction = event.In
		}
		if d, ok := duration(det); ok && (e.Status == event.StatusAnswered || e.Status == event.StatusOutgoing) {
			e.Duration = event.Seconds(d)
		} else if e.Status == event.StatusMissed || e.Status == event.StatusRejected || e.Status == event.StatusBlocked {
			e.Duration = event.Seconds(0)
		}
		if e.Repeat == 1 {
			e.Repeat = 0
		}
		e.Confidence = round3(conf)
		e.Locator = locator(ns...)
		out = append(out, e)
	}
	return out
}

func indexOf(ls []line, l *line) int {
	for i := range ls {
		if &ls[i] == l {
			return i
		}
	}
	return -1
}

// callType reads the type from the detail words, else from a red label.
func callType(detail string, ink ocr.Colour) string {
	for _, t := range typeWords {
		for _, w := range t.words {
			if strings.Contains(detail, w) {
				return t.status
			}
		}
	}
	if ink.Reddish() {
		return event.StatusMissed
	}
	return ""
}

// duration finds "2分13秒", "35秒", "1小时2分" in a detail line.
func duration(s string) (int64, bool) {
	for _, m := range durationRE.FindAllStringSubmatch(s, -1) {
		if m[1] == "" && m[2] == "" && m[3] == "" {
			continue
		}
		return int64(atoi(m[1])*3600 + atoi(m[2])*60 + atoi(m[3])), true
	}
	return 0, false
}

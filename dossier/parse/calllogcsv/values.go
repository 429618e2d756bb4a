package calllogcsv

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dossier-tool/dossier/dossier/event"
)

// outcome is what a type cell says about a call.
type outcome struct {
	direction event.Direction
	status    string
}

// androidTypes are the CallLog.Calls.TYPE numbers that phones and SMS Backup & Restore write.
var androidTypes = map[string]outcome{
	"1": {event.In, event.StatusAnswered},
	"2": {event.Out, event.StatusOutgoing},
	"3": {event.In, event.StatusMissed},
	"4": {event.In, event.StatusVoicemail},
	"5": {event.In, event.StatusRejected},
	"6": {event.In, event.StatusBlocked},
	"7": {event.In, event.StatusAnsweredExternal},
}

var exactTypes = map[string]outcome{
	"呼入": {event.In, event.StatusAnswered}, "来电": {event.In, event.StatusAnswered},
	"被叫": {event.In, event.StatusAnswered}, "已接来电": {event.In, event.StatusAnswered},
	"已接": {event.In, event.StatusAnswered}, "接听": {event.In, event.StatusAnswered},
	"已接听": {event.In, event.StatusAnswered}, "incoming": {event.In, event.StatusAnswered},
	"received": {event.In, event.StatusAnswered}, "answered": {event.In, event.StatusAnswered},
	"in": {event.In, event.StatusAnswered}, "inbound": {event.In, event.StatusAnswered},

	"呼出": {event.Out, event.StatusOutgoing}, "去电": {event.Out, event.StatusOutgoing},
	"主叫": {event.Out, event.StatusOutgoing}, "已拨": {event.Out, event.StatusOutgoing},
	"已拨电话": {event.Out, event.StatusOutgoing}, "拨出": {event.Out, event.StatusOutgoing},
	"outgoing": {event.Out, event.StatusOutgoing}, "dialed": {event.Out, event.StatusOutgoing},
	"dialled": {event.Out, event.StatusOutgoing}, "out": {event.Out, event.StatusOutgoing},
	"outbound": {event.Out, event.StatusOutgoing},

	"未接": {event.In, event.StatusMissed}, "未接来电": {event.In, event.StatusMissed},
	"未接听": {event.In, event.StatusMissed}, "响铃未接": {event.In, event.StatusMissed},
	"missed": {event.In, event.StatusMissed},

	"拒接": {event.In, event.StatusRejected}, "已拒接": {event.In, event.StatusRejected},
	"拒绝": {event.In, event.StatusRejected}, "挂断": {event.In, event.StatusRejected},
	"rejected": {event.In, event.StatusRejected}, "declined": {event.In, event.StatusRejected},

	"拦截": {event.In, event.StatusBlocked}, "已拦截": {event.In, event.StatusBlocked},
	"骚扰拦截": {event.In, event.StatusBlocked}, "blocked": {event.In, event.StatusBlocked},
	"refused": {event.In, event.StatusBlocked},

	"语音信箱": {event.In, event.StatusVoicemail}, "voicemail": {event.In, event.StatusVoicemail},
	"answered externally": {event.In, event.StatusAnsweredExternal},
	"其他设备接听":              {event.In, event.StatusAnsweredExternal},
}

// parseType maps a type cell. Unfamiliar compound wordings ("呼入未接", "来电(已拦截)") are
// resolved by the most specific word they contain: the outcome words before the direction words.
func parseType(raw string) (outcome, bool) {
	s := strings.ToLower(strings.Join(strings.Fields(raw), " "))
	if o, ok := androidTypes[s]; ok {
		return o, true
	}
	if o, ok := exactTypes[s]; ok {
		return o, true
	}
	for _, probe := range []struct {
		word string
		o    outcome
	}{
		{"拦截", outcome{event.In, event.StatusBlocked}},
		{"block", outcome{event.In, event.StatusBlocked}},
		{"拒", outcome{event.In, event.StatusRejected}},
		{"reject", outcome{event.In, event.StatusRejected}},
		{"未接", outcome{event.In, event.StatusMissed}},
		{"missed", outcome{event.In, event.StatusMissed}},
		{"呼出", outcome{event.Out, event.StatusOutgoing}},
		{"去电", outcome{event.Out, event.StatusOutgoing}},
		{"拨出", outcome{event.Out, event.StatusOutgoing}},
		{"outgoing", outcome{event.Out, event.StatusOutgoing}},
		{"呼入", outcome{event.In, event.StatusAnswered}},
		{"来电", outcome{event.In, event.StatusAnswered}},
		{"incoming", outcome{event.In, event.StatusAnswered}},
	} {
		if strings.Contains(s, probe.word) {
			return probe.o, true
		}
	}
	return outcome{}, false
}

// notConnected are duration cells that say the call never connected.
var notConnected = map[string]bool{
	"未接通": true, "未接听": true, "未接": true, "未通": true, "-": true, "--": true, "无": true,
	"not connected": true, "missed": true,
}

var errDuration = errors.New("unreadable duration")

// parseDuration reads the duration spellings of call logs: plain seconds ("95", "95.0"),
// clock forms ("1:35", "00:01:35"), unit forms ("1分35秒", "1小时2分3秒", "95s", "1h 2m 3s",
// "2 min 5 sec") and the words for "never connected". connected is false for the latter.
func parseDuration(raw string) (secs int64, connected bool, err error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if notConnected[s] {
		return 0, false, nil
	}
	if s == "" {
		return 0, false, errDuration
	}
	if n, ok := parseSeconds(s); ok {
		return n, true, nil
	}
	if strings.Contains(s, ":") {
		return parseClock(s)
	}
	return parseUnits(s)
}

// parseSeconds accepts a whole number, optionally with a fractional part that is dropped.
func parseSeconds(s string) (int64, bool) {
	if i := strings.IndexByte(s, '.'); i > 0 {
		if _, err := strconv.ParseUint(s[i+1:], 10, 32); err != nil {
			return 0, false
		}
		s = s[:i]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxDuration {
		return 0, false
	}
	return n, true
}

// maxDuration rejects absurd values (a misplaced timestamp) rather than reporting a call of years.
const maxDuration = 7 * 24 * 3600

func parseClock(s string) (int64, bool, error) {
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0, false, errDuration
	}
	var total int64
	for i, p := range parts {
		n, ok := parseSeconds(p)
		if !ok || (i > 0 && n >= 60) {
			return 0, false, errDuration
		}
		total = total*60 + n
	}
	if total > maxDuration {
		return 0, false, errDuration
	}
	return total, true, nil
}

var units = []struct {
	word string
	secs int64
}{
	// Longer words first so that "分钟" is not read as "分" followed by junk, "min" not as "m".
	{"小时", 3600}, {"hours", 3600}, {"hour", 3600}, {"hrs", 3600}, {"hr", 3600}, {"时", 3600}, {"h", 3600},
	{"分钟", 60}, {"minutes", 60}, {"minute", 60}, {"mins", 60}, {"min", 60}, {"分", 60}, {"m", 60},
	{"秒钟", 1}, {"seconds", 1}, {"second", 1}, {"secs", 1}, {"sec", 1}, {"秒", 1}, {"s", 1},
}

func parseUnits(s string) (int64, bool, error) {
	var total int64
	seen := false
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			break
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 7 {
			return 0, false, errDuration
		}
		n, _ := strconv.ParseInt(s[:i], 10, 64)
		s = strings.TrimLeftFunc(s[i:], unicode.IsSpace)
		matched := false
		for _, u := range units {
			if strings.HasPrefix(s, u.word) {
				total += n * u.secs
				s = s[len(u.word):]
				matched = true
				break
			}
		}
		if !matched || total > maxDuration {
			return 0, false, errDuration
		}
		seen = true
	}
	if !seen {
		return 0, false, errDuration
	}
	return total, true, nil
}

// localLayouts are the local-time spellings found in phone and phone-manager exports. Go's
// parser accepts one- or two-digit months, days and hours for "1", "2" and "15", and a fractional
// second after the seconds even when the layout has none.
var localLayouts = []string{
	"2006-1-2 15:04:05",
	"2006-1-2 15:04",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006.1.2 15:04:05",
	"2006.1.2 15:04",
	"2006年1月2日 15:04:05",
	"2006年1月2日 15:04",
	"2006年1月2日15:04:05",
	"2006年1月2日15:04",
	"2006-1-2T15:04:05",
	"2006-1-2T15:04",
	"20060102150405",
}

var errTime = errors.New("unreadable time")

// parseTime reads a start time. A time with an offset or an epoch number is absolute; anything
// else is local to loc, the case zone. The result is always expressed in loc, so that output does
// not depend on the machine's zone.
func parseTime(raw string, loc *time.Location) (time.Time, error) {
	t, err := parseTimeAny(raw, loc)
	if err != nil {
		return time.Time{}, err
	}
	if !plausible(t) {
		return time.Time{}, errTime
	}
	return t.In(loc), nil
}

// plausible rejects years no phone wrote: a zero or misread date must not land on the timeline.
func plausible(t time.Time) bool { return t.Year() >= 1990 && t.Year() <= 2100 }

func parseTimeAny(raw string, loc *time.Location) (time.Time, error) {
	s := strings.Join(strings.Fields(raw), " ")
	if s == "" {
		return time.Time{}, errTime
	}
	if strings.ContainsAny(s, "Z+") || strings.Count(s, "-") > 2 {
		// Only a time with an offset is worth the offset layouts.
		for _, l := range []string{time.RFC3339, "2006-01-02 15:04:05Z07:00"} {
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
	}
	if isDigits(s) {
		switch len(s) {
		case 13:
			ms, _ := strconv.ParseInt(s, 10, 64)
			return time.UnixMilli(ms), nil
		case 10:
			sec, _ := strconv.ParseInt(s, 10, 64)
			return time.Unix(sec, 0), nil
		}
	}
	// "上午/下午" are the 12-hour markers of Chinese locales.
	if strings.Contains(s, "上午") || strings.Contains(s, "下午") {
		return parse12h(s, loc)
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errTime
}

func parse12h(s string, loc *time.Location) (time.Time, error) {
	pm := strings.Contains(s, "下午")
	s = strings.NewReplacer("上午", " ", "下午", " ").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	for _, l := range localLayouts {
		t, err := time.ParseInLocation(l, s, loc)
		if err != nil {
			continue
		}
		h := t.Hour()
		switch {
		case h > 12:
			return time.Time{}, errTime
		case pm && h < 12:
			h += 12
		case !pm && h == 12:
			h = 0
		}
		return time.Date(t.Year(), t.Month(), t.Day(), h, t.Minute(), t.Second(), t.Nanosecond(), loc), nil
	}
	return time.Time{}, errTime
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

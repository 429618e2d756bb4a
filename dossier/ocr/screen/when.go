package screen

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A stamp is a time as a screen prints it, resolved against the moment the screenshot was taken:
// apps print the day relative to "now" (今天, 昨天, 星期三) or without the year.
type stamp struct {
	t       time.Time
	clock   bool // the time of day was printed, not only the day
	literal string
}

var (
	clockRE = `(?:(凌晨|早上|上午|中午|下午|晚上|傍晚|深夜)\s*)?(\d{1,2})[:：](\d{2})`
	// After a date nothing but a time of day can follow, so a colon the recogniser read as a
	// dash or a dot (a shrunken screenshot's "3月22日17-52") is still one.
	looseClockRE = `(?:(凌晨|早上|上午|中午|下午|晚上|傍晚|深夜)\s*)?(\d{1,2})[:：.\-·]\s?(\d{2})`
	fullRE       = regexp.MustCompile(`^(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?\s*(?:` + looseClockRE + `)?$`)
	monthRE      = regexp.MustCompile(`^(\d{1,2})\s*[月/-]\s*(\d{1,2})\s*日?\s*(?:` + looseClockRE + `)?$`)
	relRE        = regexp.MustCompile(`^(今天|昨天|前天|星期[一二三四五六日天]|周[一二三四五六日天]|礼拜[一二三四五六日天])?\s*(?:` + clockRE + `)?$`)
	weekdayOneRE = regexp.MustCompile(`(星期|周|礼拜)[-—–_~]`)
	weekdayOf    = map[string]time.Weekday{"一": time.Monday, "二": time.Tuesday, "三": time.Wednesday, "四": time.Thursday,
		"五": time.Friday, "六": time.Saturday, "日": time.Sunday, "天": time.Sunday}
)

// parseStamp reads s ("23:10", "昨天 23:10", "星期三 晚上11:10", "1月30日 晚上23:10",
// "2025年1月30日 23:10", "01-30") as seen on a screen captured at shot (in the case zone).
func parseStamp(s string, shot time.Time) (stamp, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "：", ":"))
	// 一 is a single stroke: the recogniser often reads 星期一 as 星期- or 星期—.
	s = weekdayOneRE.ReplaceAllString(s, "${1}一")
	if s == "" || shot.IsZero() {
		return stamp{}, false
	}
	loc := shot.Location()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	today := day(shot.Year(), shot.Month(), shot.Day())
	if m := fullRE.FindStringSubmatch(s); m != nil {
		y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
		if !validDate(y, mo, d) {
			return stamp{}, false
		}
		return withClock(day(y, time.Month(mo), d), m[4:], s)
	}
	if m := monthRE.FindStringSubmatch(s); m != nil {
		mo, d := atoi(m[1]), atoi(m[2])
		if !validDate(shot.Year(), mo, d) {
			return stamp{}, false
		}
		t := day(shot.Year(), time.Month(mo), d)
		if t.After(today) { // no year printed: the latest such day not after the screenshot
			t = day(shot.Year()-1, time.Month(mo), d)
		}
		return withClock(t, m[3:], s)
	}
	if m := relRE.FindStringSubmatch(s); m != nil && (m[1] != "" || m[3] != "") {
		t := today
		switch w := m[1]; {
		case w == "" || w == "今天":
		case w == "昨天":
			t = today.AddDate(0, 0, -1)
		case w == "前天":
			t = today.AddDate(0, 0, -2)
		default:
			// A weekday names a day of the week before this one (today and yesterday have
			// their own words), so the latest such day before today.
			want := weekdayOf[string([]rune(w)[len([]rune(w))-1:])]
			t = today.AddDate(0, 0, -1)
			for t.Weekday() != want {
				t = t.AddDate(0, 0, -1)
			}
		}
		return withClock(t, m[2:], s)
	}
	return stamp{}, false
}

// withClock adds the time of day in m (period, hour, minute) to day.
func withClock(day time.Time, m []string, literal string) (stamp, bool) {
	if m[1] == "" {
		return stamp{t: day, literal: literal}, true
	}
	h, mi := atoi(m[1]), atoi(m[2])
	switch m[0] {
	case "下午", "晚上", "傍晚":
		if h < 12 {
			h += 12
		}
	case "中午":
		if h < 11 {
			h += 12
		}
	case "凌晨", "深夜":
		if h == 12 {
			h = 0
		}
	}
	if h > 23 || mi > 59 {
		return stamp{}, false
	}
	return stamp{t: day.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute), clock: true, literal: literal}, true
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2100 {
		return false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() == d
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

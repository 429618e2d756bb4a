// Package billstmt reads what a payment bill says about itself in its free-text preamble and
// trailer: whose bill it is, the period, when and what was exported, how many records it claims
// and the totals it states. Alipay and WeChat Pay word these lines almost alike (both colons
// occur: the apps write "：", Alipay's 2019 web export ":"), so one set of patterns serves both.
package billstmt

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/parse"
)

var (
	reName        = regexp.MustCompile(`^(?:姓名|用户)[:：]\s*(\S+)`)
	reUser2019    = regexp.MustCompile(`导出时间.*用户[:：]\s*(\S+)`)
	reNickname    = regexp.MustCompile(`微信昵称[:：]\s*\[([^\]]*)\]`)
	reAccount     = regexp.MustCompile(`^(?:支付宝账户|账号|账户)[:：]\s*\[?([^\]\s]+)\]?`)
	rePeriodStart = regexp.MustCompile(`起始(?:时间|日期)[:：]\s*\[([^\]]*)\]`)
	rePeriodEnd   = regexp.MustCompile(`终止(?:时间|日期)[:：]\s*\[([^\]]*)\]`)
	reExportTime  = regexp.MustCompile(`导出时间[:：]\s*\[([^\]]*)\]`)
	reExportType  = regexp.MustCompile(`导出(?:交易)?类型[:：]\s*\[([^\]]*)\]`)
	reRecords     = regexp.MustCompile(`^共\s*(\d+)\s*笔记录`)
	reTotal       = regexp.MustCompile(`^(收入|支出|不计收支|其他|中性交易|已收入|待收入|已支出|待支出)[:：]\s*(\d+)\s*笔\s*[,，]?\s*([0-9.,]+)\s*元`)
)

// totalKeys names the Info key of each stated total.
var totalKeys = map[string]string{
	"收入": "income", "已收入": "income",
	"支出": "expense", "已支出": "expense",
	"不计收支": "neutral", "其他": "neutral", "中性交易": "neutral",
	"待收入": "pending_income", "待支出": "pending_expense",
}

// Statement collects what a bill says about itself.
type Statement struct {
	// Info holds name, account, period_start, period_end, export_type, export_time,
	// records_stated and the stated totals (income, expense, neutral, pending_*).
	Info       map[string]string
	ExportTime time.Time
	Records    int // the record count the bill states, -1 when it states none

	inTrailer bool
}

// New returns an empty statement.
func New() *Statement { return &Statement{Info: map[string]string{}, Records: -1} }

// Note records the facts one free-text line states; lines that state none are ignored.
func (st *Statement) Note(text string, loc *time.Location) {
	if m := reName.FindStringSubmatch(text); m != nil {
		st.Info["name"] = m[1]
	} else if m := reUser2019.FindStringSubmatch(text); m != nil {
		st.Info["name"] = m[1]
	} else if m := reNickname.FindStringSubmatch(text); m != nil {
		st.Info["name"] = strings.TrimSpace(m[1])
	}
	if m := reAccount.FindStringSubmatch(text); m != nil {
		st.Info["account"] = m[1]
	}
	for key, re := range map[string]*regexp.Regexp{"period_start": rePeriodStart, "period_end": rePeriodEnd, "export_type": reExportType} {
		if m := re.FindStringSubmatch(text); m != nil {
			st.Info[key] = strings.TrimSpace(m[1])
		}
	}
	if m := reExportTime.FindStringSubmatch(text); m != nil {
		st.Info["export_time"] = strings.TrimSpace(m[1])
		if t, err := ParseTime(m[1], loc); err == nil {
			st.ExportTime = t
		}
	}
	if m := reRecords.FindStringSubmatch(text); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			st.Records = n
			st.Info["records_stated"] = m[1]
		}
	}
	if m := reTotal.FindStringSubmatch(text); m != nil {
		if a, err := money.Parse(m[3]); err == nil {
			st.Info[totalKeys[m[1]]] = fmt.Sprintf("%s笔 %s元", m[2], a)
		}
	}
}

// Skip reports whether a line after the header is not a row: an empty line, or a line of the
// trailer (the lines from the first one IsTrailerStart recognises to the end), whose facts it
// notes. titles are the bill's own section titles that may start a trailer.
func (st *Statement) Skip(text string, loc *time.Location, titles ...string) bool {
	switch {
	case st.inTrailer:
		st.Note(text, loc)
		return true
	case text == "":
		return true
	case IsTrailerStart(text, titles...):
		st.inTrailer = true
		st.Note(text, loc)
		return true
	}
	return false
}

// InTrailer reports whether Skip has seen the start of the trailer.
func (st *Statement) InTrailer() bool { return st.inTrailer }

// IsTrailerStart reports whether a line after the header ends the rows: a dashed separator, the
// record count, a stated total, or a line starting with one of the bill's own section titles.
func IsTrailerStart(text string, titles ...string) bool {
	if strings.HasPrefix(text, "---") || reRecords.MatchString(text) || reTotal.MatchString(text) {
		return true
	}
	for _, t := range titles {
		if strings.HasPrefix(text, t) {
			return true
		}
	}
	return false
}

// CountWarning is a warning when the bill states another record count than the rows found.
func (st *Statement) CountWarning(rows int) (parse.Warning, bool) {
	if st.Records >= 0 && st.Records != rows {
		return parse.Warn("", "count-differs", st.Records, rows), true
	}
	return parse.Warning{}, false
}

// timeLayouts are the forms a bill's times take: as exported, and as Excel rewrites them when a
// user opens and saves the file.
var timeLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006-01-02T15:04:05",
	"1/2/06 15:04",
}

// parseTime reads a local time in the case zone. A spreadsheet may hold the time as a date
// serial number when a user retyped the cell; that is read too.
// ParseTime reads a local time of a bill in the case zone, also as an Excel date serial.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if serial, err := strconv.ParseFloat(s, 64); err == nil && serial > 1 && serial < 2958466 {
		// Days since 1899-12-30 (the 1900 leap-year bug folded in), to the nearest second.
		secs := int64(serial*86400 + 0.5)
		wall := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(secs) * time.Second)
		return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc), nil
	}
	return time.Time{}, parse.Errorf("bad-time", s)
}

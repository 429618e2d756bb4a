package alipay

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/money"
)

// The preamble (2023, 2019) and the trailer (2021, 2019) are free text; these patterns pick out
// the facts an evidence list wants. Both colons occur: the app writes "：", the 2019 web export ":".
var (
	reName        = regexp.MustCompile(`^(?:姓名|用户)[:：]\s*(\S+)`)
	reUser2019    = regexp.MustCompile(`导出时间.*用户[:：]\s*(\S+)`)
	reAccount     = regexp.MustCompile(`^(?:支付宝账户|账号|账户)[:：]\s*\[?([^\]\s]+)\]?`)
	rePeriodStart = regexp.MustCompile(`起始(?:时间|日期)[:：]\s*\[([^\]]*)\]`)
	rePeriodEnd   = regexp.MustCompile(`终止(?:时间|日期)[:：]\s*\[([^\]]*)\]`)
	reExportTime  = regexp.MustCompile(`导出时间[:：]\s*\[([^\]]*)\]`)
	reExportType  = regexp.MustCompile(`导出交易类型[:：]\s*\[([^\]]*)\]`)
	reRecords     = regexp.MustCompile(`^共\s*(\d+)\s*笔记录`)
	reTotal       = regexp.MustCompile(`^(收入|支出|不计收支|其他|已收入|待收入|已支出|待支出)[:：]\s*(\d+)\s*笔\s*[,，]?\s*([0-9.,]+)\s*元`)
)

// totalKeys names the Info key for each stated total.
var totalKeys = map[string]string{
	"收入": "income", "已收入": "income",
	"支出": "expense", "已支出": "expense",
	"不计收支": "neutral", "其他": "neutral",
	"待收入": "pending_income", "待支出": "pending_expense",
}

// statement collects what the bill says about itself.
type statement struct {
	info       map[string]string
	exportTime time.Time
	records    int // stated record count, -1 when the bill states none
}

func newStatement() *statement {
	return &statement{info: map[string]string{}, records: -1}
}

// isTrailerStart reports whether a line after the header ends the rows: the dashed separator or
// the first line of a summary.
func isTrailerStart(text string) bool {
	return strings.HasPrefix(text, "---") || reRecords.MatchString(text) ||
		strings.HasPrefix(text, "导出信息") || reTotal.MatchString(text)
}

// note records the facts in one free-text line; lines that state none are ignored.
func (st *statement) note(text string, loc *time.Location) {
	if m := reName.FindStringSubmatch(text); m != nil {
		st.info["name"] = m[1]
	} else if m := reUser2019.FindStringSubmatch(text); m != nil {
		st.info["name"] = m[1]
	}
	if m := reAccount.FindStringSubmatch(text); m != nil {
		st.info["account"] = m[1]
	}
	if m := rePeriodStart.FindStringSubmatch(text); m != nil {
		st.info["period_start"] = strings.TrimSpace(m[1])
	}
	if m := rePeriodEnd.FindStringSubmatch(text); m != nil {
		st.info["period_end"] = strings.TrimSpace(m[1])
	}
	if m := reExportType.FindStringSubmatch(text); m != nil {
		st.info["export_type"] = strings.TrimSpace(m[1])
	}
	if m := reExportTime.FindStringSubmatch(text); m != nil {
		st.info["export_time"] = strings.TrimSpace(m[1])
		if t, err := parseTime(m[1], loc); err == nil {
			st.exportTime = t
		}
	}
	if m := reRecords.FindStringSubmatch(text); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			st.records = n
			st.info["records_stated"] = m[1]
		}
	}
	if m := reTotal.FindStringSubmatch(text); m != nil {
		if a, err := money.Parse(m[3]); err == nil {
			st.info[totalKeys[m[1]]] = fmt.Sprintf("%s笔 %s元", m[2], a)
		}
	}
}

// timeLayouts are the forms a bill's times take: as exported, and as Excel rewrites them when a
// user opens and saves the file.
var timeLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006-01-02T15:04:05",
}

// parseTime reads a local time of the bill in the case zone.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

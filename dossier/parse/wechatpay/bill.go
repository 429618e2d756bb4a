package wechatpay

import (
	"errors"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// Limits on untrusted input: the real preamble is 16 lines, a real bill a few thousand rows.
const (
	maxPreambleRows = 200
	maxRows         = 500_000
	maxColumns      = 64
)

// unreadableRow is a row the source could not read at all (an over-long CSV line); the bill goes
// on after it and the message becomes the row's warning.
type unreadableRow string

func (e unreadableRow) Error() string { return string(e) }

func isUnreadable(err error) bool {
	var u unreadableRow
	return errors.As(err, &u)
}

// rowSource yields the rows of a bill, CSV lines or spreadsheet rows alike. where names the row
// for warnings ("line 17", "row 17"); next returns io.EOF after the last row.
type rowSource interface {
	next() (cells []string, where string, err error)
}

// column is a field of a bill row.
type column int

const (
	colTime column = iota
	colCategory
	colCounterpart
	colText
	colDirection
	colAmount
	colMethod
	colStatus
	colOrder
	colMerchantOrder
	colNote
	numColumns
)

var columnNames = map[string]column{
	"交易时间":  colTime,
	"交易类型":  colCategory,
	"交易对方":  colCounterpart,
	"商品":    colText,
	"收/支":   colDirection,
	"金额(元)": colAmount,
	"金额（元）": colAmount,
	"金额":    colAmount,
	"支付方式":  colMethod,
	"当前状态":  colStatus,
	"交易单号":  colOrder,
	"商户单号":  colMerchantOrder,
	"备注":    colNote,
}

// requiredColumns are in every WeChat bill; 当前状态 and 交易单号 also tell it from an Alipay bill.
var requiredColumns = []column{colTime, colCounterpart, colDirection, colAmount, colStatus, colOrder}

// repaidStatuses are the 当前状态 values of a repayment that went through.
var repaidStatuses = map[string]bool{"支付成功": true, "已支付": true, "还款成功": true, "已转账": true}

type header struct {
	col   [numColumns]int // cell index, -1 when absent
	named int             // cells up to and including the last named one
}

func findHeader(cells []string) (*header, bool) {
	h := &header{}
	for i := range h.col {
		h.col[i] = -1
	}
	for i, c := range cells {
		if col, ok := columnNames[csvtext.Clean(c)]; ok && h.col[col] < 0 {
			h.col[col] = i
			h.named = i + 1
		}
	}
	for _, c := range requiredColumns {
		if h.col[c] < 0 {
			return nil, false
		}
	}
	return h, true
}

// event turns one row into a payment event; see the package doc for the mapping.
func (h *header) event(cells []string, loc *time.Location) (ev event.Event, ragged string, err error) {
	for _, c := range requiredColumns {
		if h.col[c] >= len(cells) {
			return ev, "", fmt.Errorf("row has %d cells, the header has %d", len(cells), h.named)
		}
	}
	if len(cells) < h.named {
		ragged = fmt.Sprintf("row has %d cells, the header has %d; the missing cells are read as empty", len(cells), h.named)
	}
	get := func(c column) string {
		i := h.col[c]
		if i < 0 || i >= len(cells) {
			return ""
		}
		return csvtext.Clean(cells[i])
	}
	t, err := parseTime(get(colTime), loc)
	if err != nil {
		return ev, "", err
	}
	amountText := get(colAmount)
	if amountText == "" {
		return ev, "", fmt.Errorf("no amount")
	}
	amount, err := money.Parse(amountText)
	if err != nil {
		return ev, "", fmt.Errorf("bad amount: %w", err)
	}
	counterpart := get(colCounterpart)
	ev = event.Event{
		Time:            t,
		TimeSource:      event.TimeFromContent,
		Channel:         event.Payment,
		Direction:       direction(get(colDirection)),
		Status:          get(colStatus),
		Counterpart:     counterpart,
		CounterpartName: counterpart,
		Text:            get(colText),
		Amount:          &amount,
		Category:        get(colCategory),
		Order:           get(colOrder),
		Method:          get(colMethod),
		Kind:            event.KindPayment,
	}
	if (strings.Contains(ev.Category, "还款") || strings.Contains(ev.Text, "还款")) && repaidStatuses[ev.Status] {
		ev.Kind = event.KindRepayment
	}
	return ev, ragged, nil
}

// direction reads 收/支; neutral transactions (提现, 零钱通, ...) carry "/" and have none.
func direction(flow string) event.Direction {
	switch flow {
	case "支出":
		return event.Out
	case "收入":
		return event.In
	}
	return event.None
}

// The preamble is free text, one fact a line, each in the first cell of its row.
var (
	reNickname    = regexp.MustCompile(`微信昵称[:：]\s*\[([^\]]*)\]`)
	rePeriodStart = regexp.MustCompile(`起始时间[:：]\s*\[([^\]]*)\]`)
	rePeriodEnd   = regexp.MustCompile(`终止时间[:：]\s*\[([^\]]*)\]`)
	reExportType  = regexp.MustCompile(`导出类型[:：]\s*\[([^\]]*)\]`)
	reExportTime  = regexp.MustCompile(`导出时间[:：]\s*\[([^\]]*)\]`)
	reRecords     = regexp.MustCompile(`^共\s*(\d+)\s*笔记录`)
	reTotal       = regexp.MustCompile(`^(收入|支出|中性交易)[:：]\s*(\d+)\s*笔\s*[,，]?\s*([0-9.,]+)\s*元`)
)

var totalKeys = map[string]string{"收入": "income", "支出": "expense", "中性交易": "neutral"}

// statement collects what the bill says about itself.
type statement struct {
	info       map[string]string
	exportTime time.Time
	records    int // -1 when not stated
}

func (st *statement) note(text string, loc *time.Location) {
	if m := reNickname.FindStringSubmatch(text); m != nil {
		st.info["name"] = strings.TrimSpace(m[1])
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

// isTrailerStart reports whether a line after the header ends the rows. The WeChat bill has no
// footer, but a user may paste notes or a second export's preamble below the rows.
func isTrailerStart(text string) bool {
	return strings.HasPrefix(text, "---") || reRecords.MatchString(text) ||
		strings.HasPrefix(text, "微信支付账单明细") || reTotal.MatchString(text)
}

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
func parseTime(s string, loc *time.Location) (time.Time, error) {
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
	return time.Time{}, fmt.Errorf("bad time %q", s)
}

// readBill reads a bill from its rows: preamble to the header, then the rows to the end or to
// a trailer. format names the container in the summary ("CSV", "XLSX").
func readBill(src rowSource, format string, loc *time.Location) (*parse.Result, error) {
	st := &statement{info: map[string]string{}, records: -1}
	var h *header
	for seen := 0; h == nil; seen++ {
		if seen >= maxPreambleRows {
			return nil, fmt.Errorf("%w in the first %d rows", ErrNotBill, maxPreambleRows)
		}
		cells, where, err := src.next()
		switch {
		case err == io.EOF:
			return nil, ErrNotBill
		case isUnreadable(err):
			continue
		case err != nil:
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if found, ok := findHeader(cells); ok {
			h = found
			break
		}
		st.note(csvtext.JoinCells(cells), loc)
	}

	res := &parse.Result{Kind: parse.KindBill, Info: st.info}
	rows, repayments := 0, 0
	var repaid money.Amount
	inTrailer := false
	for {
		cells, where, err := src.next()
		if err == io.EOF {
			break
		}
		if isUnreadable(err) {
			if !inTrailer {
				rows++
			}
			res.Warnings = append(res.Warnings, parse.Warnf(where, "%v", err))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		text := csvtext.JoinCells(cells)
		switch {
		case inTrailer:
			st.note(text, loc)
			continue
		case text == "":
			continue
		case isTrailerStart(text):
			inTrailer = true
			st.note(text, loc)
			continue
		}
		if _, again := findHeader(cells); again {
			continue
		}
		if rows++; rows > maxRows {
			rows--
			res.Warnings = append(res.Warnings, parse.Warnf(where, "more than %d rows; the rest is not read", maxRows))
			break
		}
		ev, ragged, err := h.event(cells, loc)
		if err != nil {
			res.Warnings = append(res.Warnings, parse.Warnf(where, "row skipped: %v", err))
			continue
		}
		if ragged != "" {
			res.Warnings = append(res.Warnings, parse.Warnf(where, "%s", ragged))
		}
		ev.Locator = where
		if ev.Kind == event.KindRepayment {
			repayments++
			repaid += *ev.Amount
		}
		res.Events = append(res.Events, ev)
	}
	if st.records >= 0 && st.records != rows {
		res.Warnings = append(res.Warnings, parse.Warnf("", "the bill states %d records but %d rows were found", st.records, rows))
	}
	st.info["format"] = strings.ToLower(format)
	st.info["rows"] = strconv.Itoa(rows)
	st.info["events"] = strconv.Itoa(len(res.Events))
	st.info["repayments"] = fmt.Sprintf("%d (%s)", repayments, repaid)
	if !st.exportTime.IsZero() {
		res.Time, res.TimeSource = st.exportTime, event.TimeFromContent
	}
	res.Summary = fmt.Sprintf("微信支付账单 %s: %s, %s (%s)", format,
		plural(len(res.Events), "row"), plural(repayments, "repayment"), repaid)
	return res, nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

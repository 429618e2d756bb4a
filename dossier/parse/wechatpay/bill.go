package wechatpay

import (
	"errors"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/parse/billstmt"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"github.com/dossier-tool/dossier/dossier/vocab"
	"io"
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
var errUnreadable = errors.New("unreadable row")

func unreadable(code string, args ...any) error {
	return &parse.Problem{W: parse.Warn("", code, args...), Err: errUnreadable}
}

func isUnreadable(err error) bool { return errors.Is(err, errUnreadable) }

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

type header struct{ *billstmt.Columns }

func findHeader(cells []string) (*header, bool) {
	cols, ok := billstmt.FindColumns(cells, columnNames, int(numColumns), requiredColumns)
	if !ok {
		return nil, false
	}
	return &header{cols}, true
}

// event turns one row into a payment event; see the package doc for the mapping.
func (h *header) event(cells []string, loc *time.Location) (ev event.Event, ragged, err error) {
	ragged, err = h.Check(cells)
	if err != nil {
		return ev, nil, err
	}
	get := func(c column) string { return h.Cell(cells, int(c)) }
	t, err := billstmt.ParseTime(get(colTime), loc)
	if err != nil {
		return ev, nil, err
	}
	amountText := get(colAmount)
	if amountText == "" {
		return ev, nil, parse.Errorf("no-amount")
	}
	amount, err := money.Parse(amountText)
	if err != nil {
		return ev, nil, parse.Errorf("bad-amount", amountText)
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

// readBill reads a bill from its rows: preamble to the header, then the rows to the end or to
// a trailer. format names the container in the summary ("CSV", "XLSX").
func readBill(src rowSource, format string, loc *time.Location) (*parse.Result, error) {
	st := billstmt.New()
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
		st.Note(csvtext.JoinCells(cells), loc)
	}

	res := &parse.Result{Kind: parse.KindBill, Info: st.Info}
	rows, repayments := 0, 0
	var repaid money.Amount
	for {
		cells, where, err := src.next()
		if err == io.EOF {
			break
		}
		if isUnreadable(err) {
			if !st.InTrailer() {
				rows++
			}
			res.Warnings = append(res.Warnings, parse.Warn(where, "error", err))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		text := csvtext.JoinCells(cells)
		if st.Skip(text, loc, "微信支付账单明细") {
			continue
		}
		if _, again := findHeader(cells); again {
			continue
		}
		if rows++; rows > maxRows {
			rows--
			res.Warnings = append(res.Warnings, parse.Warn(where, "too-many-rows", maxRows))
			break
		}
		ev, ragged, err := h.event(cells, loc)
		if err != nil {
			res.Warnings = append(res.Warnings, parse.Warn(where, "row-skipped", err))
			continue
		}
		if ragged != nil {
			res.Warnings = append(res.Warnings, parse.Warn(where, "error", ragged))
		}
		ev.Locator = where
		if ev.Kind == event.KindRepayment {
			repayments++
			repaid += *ev.Amount
		}
		res.Events = append(res.Events, ev)
	}
	if w, ok := st.CountWarning(rows); ok {
		res.Warnings = append(res.Warnings, w)
	}
	st.Info["format"] = strings.ToLower(format)
	st.Info["rows"] = strconv.Itoa(rows)
	st.Info["events"] = strconv.Itoa(len(res.Events))
	st.Info["repayments"] = fmt.Sprintf("%d (%s)", repayments, repaid)
	if !st.ExportTime.IsZero() {
		res.Time, res.TimeSource = st.ExportTime, event.TimeFromContent
	}
	res.Summary = parse.Summarize("wechatpay-bill", format)
	res.Summary.Parts = []vocab.Summary{parse.Summarize("bill-rows", len(res.Events)), parse.Summarize("bill-repayments", repayments, repaid)}
	return res, nil
}

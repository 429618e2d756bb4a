package alipay

import (
	"github.com/dossier-tool/dossier/dossier/parse/billstmt"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// column is a field of a bill row, whatever its position and name in a given layout.
type column int

const (
	colTime column = iota
	colPayTime
	colCategory
	colCounterpart
	colAccount
	colText
	colDirection
	colAmount
	colMethod
	colStatus
	colOrder
	colMerchantOrder
	colNote
	colFundStatus
	numColumns
)

// columnNames maps every header name the three layouts use to its field.
var columnNames = map[string]column{
	"交易时间":   colTime,
	"交易创建时间": colTime,
	"付款时间":   colPayTime,
	"交易分类":   colCategory,
	"类型":     colCategory,
	"交易对方":   colCounterpart,
	"对方账号":   colAccount,
	"商品说明":   colText,
	"商品名称":   colText,
	"收/支":    colDirection,
	"金额":     colAmount,
	"金额（元）":  colAmount,
	"金额(元)":  colAmount,
	"收/付款方式": colMethod,
	"交易状态":   colStatus,
	"交易订单号":  colOrder,
	"交易号":    colOrder,
	"商家订单号":  colMerchantOrder,
	"备注":     colNote,
	"资金状态":   colFundStatus,
}

// requiredColumns are present in every layout; a row lacking any of them cannot be an event.
var requiredColumns = []column{colTime, colCounterpart, colDirection, colAmount, colStatus, colOrder}

// header is a located header row: where each field sits and which layout it is.
type header struct {
	*billstmt.Columns
	layout string
}

// findHeader reports whether cells are an Alipay header row and maps its columns.
func findHeader(cells []string) (*header, bool) {
	cols, ok := billstmt.FindColumns(cells, columnNames, int(numColumns), requiredColumns)
	if !ok {
		return nil, false
	}
	h := &header{Columns: cols}
	switch {
	case h.Pos[colPayTime] >= 0 || csvtext.Clean(cells[h.Pos[colOrder]]) == "交易号":
		h.layout = Layout2019
	case h.Pos[colDirection] == 0:
		h.layout = Layout2021
	default:
		h.layout = Layout2023
	}
	return h, true
}

// event turns one row into a payment event. ragged describes a row shorter than the header that
// still holds every required cell; err says why a row is unusable.
func (h *header) event(cells []string, loc *time.Location) (ev event.Event, ragged, err error) {
	ragged, err = h.Check(cells)
	if err != nil {
		return ev, nil, err
	}
	get := func(c column) string { return h.Cell(cells, int(c)) }

	when := get(colPayTime)
	if when == "" {
		when = get(colTime)
	}
	t, err := billstmt.ParseTime(when, loc)
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
	name := get(colAccount)
	if name == "" {
		name = counterpart
	}
	ev = event.Event{
		Time:            t,
		TimeSource:      event.TimeFromContent,
		Channel:         event.Payment,
		Direction:       direction(get(colDirection), get(colFundStatus)),
		Status:          get(colStatus),
		Counterpart:     counterpart,
		CounterpartName: name,
		Text:            get(colText),
		Amount:          &amount,
		Category:        get(colCategory),
		Order:           get(colOrder),
		Method:          get(colMethod),
		Kind:            event.KindPayment,
	}
	if h.isRepayment(&ev) {
		ev.Kind = event.KindRepayment
	}
	return ev, ragged, nil
}

// direction reads 收/支, falling back on the 2019 资金状态 when 收/支 is blank.
func direction(flow, fundStatus string) event.Direction {
	switch flow {
	case "支出":
		return event.Out
	case "收入":
		return event.In
	case "":
		switch fundStatus {
		case "已支出":
			return event.Out
		case "已收入":
			return event.In
		}
	}
	return event.None
}

// isRepayment reports whether a row is a successful repayment of consumer credit.
func (h *header) isRepayment(ev *event.Event) bool {
	if ev.Category == "信用借还" {
		return ev.Status == "还款成功"
	}
	if h.layout != Layout2019 {
		return false
	}
	// The 2019 web export has only a transaction type (即时到账交易, ...), so the repayment is
	// recognised by its counterparty and description instead.
	switch ev.Counterpart {
	case "花呗", "借呗":
	default:
		return false
	}
	return (ev.Status == "交易成功" || ev.Status == "还款成功") && strings.Contains(ev.Text, "还款")
}

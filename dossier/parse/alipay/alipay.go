// Package alipay reads the Alipay transaction statement (支付宝交易明细), the CSV the Alipay app
// and website export, into payment events.
//
// Three layouts are in circulation and all are GBK text:
//
//   - 2023 and later (app export): a preamble of about 24 lines (导出信息, 姓名, 支付宝账户, the
//     period, 共N笔记录, totals, 特别提示 1–9, a dashed line naming the 电子客户回单), then the
//     header 交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,... and the rows;
//   - 2021 (app export): the header first, 收/支 leading, the same facts as a summary after the rows,
//     其他 where 2023 writes 不计收支;
//   - 2019 (web export): a short preamble under 支付宝交易记录明细查询, the header 交易号,商家订单号,
//     交易创建时间,付款时间,..., and a footer of totals.
//
// The header is found by its column names, never by counting lines, and columns are mapped by
// name, so one reader serves all three and survives columns being moved. The rows end at the first
// dashed line or summary line after the header; the free-text lines before and after are read
// only for the facts an evidence list wants (holder, account, period, stated record count and
// totals, export time), and the stated record count is checked against the rows found.
//
// Every row becomes one event.Payment: the time in the case zone, 收/支 as the direction (不计收支
// and 其他 have none), the exact amount in fen, 交易对方 as written (a merchant or a person, not a
// phone number, so it is not normalised), 对方账号 as the counterpart's name when the bill gives
// one, and 商品说明, 交易分类, 交易状态, the order number and the payment method as the bill prints
// them. A successful Huabei or Jiebei repayment (交易分类 信用借还, 交易状态 还款成功) is marked
// event.KindRepayment; the 2019 layout has no 交易分类, so there a 交易成功 row towards 花呗 or
// 借呗 whose 商品名称 says 还款 counts instead. A row that cannot be read (a bad time or amount, too
// few cells) is skipped with a warning naming its line; the bill is never refused for it.
package alipay

import (
	"errors"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/parse/billstmt"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"github.com/dossier-tool/dossier/dossier/vocab"
	"io"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// Layout names reported in Result.Info["layout"].
const (
	Layout2023 = "2023"
	Layout2021 = "2021"
	Layout2019 = "2019"
)

// Limits on untrusted input: a real preamble is under 30 lines, a real bill a few thousand rows.
const (
	maxPreambleLines = 200
	maxRows          = 500_000
	maxBillBytes     = 256 << 20
)

// ErrNotBill is returned when no Alipay header row is found; the file is then kept as a document.
var ErrNotBill = parse.Errorf("not-alipay-bill")

// Parser reads Alipay bills. The zero value is ready to use.
type Parser struct{}

var _ parse.Parser = Parser{}

// Name implements parse.Parser.
func (Parser) Name() string { return "alipay-bill" }

// Detect accepts text whose head holds an Alipay header row, in any encoding textenc knows.
func (Parser) Detect(s *parse.Sniff) bool {
	text, ok := s.Text()
	if !ok {
		return false
	}
	lr := csvtext.NewLineReader(strings.NewReader(text))
	for lr.Line() < maxPreambleLines {
		cells, _, err := lr.Record()
		if errors.Is(err, csvtext.ErrLineTooLong) {
			continue
		}
		if err != nil {
			return false
		}
		if _, ok := findHeader(cells); ok {
			return true
		}
	}
	return false
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	res, err := Read(in.Reader(), in.Location())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return res, nil
}

// Read parses a bill from r, reading local times in loc. It returns ErrNotBill (wrapped) when r
// holds no Alipay header row.
func Read(r io.Reader, loc *time.Location) (*parse.Result, error) {
	if loc == nil {
		loc = time.UTC
	}
	capped := &csvtext.Capped{R: r, Left: maxBillBytes}
	text, enc, err := textenc.NewReader(capped)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	lr := csvtext.NewLineReader(text)
	st := billstmt.New()

	h, err := readPreamble(lr, st, loc)
	if err != nil {
		return nil, err
	}
	res := &parse.Result{Kind: parse.KindBill, Info: st.Info}
	rows, repayments := 0, 0
	var repaid money.Amount
	for {
		cells, line, err := lr.Record()
		if err == io.EOF {
			break
		}
		where := fmt.Sprintf("line %d", line)
		if errors.Is(err, csvtext.ErrLineTooLong) {
			if !st.InTrailer() {
				rows++ // a row all the same, one that cannot be read
			}
			res.Warnings = append(res.Warnings, parse.Warn(where, "line-too-long", csvtext.MaxLineBytes))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		text := csvtext.JoinCells(cells)
		if st.Skip(text, loc, "导出信息") {
			continue
		}
		if _, again := findHeader(cells); again {
			continue // a second export pasted below the first repeats the header
		}
		rows++
		if rows > maxRows {
			res.Warnings = append(res.Warnings, parse.Warn(where, "too-many-rows", maxRows))
			rows--
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
	if capped.Hit {
		res.Warnings = append(res.Warnings, parse.Warn("", "file-too-large", maxBillBytes>>20))
	}
	if w, ok := st.CountWarning(rows); ok {
		res.Warnings = append(res.Warnings, w)
	}
	st.Info["layout"] = h.layout
	st.Info["encoding"] = enc
	st.Info["rows"] = fmt.Sprint(rows)
	st.Info["events"] = fmt.Sprint(len(res.Events))
	st.Info["repayments"] = fmt.Sprintf("%d (%s)", repayments, repaid)
	if !st.ExportTime.IsZero() {
		res.Time, res.TimeSource = st.ExportTime, event.TimeFromContent
	}
	res.Summary = parse.Summarize("alipay-bill", h.layout)
	res.Summary.Parts = []vocab.Summary{parse.Summarize("bill-rows", len(res.Events)), parse.Summarize("bill-repayments", repayments, repaid)}
	return res, nil
}

// readPreamble reads lines up to and including the header, noting the facts they state.
func readPreamble(lr *csvtext.LineReader, st *billstmt.Statement, loc *time.Location) (*header, error) {
	for lr.Line() < maxPreambleLines {
		cells, line, err := lr.Record()
		if err == io.EOF {
			return nil, ErrNotBill
		}
		if errors.Is(err, csvtext.ErrLineTooLong) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if h, ok := findHeader(cells); ok {
			return h, nil
		}
		st.Note(csvtext.JoinCells(cells), loc)
	}
	return nil, fmt.Errorf("%w in the first %d lines", ErrNotBill, maxPreambleLines)
}

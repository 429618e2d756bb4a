// Package wechatpay reads the WeChat Pay bill (微信支付账单) into payment events, from the CSV the
// app used to export and from the XLSX it now sends by e-mail.
//
// Both forms hold the same table: 16 preamble lines (微信支付账单明细, 微信昵称, the period, 导出类型,
// 导出时间, 共N笔记录, 收入/支出/中性交易 totals, 注 1–3, a dashed 微信支付账单明细列表 line), then
// the header 交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注
// and the rows. The header is found by its column names rather than by its line number, and
// columns are mapped by name. The CSV is UTF-8 (with or without BOM; other encodings are detected
// by textenc). In the XLSX the preamble sits in merged cells above the header in the first
// sheet; the sheet is read with excelize's streaming row iterator, after the zip's central
// directory has been checked so that a small file cannot inflate into gigabytes.
//
// Every row becomes one event.Payment: the time in the case zone, 收/支 as the direction (neutral
// "/" rows have none), the exact amount in fen ("¥300.00"), 交易对方 as written (not a phone
// number, so not normalised), 商品 as the text, 交易类型 as the category, 当前状态 as the status,
// 交易单号 as the order and 支付方式 as the method; "/" means empty. A row whose 交易类型 or 商品
// says 还款 (花呗还款, 信用卡还款, ...) and whose 当前状态 says it went through (支付成功, 已支付,
// 还款成功, 已转账) is event.KindRepayment. Rows that cannot be read are skipped with a warning
// naming the line or row; the bill is never refused for them.
package wechatpay

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"io"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// ErrNotBill is returned when no WeChat Pay header row is found; the file is then kept as a
// document.
var ErrNotBill = parse.Errorf("not-wechatpay-bill")

// maxCSVBytes bounds how much of a CSV is read; a real bill is well under a megabyte.
const maxCSVBytes = 256 << 20

const xlsxMIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Parser reads WeChat Pay bills in both forms. The zero value is ready to use.
type Parser struct{}

var _ parse.Parser = Parser{}

// Name implements parse.Parser.
func (Parser) Name() string { return "wechatpay-bill" }

// Detect accepts a CSV whose head holds the WeChat Pay header, and an XLSX workbook. The head of
// a workbook is compressed, so unless the whole file fits in the head Parse makes the final call
// (and returns ErrNotBill for any other workbook).
func (Parser) Detect(s *parse.Sniff) bool {
	if strings.HasPrefix(s.MIME, xlsxMIME) || bytes.HasPrefix(s.Head, []byte("PK\x03\x04")) {
		if !strings.HasPrefix(s.MIME, xlsxMIME) || !bytes.Contains(s.Head, []byte("xl/")) {
			return false
		}
		if int64(len(s.Head)) >= s.Size {
			return smallWorkbookHasHeader(s.Head)
		}
		return true
	}
	text, ok := s.Text()
	if !ok {
		return false
	}
	src := newCSVSource(strings.NewReader(text))
	for i := 0; i < maxPreambleRows; i++ {
		cells, _, err := src.next()
		if isUnreadable(err) {
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

// Parse implements parse.Parser. It tells the two forms apart by the zip signature.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	var magic [4]byte
	n, _ := in.Data.ReadAt(magic[:], 0)
	var res *parse.Result
	var err error
	if n == 4 && string(magic[:]) == "PK\x03\x04" {
		res, err = ReadXLSX(in.Data, in.Size, in.Location(), in.TempDir)
	} else {
		res, err = ReadCSV(in.Reader(), in.Location())
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return res, nil
}

// ReadCSV parses a CSV bill from r, reading local times in loc.
func ReadCSV(r io.Reader, loc *time.Location) (*parse.Result, error) {
	if loc == nil {
		loc = time.UTC
	}
	capped := &csvtext.Capped{R: r, Left: maxCSVBytes}
	text, enc, err := textenc.NewReader(capped)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	res, err := readBill(newCSVSource(text), "CSV", loc)
	if err != nil {
		return nil, err
	}
	res.Info["encoding"] = enc
	if capped.Hit {
		res.Warnings = append(res.Warnings, parse.Warn("", "file-too-large", maxCSVBytes>>20))
	}
	return res, nil
}

// csvSource yields CSV records as rows named by their first physical line.
type csvSource struct{ lr *csvtext.LineReader }

func newCSVSource(r io.Reader) *csvSource { return &csvSource{lr: csvtext.NewLineReader(r)} }

func (s *csvSource) next() ([]string, string, error) {
	cells, line, err := s.lr.Record()
	where := fmt.Sprintf("line %d", line)
	if errors.Is(err, csvtext.ErrLineTooLong) {
		return nil, where, unreadable("line-too-long", csvtext.MaxLineBytes)
	}
	if len(cells) > maxColumns {
		cells = cells[:maxColumns]
	}
	return cells, where, err
}

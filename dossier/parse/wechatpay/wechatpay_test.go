package wechatpay

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/internal/parsetest"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
)

// parseFile runs the parser the way ingest does, on a stored original.
func parseFile(t testing.TB, path string, loc *time.Location) (*parse.Result, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseBytes(filepath.Base(path), data, loc)
}

func parseBytes(name string, data []byte, loc *time.Location) (*parse.Result, error) {
	in := &parse.Input{Name: name, Size: int64(len(data)), Data: bytes.NewReader(data), Zone: loc}
	return Parser{}.Parse(in)
}

// snapshot is the stable JSON shape a parse result is compared in.
type snapshot struct {
	Kind       string            `json:"kind"`
	Summary    string            `json:"summary"`
	Time       string            `json:"time,omitempty"`
	TimeSource string            `json:"time_source,omitempty"`
	Info       map[string]string `json:"info"`
	Warnings   []string          `json:"warnings,omitempty"`
	Events     []event.Event     `json:"events"`
}

func TestGolden(t *testing.T) {
	loc := parsetest.Shanghai(t)
	tests := []struct {
		name, input, golden string
	}{
		{"csv with BOM", filepath.Join("testdata", "bill.csv"), "bill.csv.golden.json"},
		{"xlsx with a cover sheet and typed cells", filepath.Join("testdata", "bill.xlsx"), "bill.xlsx.golden.json"},
		{"sample csv", sampleCSV, "sample.csv.golden.json"},
		{"sample xlsx", sampleXLSX, "sample.xlsx.golden.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseFile(t, tt.input, loc)
			if err != nil {
				t.Fatal(err)
			}
			g := snapshot{Kind: res.Kind, Summary: res.Summary.String(), TimeSource: res.TimeSource, Info: res.Info, Events: res.Events}
			if !res.Time.IsZero() {
				g.Time = res.Time.Format(time.RFC3339)
			}
			for _, w := range res.Warnings {
				g.Warnings = append(g.Warnings, w.String())
			}
			golden.CheckJSON(t, filepath.Join("testdata", tt.golden), g)
		})
	}
}

// TestSample pins the repayment the findings apply to the agreement, in both forms of the bill.
func TestSample(t *testing.T) {
	loc := parsetest.Shanghai(t)
	tests := []struct {
		name, path, summary, sheet string
	}{
		{"csv", sampleCSV, "WeChat Pay bill (CSV): 10 rows, 1 repayment (300.00)", ""},
		{"xlsx", sampleXLSX, "WeChat Pay bill (XLSX): 7 rows, 1 repayment (300.00)", "Sheet1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseFile(t, tt.path, loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
			if res.Summary.String() != tt.summary || res.Info["sheet"] != tt.sheet || res.Info["name"] != "张三" {
				t.Errorf("summary %q sheet %q name %q", res.Summary.String(), res.Info["sheet"], res.Info["name"])
			}
			var got []string
			for _, ev := range res.Events {
				if ev.Kind == event.KindRepayment {
					got = append(got, fmt.Sprintf("%s %s %s %s %s %s %s", ev.Time.Format(time.RFC3339), ev.Direction,
						ev.Counterpart, ev.Text, ev.Amount, ev.Status, ev.Order))
				}
			}
			want := []string{"2025-04-10T12:00:00+08:00 out 重庆蚂蚁消费金融有限公司 花呗还款 300.00 支付成功 4200002502202504101200005678"}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("repayments\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestFormsAgree reads the test bill in both forms: the workbook must give the CSV's events.
func TestFormsAgree(t *testing.T) {
	loc := parsetest.Shanghai(t)
	fromCSV, err := parseFile(t, filepath.Join("testdata", "bill.csv"), loc)
	if err != nil {
		t.Fatal(err)
	}
	fromXLSX, err := parseFile(t, filepath.Join("testdata", "bill.xlsx"), loc)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromCSV.Events) != 7 || len(fromCSV.Events) != len(fromXLSX.Events) {
		t.Fatalf("%d events from the CSV, %d from the workbook", len(fromCSV.Events), len(fromXLSX.Events))
	}
	for i := range fromCSV.Events {
		a, b := fromCSV.Events[i], fromXLSX.Events[i]
		a.Locator, b.Locator = "", ""
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("event %d differs:\ncsv  %s\nxlsx %s", i, ja, jb)
		}
	}
	if fromXLSX.Events[0].Locator != "row 18" || fromCSV.Events[0].Locator != "line 18" {
		t.Errorf("locators %q, %q", fromXLSX.Events[0].Locator, fromCSV.Events[0].Locator)
	}
}

func TestRows(t *testing.T) {
	loc := parsetest.Shanghai(t)
	const head = "\xEF\xBB\xBF微信支付账单明细,,,,,,,,\n共1笔记录,,,,,,,,\n交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n"
	tests := []struct {
		name, row  string
		kind       string
		direction  event.Direction
		fen        int64
		text, cpty string
	}{
		{"huabei repayment", "2025-04-10 12:00:00,商户消费,重庆蚂蚁消费金融有限公司,\"花呗还款\",支出,¥300.00,零钱,支付成功,42000\t,1000\t,\"/\"",
			event.KindRepayment, event.Out, 30000, "花呗还款", "重庆蚂蚁消费金融有限公司"},
		{"credit card repayment is neutral", "2025-04-11 12:00:00,信用卡还款,招商银行(8888),\"/\",/,¥1000.00,零钱,还款成功,1\t,/\t,\"/\"",
			event.KindRepayment, event.None, 100000, "", "招商银行(8888)"},
		{"failed repayment", "2025-04-12 12:00:00,商户消费,重庆蚂蚁消费金融有限公司,\"花呗还款\",支出,¥300.00,零钱,支付失败,2\t,3\t,\"/\"",
			event.KindPayment, event.Out, 30000, "花呗还款", "重庆蚂蚁消费金融有限公司"},
		{"transfer received", "2025-04-13 12:00:00,转账,李四,\"/\",收入,¥0.01,/,已收钱,4\t,/\t,\"/\"",
			event.KindPayment, event.In, 1, "", "李四"},
		{"a transfer note saying 还款 is a repayment only if it went through", "2025-04-14 12:00:00,转账,王五,\"转账备注:还款\",支出,¥5.00,零钱,对方已退还,5\t,/\t,\"/\"",
			event.KindPayment, event.Out, 500, "转账备注:还款", "王五"},
		{"formula-looking cells stay text", "2025-04-15 12:00:00,商户消费,=cmd|' /C calc'!A0,\"@SUM(1)\",支出,¥1.00,零钱,支付成功,6\t,/\t,\"/\"",
			event.KindPayment, event.Out, 100, "@SUM(1)", "=cmd|' /C calc'!A0"},
		{"counterpart number is not normalised", "2025-04-15 13:00:00,转账,+86 138-0013-8000,\"/\",支出,¥2.00,零钱,对方已收钱,7\t,/\t,\"/\"",
			event.KindPayment, event.Out, 200, "", "+86 138-0013-8000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReadCSV(strings.NewReader(head+tt.row+"\n"), loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 1 || len(res.Warnings) != 0 {
				t.Fatalf("events %d warnings %v", len(res.Events), res.Warnings)
			}
			ev := res.Events[0]
			if ev.Kind != tt.kind || ev.Direction != tt.direction || ev.Amount.Fen() != tt.fen || ev.Text != tt.text || ev.Counterpart != tt.cpty {
				t.Errorf("got kind %q dir %q fen %d text %q counterpart %q", ev.Kind, ev.Direction, ev.Amount.Fen(), ev.Text, ev.Counterpart)
			}
			if ev.Channel != event.Payment || ev.Locator != "line 4" || ev.TimeSource != event.TimeFromContent || ev.Time.Location() != loc {
				t.Errorf("channel %q locator %q time %v (%s)", ev.Channel, ev.Locator, ev.Time, ev.TimeSource)
			}
			if strings.ContainsAny(ev.Order, "\t ") {
				t.Errorf("order %q keeps its padding", ev.Order)
			}
		})
	}
}

func TestMalformedCSV(t *testing.T) {
	loc := parsetest.Shanghai(t)
	whole, err := os.ReadFile(filepath.Join("testdata", "bill.csv"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(whole)
	cut := strings.Index(src, "2024-08-20 12:00:00")
	tests := []struct {
		name     string
		data     string
		err      error
		events   int
		warnings []string
	}{
		{"truncated mid-row", src[:cut+30], nil, 3, []string{
			"line 21: row skipped: row has 2 cells, the header has 11",
			"the bill states 7 records but 4 rows were found"}},
		{"ragged row", strings.Replace(src, ",100001240820120000013\t,\"/\"", "", 1), nil, 7, []string{
			"line 21: row has 9 cells, the header has 11; the missing cells are read as empty"}},
		{"bad amount", strings.Replace(src, "¥0.10", "¥0.1O", 1), nil, 6, []string{
			`line 21: row skipped: bad amount "¥0.1O": not a decimal amount`}},
		{"bad date", strings.Replace(src, "2024-08-20 12:00:00", "2024-08-32 12:00:00", 1), nil, 6, []string{
			`line 21: row skipped: bad time "2024-08-32 12:00:00"`}},
		{"over-long line", strings.Replace(src, "2024-08-20 12:00:00", strings.Repeat("x", csvtext.MaxLineBytes), 1), nil, 6, []string{
			"line 21: line longer than 65536 bytes; skipped"}},
		{"without BOM", strings.TrimPrefix(src, "\xEF\xBB\xBF"), nil, 7, nil},
		{"gb18030 re-save", gb18030(t, strings.TrimPrefix(src, "\xEF\xBB\xBF")), nil, 7, nil},
		{"alipay bill", "交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n", ErrNotBill, 0, nil},
		{"no header", strings.Repeat("说明,,,,\n", maxPreambleRows+1) + src, ErrNotBill, 0, nil},
		{"empty", "", ErrNotBill, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReadCSV(strings.NewReader(tt.data), loc)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || res != nil {
					t.Fatalf("got %v, %v; want %v", res, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != tt.events {
				t.Errorf("%d events, want %d", len(res.Events), tt.events)
			}
			var got []string
			for _, w := range res.Warnings {
				got = append(got, w.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.warnings, "\n") {
				t.Errorf("warnings\n got %q\nwant %q", got, tt.warnings)
			}
		})
	}
}

func TestMalformedXLSX(t *testing.T) {
	loc := parsetest.Shanghai(t)
	good, err := os.ReadFile(sampleXLSX)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		err  error
	}{
		{"truncated", good[:len(good)/2], nil},
		{"other workbook", workbook(t, [][]string{{"姓名", "电话"}, {"张三", "13900001234"}}), ErrNotBill},
		{"zip bomb by declared size", bomb(t), ErrTooLarge},
		{"not a zip after the signature", []byte("PK\x03\x04garbage"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes("账单.xlsx", tt.data, loc)
			if err == nil || res != nil {
				t.Fatalf("got %v, %v; want an error", res, err)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("error %v, want %v", err, tt.err)
			}
			if !strings.HasPrefix(err.Error(), "账单.xlsx: ") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// workbook builds an XLSX holding rows in Sheet1.
func workbook(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bomb is a tiny workbook whose sheet declares an inflated size beyond maxInflated. The data
// behind the declaration is a few bytes: the check must refuse it from the central directory
// alone, before anything is inflated.
func bomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("[Content_Types].xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)); err != nil {
		t.Fatal(err)
	}
	w, err = zw.CreateRaw(&zip.FileHeader{
		Name:               "xl/worksheets/sheet1.xml",
		Method:             zip.Store,
		CompressedSize64:   4,
		UncompressedSize64: maxInflated + 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("<x/>")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gb18030 re-encodes text as Excel on Chinese Windows saves it (GBK has no ¥; GB18030 does).
func gb18030(t *testing.T, s string) string {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExactAmounts sums many ten-fen rows: a float sum would drift, the fen sum must not.
func TestExactAmounts(t *testing.T) {
	loc := parsetest.Shanghai(t)
	for _, n := range []int{3, 10, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n")
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, "2025-01-01 00:00:%02d,商户消费,某某,\"x\",支出,¥0.10,零钱,支付成功,%d\t,/\t,\"/\"\n", i%60, i)
			}
			res, err := ReadCSV(strings.NewReader(b.String()), loc)
			if err != nil {
				t.Fatal(err)
			}
			var sum money.Amount
			for _, ev := range res.Events {
				sum += *ev.Amount
			}
			if sum.Fen() != int64(10*n) {
				t.Errorf("sum %s, want %d fen", sum, 10*n)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	csvBill, err := os.ReadFile(sampleCSV)
	if err != nil {
		t.Fatal(err)
	}
	xlsxBill, err := os.ReadFile(sampleXLSX)
	if err != nil {
		t.Fatal(err)
	}
	other := workbook(t, [][]string{{"姓名", "电话"}})
	tests := []struct {
		name string
		mime string
		data []byte
		size int64 // 0: len(data)
		want bool
	}{
		{"sample csv", "text/csv", csvBill, 0, true},
		{"sample xlsx", xlsxMIME, xlsxBill, 0, true},
		{"other small workbook", xlsxMIME, other, 0, false},
		{"large workbook is left to Parse", xlsxMIME, other, 1 << 30, true},
		{"zip that is not a workbook", "application/zip", []byte("PK\x03\x04\x14\x00\x00\x00word/document.xml"), 0, false},
		{"alipay bill", "text/plain", []byte("交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n"), 0, false},
		{"chat export", "text/csv", []byte("\xEF\xBB\xBFlocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"), 0, false},
		{"empty", "text/plain", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.data
			if len(head) > parse.HeadSize {
				head = head[:parse.HeadSize]
			}
			size := tt.size
			if size == 0 {
				size = int64(len(tt.data))
			}
			if got := (Parser{}).Detect(&parse.Sniff{MIME: tt.mime, Head: head, Size: size}); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, p := range []string{filepath.Join("testdata", "bill.csv"), sampleCSV} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	loc := parsetest.Shanghai(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadCSV(bytes.NewReader(data), loc)
		checkFuzzResult(t, res, err, "line ")
		(Parser{}).Detect(&parse.Sniff{MIME: "text/plain", Head: data, Size: int64(len(data))})
	})
}

func FuzzReadXLSX(f *testing.F) {
	for _, p := range []string{filepath.Join("testdata", "bill.xlsx"), sampleXLSX} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	loc := parsetest.Shanghai(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadXLSX(bytes.NewReader(data), int64(len(data)), loc, "")
		checkFuzzResult(t, res, err, "row ")
		(Parser{}).Detect(&parse.Sniff{MIME: xlsxMIME, Head: data, Size: int64(len(data))})
	})
}

func checkFuzzResult(t *testing.T, res *parse.Result, err error, locator string) {
	t.Helper()
	if err != nil {
		if res != nil {
			t.Fatalf("error %v with a result", err)
		}
		return
	}
	for _, ev := range res.Events {
		if ev.Amount == nil || ev.Channel != event.Payment || !strings.HasPrefix(ev.Locator, locator) {
			t.Fatalf("incomplete event %+v", ev)
		}
	}
}

func benchRows(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("2025-01-%02d 12:%02d:%02d", i%28+1, i%60, i%60), "商户消费", "某某餐厅", "午餐", "支出",
			fmt.Sprintf("¥%d.%02d", i%500, i%100), "零钱", "支付成功", fmt.Sprintf("42000%020d", i), "/", "/"}
	}
	return rows
}

func BenchmarkReadCSV(b *testing.B) {
	var src strings.Builder
	src.WriteString("\xEF\xBB\xBF交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n")
	for _, r := range benchRows(10000) {
		src.WriteString(strings.Join(r, ",") + "\n")
	}
	data := []byte(src.String())
	loc := parsetest.Shanghai(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := ReadCSV(bytes.NewReader(data), loc)
		if err != nil || len(res.Events) != 10000 {
			b.Fatalf("%v, %d events", err, len(res.Events))
		}
	}
}

func BenchmarkReadXLSX(b *testing.B) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	header := make([]any, len(billHeader))
	for i, h := range billHeader {
		header[i] = h
	}
	sw.SetRow("A1", header)
	for i, r := range benchRows(10000) {
		row := make([]any, len(r))
		for j, c := range r {
			row[j] = c
		}
		sw.SetRow(fmt.Sprintf("A%d", i+2), row)
	}
	sw.Flush()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	f.Close()
	data := buf.Bytes()
	loc := parsetest.Shanghai(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := ReadXLSX(bytes.NewReader(data), int64(len(data)), loc, "")
		if err != nil || len(res.Events) != 10000 {
			b.Fatalf("%v, %d events", err, len(res.Events))
		}
	}
}

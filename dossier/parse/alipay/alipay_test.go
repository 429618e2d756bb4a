package alipay

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/vocab"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/internal/parsetest"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
)

var (
	generate = flag.Bool("generate", false, "rewrite the GBK test bills and the sample bill from their UTF-8 sources")
)

// sampleBill is the invented case's Alipay bill, generated from testdata/src/sample.txt.
var sampleBill = filepath.Join("..", "..", "..", "samples", "evidence", "bills", "支付宝交易明细(20250101-20250415).csv")

// gbk encodes UTF-8 text the way Alipay writes it: GBK with Windows line endings.
func gbk(t testing.TB, utf8 string) []byte {
	t.Helper()
	crlf := strings.ReplaceAll(utf8, "\n", "\r\n")
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(crlf))
	if err != nil {
		t.Fatalf("encoding to GBK: %v", err)
	}
	return b
}

// TestGenerate writes the GBK bills from their UTF-8 sources. Run with -generate after editing a
// source; the generated files are committed so that the tests read real GBK bytes.
func TestGenerate(t *testing.T) {
	if !*generate {
		t.Skip("run with -generate to rewrite the GBK bills")
	}
	targets := map[string]string{
		"2023.txt":   filepath.Join("testdata", "2023.csv"),
		"2021.txt":   filepath.Join("testdata", "2021.csv"),
		"2019.txt":   filepath.Join("testdata", "2019.csv"),
		"sample.txt": sampleBill,
	}
	for src, dst := range targets {
		text, err := os.ReadFile(filepath.Join("testdata", "src", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, gbk(t, string(text)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
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

func toSnapshot(res *parse.Result) snapshot {
	g := snapshot{Kind: res.Kind, Summary: res.Summary.String(), TimeSource: res.TimeSource, Info: res.Info, Events: res.Events}
	if !res.Time.IsZero() {
		g.Time = res.Time.Format(time.RFC3339)
	}
	for _, w := range res.Warnings {
		g.Warnings = append(g.Warnings, w.String())
	}
	return g
}

func TestGolden(t *testing.T) {
	loc := parsetest.Shanghai(t)
	tests := []struct {
		name, input, golden string
	}{
		{"layout 2023", filepath.Join("testdata", "2023.csv"), "2023.golden.json"},
		{"layout 2021", filepath.Join("testdata", "2021.csv"), "2021.golden.json"},
		{"layout 2019", filepath.Join("testdata", "2019.csv"), "2019.golden.json"},
		{"sample case", sampleBill, "sample.golden.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(tt.input)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := Read(f, loc)
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", tt.golden), toSnapshot(res))
		})
	}
}

func TestLayouts(t *testing.T) {
	loc := parsetest.Shanghai(t)
	tests := []struct {
		file, layout, name, export string
		events, repayments         int
		repaid                     string
	}{
		{"2023.csv", Layout2023, "王某", "2024-07-01T08:00:00+08:00", 10, 2, "1734.56"},
		{"2021.csv", Layout2021, "张三", "2021-10-01T09:00:00+08:00", 4, 1, "600.00"},
		{"2019.csv", Layout2019, "张三", "2019-01-10T17:05:45+08:00", 5, 1, "500.00"},
	}
	for _, tt := range tests {
		t.Run(tt.layout, func(t *testing.T) {
			res := readFile(t, filepath.Join("testdata", tt.file), loc)
			if got := res.Info["layout"]; got != tt.layout {
				t.Errorf("layout %q, want %q", got, tt.layout)
			}
			if got := res.Info["name"]; got != tt.name {
				t.Errorf("name %q, want %q", got, tt.name)
			}
			if got := res.Time.Format(time.RFC3339); got != tt.export || res.TimeSource != event.TimeFromContent {
				t.Errorf("export time %s (%s), want %s", got, res.TimeSource, tt.export)
			}
			if len(res.Events) != tt.events {
				t.Errorf("%d events, want %d", len(res.Events), tt.events)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
			n, sum := repayments(res.Events)
			if n != tt.repayments || sum.String() != tt.repaid {
				t.Errorf("repayments %d (%s), want %d (%s)", n, sum, tt.repayments, tt.repaid)
			}
			for _, ev := range res.Events {
				if strings.ContainsAny(ev.Order, " \t") || strings.ContainsAny(ev.Counterpart, " \t") {
					t.Errorf("%s: padding left in %q / %q", ev.Locator, ev.Order, ev.Counterpart)
				}
				if ev.Time.Location() != loc {
					t.Errorf("%s: time not in the case zone: %v", ev.Locator, ev.Time)
				}
			}
		})
	}
}

// TestSample pins the rows of the invented case's bill that the findings depend on.
func TestSample(t *testing.T) {
	loc := parsetest.Shanghai(t)
	res := readFile(t, sampleBill, loc)
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	if res.Info["encoding"] != "GB18030" || res.Info["layout"] != Layout2023 {
		t.Errorf("encoding %q layout %q", res.Info["encoding"], res.Info["layout"])
	}
	if got := res.Summary.In(vocab.ZH); got != "支付宝账单（2023版）：20 行，还款 2 笔（2000.00）" {
		t.Errorf("summary %q", got)
	}
	if got := res.Summary.In(vocab.EN); got != "Alipay bill (2023 layout): 20 rows, 2 repayments (2000.00)" {
		t.Errorf("summary %q", got)
	}
	type row struct{ time, status, kind, amount, text string }
	var credit []row
	for _, ev := range res.Events {
		if ev.Category == "信用借还" {
			credit = append(credit, row{ev.Time.Format("2006-01-02 15:04:05"), ev.Status, ev.Kind, ev.Amount.String(), ev.Text})
		}
	}
	want := []row{
		{"2025-03-12 20:05:10", "还款成功", event.KindRepayment, "1000.00", "花呗主动还款-2025年03月账单"},
		{"2025-03-10 21:40:02", "还款失败", event.KindPayment, "1000.00", "花呗主动还款-2025年03月账单"},
		{"2025-02-10 09:12:33", "还款成功", event.KindRepayment, "1000.00", "花呗主动还款-2025年02月账单"},
	}
	if fmt.Sprint(credit) != fmt.Sprint(want) {
		t.Errorf("credit rows\n got %v\nwant %v", credit, want)
	}
	// The preamble's totals must agree with the rows, or the sample contradicts itself.
	for flow, key := range map[string]string{"支出": "expense", "收入": "income", "不计收支": "neutral"} {
		var n int
		var sum money.Amount
		for _, ev := range res.Events {
			if ev.Direction == direction(flow, "") {
				n++
				sum += *ev.Amount
			}
		}
		if got, want := res.Info[key], fmt.Sprintf("%d笔 %s元", n, sum); got != want {
			t.Errorf("stated %s %q, rows give %q", flow, got, want)
		}
	}
}

func TestRows(t *testing.T) {
	loc := parsetest.Shanghai(t)
	const head = "导出信息：\n共1笔记录\n交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n"
	tests := []struct {
		name, row string
		check     func(t *testing.T, ev event.Event)
	}{
		{"repayment", "2025-02-10 09:12:33,信用借还,花呗,/,花呗主动还款,不计收支,1000.00,余额宝,还款成功,2025021022001\t,/\t,,",
			func(t *testing.T, ev event.Event) {
				if ev.Kind != event.KindRepayment || ev.Direction != event.None || ev.Order != "2025021022001" || ev.Method != "余额宝" {
					t.Errorf("got %+v", ev)
				}
			}},
		{"failed repayment is a payment", "2025-03-10 21:40:02,信用借还,花呗,/,花呗主动还款,不计收支,1000.00,余额,还款失败,1\t,/\t,,",
			func(t *testing.T, ev event.Event) {
				if ev.Kind != event.KindPayment || ev.Status != "还款失败" {
					t.Errorf("got %+v", ev)
				}
			}},
		{"expense", "2025-01-20 23:10:00,餐饮美食,某某店,ab***@example.com,夜宵,支出,12.30,花呗,交易成功,2\t,T3\t,,",
			func(t *testing.T, ev event.Event) {
				if ev.Direction != event.Out || ev.Amount.Fen() != 1230 || ev.CounterpartName != "ab***@example.com" || ev.Counterpart != "某某店" {
					t.Errorf("got %+v", ev)
				}
				if ev.Time.Format(time.RFC3339) != "2025-01-20T23:10:00+08:00" || ev.TimeSource != event.TimeFromContent {
					t.Errorf("time %v (%s)", ev.Time, ev.TimeSource)
				}
			}},
		{"income keeps the counterpart as written", "2025-01-21 10:00:00,转账红包,138 0013 8000,/,转账,收入,1.00,余额,交易成功,3\t,/\t,,",
			func(t *testing.T, ev event.Event) {
				if ev.Direction != event.In || ev.Counterpart != "138 0013 8000" || ev.CounterpartName != "138 0013 8000" {
					t.Errorf("got %+v", ev)
				}
			}},
		{"formula-looking text stays text", "2025-01-22 10:00:00,其他,=HYPERLINK(\"x\"),/,=1+2,支出,1.00,余额,交易成功,4\t,/\t,,",
			func(t *testing.T, ev event.Event) {
				if ev.Text != "=1+2" || ev.Counterpart != `=HYPERLINK("x")` {
					t.Errorf("text %q counterpart %q", ev.Text, ev.Counterpart)
				}
			}},
		{"thousands separator in a quoted amount", "2025-01-23 10:00:00,其他,某某,/,x,支出,\"12,345.67\",余额,交易成功,5\t,/\t,,",
			func(t *testing.T, ev event.Event) {
				if ev.Amount.Fen() != 1234567 {
					t.Errorf("amount %v", ev.Amount)
				}
			}},
		{"excel-saved time", "2025/1/24 8:05,其他,某某,/,x,支出,1.00,余额,交易成功,6\t,/\t,,",
			func(t *testing.T, ev event.Event) {
				if ev.Time.Format(time.RFC3339) != "2025-01-24T08:05:00+08:00" {
					t.Errorf("time %v", ev.Time)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(bytes.NewReader(gbk(t, head+tt.row+"\n")), loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 1 || len(res.Warnings) != 0 {
				t.Fatalf("events %d warnings %v", len(res.Events), res.Warnings)
			}
			ev := res.Events[0]
			if ev.Channel != event.Payment || ev.Locator != "line 4" {
				t.Errorf("channel %q locator %q", ev.Channel, ev.Locator)
			}
			tt.check(t, ev)
		})
	}
}

func TestMalformed(t *testing.T) {
	loc := parsetest.Shanghai(t)
	whole, err := os.ReadFile(filepath.Join("testdata", "src", "2023.txt"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(whole)
	cut := strings.Index(src, "2024-06-20 12:00:00")
	tests := []struct {
		name     string
		data     []byte
		err      error
		events   int
		warnings []string
	}{
		{"truncated mid-row", gbk(t, src[:cut+40]), nil, 3, []string{
			"line 21: row skipped: row has 3 cells, the header has 12",
			"the bill states 10 records but 4 rows were found"}},
		{"ragged row keeps its required cells", gbk(t, strings.Replace(src, ",T200P2024062000001\t,\"备注,带逗号\",", "", 1)), nil, 10, []string{
			"line 21: row has 10 cells, the header has 12; the missing cells are read as empty"}},
		{"bad amount", gbk(t, strings.Replace(src, ",35.00,", ",35.0O,", 1)), nil, 9, []string{
			`line 21: row skipped: bad amount "35.0O": not a decimal amount`}},
		{"bad date", gbk(t, strings.Replace(src, "2024-06-20 12:00:00", "2024-13-20 12:00:00", 1)), nil, 9, []string{
			`line 21: row skipped: bad time "2024-13-20 12:00:00"`}},
		{"over-long line", gbk(t, strings.Replace(src, "2024-06-20 12:00:00", strings.Repeat("长", csvtext.MaxLineBytes), 1)), nil, 9, []string{
			"line 21: line longer than 65536 bytes; skipped"}},
		{"utf-8 re-save still reads", []byte(src), nil, 10, nil},
		{"utf-16 re-save still reads", utf16(src), nil, 10, nil},
		{"big5 is not read as GBK", big5(t, src), ErrNotBill, 0, nil},
		{"cut at a line end", gbk(t, src[:cut]), nil, 3, []string{"the bill states 10 records but 3 rows were found"}},
		{"latin-1 garbage", []byte("\xe9\xe8\xff\xfe\x00abc,def\n"), ErrNotBill, 0, nil},
		{"wechat bill", []byte("交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n"), ErrNotBill, 0, nil},
		{"empty", nil, ErrNotBill, 0, nil},
		{"header past the preamble limit", gbk(t, strings.Repeat("说明\n", maxPreambleLines)+src), ErrNotBill, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(bytes.NewReader(tt.data), loc)
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

func big5(t *testing.T, s string) []byte {
	t.Helper()
	// Characters Big5 lacks become '?'; the rest are Big5 bytes that GB18030 misreads.
	b, err := encoding.ReplaceUnsupported(traditionalchinese.Big5.NewEncoder()).Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding to Big5: %v", err)
	}
	return b
}

// utf16 encodes text as UTF-16LE with a BOM, what some spreadsheet programs save "Unicode text" as.
func utf16(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, r := range s {
		if r > 0xFFFF {
			r = '?'
		}
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

// TestExactAmounts adds many ten-fen rows: a float sum would drift, the fen sum must not.
func TestExactAmounts(t *testing.T) {
	loc := parsetest.Shanghai(t)
	for _, n := range []int{1, 3, 10, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n")
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, "2025-01-01 00:00:%02d,其他,某某,/,x,支出,0.10,余额,交易成功,%d\t,/\t,,\n", i%60, i)
			}
			res, err := Read(bytes.NewReader(gbk(t, b.String())), loc)
			if err != nil {
				t.Fatal(err)
			}
			var sum money.Amount
			for _, ev := range res.Events {
				sum += *ev.Amount
			}
			if sum.Fen() != int64(10*n) {
				t.Errorf("sum %s fen, want %d", sum, 10*n)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	sample, err := os.ReadFile(sampleBill)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"sample GBK", sample, true},
		{"2021 header first", gbk(t, "收/支,交易对方,对方账号,商品说明,收/付款方式,金额,交易状态,交易分类,交易订单号,商家订单号,交易时间,\n"), true},
		{"2019 padded header", gbk(t, "支付宝交易记录明细查询\n交易号  ,商家订单号  ,交易创建时间  ,付款时间  ,最近修改时间  ,交易来源地  ,类型  ,交易对方  ,商品名称  ,金额（元）,收/支  ,交易状态  ,服务费（元）,成功退款（元）,备注  ,资金状态  ,\n"), true},
		{"utf-8 header", []byte("交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n"), true},
		{"wechat header", []byte("\xEF\xBB\xBF微信支付账单明细\n交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n"), false},
		{"call log", []byte("号码,姓名,通话时间,时长,类型\n15900001111,,2025-01-27 10:00:00,0,未接\n"), false},
		{"binary", []byte("PK\x03\x04\x14\x00\x00\x00xl/workbook.xml"), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.head
			if len(head) > parse.HeadSize {
				head = head[:parse.HeadSize]
			}
			if got := (Parser{}).Detect(&parse.Sniff{Name: "x.csv", Ext: ".csv", Head: head, Size: int64(len(tt.head))}); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseNamesTheFile(t *testing.T) {
	data := []byte("not a bill\n")
	in := &parse.Input{Name: "账单.csv", Size: int64(len(data)), Data: bytes.NewReader(data)}
	_, err := Parser{}.Parse(in)
	if err == nil || !errors.Is(err, ErrNotBill) || !strings.HasPrefix(err.Error(), "账单.csv: ") {
		t.Fatalf("error %v", err)
	}
}

func readFile(t *testing.T, path string, loc *time.Location) *parse.Result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in := &parse.Input{Name: filepath.Base(path), Size: int64(len(data)), Data: bytes.NewReader(data), Zone: loc}
	res, err := Parser{}.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func repayments(evs []event.Event) (int, money.Amount) {
	var n int
	var sum money.Amount
	for _, ev := range evs {
		if ev.Kind == event.KindRepayment {
			n++
			sum += *ev.Amount
		}
	}
	return n, sum
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"2023.csv", "2021.csv", "2019.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n\"open"))
	loc := parsetest.Shanghai(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(bytes.NewReader(data), loc)
		if err != nil {
			if res != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		for _, ev := range res.Events {
			if ev.Amount == nil || ev.Channel != event.Payment || !strings.HasPrefix(ev.Locator, "line ") {
				t.Fatalf("incomplete event %+v", ev)
			}
		}
		(Parser{}).Detect(&parse.Sniff{Head: data})
	})
}

func BenchmarkRead(b *testing.B) {
	var src strings.Builder
	src.WriteString("导出信息：\n共10000笔记录\n交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&src, "2025-01-%02d 12:%02d:%02d,餐饮美食,某某餐厅,/,午餐,支出,%d.%02d,余额宝,交易成功,20250101220014%08d\t,T200P%08d\t,,\n",
			i%28+1, i%60, i%60, i%500, i%100, i, i)
	}
	data := gbk(b, src.String())
	loc := parsetest.Shanghai(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		res, err := Read(bytes.NewReader(data), loc)
		if err != nil || len(res.Events) != 10000 {
			b.Fatalf("%v, %d events", err, len(res.Events))
		}
	}
}

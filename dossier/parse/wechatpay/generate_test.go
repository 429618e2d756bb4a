package wechatpay

import (
	"flag"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

var generate = flag.Bool("generate", false, "rewrite the XLSX bills from the CSV bills")

var (
	sampleCSV  = filepath.Join("..", "..", "..", "samples", "evidence", "bills", "微信支付账单(20250101-20250415).csv")
	sampleXLSX = filepath.Join("..", "..", "..", "samples", "evidence", "bills", "微信支付账单(20250101-20250415).xlsx")
)

// TestGenerate builds the workbooks the way the app's e-mail export lays them out: the preamble
// in cells merged across the table's width, the header on row 17, the rows below. The sample
// workbook is the 导出类型 [支出] export of the sample CSV's period, so it holds the CSV's 支出
// rows. The test workbook puts a cover sheet first and stores one time as a date cell and one
// amount as a number, as a user's re-save would.
func TestGenerate(t *testing.T) {
	if !*generate {
		t.Skip("run with -generate to rewrite the XLSX bills")
	}
	rows := csvRows(t, sampleCSV)
	var spent [][]string
	for _, r := range rows {
		if csvtext.Clean(r[4]) == "支出" {
			spent = append(spent, r)
		}
	}
	writeWorkbook(t, sampleXLSX, workbookSpec{
		nickname: "张三", start: "2025-01-01 00:00:00", end: "2025-04-15 23:59:59",
		exportType: "支出", exportTime: "2025-04-15 10:31:05", rows: spent,
	})
	writeWorkbook(t, filepath.Join("testdata", "bill.xlsx"), workbookSpec{
		nickname: "王某", start: "2024-08-01 00:00:00", end: "2024-08-31 23:59:59",
		exportType: "全部", exportTime: "2024-09-01 09:05:00", rows: csvRows(t, filepath.Join("testdata", "bill.csv")),
		cover: true, typedCells: true,
	})
}

type workbookSpec struct {
	nickname, start, end, exportType, exportTime string
	rows                                         [][]string
	cover, typedCells                            bool
}

var billHeader = []string{"交易时间", "交易类型", "交易对方", "商品", "收/支", "金额(元)", "支付方式", "当前状态", "交易单号", "商户单号", "备注"}

// csvRows returns the data rows of a CSV bill, cells as written.
func csvRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	text, _, err := textenc.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	src := newCSVSource(text)
	var rows [][]string
	inRows := false
	for {
		cells, _, err := src.next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := findHeader(cells); ok {
			inRows = true
			continue
		}
		if inRows && csvtext.JoinCells(cells) != "" {
			rows = append(rows, cells)
		}
	}
}

func writeWorkbook(t *testing.T, path string, spec workbookSpec) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Sheet1"
	if spec.cover {
		if err := f.SetSheetName("Sheet1", "说明"); err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStr("说明", "A1", "本文件由微信支付导出，账单见下一工作表"); err != nil {
			t.Fatal(err)
		}
		sheet = "账单明细"
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
	}
	counts := map[string]int{}
	sums := map[string]money.Amount{}
	for _, r := range spec.rows {
		flow := csvtext.Clean(r[4])
		if flow != "收入" && flow != "支出" {
			flow = "中性交易"
		}
		a, err := money.Parse(csvtext.Clean(r[5]))
		if err != nil {
			t.Fatal(err)
		}
		counts[flow]++
		sums[flow] += a
	}
	preamble := []string{
		"微信支付账单明细",
		fmt.Sprintf("微信昵称：[%s]", spec.nickname),
		fmt.Sprintf("起始时间：[%s] 终止时间：[%s]", spec.start, spec.end),
		fmt.Sprintf("导出类型：[%s]", spec.exportType),
		fmt.Sprintf("导出时间：[%s]", spec.exportTime),
		"",
		fmt.Sprintf("共%d笔记录", len(spec.rows)),
		fmt.Sprintf("收入：%d笔 %s元", counts["收入"], sums["收入"]),
		fmt.Sprintf("支出：%d笔 %s元", counts["支出"], sums["支出"]),
		fmt.Sprintf("中性交易：%d笔 %s元", counts["中性交易"], sums["中性交易"]),
		"注：",
		"1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易",
		"2. 本明细仅展示当前账单中的交易，不包括已删除的记录",
		"3. 本明细仅供个人对账使用",
		"",
		"----------------------微信支付账单明细列表--------------------",
	}
	for i, line := range preamble {
		row := i + 1
		if line != "" {
			if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", row), line); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.MergeCell(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("K%d", row)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetSheetRow(sheet, "A17", &billHeader); err != nil {
		t.Fatal(err)
	}
	for i, r := range spec.rows {
		values := make([]any, len(billHeader))
		for j := range values {
			if j < len(r) {
				// The workbook has no TAB padding after order numbers; the CSV does.
				values[j] = strings.TrimSpace(r[j])
			}
		}
		if spec.typedCells && i == 3 {
			when, err := time.ParseInLocation("2006-01-02 15:04:05", csvtext.Clean(r[0]), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			values[0] = when
			a, _ := money.Parse(csvtext.Clean(r[5]))
			values[5] = float64(a.Fen()) / 100
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", 18+i), &values); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 20); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

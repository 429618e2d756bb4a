package xlsx

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/money"
)

// wideBundle is the sample with the values whose rendered text is longest: a ten-hour call, a
// million-yuan payment, a date-time in every time column.
func wideBundle(t testing.TB) []byte {
	b, r := sampleBundle(t)
	b.Events[0].Duration = event.Seconds(36*3600 + 59*60 + 59)
	big := money.MustParse("12345678.90")
	b.Events[14].Amount = &big
	return render(t, b, r, Options{})
}

// TestColumnsFitTheirText reads every cell back as it is shown (excelize applies the number
// formats) and checks its column is at least as wide as the text, a wide rune counting two.
func TestColumnsFitTheirText(t *testing.T) {
	f := open(t, wideBundle(t))
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if v == "" || strings.Contains(v, "\n") {
					continue
				}
				col, _ := excelize.ColumnNumberToName(c + 1)
				w, err := f.GetColWidth(sh, col)
				if err != nil {
					t.Fatal(err)
				}
				need := float64(textWidth(v))
				typ, _ := f.GetCellType(sh, col+strconv.Itoa(r+1))
				// Text may run into the next cell or be cut at the cap; a number shows as ### when
				// it does not fit, so numbers, dates and durations must always fit.
				if typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && isNumeric(v) {
					if w < need+1 {
						t.Errorf("%s!%s%d %q needs %.0f, column is %.1f wide", sh, col, r+1, v, need, w)
					}
				} else if next := c + 1; next >= len(row) || row[next] == "" {
					// text with an empty cell to its right runs on into it
				} else if w < min(need+1, maxColWidth) {
					t.Errorf("%s!%s%d text %q needs %.0f, column is %.1f wide", sh, col, r+1, v, need, w)
				}
			}
		}
	}
}

var numericRe = regexp.MustCompile(`^[-0-9.,: ]+$`)

func isNumeric(s string) bool { return numericRe.MatchString(s) }

// TestChineseWorkbookSpeaksChinese: the columns that hold the workbook's own words (not the
// evidence's text) carry no codes and no English in a zh workbook.
func TestChineseWorkbookSpeaksChinese(t *testing.T) {
	b, r := sampleBundle(t)
	f := open(t, render(t, b, r, Options{}))
	ascii := regexp.MustCompile(`[A-Za-z]`)
	cols := map[string][]string{
		"时间线":  {"C", "D", "E", "H", "M", "N", "O", "Q"},
		"证据目录": {"E", "M"},
		"核查结果": {"B", "G"},
		"还款计划": {"G"},
		"汇总":   {"A"},
		"每日联系": {"A"},
	}
	for sh, cs := range cols {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for _, col := range cs {
				c, _ := excelize.ColumnNameToNumber(col)
				if c > len(row) {
					continue
				}
				if v := row[c-1]; ascii.MatchString(v) && !strings.Contains(v, "HB2025") {
					t.Errorf("%s!%s%d = %q: not Chinese", sh, col, i+1, v)
				}
			}
		}
	}
	if got, _ := f.GetCellValue("时间线", "N2"); got != "第44行" {
		t.Errorf("locator %q, want 第44行", got)
	}
	if got, _ := f.GetCellValue("证据目录", "E2"); got != "通话记录" {
		t.Errorf("kind %q, want 通话记录", got)
	}
}

// TestLibreOfficeShowsNoHashes opens the workbook in LibreOffice Calc, prints every sheet to PDF
// and reads the text back: a number wider than its column prints as "###".
func TestLibreOfficeShowsNoHashes(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed; make test-tools installs libreoffice-calc")
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed; make test-tools installs poppler-utils")
	}
	if testing.Short() {
		t.Skip("starts LibreOffice")
	}
	dir := t.TempDir()
	xlsxPath := filepath.Join(dir, "timeline.xlsx")
	if err := os.WriteFile(xlsxPath, wideBundle(t), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", dir, xlsxPath)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	done := make(chan error, 1)
	var out []byte
	go func() { out, err = cmd.CombinedOutput(); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("soffice did not finish in 3 minutes")
	}
	text, err := exec.Command(pdftotext, "-layout", filepath.Join(dir, "timeline.pdf"), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v (soffice said %s)", err, out)
	}
	if n := strings.Count(string(text), "###"); n > 0 {
		t.Errorf("LibreOffice shows ### %d times:\n%s", n, text)
	}
	for _, want := range []string{"核查结果统计", "2025-01-20 22:41:05", "36:59:59", "12,345,678.90", "第44行"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("printed workbook lacks %q", want)
		}
	}
}

func TestHolderText(t *testing.T) {
	b, r := sampleBundle(t)
	tests := []struct{ lang, name, role, want string }{
		{"zh", "张三", "self", "张三（本人）"},
		{"zh", "李四", "family", "李四（家属）"},
		{"zh", "王五", "third-party", "王五（第三方）"},
		{"en", "Li Si", "family", "Li Si (family)"},
		{"zh", "张三", "", "张三"},
		{"zh", "", "family", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.role, func(t *testing.T) {
			rd := newRenderer(b, r, Options{Lang: tt.lang})
			if got := rd.holderText(tt.name, tt.role); got != tt.want {
				t.Errorf("holderText(%q, %q) = %q, want %q", tt.name, tt.role, got, tt.want)
			}
		})
	}
}

package reliability

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// injection are the payloads a collector's export or a file name can carry into a spreadsheet.
var injection = []string{`HYPERLINK("http://evil.example`, `cmd|' /C calc'!A0`, `@SUM(1+1)`, `=1+1`, `=1+2+3`}

var (
	stringLiteral = regexp.MustCompile(`"(?:[^"]|"")*"`)
	ownLink       = regexp.MustCompile(`^HYPERLINK\("(?:[^"]|"")*",\s*"(?:[^"]|"")*"\)$`)
)

// TestFormulaInjection adds a call log whose cells and a file whose name start with = + - @,
// renders the workbook, and requires every such value to be text: no cell of any sheet may
// hold a formula built from evidence. (dossier writes no CSV; the workbook is its only
// spreadsheet output.)
func TestFormulaInjection(t *testing.T) {
	t.Parallel()
	root := scratchDir(t)
	src := filepath.Join(root, "evidence")
	b, err := os.ReadFile("testdata/hostile/formula-injection.csv")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(src, "formula-injection.csv"), b)
	write(t, filepath.Join(src, "=1+2+3.txt"), []byte("a file whose name is a formula"))
	write(t, filepath.Join(src, "@SUM(1+1).txt"), []byte("another"))
	write(t, filepath.Join(src, `x",1+2+3,"y.txt`), []byte("a name that tries to close the link's string"))
	caseDir := newCase(t, root)
	must(t, caseDir, "add", src)
	must(t, caseDir, "xlsx")

	f, err := excelize.OpenFile(filepath.Join(caseDir, "out", "workbook.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				formula, err := f.GetCellFormula(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				// The workbook's own links carry names only inside string literals, quotes
				// doubled; evidence anywhere else in a formula is an injection.
				outside := stringLiteral.ReplaceAllString(formula, `""`)
				if formula != "" && !ownLink.MatchString(formula) {
					t.Errorf("%s!%s: a formula the workbook does not make: %q", sheet, cell, formula)
				}
				for _, p := range injection {
					if strings.Contains(strings.ToLower(outside), strings.ToLower(strings.TrimPrefix(p, "="))) {
						t.Errorf("%s!%s: evidence became part of a formula: %q", sheet, cell, formula)
					}
					if strings.Contains(strings.ToLower(v), strings.ToLower(p)) {
						seen[p] = true
					}
				}
			}
		}
	}
	// The payloads must still be there, as text: evidence is shown, not dropped.
	for _, p := range []string{`HYPERLINK("http://evil.example`, `=1+2+3`} {
		if !seen[p] {
			t.Errorf("%q does not appear as text anywhere in the workbook", p)
		}
	}
}

// TestRedaction renders the packet with --redact from evidence that carries the complainant's
// ID number and phone, the spouse's phone and a bank card number in several spellings, and
// requires none of them anywhere in the PDF's text, however the text is spaced.
func TestRedaction(t *testing.T) {
	t.Parallel()
	root := scratchDir(t)
	caseDir := samplesCase(t) // the sample evidence and case.yaml, to which the message is added
	body := "尊敬的张三（身份证110101199001011234），您尾号的银行卡6222 0212 3456 7890 123已逾期，" +
		"请回电13900001234或+86 139-0000-1234，否则联系家属13800138000（0086 138 0013 8000）。卡号6222021234567890123"
	sms := "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n" +
		"<smses count=\"1\" backup_set=\"0c9d1e2f-0000-4000-8000-000000000002\" backup_date=\"1744689600000\" type=\"full\">\n" +
		"  <sms protocol=\"0\" address=\"15900001111\" date=\"1738767000000\" type=\"1\" subject=\"null\" body=\"" + body +
		"\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" status=\"-1\" locked=\"0\" date_sent=\"0\" sub_id=\"1\" readable_date=\"2025年2月5日 22:50:00\" contact_name=\"(Unknown)\" />\n" +
		"</smses>\n"
	write(t, filepath.Join(root, "evidence", "sms-20250415120000.xml"), []byte(sms))
	must(t, caseDir, "add", filepath.Join(root, "evidence"))
	must(t, caseDir, "pdf", "--redact", "-o", "out/redacted.pdf")
	text := pdfText(t, filepath.Join(caseDir, "out", "redacted.pdf"))
	if text == "" {
		t.Skip("pdftotext (poppler-utils) is needed to read the packet's text")
	}
	digits := regexp.MustCompile(`[\s\-+]`).ReplaceAllString(text, "")
	for _, secret := range []string{"110101199001011234", "13900001234", "13800138000", "6222021234567890123"} {
		if strings.Contains(text, secret) || strings.Contains(digits, secret) {
			i := strings.Index(digits, secret)
			t.Errorf("%s is in the redacted packet's text (…%s…)", secret, digits[max(0, i-30):min(len(digits), i+len(secret)+30)])
		}
	}
	// The rest of the message survives: redaction masks values, it does not drop evidence.
	if !strings.Contains(digits, "15900001111") && !strings.Contains(text, "15900001111") {
		t.Errorf("the collector's number is gone from the redacted packet; only the listed values are masked")
	}
}

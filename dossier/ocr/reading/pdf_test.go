package reading

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/internal/hostile"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

// A PDF of 45 scanned pages has 40 read and a warning for the rest, so a long or hostile file
// costs a bounded time; a PDF whose pages have text has nothing to read.
func TestScannedPagesAreCapped(t *testing.T) {
	pages := 45
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	var kids []string
	img := hostile.StreamObj("/Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
		hostile.Deflate(bytes.Repeat([]byte{0xFF}, 100)))
	objs = append(objs, img) // object 3
	for i := range pages {
		page, content := len(objs)+1, len(objs)+2
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 3 0 R >> >> /Contents %d 0 R >>", content),
			hostile.StreamObj("", []byte(fmt.Sprintf("q 595 0 0 842 0 0 cm /Im0 Do Q %% page %d", i+1))))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages)
	path := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(path, hostile.RawPDF(objs, "/Root 1 0 R"), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []int
	var warning string
	err := scannedPages(path, func(_ *pdfdoc.Doc, scans []scanAt, warn string) error {
		for _, s := range scans {
			got = append(got, s.n)
		}
		warning = warn
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != MaxScanPages || got[0] != 1 || got[len(got)-1] != MaxScanPages {
		t.Errorf("pages %v, want 1 to %d", got, MaxScanPages)
	}
	if warning != "5 more scanned pages not read (at most 40 are)" {
		t.Errorf("warning %q", warning)
	}
	if !hasScans(path) {
		t.Error("hasScans: false for a scanned PDF")
	}
	if hasScans("../../parse/pdfdoc/testdata/one_page.pdf") {
		t.Error("hasScans: true for a PDF with text")
	}
}

// case.yaml's ocr_corrections number a scanned PDF's lines on from page to page.
func TestCorrectionsNumberPagesOn(t *testing.T) {
	r := &Reading{Exhibit: 3, Pages: []ScanPage{
		{Number: 1, Page: ocr.Page{Lines: []ocr.Line{{Text: "分期还款协议"}, {Text: "申方"}}}},
		{Number: 2, Page: ocr.Page{Lines: []ocr.Line{{Text: "附件"}, {Text: "合计12000.00元"}}}},
	}}
	c, err := caseconf.Parse(strings.NewReader("ocr_corrections:\n  - {exhibit: 3, line: 2, text: 甲方}\n  - {exhibit: 3, line: 4, text: 合计13000.00元}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := Corrected(c, r)
	if got.Text() != "分期还款协议\n甲方\n附件\n合计13000.00元" {
		t.Errorf("corrected text %q", got.Text())
	}
	if r.Pages[0].Lines[1].Text != "申方" {
		t.Error("the stored reading was changed")
	}
}

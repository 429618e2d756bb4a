package pdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/dossier-tool/dossier/dossier/internal/hostile"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/templates"
)

// manyPagesPDF writes an n-page PDF with a distinct line of text on each page.
func manyPagesPDF(t testing.TB, n int) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("cjk", "", templates.Font())
	f.SetCreationDate(time.Date(2025, 1, 29, 10, 0, 0, 0, time.UTC))
	f.SetModificationDate(time.Date(2025, 1, 29, 10, 0, 0, 0, time.UTC))
	for p := 1; p <= n; p++ {
		f.AddPage()
		f.SetFont("cjk", "", 14)
		f.Text(20, 30, fmt.Sprintf("协议第%d页", p))
		for l := 0; l < 20; l++ {
			f.Text(20, 40+float64(l)*6, fmt.Sprintf("第%d行 甲方乙方协商一致 分期还款 %d", l, p*100+l))
		}
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The shared builders of hostile files, under the names these tests use.
var (
	rawPDF     = hostile.RawPDF
	streamObj  = hostile.StreamObj
	deflate    = hostile.Deflate
	selfPrev   = hostile.SelfPrev
	objStmSelf = hostile.ObjStmSelf
)

const (
	pageContent = hostile.PageContent
	helvetica   = hostile.Helvetica
)

// hostilePDFs are files built to make a reader loop, recurse, allocate or inflate without end.
// pages is how many pages must be shown (0: the exhibit gets a page saying why not).
func hostilePDFs(t testing.TB) []struct {
	name  string
	data  []byte
	pages int
} {
	big := manyPagesPDF(t, 150)
	if len(big) < 64<<10 {
		t.Fatalf("the cut-short source is only %d bytes", len(big))
	}
	bomb := deflate(deflate(bytes.Repeat([]byte{' '}, 100<<20)))
	plain := func(extraPage, extraTrailer string) []byte {
		return rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R " + extraPage + " >>",
			streamObj("", []byte(pageContent)),
			helvetica,
		}, "/Root 1 0 R "+extraTrailer)
	}
	cases := []struct {
		name  string
		data  []byte
		pages int
	}{
		{"plain", plain("", ""), 1},
		{"29-byte fake", []byte("%PDF-1.4\n%fake pdf\n%%EOF\n   "), 0},
		{"first 48 KiB", big[:48<<10], 0},
		{"cut at a third", big[:len(big)/3], 0},
		{"cut before startxref", big[:bytes.LastIndex(big, []byte("startxref"))], 150},
		{"cut short, ends on whitespace", append(big[:len(big)/2:len(big)/2], bytes.Repeat([]byte(" \n"), 600)...), 0},
		{"no startxref in the last 1500 bytes", append(bytes.Clone(big[:bytes.LastIndex(big, []byte("startxref"))]), bytes.Repeat([]byte("%padding\n"), 400)...), 150},
		{"prev loops to itself", selfPrev(), 1},
		{"kids cycle", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
			"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R 4 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
			streamObj("", []byte(pageContent)),
			helvetica,
		}, "/Root 1 0 R"), 1},
		{"parent loop", plain("/Parent 3 0 R", ""), 1},
		{"resources reach the page tree", plain("/XObject << /Loop 2 0 R >>", ""), 1},
		{"length of a terabyte", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
			strings.Replace(streamObj("", []byte(pageContent)), fmt.Sprintf("/Length %d", len(pageContent)), "/Length 1099511627776", 1),
			helvetica,
		}, "/Root 1 0 R"), 1},
		{"count of two billion", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
			streamObj("", []byte(pageContent)),
			helvetica,
		}, "/Root 1 0 R"), 1},
		{"double-flate bomb in split content", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] /Resources << /Font << /F1 5 0 R >> >> >>",
			streamObj("", []byte(pageContent)),
			helvetica,
			streamObj("/Filter [/FlateDecode /FlateDecode]", bomb),
		}, "/Root 1 0 R"), 0},
		{"double-flate bomb as the content", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
			streamObj("/Filter [/FlateDecode /FlateDecode]", bomb),
		}, "/Root 1 0 R"), 0},
		{"flate bomb in split content", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] /Resources << /Font << /F1 5 0 R >> >> >>",
			streamObj("", []byte(pageContent)),
			helvetica,
			streamObj("/Filter /FlateDecode", deflate(bytes.Repeat([]byte{' '}, 100<<20))),
		}, "/Root 1 0 R"), 0},
		{"long token", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /X /" + strings.Repeat("A", 8<<20) + " >>",
			streamObj("", []byte(pageContent)),
		}, "/Root 1 0 R"), 0},
		{"object stream holding itself", objStmSelf(), 0},
		{"encrypted", agreementPDF(t, true), 0},
		{"four hundred pages", manyPagesPDF(t, 400), 400},
	}
	return cases
}

// Every hostile PDF gives a packet: its pages when they can be read, otherwise a page saying why;
// never a panic, a hang or a runaway allocation. How long each takes is logged (the speed target
// lives in BenchmarkHostilePDF).
func TestHostilePDFs(t *testing.T) {
	for _, tc := range hostilePDFs(t) {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t)
			it := &fx.bundle.Items[4] // the agreement slot
			it.SHA256, it.Size, it.Name, it.MIME, it.Kind = fx.store.put(tc.data), int64(len(tc.data)), "x.pdf", "application/pdf", parse.KindAgreement
			start := time.Now()
			data := render(t, fx, Options{NoAttach: true})
			t.Logf("%d bytes in, packet in %v", len(tc.data), time.Since(start).Round(time.Millisecond))
			plan := newDoc(fx.bundle, fx.report, Options{Lang: "zh"}, "", nil, nil).pdfPlan(it)
			if got := len(plan.pages); got != tc.pages {
				t.Errorf("%d pages shown, want %d (why: %q)", got, tc.pages, plan.why)
			}
			if tc.pages == 0 && !strings.HasPrefix(plan.why, "PDF") {
				t.Errorf("no pages and the reason is %q", plan.why)
			}
			if testing.Short() {
				return
			}
			path := writeTemp(t, data)
			if out, err := exec.Command(tool(t, "qpdf"), "--check", path).CombinedOutput(); err != nil {
				t.Errorf("qpdf --check of the packet: %v\n%s", err, out)
			}
		})
	}
}

func BenchmarkHostilePDF(b *testing.B) {
	for _, tc := range hostilePDFs(b) {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			fx := newFixture(b)
			it := &fx.bundle.Items[4]
			it.SHA256, it.Size, it.Kind = fx.store.put(tc.data), int64(len(tc.data)), parse.KindAgreement
			for i := 0; i < b.N; i++ {
				newDoc(fx.bundle, fx.report, Options{Lang: "zh"}, "", nil, nil).pdfPlan(it)
			}
		})
	}
}

// The PDFs current writers produce — object streams and cross-reference streams, linearized,
// incremental updates, PDF 2.0 — are imported page for page, their text still text.
func TestModernPDFsImport(t *testing.T) {
	qpdf := tool(t, "qpdf")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.pdf")
	if err := os.WriteFile(src, manyPagesPDF(t, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"object streams", []string{"--object-streams=generate"}},
		{"linearized", []string{"--linearize"}},
		{"linearized with object streams", []string{"--linearize", "--object-streams=generate"}},
		{"pdf 2.0", []string{"--force-version=2.0", "--object-streams=generate"}},
		{"compressed, predictor", []string{"--object-streams=generate", "--compress-streams=y", "--recompress-flate"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".pdf")
			if msg, err := exec.Command(qpdf, append(tc.args, src, out)...).CombinedOutput(); err != nil {
				t.Fatalf("qpdf: %v\n%s", err, msg)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			checkImported(t, data, 1, 2, 3)
		})
	}
	t.Run("incremental update", func(t *testing.T) {
		base := manyPagesPDF(t, 3)
		// Append an update that replaces page 2's content.
		b := bytes.NewBuffer(bytes.Clone(base))
		at := b.Len()
		content := "BT /F1 20 Tf 72 700 Td (Replaced in an update) Tj ET"
		fmt.Fprintf(b, "900 0 obj\n%s\nendobj\n901 0 obj\n%s\nendobj\n", streamObj("", []byte(content)), helvetica)
		pageNum, pageDict := pageObject(t, base, 2)
		pageDict = strings.Replace(pageDict, "/Contents", "/Contents 900 0 R /Old", 1)
		pageDict = strings.Replace(pageDict, "/Resources", "/Resources << /Font << /F1 901 0 R >> >> /OldRes", 1)
		pat := b.Len()
		fmt.Fprintf(b, "%d 0 obj\n%s\nendobj\n", pageNum, pageDict)
		x := b.Len()
		prev := bytes.LastIndex(base, []byte("startxref"))
		var prevOff int
		fmt.Sscanf(string(base[prev+10:]), "%d", &prevOff)
		root := regexpFind(t, base, `/Root (\d+) 0 R`)
		fmt.Fprintf(b, "xref\n900 2\n%010d 00000 n \n%010d 00000 n \n%d 1\n%010d 00000 n \ntrailer\n<< /Size 902 /Root %s 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
			at, at+len(fmt.Sprintf("900 0 obj\n%s\nendobj\n", streamObj("", []byte(content)))), pageNum, pat, root, prevOff, x)
		checkImported(t, b.Bytes(), 1, 3)
		path := writeTemp(t, renderWith(t, b.Bytes()))
		if text := pdftotext(t, path, 0, 0, false); !strings.Contains(text, "Replaced in an update") {
			t.Error("the updated page's content is not the one shown")
		}
	})
}

func pageObject(t *testing.T, pdf []byte, n int) (int, string) {
	t.Helper()
	objs := regexpAll(pdf, `(?s)(\d+) 0 obj\s*(<<\s*/Type /Page\b.*?)\s*endobj`)
	if len(objs) < n {
		t.Fatalf("%d page objects", len(objs))
	}
	var num int
	fmt.Sscanf(objs[n-1][1], "%d", &num)
	return num, objs[n-1][2]
}

func renderWith(t *testing.T, pdfData []byte) []byte {
	fx := newFixture(t)
	it := &fx.bundle.Items[4]
	it.SHA256, it.Size = fx.store.put(pdfData), int64(len(pdfData))
	return render(t, fx, Options{NoAttach: true})
}

// checkImported renders a packet with pdfData as the agreement and checks its pages' text.
func checkImported(t *testing.T, pdfData []byte, pages ...int) {
	t.Helper()
	data := renderWith(t, pdfData)
	path := writeTemp(t, data)
	text := squeeze(pdftotext(t, path, 0, 0, false))
	for _, p := range pages {
		if !strings.Contains(text, fmt.Sprintf("协议第%d页", p)) {
			t.Errorf("page %d's text is not in the packet", p)
		}
	}
	if strings.Contains(text, "PDF无法导入") {
		t.Error("the packet says a PDF cannot be imported")
	}
	if out, err := exec.Command(tool(t, "qpdf"), "--check", path).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
}

func regexpFind(t *testing.T, b []byte, re string) string {
	m := regexp.MustCompile(re).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s not found", re)
	}
	return string(m[1])
}

func regexpAll(b []byte, re string) [][]string {
	var out [][]string
	for _, m := range regexp.MustCompile(re).FindAllSubmatch(b, -1) {
		row := make([]string, len(m))
		for i, x := range m {
			row[i] = string(x)
		}
		out = append(out, row)
	}
	return out
}

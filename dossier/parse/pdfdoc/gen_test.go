package pdfdoc

// The PDF fixtures under testdata and the sample case's agreement and e-mail are generated here
// so that they can be reproduced:
//
//	go test ./dossier/parse/pdfdoc -run TestGenerate -gen-fixtures   (needs qpdf)
//	go test ./dossier/parse/pdfdoc -run TestGenerate -gen-samples    (needs DroidSansFallbackFull.ttf)
//
// Both are off by default; the tests proper read the committed files.

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"mime"
	"mime/multipart"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"
)

var (
	genFixtures = flag.Bool("gen-fixtures", false, "regenerate the PDF fixtures in testdata (needs qpdf)")
	genSamples  = flag.Bool("gen-samples", false, "regenerate the sample agreement PDF and collection e-mail")
)

var cst = time.FixedZone("CST", 8*3600)

const cjkFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// newPDF returns a document with fixed dates and producer, so that output is reproducible.
func newPDF(created time.Time) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetProducer("fpdf", false)
	pdf.SetCatalogSort(true)
	return pdf
}

func output(t *testing.T, pdf *fpdf.Fpdf) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// latinPages writes n pages of ASCII text with a core font.
func latinPages(pdf *fpdf.Fpdf, n int) {
	pdf.SetFont("Helvetica", "", 12)
	for i := 1; i <= n; i++ {
		pdf.AddPage()
		pdf.Cell(0, 10, fmt.Sprintf("Test page %d of %d", i, n))
	}
}

// pdfText encodes s as a PDF text string: UTF-16BE with a byte-order mark, in hex.
func pdfText(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

var (
	startxrefRe = regexp.MustCompile(`startxref\s+(\d+)`)
	sizeRe      = regexp.MustCompile(`/Size (\d+)`)
	rootRe      = regexp.MustCompile(`/Root (\d+) 0 R`)
)

// appendInfo adds an incremental update with a new document information dictionary, the way a
// signing or editing tool rewrites metadata without touching the original bytes. fpdf writes
// dates without a time zone offset; the update carries them with one.
func appendInfo(t *testing.T, pdf []byte, info string) []byte {
	t.Helper()
	last := func(re *regexp.Regexp) string {
		m := re.FindAllSubmatch(pdf, -1)
		if len(m) == 0 {
			t.Fatalf("no %s in the generated PDF", re)
		}
		return string(m[len(m)-1][1])
	}
	prev, size, root := last(startxrefRe), last(sizeRe), last(rootRe)
	var n int
	fmt.Sscan(size, &n)
	var b bytes.Buffer
	b.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		b.WriteByte('\n')
	}
	obj := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<<%s>>\nendobj\n", n, info)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n", n, obj)
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %s 0 R /Info %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", n+1, root, n, prev, xref)
	return b.Bytes()
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(data))
}

func qpdf(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("qpdf", args...).CombinedOutput(); err != nil {
		// qpdf exits 3 for warnings, which still produce a file.
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
			t.Fatalf("qpdf %v: %v\n%s", args, err, out)
		}
	}
}

func TestGenerateFixtures(t *testing.T) {
	if !*genFixtures {
		t.Skip("run with -gen-fixtures to regenerate")
	}
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Skip("qpdf is not installed")
	}
	created := time.Date(2025, 1, 29, 10, 30, 0, 0, cst)

	pdf := newPDF(created)
	pdf.SetTitle("One page", false)
	latinPages(pdf, 1)
	write(t, "testdata/one_page.pdf", output(t, pdf))

	pdf = newPDF(created)
	pdf.SetTitle("分期还款协议", true)
	pdf.SetAuthor("支付宝客服", true)
	pdf.SetCreator("协议生成器", true)
	latinPages(pdf, 3)
	three := output(t, pdf)
	write(t, "testdata/three_pages_cjk_title.pdf", three)

	// An incremental update whose info dictionary has dates with offsets and PDFDocEncoding.
	write(t, "testdata/incremental_update.pdf", appendInfo(t, three,
		" /Title (R\\351sum\\351 \\204 \\223nal) /Producer (edit tool) /CreationDate (D:20250129103000+08'00') /ModDate (D:20250130083000Z)"))

	qpdf(t, "--object-streams=generate", "--deterministic-id", "testdata/three_pages_cjk_title.pdf", "testdata/xref_stream.pdf")
	qpdf(t, "--static-id", "--static-aes-iv", "--encrypt", "u", "o", "256", "--", "testdata/one_page.pdf", "testdata/encrypted.pdf")
	write(t, "testdata/truncated.pdf", three[:len(three)*2/3])

	// Junk before the header and a startxref that points nowhere: the file must be repaired by
	// scanning.
	bad := append([]byte("garbage line\n"), three...)
	bad = startxrefRe.ReplaceAll(bad, []byte("startxref\n999999"))
	write(t, "testdata/broken_xref.pdf", bad)
}

// TestGenerateSamples writes the sample case's agreement PDF (with its sidecar) and the
// collection e-mail with its PDF attachment.
func TestGenerateSamples(t *testing.T) {
	if !*genSamples {
		t.Skip("run with -gen-samples to regenerate")
	}
	font, err := os.ReadFile(cjkFont)
	if err != nil {
		t.Skipf("CJK font missing: %v", err)
	}
	root := filepath.Join("..", "..", "..", "samples", "evidence")

	created := time.Date(2025, 1, 29, 10, 30, 0, 0, cst)
	pdf := newPDF(created)
	pdf.AddUTF8FontFromBytes("cjk", "", font)
	para := func(size float64, text string) {
		writeWrapped(pdf, size, size*0.6, text)
		pdf.Ln(2)
	}
	pdf.AddPage()
	pdf.SetFont("cjk", "", 18)
	pdf.CellFormat(0, 14, "分期还款协议", "", 1, "C", false, 0, "")
	para(10, "协议编号：HB2025012900321")
	para(11, "甲方（债权人）：重庆蚂蚁消费金融有限公司（花呗），经支付宝客服（95188）协商\n"+
		"乙方（借款人）：张三，身份证号 110101199001011234，手机 13900001234")
	para(11, "鉴于乙方因收入下降无法按期偿还花呗欠款，双方经协商一致，于2025年1月29日达成如下分期还款安排：")
	para(11, "第一条  乙方欠款本息合计人民币12000.00元，分12期偿还，每期1000.00元。")
	para(11, "第二条  首期还款日为2025年2月10日，此后每月10日为当期还款日，末期还款日为2026年1月10日。")
	para(11, "第三条  乙方按期还款期间，甲方及其委托的催收机构不再就本协议所涉欠款进行催收，"+
		"不得联系乙方的家属或其他第三人。")
	para(11, "第四条  乙方可通过支付宝花呗还款入口或银行转账至花呗还款账户还款，以甲方系统入账记录为准。")
	pdf.AddPage()
	para(11, "第五条  如乙方连续两期未按时还款，甲方有权要求乙方一次性偿还剩余欠款。")
	para(11, "第六条  本协议自双方确认之日起生效。本协议以电子方式达成，由支付宝客服通过电子邮件发送给乙方。")
	para(11, "还款计划：")
	for i := 0; i < 12; i++ {
		due := time.Date(2025, time.February+time.Month(i), 10, 0, 0, 0, 0, cst)
		para(10, fmt.Sprintf("第%d期  %s  1000.00元", i+1, due.Format("2006-01-02")))
	}
	para(11, "甲方：重庆蚂蚁消费金融有限公司（支付宝客服代为确认）\n乙方：张三\n日期：2025年1月29日")
	agreement := appendInfo(t, output(t, pdf), fmt.Sprintf(
		" /Title %s /Author %s /Subject %s /Creator (fpdf) /Producer (fpdf) /CreationDate (D:20250129103000+08'00') /ModDate (D:20250129103000+08'00')",
		pdfText("分期还款协议"), pdfText("支付宝客服"), pdfText("协议编号 HB2025012900321")))
	write(t, filepath.Join(root, "agreement", "分期还款协议.pdf"), agreement)
	write(t, filepath.Join(root, "agreement", "分期还款协议.pdf.meta.yaml"), []byte(
		"kind: agreement\n"+
			"title: 分期还款协议\n"+
			"purpose: 证明双方于2025年1月29日达成12期分期还款协议\n"+
			"source: 支付宝客服邮件发送\n"))

	sent := time.Date(2025, 2, 20, 22, 30, 0, 0, cst)
	notice := newPDF(sent)
	notice.AddUTF8FontFromBytes("cjk", "", font)
	notice.SetTitle("催收函", true)
	notice.AddPage()
	notice.SetFont("cjk", "", 16)
	notice.CellFormat(0, 12, "催收函", "", 1, "C", false, 0, "")
	writeWrapped(notice, 11, 7, "张三：\n您在花呗的欠款已由我司受托催收。请于2025年2月25日前一次性结清全部欠款12000.00元，"+
		"否则我司将联系您的家属及工作单位，并上门催收。\n某某资产管理有限公司\n2025年2月20日")
	attachment := output(t, notice)
	write(t, filepath.Join(root, "email", "催收通知.eml"), collectionEmail(t, sent, attachment))
}

// writeWrapped writes text line by line, breaking between characters: fpdf's MultiCell drops
// the character at a break in text without spaces, which is all Chinese text. The CJK font has no
// Latin glyphs, so ASCII runs are set in Helvetica.
func writeWrapped(pdf *fpdf.Fpdf, size, lineHeight float64, text string) {
	left, _, right, _ := pdf.GetMargins()
	pageWidth, _ := pdf.GetPageSize()
	width := pageWidth - left - right
	fontFor := func(r rune) string {
		if r < 0x80 {
			return "Helvetica"
		}
		return "cjk"
	}
	runeWidth := func(r rune) float64 {
		pdf.SetFont(fontFor(r), "", size)
		return pdf.GetStringWidth(string(r))
	}
	emit := func(line []rune) {
		for i := 0; i < len(line); {
			j := i
			for j < len(line) && fontFor(line[j]) == fontFor(line[i]) {
				j++
			}
			run := string(line[i:j])
			pdf.SetFont(fontFor(line[i]), "", size)
			pdf.CellFormat(pdf.GetStringWidth(run), lineHeight, run, "", 0, "L", false, 0, "")
			i = j
		}
		pdf.Ln(lineHeight)
	}
	for _, para := range strings.Split(text, "\n") {
		var line []rune
		used := 0.0
		for _, r := range para {
			w := runeWidth(r)
			if used+w > width {
				emit(line)
				line, used = nil, 0
			}
			line = append(line, r)
			used += w
		}
		emit(line)
	}
}

// collectionEmail builds the sample notice the agency sent after the agreement.
func collectionEmail(t *testing.T, sent time.Time, pdf []byte) []byte {
	var b bytes.Buffer
	const boundary = "----=_Part_20250220223000_8833"
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("Received", "from mail.cuishou-agency.example (mail.cuishou-agency.example [192.0.2.25])\r\n\tby mx.example.com with ESMTPS id 7F3A21C0042\r\n\tfor <zhangsan@example.com>; Thu, 20 Feb 2025 22:30:04 +0800 (CST)")
	hdr("From", mime.BEncoding.Encode("UTF-8", "某某资产管理有限公司")+" <notice@cuishou-agency.example>")
	hdr("To", mime.BEncoding.Encode("UTF-8", "张三")+" <zhangsan@example.com>")
	hdr("Subject", mime.BEncoding.Encode("UTF-8", "关于您花呗欠款的催收通知"))
	hdr("Date", sent.Format("Mon, 2 Jan 2006 15:04:05 -0700"))
	hdr("Message-ID", "<20250220223000.8833@cuishou-agency.example>")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", `multipart/mixed; boundary="`+boundary+`"`)
	b.WriteString("\r\n")

	mw := multipart.NewWriter(&b)
	if err := mw.SetBoundary(boundary); err != nil {
		t.Fatal(err)
	}
	body := "张三先生/女士：\r\n\r\n" +
		"您在花呗的欠款已逾期，本公司受债权人委托向您催收。\r\n" +
		"请于2025年2月25日前一次性结清全部欠款12000.00元。\r\n" +
		"逾期未处理的，本公司将联系您的家属（包括您的配偶李四）及工作单位核实情况，并安排人员上门催收。\r\n\r\n" +
		"详见附件《催收函》。\r\n\r\n" +
		"某某资产管理有限公司\r\n" +
		"2025年2月20日\r\n"
	part := func(h textproto.MIMEHeader, data []byte) {
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		enc := base64.StdEncoding.EncodeToString(data)
		for len(enc) > 76 {
			fmt.Fprintf(w, "%s\r\n", enc[:76])
			enc = enc[76:]
		}
		fmt.Fprintf(w, "%s\r\n", enc)
	}
	part(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=UTF-8"},
		"Content-Transfer-Encoding": {"base64"},
	}, []byte(body))
	name := "催收函.pdf"
	part(textproto.MIMEHeader{
		"Content-Type":              {`application/pdf; name="` + mime.BEncoding.Encode("UTF-8", name) + `"`},
		"Content-Disposition":       {"attachment; filename*=UTF-8''" + pctEncode(name)},
		"Content-Transfer-Encoding": {"base64"},
	}, pdf)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pctEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

package dossier

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/render/pdf"
)

// The sample agreement PDF and the PDF attached to the sample e-mail once shared one XObject name,
// and the attachment's page was printed as the agreement's. Every imported page must show its own
// document: each exhibit page's text (pdftotext) has its document's words and not the other's.
func TestEachExhibitShowsItsOwnPages(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skipf("pdftotext not installed (poppler-utils): %v", err)
	}
	c := sampleCase(t)
	var buf bytes.Buffer
	if err := c.PDF(&buf, pdf.Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "packet.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b, _, _, err := c.documentInputs("")
	if err != nil {
		t.Fatal(err)
	}
	// Words only each document's own pages have (not its title or file name).
	words := map[string]string{}
	for _, it := range b.Items {
		switch {
		case strings.HasSuffix(it.Name, "分期还款协议.pdf"):
			words[fmt.Sprintf("证据%d", it.Exhibit)] = "协议编号：HB2025012900321"
		case strings.HasSuffix(it.Name, ".pdf"):
			words[fmt.Sprintf("证据%d", it.Exhibit)] = "已由我司受托催收"
		}
	}
	if len(words) < 2 {
		t.Fatalf("the samples hold %d PDFs, want the agreement and the e-mail's attachment", len(words))
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	stamp := regexp.MustCompile(`(证据\d+) · 第\d+页`)
	seen := map[string]int{}
	for i, page := range strings.Split(string(out), "\f") {
		m := stamp.FindStringSubmatch(page)
		if m == nil {
			continue
		}
		want, ok := words[m[1]]
		if !ok {
			continue
		}
		seen[m[1]]++
		for label, other := range words {
			if other != want && strings.Contains(page, other) {
				t.Errorf("page %d, %s: shows %q (from %s's document)", i+1, m[1], other, label)
			}
		}
		if seen[m[1]] == 1 && !strings.Contains(page, want) {
			t.Errorf("page %d, %s: %q not on the document's first page", i+1, m[1], want)
		}
	}
	for label := range words {
		if seen[label] == 0 {
			t.Errorf("%s has no pages in the packet", label)
		}
	}
}

// A redacted packet once printed the complainant's ID-card number and phone on the imported
// agreement's pages, in view and in the text layer, and attached the unredacted originals. Now
// nothing of the file gives a masked value back: not its text (pdftotext), not its uncompressed
// objects (qpdf --qdf), not its attachments, not what its pages show (OCR of the rendered pages,
// which finds the numbers on the same pages of the unredacted packet, so the check can fail).
func TestRedactedPacketLeaksNothing(t *testing.T) {
	tools := map[string]string{}
	for _, name := range []string{"pdftotext", "qpdf", "pdfdetach", "pdftoppm", "tesseract"} {
		p, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("%s not installed (poppler-utils, qpdf, tesseract-ocr): %v", name, err)
		}
		tools[name] = p
	}
	c := sampleCase(t)
	b, _, _, err := c.documentInputs("")
	if err != nil {
		t.Fatal(err)
	}
	values := []string{b.Case.Complainant.IDNumber, b.Case.Complainant.Phone}
	for _, ct := range b.Case.Contacts {
		if ct.Role == "family" && ct.Number != "" {
			values = append(values, ct.Number)
		}
	}
	digitsOf := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == 'X' {
				return r
			}
			return -1
		}, strings.ToUpper(s))
	}
	dir := t.TempDir()
	packets := map[bool]string{}
	for _, redact := range []bool{false, true} {
		var buf bytes.Buffer
		if err := c.PDF(&buf, pdf.Options{Redact: redact}); err != nil {
			t.Fatal(err)
		}
		packets[redact] = filepath.Join(dir, fmt.Sprintf("packet-%v.pdf", redact))
		if err := os.WriteFile(packets[redact], buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := packets[true]
	run := func(name string, args ...string) []byte {
		out, err := exec.Command(tools[name], args...).Output()
		if err != nil {
			t.Fatalf("%s %v: %v", name, args, err)
		}
		return out
	}
	text := string(run("pdftotext", "-enc", "UTF-8", path, "-"))
	qdf := filepath.Join(dir, "qdf.pdf")
	run("qpdf", "--qdf", "--object-streams=disable", "--stream-data=uncompress", path, qdf)
	raw, err := os.ReadFile(qdf)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		d := digitsOf(v)
		if strings.Contains(digitsOf(text), d) {
			t.Errorf("%s is in the redacted packet's text", v)
		}
		utf16 := ""
		for _, r := range d {
			utf16 += fmt.Sprintf("00%X", r)
		}
		if bytes.Contains(raw, []byte(d)) || bytes.Contains(bytes.ToUpper(raw), []byte(utf16)) {
			t.Errorf("%s is in the redacted packet's objects", v)
		}
	}
	if list := string(run("pdfdetach", "-list", path)); !strings.HasPrefix(list, "1 embedded files") || !strings.Contains(list, "manifest.json") {
		t.Errorf("a redacted packet carries more than its manifest:\n%s", list)
	}
	// The pages of the imported PDFs, as an OCR engine reads them.
	stamp := regexp.MustCompile(`(证据\d+) · 第\d+页`)
	pdfExhibits := map[string]bool{}
	for _, it := range b.Items {
		if strings.HasSuffix(it.Name, "分期还款协议.pdf") { // the imported PDF that holds the numbers
			pdfExhibits[fmt.Sprintf("证据%d", it.Exhibit)] = true
		}
	}
	ocr := func(packet string, page int) string {
		png := filepath.Join(dir, fmt.Sprintf("p%d", page))
		run("pdftoppm", "-png", "-r", "150", "-singlefile", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), packet, png)
		return string(run("tesseract", png+".png", "-", "--psm", "6"))
	}
	checked := 0
	for i, page := range strings.Split(text, "\f") {
		m := stamp.FindStringSubmatch(page)
		if m == nil || !pdfExhibits[m[1]] {
			continue
		}
		seen := digitsOf(ocr(path, i+1))
		for _, v := range values {
			if strings.Contains(seen, digitsOf(v)) {
				t.Errorf("page %d (%s) shows %s", i+1, m[1], v)
			}
		}
		if checked == 0 {
			// The same page unredacted: the OCR must find the ID number there.
			if !strings.Contains(digitsOf(ocr(packets[false], i+1)), digitsOf(values[0])) {
				t.Errorf("OCR does not find %s on page %d of the unredacted packet: the check proves nothing", values[0], i+1)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Error("no imported PDF page found in the redacted packet")
	}
}

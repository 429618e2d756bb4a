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
	b, _, _, err := c.documentInputs()
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

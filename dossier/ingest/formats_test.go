package ingest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/parse/formats"
)

// addReal adds files (name → bytes) to a fresh case with every real parser and returns the items.
func addReal(t *testing.T, files map[string][]byte, opt ingest.Options) []evidence.Item {
	t.Helper()
	dir := t.TempDir()
	f, err := casefolder.Init(filepath.Join(dir, "case"), casefolder.InitOptions{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.Case()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "src")
	for name, b := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opt.Parsers = formats.All()
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if _, err := ingest.Add(f, c, []string{src}, opt); err != nil {
		t.Fatal(err)
	}
	items, err := f.Items()
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func readTestdata(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestListedMIMENamesTheDetectedEncoding(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"gbk alipay bill", "../parse/alipay/testdata/2023.csv", "charset=gb18030"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := addReal(t, map[string][]byte{"支付宝交易明细(20250101-20250415).csv": readTestdata(t, tt.file)}, ingest.Options{})
			if len(items) != 1 || items[0].Kind != "bill" {
				t.Fatalf("items %+v", items)
			}
			if !strings.Contains(items[0].MIME, tt.want) || strings.Contains(items[0].MIME, "iso-8859") {
				t.Fatalf("MIME %q, want %s", items[0].MIME, tt.want)
			}
		})
	}
}

// forwardChain returns an e-mail that carries, as a message/rfc822 attachment, a forwarded
// e-mail, and so on n times; the innermost one carries a picture. Each level is what Foxmail
// and Outlook write for "forward as attachment".
func forwardChain(n int) []byte {
	png := "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="
	msg := "From: <notice@cuishou-agency.example>\r\nTo: <a@example.com>\r\nSubject: =?UTF-8?B?5YKs5pS26YCa55+l?=\r\n" +
		"Date: Mon, 14 Apr 2025 09:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n" +
		"--b0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n见图\r\n--b0\r\nContent-Type: image/png; name=\"proof.png\"\r\n" +
		"Content-Disposition: attachment; filename=\"proof.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + png + "\r\n--b0--\r\n"
	for i := 1; i <= n; i++ {
		b := fmt.Sprintf("b%d", i)
		msg = fmt.Sprintf("From: <friend%d@example.com>\r\nTo: <a@example.com>\r\nSubject: Fw: level %d\r\n"+
			"Date: Mon, 14 Apr 2025 %02d:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"+
			"--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nforwarded\r\n--%s\r\nContent-Type: message/rfc822; name=\"level%d.eml\"\r\n"+
			"Content-Disposition: attachment; filename=\"level%d.eml\"\r\n\r\n%s\r\n--%s--\r\n", i, i, 9+i%12, b, b, b, i-1, i-1, msg, b)
	}
	return []byte(msg)
}

func TestForwardChainsAreExtractedOrSaidNotToBe(t *testing.T) {
	t.Run("ten forwards deep: the picture is an item", func(t *testing.T) {
		items := addReal(t, map[string][]byte{"fw.eml": forwardChain(10)}, ingest.Options{})
		if len(items) != 12 || items[11].Name != "proof.png" || items[11].Kind == "attachment" {
			for _, it := range items {
				t.Logf("%d %s %s %v", it.Exhibit, it.Name, it.Kind, it.Warnings)
			}
			t.Fatalf("%d items; want the 11 e-mails and the picture", len(items))
		}
	})
	t.Run("past the cap the deepest e-mail says what it did not extract", func(t *testing.T) {
		items := addReal(t, map[string][]byte{"fw.eml": forwardChain(20)}, ingest.Options{})
		last := items[len(items)-1]
		if len(items) != 17 || !strings.Contains(strings.Join(last.Warnings, "\n"), "not extracted") {
			t.Fatalf("%d items; last %s warnings %q", len(items), last.Name, last.Warnings)
		}
	})
}

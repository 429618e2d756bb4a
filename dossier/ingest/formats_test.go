package ingest_test

import (
	"archive/zip"
	"bytes"
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
	return addRealIn(t, t.TempDir(), files, opt)
}

// addRealIn is addReal with the case and the source files made under dir.
func addRealIn(t *testing.T, dir string, files map[string][]byte, opt ingest.Options) []evidence.Item {
	t.Helper()
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

func TestPasswordProtectedBillZip(t *testing.T) {
	zipped := readTestdata(t, "../parse/ziparchive/testdata/zipcrypto.zip")
	t.Run("with the password the members are items, folders kept, each read by its format", func(t *testing.T) {
		dir := t.TempDir()
		items := addRealIn(t, dir, map[string][]byte{"支付宝账单.zip": zipped}, ingest.Options{Describe: ingest.Describe{Password: "123456"}})
		got := map[string]string{}
		for _, it := range items[1:] {
			got[it.Name] = it.Kind
			if it.DerivedFrom != items[0].ID {
				t.Errorf("%s is not linked to the archive", it.Name)
			}
		}
		if items[0].Kind != "archive" || len(items) != 4 || got["导出/支付宝交易明细(20250101-20250415).csv"] != "bill" ||
			got["导出/截图/Screenshot_20250410-223105.png"] != "screenshot" {
			t.Fatalf("items %+v", got)
		}
		// The password is used, never kept: no file of the case holds it.
		filepath.WalkDir(filepath.Join(dir, "case"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("123456")) {
					t.Errorf("%s holds the password", p)
				}
			}
			return nil
		})
	})
	t.Run("without it the zip stays one item that says how to give it", func(t *testing.T) {
		items := addReal(t, map[string][]byte{"支付宝账单.zip": zipped}, ingest.Options{})
		if len(items) != 1 || !strings.Contains(strings.Join(items[0].Warnings, "\n"), "--password") {
			t.Fatalf("items %+v", items)
		}
	})
	t.Run("a sidecar gives the password", func(t *testing.T) {
		items := addReal(t, map[string][]byte{"支付宝账单.zip": zipped, "支付宝账单.zip.meta.yaml": []byte("password: \"123456\"\n")}, ingest.Options{})
		if len(items) != 4 {
			t.Fatalf("%d items", len(items))
		}
	})
}

func TestZipInZip(t *testing.T) {
	var inner, outer bytes.Buffer
	zw := zip.NewWriter(&inner)
	w, _ := zw.Create("通话录音/通话录音@15900001111_20250413200000.txt")
	w.Write([]byte("对方：请按时还款"))
	zw.Close()
	zw = zip.NewWriter(&outer)
	w, _ = zw.Create("备份/inner.zip")
	w.Write(inner.Bytes())
	zw.Close()
	items := addReal(t, map[string][]byte{"outer.zip": outer.Bytes()}, ingest.Options{})
	if len(items) != 3 || items[1].Name != "备份/inner.zip" || items[2].Name != "通话录音/通话录音@15900001111_20250413200000.txt" || items[2].DerivedFrom != items[1].ID {
		for _, it := range items {
			t.Logf("%d %s %s %s", it.Exhibit, it.Name, it.Kind, it.DerivedFrom)
		}
		t.Fatal("want the outer zip, the inner zip and its member")
	}
}

func TestPhoneNativeExports(t *testing.T) {
	items := addReal(t, map[string][]byte{
		"sms.vmsg":    readTestdata(t, "../parse/vmessage/testdata/colorOS_sms.vmsg"),
		"CallLog.xml": readTestdata(t, "../parse/smsbackup/testdata/CallLog.xml"),
	}, ingest.Options{})
	got := map[string]string{}
	for _, it := range items {
		got[it.Name] = fmt.Sprintf("%s %s %d", it.Kind, it.Parser, it.Events)
	}
	if got["sms.vmsg"] != "sms vmessage 5" || got["CallLog.xml"] != "call-log coloros-calls 7" {
		t.Fatalf("items %v", got)
	}
}

// TestPasswordGivenLater adds a protected zip without its password, then again with it: the
// members come out the second time, linked to the archive already in the case.
func TestPasswordGivenLater(t *testing.T) {
	dir := t.TempDir()
	f, err := casefolder.Init(filepath.Join(dir, "case"), casefolder.InitOptions{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.Case()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "账单.zip")
	if err := os.WriteFile(src, readTestdata(t, "../parse/ziparchive/testdata/aes256.zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, pw := range []string{"", "123456", "123456"} {
		rep, err := ingest.Add(f, c, []string{src}, ingest.Options{Describe: ingest.Describe{Password: pw}, Parsers: formats.All(), Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		items, _ := f.Items()
		want := []int{1, 4, 4}[i]
		if len(items) != want {
			t.Fatalf("add %d: %d items, want %d; report %+v", i+1, len(items), want, rep.Results)
		}
		if i == 1 && (items[1].DerivedFrom != items[0].ID || rep.Dups != 1 || rep.Added != 3) {
			t.Fatalf("add 2: report %+v", rep)
		}
	}
}

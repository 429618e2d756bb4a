package ingest_test

import (
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

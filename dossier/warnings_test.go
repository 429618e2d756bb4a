package dossier

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/render/xlsx"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// hostileFiles writes files every parser has something to say about into dir: cut, damaged,
// mislabelled, reaching outside their archive.
func hostileFiles(t *testing.T, dir string) {
	t.Helper()
	copyCut := func(src, name string, keep func(n int) int) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if keep != nil {
			data = data[:keep(len(data))]
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	half := func(n int) int { return n / 2 }
	for _, f := range []struct {
		src, name string
		keep      func(int) int
	}{
		{"parse/eml/testdata/damaged.eml", "damaged.eml", nil},
		{"parse/eml/testdata/missing_date.eml", "missing_date.eml", nil},
		{"parse/eml/testdata/control_in_names.eml", "control_in_names.eml", nil},
		{"parse/pdfdoc/testdata/truncated.pdf", "truncated.pdf", nil},
		{"parse/pdfdoc/testdata/broken_xref.pdf", "broken_xref.pdf", nil},
		{"parse/pdfdoc/testdata/encrypted.pdf", "encrypted.pdf", nil},
		{"parse/smsbackup/testdata/truncated.xml", "sms-truncated.xml", nil},
		{"parse/smsbackup/testdata/calls.xml", "calls-cut.xml", half},
		{"parse/ziparchive/testdata/hostile.zip", "hostile.zip", nil},
		{"parse/ziparchive/testdata/zipcrypto.zip", "locked.zip", nil},
		{"parse/image/testdata/plain.jpg", "Screenshot_20250128-233252.jpg", half},
		{"parse/image/testdata/camera.jpg", "photo.png", nil},
		{"parse/recording/testdata/cbr.mp3", "通话录音@95188(95188)_20250128233252.mp3", half},
		{"parse/recording/testdata/voice.m4a", "voice.m4a", half},
		{"parse/recording/testdata/voice.wav", "voice.wav", half},
		{"parse/vmessage/testdata/colorOS_sms.vmsg", "cut.vmsg", half},
		{"parse/wechathtml/testdata/wechatmsg-1x/王经理.html", "王经理.html", nil},
	} {
		copyCut(f.src, f.name, f.keep)
	}
	text := map[string]string{
		"通话记录.csv": "号码,通话时间,通话时长,类型\n15900001111,2025-01-28 23:10:00,65,呼入\n1.59E+10,2025-01-28 23:11:00,5,呼入\n" +
			"15900001111,不是时间,1,呼入\n15900001111,2025-01-28 23:12:00,很久,怪\n",
		"微信聊天.txt":            "2025-01-28 23:00:00 某催收\n还钱\n\n2025-99-99 99:99:99 某催收\n坏时间\n",
		"notes.txt":           "a note\n",
		"notes.txt.meta.yaml": "kind: [screenshot\n",
	}
	for name, s := range text {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"../../逃出.txt", "C:\\Windows\\win.ini"} {
		w, _ := zw.Create(name)
		w.Write([]byte("x"))
	}
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "traversal.zip"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// englishSentence finds three English words in a row outside quotation marks (the file's own
// words, which are quoted as they are) and outside file names.
var englishSentence = regexp.MustCompile(`[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}`)

var quoted = regexp.MustCompile(`“[^”]*”|"[^"]*"`)

func englishIn(s string, names []string) string {
	for _, n := range names {
		s = strings.ReplaceAll(s, n, "")
	}
	return englishSentence.FindString(quoted.ReplaceAllString(s, ""))
}

// A Chinese case's workbook words every warning in Chinese: the sample case's and those of
// hostile files, read back from the evidence list's warnings column.
func TestWarningsInChineseWorkbook(t *testing.T) {
	c := sampleCase(t)
	dir := t.TempDir()
	hostileFiles(t, dir)
	if _, err := c.Add(context.Background(), []string{dir}, AddOptions{}); err != nil {
		t.Fatal(err)
	}
	items, err := c.Items()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range items {
		names = append(names, it.Name)
	}

	var out bytes.Buffer
	if err := c.XLSX(&out, xlsx.Options{Lang: vocab.ZH}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(vocab.Term(vocab.ZH, vocab.SheetEvidence))
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == "警告" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no 警告 column in %q", rows[0])
	}
	warned := 0
	for _, row := range rows[1:] {
		if col >= len(row) || row[col] == "" {
			continue
		}
		warned++
		if en := englishIn(row[col], names); en != "" {
			t.Errorf("exhibit %s: %q is English in %q", row[0], en, row[col])
		}
	}
	if warned < 20 {
		t.Errorf("only %d items with warnings; the hostile files should give more", warned)
	}
}

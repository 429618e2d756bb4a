package bag

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/manifest"
)

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// testBundle builds a bundle over originals held in memory, named as given.
func testBundle(t testing.TB, names map[string]string) *evidence.Bundle {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	c := &caseconf.Case{Title: "花呗协商还款后仍被催收", Language: "zh", Timezone: "Asia/Shanghai",
		Complainant: caseconf.Party{Name: "张三", Phone: "13900001234"}}
	store := map[string][]byte{}
	b := &evidence.Bundle{Case: c, CaseID: "0196a000-0000-7000-8000-0000000000ff",
		Stamp: time.Date(2025, 4, 15, 0, 30, 0, 0, loc), // still 2025-04-15 in Shanghai, 04-14 in UTC
		Open: func(sum string) (io.ReadCloser, error) {
			data, ok := store[sum]
			if !ok {
				return nil, fmt.Errorf("object %s: %w", sum, os.ErrNotExist)
			}
			return io.NopCloser(bytes.NewReader(data)), nil
		}}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, name := range keys {
		data := []byte(names[name])
		sum := hexSum(data)
		store[sum] = data
		b.Items = append(b.Items, evidence.Item{Exhibit: i + 1, ID: fmt.Sprintf("id-%d", i+1), SHA256: sum, Name: name, Size: int64(len(data)), MIME: "text/plain", Kind: "note"})
	}
	return b
}

func sampleOriginals() map[string]string {
	return map[string]string{
		"calls-20250415.xml": `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><calls count="1"><call number="15900001111" duration="0" date="1737960900000" type="3"/></calls>`,
		"sms-20250415.xml":   `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><smses count="1"><sms address="17700002222" date="1737414720000" type="1" body="请尽快还款"/></smses>`,
		"还款协议.pdf":           "%PDF-1.4\n% invented agreement HB2025012900321\n%%EOF\n",
	}
}

func docs() []File {
	return []File{
		{Name: "投诉材料.pdf", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("%PDF-1.7 packet")), nil }},
		{Name: "时间线.xlsx", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("PK workbook")), nil }},
	}
}

func writeDir(t *testing.T, b *evidence.Bundle, d []File) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bag")
	if err := Write(dir, b, d, Options{}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		write func(t *testing.T, b *evidence.Bundle) []Problem
	}{
		{"folder", func(t *testing.T, b *evidence.Bundle) []Problem { return VerifyDir(writeDir(t, b, docs())) }},
		{"folder given its parent", func(t *testing.T, b *evidence.Bundle) []Problem {
			return VerifyDir(filepath.Dir(writeDir(t, b, docs())))
		}},
		{"zip", func(t *testing.T, b *evidence.Bundle) []Problem {
			var buf bytes.Buffer
			if err := WriteZip(&buf, b, docs(), Options{}); err != nil {
				t.Fatal(err)
			}
			return VerifyZip(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		}},
		{"no documents", func(t *testing.T, b *evidence.Bundle) []Problem { return VerifyDir(writeDir(t, b, nil)) }},
		{"empty case", func(t *testing.T, b *evidence.Bundle) []Problem {
			b.Items = nil
			return VerifyDir(writeDir(t, b, nil))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if probs := tc.write(t, testBundle(t, sampleOriginals())); len(probs) != 0 {
				t.Errorf("fresh bag has problems: %v", probs)
			}
		})
	}
}

// TestRFCLayout checks a written bag against RFC 8493 by hand: the declaration, the manifest
// line form, every payload file listed once with a digest recomputed here, bag-info fields, and
// a tag manifest that covers the payload manifests.
func TestRFCLayout(t *testing.T) {
	b := testBundle(t, sampleOriginals())
	dir := writeDir(t, b, docs())
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if got := read("bagit.txt"); got != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Errorf("bagit.txt = %q", got)
	}
	var payload []string
	var octets int
	filepath.WalkDir(filepath.Join(dir, "data"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			payload = append(payload, filepath.ToSlash(rel))
			data, _ := os.ReadFile(p)
			octets += len(data)
		}
		return nil
	})
	sort.Strings(payload)
	wantPayload := []string{"data/时间线.xlsx", "data/投诉材料.pdf", "data/证据001_calls-20250415.xml", "data/证据002_sms-20250415.xml", "data/证据003_还款协议.pdf"}
	sort.Strings(wantPayload)
	if strings.Join(payload, "|") != strings.Join(wantPayload, "|") {
		t.Errorf("payload %v, want %v", payload, wantPayload)
	}
	for _, alg := range []struct {
		file string
		hex  int
		sum  func([]byte) string
	}{
		{"manifest-sha256.txt", 64, hexSum},
		{"manifest-sha512.txt", 128, func(b []byte) string { s := sha512.Sum512(b); return hex.EncodeToString(s[:]) }},
	} {
		t.Run(alg.file, func(t *testing.T) {
			line := regexp.MustCompile(fmt.Sprintf(`^([0-9a-f]{%d}) (data/[^\r\n]+)$`, alg.hex))
			var listed []string
			for i, l := range strings.Split(strings.TrimSuffix(read(alg.file), "\n"), "\n") {
				m := line.FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("line %d %q is not \"checksum data/path\"", i+1, l)
				}
				data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(m[2])))
				if err != nil {
					t.Fatal(err)
				}
				if got := alg.sum(data); got != m[1] {
					t.Errorf("%s: listed %s, file hashes to %s", m[2], m[1], got)
				}
				listed = append(listed, m[2])
			}
			if !sort.StringsAreSorted(listed) || strings.Join(listed, "|") != strings.Join(wantPayload, "|") {
				t.Errorf("listed %v", listed)
			}
		})
	}
	info := read("bag-info.txt")
	for _, want := range []string{
		"Source-Organization: dossier\n", "Bagging-Date: 2025-04-15\n",
		fmt.Sprintf("Payload-Oxum: %d.%d\n", octets, len(payload)),
		"External-Identifier: 0196a000-0000-7000-8000-0000000000ff\n", "Contact-Name: 张三\n",
		"External-Description: 花呗协商还款后仍被催收\n", "Bag-Size: ",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("bag-info.txt lacks %q:\n%s", want, info)
		}
	}
	tm := read("tagmanifest-sha256.txt")
	for _, name := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "dossier-manifest.json"} {
		if want := hexSum([]byte(read(name))) + " " + name + "\n"; !strings.Contains(tm, want) {
			t.Errorf("tagmanifest-sha256.txt lacks %q", want)
		}
	}
	m, err := manifest.Parse(strings.NewReader(read("dossier-manifest.json")))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Items) != 3 || m.Items[2].File != "证据003_还款协议.pdf" {
		t.Errorf("dossier-manifest.json items %+v", m.Items)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("temporary folders left beside the bag: %v", entries)
	}
}

type want struct {
	kind    Kind
	path    string
	exhibit int
}

func (w want) String() string { return fmt.Sprintf("%s %s #%d", w.kind, w.path, w.exhibit) }

func summarize(probs []Problem) []string {
	var out []string
	for _, p := range probs {
		out = append(out, want{p.Kind, p.Path, p.Exhibit}.String())
	}
	sort.Strings(out)
	return out
}

func wants(ws ...want) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	sort.Strings(out)
	return out
}

const calls = "data/证据001_calls-20250415.xml"

func editFile(t *testing.T, p string, fn func(string) string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(fn(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptedFolder(t *testing.T) {
	tagAltered := func(name string) []want {
		return []want{{TagAltered, name, 0}, {TagAltered, name, 0}, {TagAltered, name, 0}} // sha256, sha512 and sm3 tag manifests
	}
	tests := []struct {
		name   string
		mutate func(t *testing.T, dir string)
		want   []want
	}{
		{"flip a byte", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, calls), func(s string) string { return "X" + s[1:] })
		}, []want{{Altered, calls, 1}, {Altered, calls, 1}, {Altered, calls, 1}}},
		{"truncate", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, calls), func(s string) string { return s[:10] })
		}, []want{{Altered, calls, 1}, {Altered, calls, 1}, {Altered, calls, 1}, {Oxum, "bag-info.txt", 0}}},
		{"delete", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "data", "证据003_还款协议.pdf"))
		}, []want{{Missing, "data/证据003_还款协议.pdf", 3}, {Oxum, "bag-info.txt", 0}}},
		{"add a file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "data", "证据009_planted.txt"), []byte("x"), 0o644)
		}, []want{{Extra, "data/证据009_planted.txt", 9}, {Oxum, "bag-info.txt", 0}}},
		{"edit a manifest digest", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, "manifest-sha256.txt"), func(s string) string {
				i := strings.Index(s, " data/证据002_")
				return s[:i-1] + "0" + s[i:]
			})
		}, append([]want{{Altered, "data/证据002_sms-20250415.xml", 2}}, tagAltered("manifest-sha256.txt")...)},
		{"malformed manifest line", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, "manifest-sha512.txt"), func(s string) string {
				lines := strings.Split(s, "\n")
				lines[2] = "not a checksum line"
				return strings.Join(lines, "\n")
			})
		}, append([]want{{Malformed, "manifest-sha512.txt", 0}, {Extra, calls, 1}}, tagAltered("manifest-sha512.txt")...)},
		{"edit Payload-Oxum", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, "bag-info.txt"), func(s string) string {
				return regexp.MustCompile(`Payload-Oxum: \d+`).ReplaceAllString(s, "Payload-Oxum: 1")
			})
		}, append([]want{{Oxum, "bag-info.txt", 0}}, tagAltered("bag-info.txt")...)},
		{"break the tag manifest", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, "tagmanifest-sha256.txt"), func(s string) string {
				return regexp.MustCompile(`(?m)^[0-9a-f]{64} bagit\.txt$`).ReplaceAllString(s, strings.Repeat("0", 64)+" bagit.txt")
			})
		}, []want{{TagAltered, "bagit.txt", 0}}},
		{"tag manifest drops a payload manifest", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, "tagmanifest-sha512.txt"), func(s string) string {
				return regexp.MustCompile(`(?m)^[0-9a-f]{128} manifest-sha256\.txt\n`).ReplaceAllString(s, "")
			})
		}, []want{{Malformed, "tagmanifest-sha512.txt", 0}}},
		{"remove bagit.txt", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "bagit.txt"))
		}, []want{{Missing, "bagit.txt", 0}, {Missing, "bagit.txt", 0}}}, // no declaration; listed in the tag manifests
		{"bad declaration", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "bagit.txt"), []byte("BagIt-Version: one\nTag-File-Character-Encoding: UTF-8\n"), 0o644)
		}, append([]want{{Malformed, "bagit.txt", 0}}, tagAltered("bagit.txt")...)},
		{"every problem at once", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, calls), func(s string) string { return s + " " })
			os.Remove(filepath.Join(dir, "data", "证据003_还款协议.pdf"))
			os.WriteFile(filepath.Join(dir, "data", "notes.txt"), []byte("x"), 0o644)
		}, []want{{Altered, calls, 1}, {Altered, calls, 1}, {Altered, calls, 1}, {Missing, "data/证据003_还款协议.pdf", 3}, {Extra, "data/notes.txt", 0}, {Oxum, "bag-info.txt", 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, testBundle(t, sampleOriginals()), docs())
			tc.mutate(t, dir)
			probs := VerifyDir(dir)
			if got, w := summarize(probs), wants(tc.want...); strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s\n(%v)", strings.Join(got, "\n"), strings.Join(w, "\n"), probs)
			}
		})
	}
}

func TestProblemDetails(t *testing.T) {
	dir := writeDir(t, testBundle(t, sampleOriginals()), docs())
	editFile(t, filepath.Join(dir, "manifest-sha256.txt"), func(s string) string { return s + "zz data/x\n" })
	editFile(t, filepath.Join(dir, calls), func(s string) string { return "Y" + s[1:] })
	var malformed, altered *Problem
	probs := VerifyDir(dir)
	for i := range probs {
		switch p := &probs[i]; {
		case p.Kind == Malformed && p.Path == "manifest-sha256.txt":
			malformed = p
		case p.Kind == Altered && strings.HasPrefix(p.Detail, "sha256"):
			altered = p
		}
	}
	if malformed == nil || malformed.Line != 6 {
		t.Errorf("malformed line: %+v", malformed)
	}
	if altered == nil || len(altered.Expected) != 64 || len(altered.Actual) != 64 || altered.Expected == altered.Actual || altered.Exhibit != 1 {
		t.Errorf("altered: %+v", altered)
	}
	if s := altered.String(); !strings.Contains(s, "altered: "+calls) || !strings.Contains(s, "exhibit 1") {
		t.Errorf("String() = %q", s)
	}
}

// rewriteZip copies a zip, letting fn change or drop (nil) each entry.
func rewriteZip(t *testing.T, data []byte, fn func(name string, b []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if b = fn(f.Name, b); b == nil {
			continue
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	return out.Bytes()
}

func TestCorruptedZip(t *testing.T) {
	b := testBundle(t, sampleOriginals())
	var buf bytes.Buffer
	if err := WriteZip(&buf, b, docs(), Options{Name: "投诉证据包"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		fn   func(name string, b []byte) []byte
		want []want
	}{
		{"untouched", func(_ string, b []byte) []byte { return b }, nil},
		{"flip a byte", func(name string, b []byte) []byte {
			if name == "投诉证据包/"+calls {
				b[5] ^= 1
			}
			return b
		}, []want{{Altered, calls, 1}, {Altered, calls, 1}, {Altered, calls, 1}}},
		{"delete", func(name string, b []byte) []byte {
			if strings.HasSuffix(name, "还款协议.pdf") {
				return nil
			}
			return b
		}, []want{{Missing, "data/证据003_还款协议.pdf", 3}, {Oxum, "bag-info.txt", 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := rewriteZip(t, buf.Bytes(), tc.fn)
			probs := VerifyZip(bytes.NewReader(data), int64(len(data)))
			if got, w := summarize(probs), wants(tc.want...); strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
			}
		})
	}
}

func TestZipLayout(t *testing.T) {
	tests := []struct {
		name, opt, top string
	}{
		{"named by the case id", "", "0196a000-0000-7000-8000-0000000000ff"},
		{"named by the option", "张三-证据包", "张三-证据包"},
		{"hostile name made safe", "../../etc", "etc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteZip(&buf, testBundle(t, sampleOriginals()), docs(), Options{Name: tc.opt}); err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				if !strings.HasPrefix(f.Name, tc.top+"/") {
					t.Errorf("entry %s outside %s/", f.Name, tc.top)
				}
			}
			if zr.File[0].Name != tc.top+"/bagit.txt" {
				t.Errorf("first entry %s, want the declaration", zr.File[0].Name)
			}
		})
	}
}

func TestZipReproducible(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteZip(&a, testBundle(t, sampleOriginals()), docs(), Options{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteZip(&b, testBundle(t, sampleOriginals()), docs(), Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same case zipped twice differs")
	}
}

func TestHostileNames(t *testing.T) {
	names := map[string]string{
		"../x":                            "dot-dot",
		"CON":                             "device",
		"line\nbreak.txt":                 "newline",
		strings.Repeat("长", 100) + ".txt": "300 bytes of name",
		"100%.txt":                        "percent",
		"a\rb%0A.txt":                     "carriage return and an encoded-looking name",
		`C:\Windows\evil.ini`:             "backslashes",
	}
	b := testBundle(t, names)
	d := []File{{Name: "report%25.pdf", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("pdf")), nil }}}
	dir := writeDir(t, b, d)
	root, _ := filepath.Abs(dir)
	var found []string
	filepath.WalkDir(root, func(p string, de os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !de.IsDir() {
			rel, _ := filepath.Rel(root, p)
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	for _, it := range b.Items {
		want := "data/" + manifest.ExhibitFileName(it.Exhibit, it.Name)
		if !strings.Contains(strings.Join(found, "\n"), want) {
			t.Errorf("%q not bagged as %q", it.Name, want)
		}
		if strings.ContainsAny(want[5:], "/\\\r\n") || len(want) > 200 {
			t.Errorf("unsafe bag name %q", want)
		}
	}
	m := string(must(os.ReadFile(filepath.Join(dir, "manifest-sha256.txt"))))
	for _, want := range []string{"_100%25.txt\n", " data/report%2525.pdf\n"} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest lacks the percent-encoded %q:\n%s", want, m)
		}
	}
	if probs := VerifyDir(dir); len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestPathEncoding(t *testing.T) {
	tests := []struct{ raw, encoded string }{
		{"data/a.txt", "data/a.txt"},
		{"data/100%.txt", "data/100%25.txt"},
		{"data/a\nb", "data/a%0Ab"},
		{"data/a\r\nb", "data/a%0D%0Ab"},
		{"data/%0A", "data/%250A"},
		{"data/%", "data/%25"},
	}
	for _, tc := range tests {
		t.Run(tc.encoded, func(t *testing.T) {
			if got := EncodePath(tc.raw); got != tc.encoded {
				t.Errorf("EncodePath(%q) = %q, want %q", tc.raw, got, tc.encoded)
			}
			if got := DecodePath(tc.encoded); got != tc.raw {
				t.Errorf("DecodePath(%q) = %q, want %q", tc.encoded, got, tc.raw)
			}
		})
	}
	if got := DecodePath("data/%0a%2f%"); got != "data/\n%2f%" {
		t.Errorf("lower case and unknown sequences: %q", got)
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string, b *evidence.Bundle) ([]File, Options)
		want    error
	}{
		{"refuses a non-empty folder", func(t *testing.T, dir string, b *evidence.Bundle) ([]File, Options) {
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("mine"), 0o644)
			return nil, Options{}
		}, ErrExists},
		{"refuses an altered original", func(t *testing.T, dir string, b *evidence.Bundle) ([]File, Options) {
			b.Items[1].SHA256 = strings.Repeat("0", 64)
			open := b.Open
			b.Open = func(string) (io.ReadCloser, error) {
				return open(hexSum([]byte(sampleOriginals()["sms-20250415.xml"])))
			}
			return nil, Options{}
		}, ErrAltered},
		{"refuses two documents of one name", func(t *testing.T, dir string, b *evidence.Bundle) ([]File, Options) {
			return append(docs(), File{Name: "投诉材料.PDF", Open: docs()[0].Open}), Options{}
		}, ErrDuplicate},
		{"a failing original", func(t *testing.T, dir string, b *evidence.Bundle) ([]File, Options) {
			b.Items[2].SHA256 = strings.Repeat("f", 64)
			return nil, Options{}
		}, os.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "bag")
			b := testBundle(t, sampleOriginals())
			d, opt := tc.prepare(t, dir, b)
			before, _ := os.ReadDir(parent)
			err := Write(dir, b, d, opt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			after, _ := os.ReadDir(parent)
			if len(after) != len(before) {
				t.Errorf("a failed write left %v behind", after)
			}
			if tc.want == ErrExists {
				if data, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(data) != "mine" {
					t.Error("the existing folder was touched")
				}
			}
		})
	}
}

// TestOpensOnce proves each original and document is read a single time: both digests are taken
// while it is copied.
func TestOpensOnce(t *testing.T) {
	b := testBundle(t, sampleOriginals())
	opened := map[string]int{}
	open := b.Open
	b.Open = func(sum string) (io.ReadCloser, error) { opened[sum]++; return open(sum) }
	d := docs()
	for i := range d {
		inner, name := d[i].Open, d[i].Name
		d[i].Open = func() (io.ReadCloser, error) { opened[name]++; return inner() }
	}
	var buf bytes.Buffer
	if err := WriteZip(&buf, b, d, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(opened) != len(b.Items)+len(d) {
		t.Errorf("opened %d distinct inputs, want %d", len(opened), len(b.Items)+len(d))
	}
	for k, n := range opened {
		if n != 1 {
			t.Errorf("%s opened %d times", k, n)
		}
	}
}

func TestOverwrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bag")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("old"), 0o644)
	if err := Write(dir, testBundle(t, sampleOriginals()), docs(), Options{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stale.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the old folder's content survived")
	}
	if probs := VerifyDir(dir); len(probs) != 0 {
		t.Errorf("problems: %v", probs)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Errorf("left beside the bag: %v", entries)
	}
}

func TestExhibitOf(t *testing.T) {
	tests := []struct {
		path string
		want int
	}{
		{"data/证据001_calls.xml", 1}, {"data/证据120_x", 120}, {"data/证据7_x", 7}, {"data/report.pdf", 0}, {"data/证据_x", 0}, {"data/sub/证据002_a", 2},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if got := exhibitOf(tc.path); got != tc.want {
				t.Errorf("exhibitOf(%q) = %d, want %d", tc.path, got, tc.want)
			}
		})
	}
}

func TestVerifyNotABag(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want []want
	}{
		{"empty", fstest.MapFS{}, []want{{Missing, "bagit.txt", 0}, {Missing, "manifest-<algorithm>.txt", 0}, {Missing, "data/", 0}}},
		{"unsupported algorithm and bad oxum", fstest.MapFS{
			"bagit.txt":          {Data: []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
			"manifest-crc32.txt": {Data: []byte("00 data/a\n")},
			"manifest-md5.txt":   {Data: []byte("0cc175b9c0f1b6a831c399e269772661 data/a\n")},
			"bag-info.txt":       {Data: []byte("Payload-Oxum: one.two\n")},
			"data/a":             {Data: []byte("a")},
		}, []want{{Malformed, "manifest-crc32.txt", 0}, {Malformed, "bag-info.txt", 0}}},
		{"path escapes the bag", fstest.MapFS{
			"bagit.txt":           {Data: []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
			"manifest-sha256.txt": {Data: []byte(strings.Repeat("0", 64) + " data/../../etc/passwd\n")},
			"data/a":              {Data: []byte("a")},
		}, []want{{Malformed, "manifest-sha256.txt", 0}, {Extra, "data/a", 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, w := summarize(Verify(tc.fsys)), wants(tc.want...); strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
			}
		})
	}
}

// TestGoldenBagInfo pins the tag files of the sample bag; review a diff by eye before -update.
func TestGoldenTagFiles(t *testing.T) {
	dir := writeDir(t, testBundle(t, sampleOriginals()), docs())
	var got strings.Builder
	for _, name := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"} {
		fmt.Fprintf(&got, "== %s\n%s", name, must(os.ReadFile(filepath.Join(dir, name))))
	}
	golden.Check(t, filepath.Join("testdata", "sample-tags.golden"), []byte(got.String()))
}

func FuzzVerify(f *testing.F) {
	dir := f.TempDir()
	b := testBundle(f, sampleOriginals())
	if err := Write(filepath.Join(dir, "bag"), b, docs(), Options{}); err != nil {
		f.Fatal(err)
	}
	seed := func(name string) []byte { return must(os.ReadFile(filepath.Join(dir, "bag", name))) }
	f.Add(seed("manifest-sha256.txt"), seed("bag-info.txt"), seed("tagmanifest-sha256.txt"), seed("bagit.txt"))
	f.Add([]byte("%\r\n%0"), []byte("\n :x\n"), []byte("\xef\xbb\xbf"), []byte("BagIt-Version: 1.0\r"))
	f.Fuzz(func(t *testing.T, manifest, info, tags, decl []byte) {
		fsys := fstest.MapFS{
			"bagit.txt":                     {Data: decl},
			"bag-info.txt":                  {Data: info},
			"manifest-sha256.txt":           {Data: manifest},
			"tagmanifest-sha256.txt":        {Data: tags},
			"data/证据001_calls-20250415.xml": {Data: seed(path.Join("data", "证据001_calls-20250415.xml"))},
		}
		for _, p := range Verify(fsys) {
			if p.Kind == "" {
				t.Fatalf("problem without a kind: %+v", p)
			}
		}
	})
}

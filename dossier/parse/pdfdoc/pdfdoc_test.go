package pdfdoc

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/parse"
)

var modTime = time.Date(2025, 2, 1, 8, 0, 0, 0, time.UTC)

func input(name string, data []byte, kind string) *parse.Input {
	return &parse.Input{Name: name, Ext: filepath.Ext(name), MIME: "application/pdf", Size: int64(len(data)),
		Data: bytes.NewReader(data), ModTime: modTime, Zone: cst, Kind: kind}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestGolden parses every fixture as an agreement, so the golden files also show the event.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".pdf")
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, filepath.Base(file))
			if !(Parser{}).Detect(&parse.Sniff{Head: data, MIME: "application/octet-stream"}) {
				t.Error("Detect rejected the fixture")
			}
			res, err := Parser{}.Parse(input(filepath.Base(file), data, parse.KindAgreement))
			out := struct {
				Result *parse.Result `json:"result,omitempty"`
				Error  string        `json:"error,omitempty"`
			}{Result: res}
			if err != nil {
				out.Error = err.Error()
			}
			golden.CheckJSON(t, filepath.Join("testdata", name+".golden.json"), out)
		})
	}
}

// TestRead checks each fixture's facts independently of the golden files.
func TestRead(t *testing.T) {
	created := "2025-01-29T10:30:00+08:00"
	tests := []struct {
		file      string
		pages     int
		title     string
		created   string
		modified  string
		encrypted bool
		warnHas   string
	}{
		{file: "one_page.pdf", pages: 1, title: "One page", created: created, modified: created},
		{file: "three_pages_cjk_title.pdf", pages: 3, title: "分期还款协议", created: created, modified: created},
		{file: "xref_stream.pdf", pages: 3, title: "分期还款协议", created: created, modified: created},
		{file: "incremental_update.pdf", pages: 3, title: "Résumé — ﬁnal", created: created, modified: "2025-01-30T08:30:00Z"},
		{file: "encrypted.pdf", pages: 1, encrypted: true},
		{file: "truncated.pdf", pages: 3, title: "", warnHas: "xref"},
		{file: "broken_xref.pdf", pages: 3, title: "分期还款协议", created: created, modified: created, warnHas: "objects found by scanning"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFixture(t, tt.file)
			info, err := Read(bytes.NewReader(data), int64(len(data)), cst)
			if err != nil {
				t.Fatal(err)
			}
			if info.Pages != tt.pages || info.Title != tt.title || info.Encrypted != tt.encrypted {
				t.Errorf("pages %d title %q encrypted %v, want %d %q %v", info.Pages, info.Title, info.Encrypted, tt.pages, tt.title, tt.encrypted)
			}
			if got := format(info.Created); got != tt.created {
				t.Errorf("created %s, want %s", got, tt.created)
			}
			if got := format(info.Modified); got != tt.modified {
				t.Errorf("modified %s, want %s", got, tt.modified)
			}
			warnings := ""
			for _, w := range info.Warnings {
				warnings += w.String() + "\n"
			}
			if tt.warnHas == "" && warnings != "" || !strings.Contains(warnings, tt.warnHas) {
				t.Errorf("warnings %q, want one with %q", warnings, tt.warnHas)
			}
		})
	}
}

func format(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func TestKindsAndEvents(t *testing.T) {
	data := readFixture(t, "three_pages_cjk_title.pdf")
	tests := []struct {
		name    string
		kind    string
		events  int
		summary string
	}{
		{"agreement", parse.KindAgreement, 1, "agreement PDF, 3 pages"},
		{"plain document", "", 0, "PDF, 3 pages"},
		{"user kind", parse.KindBill, 0, "bill PDF, 3 pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parser{}.Parse(input("x.pdf", data, tt.kind))
			if err != nil {
				t.Fatal(err)
			}
			wantKind := tt.kind
			if wantKind == "" {
				wantKind = parse.KindDocument
			}
			if res.Kind != wantKind || len(res.Events) != tt.events || res.Summary.String() != tt.summary {
				t.Errorf("kind %q events %d summary %q", res.Kind, len(res.Events), res.Summary.String())
			}
			if res.Info["pages"] != "3" || res.Info["title"] != "分期还款协议" || res.Info["author"] != "支付宝客服" {
				t.Errorf("info %v", res.Info)
			}
			if tt.events == 1 {
				ev := res.Events[0]
				if ev.Channel != "agreement" || ev.Time.Format(time.RFC3339) != "2025-01-29T10:30:00+08:00" ||
					ev.TimeSource != "metadata" || ev.Subject != "分期还款协议" {
					t.Errorf("event %+v", ev)
				}
			}
		})
	}
}

func TestEncryptedWarning(t *testing.T) {
	res, err := Parser{}.Parse(input("e.pdf", readFixture(t, "encrypted.pdf"), ""))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range res.Warnings {
		found = found || w.Message("en") == "encrypted: pages cannot be imported, the original is attached"
	}
	if !found || res.Info["encrypted"] != "true" || res.Summary.String() != "encrypted PDF, 1 page" {
		t.Errorf("warnings %v info %v summary %q", res.Warnings, res.Info, res.Summary.String())
	}
}

func TestNotPDF(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"text", "hello world"},
		{"header only", "%PDF-1.7\n"},
		{"header and garbage", "%PDF-1.4\n" + strings.Repeat("x", 5000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res, err := (Parser{}).Parse(input("x.pdf", []byte(tt.data), "")); err == nil {
				t.Errorf("Parse succeeded: %+v", res)
			}
		})
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"ascii", []byte("Agreement"), "Agreement"},
		{"utf16 with bom", []byte{0xFE, 0xFF, 0x5F, 0x20, 0x4E, 0x09}, "张三"},
		{"utf16 surrogate pair", []byte{0xFE, 0xFF, 0xD8, 0x3D, 0xDE, 0x00}, "😀"},
		{"utf16 odd length", []byte{0xFE, 0xFF, 0x5F, 0x20, 0x4E}, "张"},
		{"utf8 with bom", []byte("\xEF\xBB\xBF协议"), "协议"},
		{"pdfdoc specials", []byte{0x80, ' ', 0x84, ' ', 0xA0, ' ', 0x93}, "• — € ﬁ"},
		{"latin1", []byte{'c', 'a', 'f', 0xE9}, "café"},
		{"control characters dropped", []byte("a\nb\x00c"), "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeText(tt.in); got != tt.want {
				t.Errorf("decodeText = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339, "" for an error
	}{
		{"D:20250129103000+08'00'", "2025-01-29T10:30:00+08:00"},
		{"D:20250129103000+08'00", "2025-01-29T10:30:00+08:00"},
		{"D:20250129103000+0800", "2025-01-29T10:30:00+08:00"},
		{"D:20250129023000Z", "2025-01-29T02:30:00Z"},
		{"D:20250129023000Z00'00'", "2025-01-29T02:30:00Z"},
		{"D:20250129103000-05'30'", "2025-01-29T10:30:00-05:30"},
		{"D:20250129103000", "2025-01-29T10:30:00+08:00"},
		{"D:2025", "2025-01-01T00:00:00+08:00"},
		{"20250129", "2025-01-29T00:00:00+08:00"},
		{"D:20250230", ""},
		{"D:20251301", ""},
		{"D:202501291030007", ""},
		{"yesterday", ""},
		{"D:20250129103000+99'00'", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDate(tt.in, cst)
			if tt.want == "" {
				if err == nil {
					t.Errorf("parsed as %v", got)
				}
				return
			}
			if err != nil || got.Format(time.RFC3339) != tt.want {
				t.Errorf("parseDate = %v, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		mime string
		want bool
	}{
		{"header", "%PDF-1.7\n%\xE2\xE3\xCF\xD3", "", true},
		{"junk before header", "garbage\n%PDF-1.4\n", "", true},
		{"mime only", "binary", "application/pdf", true},
		{"other", "PK\x03\x04", "application/zip", false},
		{"header too late", strings.Repeat(" ", 2000) + "%PDF-1.4", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Parser{}).Detect(&parse.Sniff{Head: []byte(tt.head), MIME: tt.mime}); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSample checks the sample case's agreement against the story: two pages, dated the day of
// the agreement, in the case zone.
func TestSample(t *testing.T) {
	path := filepath.Join("..", "..", "..", "samples", "evidence", "agreement", "分期还款协议.pdf")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("sample missing: %v", err)
	}
	res, err := Parser{}.Parse(input(filepath.Base(path), data, parse.KindAgreement))
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.String() != "agreement PDF, 2 pages" || len(res.Events) != 1 ||
		res.Events[0].Time.Format(time.RFC3339) != "2025-01-29T10:30:00+08:00" || res.Info["title"] != "分期还款协议" {
		t.Errorf("summary %q info %v events %+v", res.Summary.String(), res.Info, res.Events)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %v", res.Warnings)
	}
}

// addTestdataPDFs seeds a fuzz target with the PDFs in testdata.
func addTestdataPDFs(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pdf"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzParse(f *testing.F) {
	addTestdataPDFs(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		(Parser{}).Detect(&parse.Sniff{Head: data})
		res, err := Parser{}.Parse(input("fuzz.pdf", data, parse.KindAgreement))
		if err != nil {
			if res != nil {
				t.Fatalf("error with a result: %v", err)
			}
			return
		}
		if len(res.Events) != 1 {
			t.Fatalf("%d events for an agreement", len(res.Events))
		}
	})
}

func TestObjHeaders(t *testing.T) {
	tests := []struct {
		name   string
		buf    string
		limit  int
		before bool
		want   string // "num@at ..."
	}{
		{"simple", "1 0 obj\n<<>>\nendobj\n12 0 obj", 100, true, "1@0 12@20"},
		{"endobj is no header", "endobj 3 0 obj", 100, true, "3@7"},
		{"number cut at chunk start", "2 0 obj", 100, false, ""},
		{"preceded by a delimiter", ">>7 0 obj", 100, false, "7@2"},
		{"beyond the limit", "1 0 obj 2 0 obj", 8, true, "1@0"},
		{"glued keyword", "1 0 object", 100, true, ""},
		{"missing generation", "1 obj", 100, true, ""},
		{"overlong number", "12345678901 0 obj", 100, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			objHeaders([]byte(tt.buf), tt.limit, tt.before, func(num, at int) {
				got = append(got, strconv.Itoa(num)+"@"+strconv.Itoa(at))
			})
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

func TestPageObjects(t *testing.T) {
	tests := []struct {
		buf  string
		want int
	}{
		{"/Type /Page /Parent 1 0 R", 1},
		{"/Type/Page>>", 1},
		{"/Type /Pages /Kids []", 0},
		{"/Type\n/Page\n/Type /Page", 2},
		{"/Parent /Page", 0},
		{"/Type /PageLabel", 0},
	}
	for _, tt := range tests {
		t.Run(tt.buf, func(t *testing.T) {
			if got := pageObjects([]byte(tt.buf), len(tt.buf)); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

// TestEncryptInTextIsNotEncryption checks that only an /Encrypt entry of the trailer marks a PDF
// as encrypted, not the word in its text, its title or an uncompressed stream.
func TestEncryptInTextIsNotEncryption(t *testing.T) {
	pdf := newPDF(time.Date(2025, 1, 29, 10, 30, 0, 0, cst))
	pdf.SetCompression(false)
	pdf.SetTitle("/Encrypt 5 0 R", false)
	pdf.SetFont("Helvetica", "", 12)
	pdf.AddPage()
	pdf.Cell(0, 10, "trailer << /Encrypt 5 0 R >> is what an encrypted file has")
	data := output(t, pdf)
	if !bytes.Contains(data, []byte("/Encrypt")) {
		t.Fatal("the fixture does not hold the word")
	}
	info, err := Read(bytes.NewReader(data), int64(len(data)), cst)
	if err != nil {
		t.Fatal(err)
	}
	if info.Encrypted || info.Pages != 1 {
		t.Fatalf("encrypted %v, pages %d; want a readable one-page PDF", info.Encrypted, info.Pages)
	}
}

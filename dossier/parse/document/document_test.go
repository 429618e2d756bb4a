package document

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/parse"
)

func input(name, mimeType, kind string, data []byte) *parse.Input {
	return &parse.Input{Name: name, Ext: filepath.Ext(name), MIME: mimeType, Size: int64(len(data)),
		Data: bytes.NewReader(data), Kind: kind}
}

// fixtures names each file under testdata with the MIME type detection would give it.
var fixtures = []struct {
	file, mime, kind string
	encoding         string // "" for binary
	lines            string
}{
	{"notes_utf8.txt", "text/plain; charset=utf-8", "", "UTF-8", "3"},
	{"gbk_crlf.txt", "text/plain; charset=gb18030", "", "GB18030", "3"},
	{"utf16le_bom.txt", "text/plain; charset=utf-16le", "", "UTF-16LE", "2"},
	{"mac_cr.txt", "text/plain; charset=utf-8", "", "UTF-8", "3"},
	{"empty.txt", "text/plain", "", "UTF-8", "0"},
	{"archive.zip", "application/zip", "agreement", "", ""},
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", fx.file))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Parser{}.Parse(input(fx.file, fx.mime, fx.kind, data))
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", strings.TrimSuffix(fx.file, filepath.Ext(fx.file))+".golden.json"), res)
			if res.Info["encoding"] != fx.encoding || res.Info["lines"] != fx.lines {
				t.Errorf("encoding %q lines %q, want %q %q", res.Info["encoding"], res.Info["lines"], fx.encoding, fx.lines)
			}
			wantKind := fx.kind
			if wantKind == "" {
				wantKind = parse.KindDocument
			}
			if res.Kind != wantKind || len(res.Events) != 0 || len(res.Warnings) != 1 {
				t.Errorf("kind %q, %d events, warnings %v", res.Kind, len(res.Events), res.Warnings)
			}
		})
	}
}

func TestWarningNamesTheType(t *testing.T) {
	tests := []struct {
		name, mime, want string
	}{
		{"plain text", "text/plain; charset=utf-8", "no parser for text/plain; kept as a document"},
		{"no type", "", "no parser for application/octet-stream; kept as a document"},
		{"bad parameters", "Application/Zip; ;;=", "no parser for application/zip; kept as a document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parser{}.Parse(input("x", tt.mime, "", []byte("PK\x03\x04")))
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Warnings[0].String(); got != tt.want {
				t.Errorf("warning %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCountLines(t *testing.T) {
	tests := []struct {
		name, text string
		want       int64
	}{
		{"empty", "", 0},
		{"one unterminated", "a", 1},
		{"one terminated", "a\n", 1},
		{"blank lines", "\n\n\n", 3},
		{"crlf", "a\r\nb\r\n", 2},
		{"mixed", "a\rb\nc\r\nd", 4},
		{"crlf across buffer boundary", strings.Repeat("x", 32<<10-1) + "\r\ny", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := countLines(iotest.HalfReader(strings.NewReader(tt.text)))
			if err != nil || got != tt.want {
				t.Errorf("countLines = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestReadError(t *testing.T) {
	in := &parse.Input{Name: "broken.txt", MIME: "text/plain", Size: 10, Data: failingReaderAt{}}
	if _, err := (Parser{}).Parse(in); err == nil || !strings.Contains(err.Error(), "broken.txt") {
		t.Errorf("err = %v, want one naming the file", err)
	}
}

type failingReaderAt struct{}

func (failingReaderAt) ReadAt([]byte, int64) (int, error) { return 0, iotest.ErrTimeout }

func TestDetectTakesEverything(t *testing.T) {
	for _, s := range []*parse.Sniff{{}, {Name: "x.bin", Head: []byte{0, 1, 2}}, {MIME: "image/png"}} {
		if !(Parser{}).Detect(s) {
			t.Errorf("Detect(%+v) = false", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, fx := range fixtures {
		data, err := os.ReadFile(filepath.Join("testdata", fx.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, fx.mime)
	}
	f.Fuzz(func(t *testing.T, data []byte, mimeType string) {
		res, err := Parser{}.Parse(input("fuzz", mimeType, "", data))
		if err != nil {
			t.Fatalf("reading from memory failed: %v", err)
		}
		if len(res.Events) != 0 {
			t.Fatal("a plain document produced events")
		}
	})
}

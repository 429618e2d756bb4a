package smsbackup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/parse"
)

var shanghai = time.FixedZone("CST", 8*3600)

// deriveStub stands in for the store: it records what the parser hands over.
type deriveStub struct {
	names []string
	data  [][]byte
	sent  []time.Time
	fail  bool
}

func (d *deriveStub) derive(e parse.Embedded, r io.Reader) (parse.Derived, error) {
	name := e.Name
	d.sent = append(d.sent, e.MessageTime)
	b, err := io.ReadAll(r)
	if err != nil {
		return parse.Derived{}, err
	}
	if d.fail {
		return parse.Derived{}, errors.New("disk full")
	}
	d.names = append(d.names, name)
	d.data = append(d.data, b)
	sum := sha256.Sum256(b)
	return parse.Derived{Exhibit: 100 + len(d.names), Name: name, SHA256: hex.EncodeToString(sum[:])}, nil
}

func input(name string, data []byte, derive func(parse.Embedded, io.Reader) (parse.Derived, error)) *parse.Input {
	return &parse.Input{
		Name: name, Ext: filepath.Ext(name), Size: int64(len(data)),
		Data: bytes.NewReader(data), Zone: shanghai, Derive: derive,
	}
}

func sniff(name string, data []byte) *parse.Sniff {
	head := data
	if len(head) > parse.HeadSize {
		head = head[:parse.HeadSize]
	}
	return &parse.Sniff{Name: name, Ext: filepath.Ext(name), Head: head, Size: int64(len(data))}
}

// detect returns the one parser that claims the file, failing the test if both or neither do.
func detect(t *testing.T, name string, data []byte) parse.Parser {
	t.Helper()
	var found []parse.Parser
	for _, p := range []parse.Parser{Calls, Messages, ColorOSCalls} {
		if p.Detect(sniff(name, data)) {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: %d parsers claim the file", name, len(found))
	}
	return found[0]
}

// snapshot is the stable JSON shape a parse result is compared in.
type snapshot struct {
	Parser   string            `json:"parser"`
	Kind     string            `json:"kind"`
	Summary  string            `json:"summary"`
	Time     time.Time         `json:"time"`
	Source   string            `json:"time_source"`
	Info     map[string]string `json:"info"`
	Warnings []string          `json:"warnings"`
	Derived  []derivedFile     `json:"derived"`
	Events   []event.Event     `json:"events"`
}

type derivedFile struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".golden.json") {
			inputs = append(inputs, f)
		}
	}
	if len(inputs) < 4 {
		t.Fatalf("only %d test inputs found", len(inputs))
	}
	for _, f := range inputs {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p := detect(t, filepath.Base(f), data)
			stub := &deriveStub{}
			res, err := p.Parse(input(filepath.Base(f), data, stub.derive))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			g := snapshot{Parser: p.Name(), Kind: res.Kind, Summary: res.Summary.String(), Time: res.Time,
				Source: res.TimeSource, Info: res.Info, Events: res.Events}
			for _, w := range res.Warnings {
				g.Warnings = append(g.Warnings, w.String())
			}
			for i, name := range stub.names {
				sum := sha256.Sum256(stub.data[i])
				g.Derived = append(g.Derived, derivedFile{name, len(stub.data[i]), hex.EncodeToString(sum[:])})
			}
			golden.CheckJSON(t, strings.TrimSuffix(f, filepath.Ext(f))+".golden.json", g)
		})
	}
}

func TestSamples(t *testing.T) {
	for _, tc := range []struct {
		path          string
		parser        parse.Parser
		wantSummary   string
		wantEvents    int
		wantDerived   int
		wantFirstTime string
	}{
		{"../../../samples/evidence/phone/calls-20250415120000.xml", Calls,
			"40 calls (17 missed, 3 rejected, 2 blocked, 1 voicemail)", 40, 0, "2025-01-20T09:15:00+08:00"},
		{"../../../samples/evidence/phone/sms-20250415120000.xml", Messages,
			"15 SMS, 1 MMS (1 attachment)", 16, 1, "2025-01-20T09:30:00+08:00"},
		{"../../../samples/evidence/family/calls-20250416090000.xml", Calls,
			"4 calls (1 missed, 1 rejected)", 4, 0, "2025-01-25T10:40:00+08:00"},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			data, err := os.ReadFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if p := detect(t, filepath.Base(tc.path), data); p != tc.parser {
				t.Fatalf("detected as %s", p.Name())
			}
			stub := &deriveStub{}
			res, err := tc.parser.Parse(input(filepath.Base(tc.path), data, stub.derive))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
			if res.Summary.String() != tc.wantSummary || len(res.Events) != tc.wantEvents || len(stub.names) != tc.wantDerived {
				t.Errorf("got %q, %d events, %d derived", res.Summary.String(), len(res.Events), len(stub.names))
			}
			if got := res.Events[0].Time.Format(time.RFC3339); got != tc.wantFirstTime {
				t.Errorf("first event at %s, want %s", got, tc.wantFirstTime)
			}
			for _, d := range stub.data {
				if !bytes.HasPrefix(d, []byte("\x89PNG\r\n\x1a\n")) {
					t.Errorf("derived part is not the PNG it was: % x", d[:min(8, len(d))])
				}
			}
		})
	}
}

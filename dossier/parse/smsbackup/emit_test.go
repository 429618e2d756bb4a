package smsbackup

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// parseEmitting parses with Input.Emit set and returns the result with the emitted events put
// back into Result.Events, so that it can be compared with a parse without Emit.
func parseEmitting(p parse.Parser, name string, data []byte) (*parse.Result, error) {
	stub := &deriveStub{}
	in := input(name, data, stub.derive)
	var emitted []event.Event
	in.Emit = func(e event.Event) error {
		emitted = append(emitted, e)
		return nil
	}
	res, err := p.Parse(in)
	if err != nil {
		if len(emitted) > 0 {
			// The caller throws emitted events away on an error; a parser that fails only after
			// emitting is still allowed, but these parsers fail only before reading any element.
			return nil, errors.New("error after emitting events")
		}
		return nil, err
	}
	if len(res.Events) > 0 {
		return nil, errors.New("events both emitted and in Result.Events")
	}
	res.Events = emitted
	return res, nil
}

// sameAsSlice checks that emitting changes nothing but where the events go.
func sameAsSlice(t *testing.T, p parse.Parser, name string, data []byte) {
	t.Helper()
	want, werr := p.Parse(input(name, data, (&deriveStub{}).derive))
	got, gerr := parseEmitting(p, name, data)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: error without Emit %v, with Emit %v", name, werr, gerr)
	}
	if werr != nil {
		return
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%s: results differ\nwithout Emit: %+v\nwith Emit:    %+v", name, want, got)
	}
}

func TestEmitMatchesSlice(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	type named struct {
		name string
		p    parse.Parser
		data []byte
	}
	var cases []named
	for _, path := range files {
		if strings.HasSuffix(path, ".golden.json") {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, named{filepath.Base(path) + " as calls", Calls, data}, named{filepath.Base(path) + " as messages", Messages, data})
	}
	cases = append(cases,
		named{"empty calls", Calls, callsDoc()},
		named{"bad call kept out", Calls, callsDoc(`<call number="15900001111" date="x" type="3" duration="0" />`)},
		named{"sms truncated inside", Messages, smsDoc(`<sms address="15900001111" date="1737990000000" type="1" body="请还款" />`, `<sms address="1`)},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { sameAsSlice(t, c.p, c.name, c.data) })
	}
}

// TestEmitErrorStops checks that a refusal from Emit (a full disk) ends the parse at once with
// an error that names the file and the element, and that nothing more is emitted.
func TestEmitErrorStops(t *testing.T) {
	full := errors.New("no space left on device")
	tests := []struct {
		name  string
		p     parse.Parser
		data  []byte
		where string
	}{
		{"calls", Calls, callsDoc(
			`<call number="15900001111" date="1737990000000" type="3" duration="0" />`,
			`<call number="15900001111" date="1737990060000" type="3" duration="0" />`,
			`<call number="15900001111" date="1737990120000" type="3" duration="0" />`), "line "},
		{"messages", Messages, smsDoc(
			`<sms address="15900001111" date="1737990000000" type="1" body="一" />`,
			`<sms address="15900001111" date="1737990060000" type="1" body="二" />`,
			`<sms address="15900001111" date="1737990120000" type="1" body="三" />`), "line "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input("x.xml", tt.data, nil)
			calls := 0
			in.Emit = func(event.Event) error {
				if calls++; calls == 2 {
					return full
				}
				return nil
			}
			res, err := tt.p.Parse(in)
			if !errors.Is(err, full) || res != nil {
				t.Fatalf("result %v error %v, want the Emit error and no result", res, err)
			}
			if !strings.HasPrefix(err.Error(), "x.xml: "+tt.where) {
				t.Fatalf("error %q does not name the file and line", err)
			}
			if calls != 2 {
				t.Fatalf("Emit called %d times after refusing", calls-2)
			}
		})
	}
}

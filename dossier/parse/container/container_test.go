package container

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/parse"
)

func TestPath(t *testing.T) {
	tests := []struct {
		name, raw, want string
		changed         bool
	}{
		{"folders kept", "账单/2025/支付宝.csv", "账单/2025/支付宝.csv", false},
		{"dot-dot", "../../etc/passwd", "etc/passwd", true},
		{"absolute", "/etc/cron.d/x", "etc/cron.d/x", true},
		{"drive and backslashes", `C:\Windows\win.ini`, "Windows/win.ini", true},
		{"dot-dot inside", "ok/../../../still-evil.txt", "ok/still-evil.txt", true},
		{"GBK bytes", "\xd5\xcb\xb5\xa5.txt", "账单.txt", false},
		{"only climbing", "../..", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note := Path(tt.raw)
			if got != tt.want || (note != nil) != tt.changed {
				t.Errorf("Path(%q) = %q, %v; want %q, changed %v", tt.raw, got, note, tt.want, tt.changed)
			}
		})
	}
}

func TestReserve(t *testing.T) {
	a, ok := Reserve(MaxDecoderMemory / 2)
	if !ok {
		t.Fatal("half the budget refused")
	}
	if _, ok := Reserve(MaxDecoderMemory/2 + 1); ok {
		t.Fatal("more than the budget granted")
	}
	a()
	a() // releasing twice gives back once
	b, ok := Reserve(MaxDecoderMemory)
	if !ok {
		t.Fatal("the whole budget refused after release")
	}
	b()
	if _, ok := Reserve(-1); ok {
		t.Fatal("a negative reservation granted")
	}
}

// zeros is an endless stream, standing for a decoder that inflates without end.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func extract(t *testing.T, m Member, prepare func(x *Extractor)) (*parse.Result, int64, error) {
	var stored int64
	in := &parse.Input{Name: "a.7z", Derive: func(e parse.Embedded, r io.Reader) (parse.Derived, error) {
		n, err := io.Copy(io.Discard, r)
		stored = n
		return parse.Derived{}, err
	}}
	x := New(in, "7z")
	if prepare != nil {
		prepare(x)
	}
	err := x.Add(1, m)
	return x.Finish(1), stored, err
}

func TestCaps(t *testing.T) {
	endless := func() (io.Reader, error) { return zeros{}, nil }
	tests := []struct {
		name    string
		m       Member
		prepare func(x *Extractor)
		want    string
		err     error
	}{
		{"bomb", Member{Name: "a", Size: -1, Stored: 1000, Open: endless}, nil, "bomb", nil},
		{"declared too large", Member{Name: "a", Size: MaxMemberBytes + 1, Stored: -1, Open: endless}, nil, "declares", nil},
		{"time spent", Member{Name: "a", Size: 10, Open: func() (io.Reader, error) { return bytes.NewReader(make([]byte, 10)), nil }},
			func(x *Extractor) { x.spent = TimeBudget + 1 }, "", ErrTimeBudget},
		{"locked", Member{Name: "a", Size: 10, Open: func() (io.Reader, error) { return nil, ErrLocked }}, nil, "--password", nil},
		{"link", Member{Name: "a", Link: "a symbolic link"}, nil, "symbolic link", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, stored, err := extract(t, tt.m, tt.prepare)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			ws := ""
			for _, w := range res.Warnings {
				ws += w.String() + "\n"
			}
			if !strings.Contains(ws, tt.want) {
				t.Errorf("warnings %q lack %q", ws, tt.want)
			}
			if stored > RatioFloor+64<<10 {
				t.Errorf("%d bytes stored", stored)
			}
		})
	}
}

// TestTimedSource: once the decoders have spent their time, reads of the archive's bytes fail,
// so a decoder grinding through a bomb without output is stopped too.
func TestTimedSource(t *testing.T) {
	x := New(&parse.Input{Name: "a.rar"}, "rar")
	r := x.Timed(strings.NewReader("abc"))
	if _, err := r.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	x.spent = TimeBudget + 1
	if _, err := r.Read(make([]byte, 1)); !errors.Is(err, ErrTimeBudget) {
		t.Fatalf("read after the budget: %v", err)
	}
	if _, err := x.TimedAt(strings.NewReader("abc")).ReadAt(make([]byte, 1), 0); !errors.Is(err, ErrTimeBudget) {
		t.Fatalf("ReadAt after the budget: %v", err)
	}
}

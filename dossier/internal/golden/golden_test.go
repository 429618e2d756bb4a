package golden

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder stands in for the test a helper reports to, so that failures can be asserted on.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// run calls f with a recorder on its own goroutine, as the testing package does, so that Fatalf
// can end it.
func run(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

// withUpdate sets -update for one call, whatever the flag was on the command line.
func withUpdate(on bool, f func()) {
	old := *Update
	*Update = on
	defer func() { *Update = old }()
	f()
}

func TestCheck(t *testing.T) {
	long := strings.Repeat("same line\n", 50000)
	tests := []struct {
		name      string
		existing  *string // nil: no file
		got       string
		update    bool
		wantFatal string // substrings
		wantError []string
		wantFile  *string
	}{
		{name: "equal", existing: ptr("a\nb\n"), got: "a\nb\n"},
		{name: "differs", existing: ptr("a\nb\nc\n"), got: "a\nB\nc\n",
			wantError: []string{"output differs from ", "(run with -update after checking)", "first difference at line 2", "- b\n", "+ B\n"}},
		{name: "missing trailing newline", existing: ptr("a\n"), got: "a",
			wantError: []string{"first difference at line 1", "+ a (no newline at end of file)"}},
		{name: "large output reports only the neighbourhood", existing: ptr(long + "tail\n" + long), got: long + "TAIL\n" + long,
			wantError: []string{"first difference at line 50001", "- tail\n", "+ TAIL\n", "… 49998 more lines"}},
		{name: "missing file", got: "x",
			wantFatal: "(run with -update to create it)"},
		{name: "update creates the directory", got: "new\n", update: true, wantFile: ptr("new\n")},
		{name: "update overwrites", existing: ptr("old\n"), got: "new\n", update: true, wantFile: ptr("new\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "testdata", "sub", "x.golden")
			if tt.existing != nil {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(*tt.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var r *recorder
			withUpdate(tt.update, func() {
				r = run(t, func(tb testing.TB) { Check(tb, path, []byte(tt.got)) })
			})
			if tt.wantFatal == "" && len(r.fatals) > 0 {
				t.Fatalf("unexpected fatal: %q", r.fatals)
			}
			if tt.wantFatal != "" && (len(r.fatals) != 1 || !strings.Contains(r.fatals[0], tt.wantFatal) || !strings.Contains(r.fatals[0], path)) {
				t.Fatalf("fatals %q, want one naming %s and containing %q", r.fatals, path, tt.wantFatal)
			}
			if len(tt.wantError) == 0 && len(r.errors) > 0 {
				t.Fatalf("unexpected error: %q", r.errors)
			}
			if len(tt.wantError) > 0 {
				if len(r.errors) != 1 {
					t.Fatalf("errors %q, want one", r.errors)
				}
				msg := r.errors[0]
				for _, s := range append(tt.wantError, path) {
					if !strings.Contains(msg, s) {
						t.Errorf("error lacks %q:\n%s", s, msg)
					}
				}
				if len(msg) > 2000 {
					t.Errorf("error is %d bytes; it should show the difference, not the output", len(msg))
				}
			}
			if tt.wantFile != nil {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if string(data) != *tt.wantFile {
					t.Errorf("file holds %q, want %q", data, *tt.wantFile)
				}
			}
		})
	}
}

// TestUpdateThenCheck is the round trip every converted test relies on: what -update writes is
// what the next run compares equal.
func TestUpdateThenCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "round.golden.json")
	v := map[string]any{"text": "<b>张三</b> & 95188", "n": []int{1, 2}}
	withUpdate(true, func() { run(t, func(tb testing.TB) { CheckJSON(tb, path, v) }) })
	var r *recorder
	withUpdate(false, func() { r = run(t, func(tb testing.TB) { CheckJSON(tb, path, v) }) })
	if len(r.errors)+len(r.fatals) > 0 {
		t.Fatalf("check after update failed: %q %q", r.errors, r.fatals)
	}
	v["n"] = []int{1, 3}
	withUpdate(false, func() { r = run(t, func(tb testing.TB) { CheckJSON(tb, path, v) }) })
	if len(r.errors) != 1 {
		t.Fatalf("a changed value passed: %q", r.errors)
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"html is literal", map[string]string{"a": "<b>&</b>"}, "{\n  \"a\": \"<b>&</b>\"\n}\n"},
		{"nested indentation", struct {
			Events []int `json:"events"`
		}{[]int{1}}, "{\n  \"events\": [\n    1\n  ]\n}\n"},
		{"nil slice", struct {
			W []string `json:"w"`
		}{}, "{\n  \"w\": null\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := JSON(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestJSONMatchesMarshalIndent pins that, for text without HTML characters, the bytes are those
// of json.MarshalIndent plus a newline, which is how existing golden files were written.
func TestJSONMatchesMarshalIndent(t *testing.T) {
	v := map[string]any{"summary": "通话 8 次", "amount": "1000.00", "info": map[string]string{"z": "1", "a": "2"}}
	mi, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got, err := JSON(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(mi)+"\n" {
		t.Errorf("got %q, want %q", got, string(mi)+"\n")
	}
}

func TestJSONError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	r := run(t, func(tb testing.TB) { CheckJSON(tb, path, func() {}) })
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], path) {
		t.Fatalf("fatals %q, want one naming %s", r.fatals, path)
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, want, got string
		contains        []string
	}{
		{"equal", "a\n", "a\n", nil},
		{"got shorter", "a\nb\n", "a\n", []string{"line 2", "- b\n", "+ (end of file)"}},
		{"got longer", "a\n", "a\nb\n", []string{"line 2", "- (end of file)", "+ b\n"}},
		{"context before", "1\n2\n3\n4\n5\n", "1\n2\n3\n4\nX\n", []string{"  2\n  3\n  4\n- 5\n+ X\n"}},
		{"long line clipped", strings.Repeat("字", 500) + "\n", strings.Repeat("字", 499) + "x\n", []string{"… (1500 bytes)", "… (1498 bytes)"}},
		{"binary quoted", "\x00\x01\n", "\x00\x02\n", []string{`- "\x00\x01"`, `+ "\x00\x02"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff([]byte(tt.want), []byte(tt.got))
			if tt.contains == nil && d != "" {
				t.Fatalf("diff of equal input: %q", d)
			}
			for _, s := range tt.contains {
				if !strings.Contains(d, s) {
					t.Errorf("diff lacks %q:\n%s", s, d)
				}
			}
		})
	}
}

func ptr(s string) *string { return &s }

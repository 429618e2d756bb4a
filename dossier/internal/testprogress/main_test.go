package main

import (
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name, in string
		code     int
		want     []string // lines the output must hold
		not      []string // and must not
	}{
		{"passing packages are one line each", `{"Action":"start","Package":"m/a"}
{"Action":"run","Package":"m/a","Test":"TestX"}
{"Action":"output","Package":"m/a","Test":"TestX","Output":"noise of a passing test\n"}
{"Action":"pass","Package":"m/a","Test":"TestX","Elapsed":0.5}
{"Action":"pass","Package":"m/a","Elapsed":1.25}
`, 0, []string{"ok   m/a (1.2s)", "tests: 1 passed, 0 failed, 0 skipped\n"}, []string{"noise"}},
		{"a failing test shows its output", `{"Action":"run","Package":"m/b","Test":"TestY"}
{"Action":"output","Package":"m/b","Test":"TestY","Output":"    y_test.go:9: got 1, want 2\n"}
{"Action":"fail","Package":"m/b","Test":"TestY","Elapsed":0.1}
{"Action":"fail","Package":"m/b","Elapsed":0.2}
`, 1, []string{"y_test.go:9: got 1, want 2", "FAIL m/b (0.2s)", "tests: 0 passed, 1 failed, 0 skipped\n"}, nil},
		{"a build failure is shown and fails", `{"ImportPath":"m/c","Action":"build-output","Output":"c.go:3:1: syntax error\n"}
{"ImportPath":"m/c","Action":"build-fail"}
`, 1, []string{"c.go:3:1: syntax error"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			if code := run(strings.NewReader(tt.in), &out, time.Hour); code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out.String())
				}
			}
		})
	}
}

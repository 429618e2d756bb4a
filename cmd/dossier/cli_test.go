package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/ingest"
)

func TestFailedPaths(t *testing.T) {
	tests := []struct {
		name     string
		rep      ingest.Report
		lang     string
		want     string
		unwanted string
	}{
		{"some added", ingest.Report{Added: 2, Failed: 1, Results: []ingest.Result{{Err: "no such file or folder"}}}, "en",
			"1 path(s) could not be read; the rest was added", "permission"},
		{"only duplicates", ingest.Report{Dups: 1, Failed: 1}, "en", "the rest was already in the case", "was added"},
		{"nothing else", ingest.Report{Failed: 2}, "en", "nothing was added: 2 path(s) could not be read", "the rest"},
		{"permission denied gets advice", ingest.Report{Failed: 1, Results: []ingest.Result{{Err: "permission denied", Denied: true}}}, "en",
			"give yourself read access", "the rest"},
		{"in Chinese", ingest.Report{Added: 2, Failed: 1}, "zh", "1 个路径无法读取，其余已加入", "path"},
		{"advice in Chinese", ingest.Report{Failed: 1, Results: []ingest.Result{{Err: "permission denied", Denied: true}}}, "zh",
			"没有加入任何文件：1 个路径无法读取（没有读取权限：请给自己读取权限", "permission"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := failedPaths(tt.lang, &tt.rep).Error()
			if !strings.Contains(got, tt.want) {
				t.Errorf("%q lacks %q", got, tt.want)
			}
			if strings.Contains(got, tt.unwanted) {
				t.Errorf("%q says %q", got, tt.unwanted)
			}
		})
	}
}

func TestShowProgress(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		name     string
		terminal bool
		getenv   func(string) string
		want     bool
	}{
		{"a terminal", true, env("TERM", "xterm-256color"), true},
		{"a dumb terminal", true, env("TERM", "dumb"), false},
		{"CI", true, env("TERM", "xterm", "CI", "true"), false},
		{"a pipe", false, env("TERM", "xterm"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := showProgress(tt.terminal, tt.getenv); got != tt.want {
				t.Errorf("showProgress = %v, want %v", got, tt.want)
			}
		})
	}
}

type codeErr struct{ error }

func (c codeErr) Unwrap() error { return c.error }

func TestErrorChain(t *testing.T) {
	base := errors.New("permission denied")
	err := fmt.Errorf("add: %w", errors.Join(codeErr{fmt.Errorf("open a.txt: %w", base)}, errors.New("second")))
	got := errorChain(err)
	want := []string{
		"add: open a.txt: permission denied\nsecond (*fmt.wrapError)",
	}
	lines := strings.Split(got, "\n")
	if !strings.HasPrefix(got, want[0]) {
		t.Errorf("first line(s) %q", lines[:2])
	}
	for _, w := range []string{"    open a.txt: permission denied (main.codeErr)", "      open a.txt: permission denied (*fmt.wrapError)",
		"        permission denied (*errors.errorString)", "    second (*errors.errorString)"} {
		if !strings.Contains(got, w+"\n") && !strings.HasSuffix(got, w) {
			t.Errorf("chain lacks %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "0x") {
		t.Errorf("chain shows pointers:\n%s", got)
	}
}

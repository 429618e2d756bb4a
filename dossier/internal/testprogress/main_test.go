package main

import (
	"io"
	"strings"
	"sync"
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

// The half-minute line names the tests that run, not the parallel tests paused until the
// sequential ones are done.
func TestStillRunning(t *testing.T) {
	r, w := io.Pipe()
	var out lockedBuilder
	done := make(chan int)
	go func() { done <- run(r, &out, time.Millisecond) }()
	io.WriteString(w, `{"Action":"start","Package":"m/a"}
{"Action":"run","Package":"m/a","Test":"TestSequential"}
{"Action":"run","Package":"m/a","Test":"TestParallel"}
{"Action":"pause","Package":"m/a","Test":"TestParallel"}
`)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "still running"); {
		if time.Now().After(deadline) {
			t.Fatalf("no progress line:\n%s", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	io.WriteString(w, `{"Action":"pass","Package":"m/a","Test":"TestSequential","Elapsed":1}
{"Action":"cont","Package":"m/a","Test":"TestParallel"}
`)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "still running: m/a TestParallel"); {
		if time.Now().After(deadline) {
			t.Fatalf("the resumed test is not named:\n%s", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	w.Close()
	<-done
	first := out.String()[:strings.Index(out.String(), "\n")]
	if !strings.Contains(first, "TestSequential") || strings.Contains(first, "TestParallel") {
		t.Errorf("while the parallel test waits, the line is %q; want only the sequential test", first)
	}
}

type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/bench"
)

// bigCase is a case with a call log long enough that its packet takes seconds to lay out.
func bigCase(t *testing.T, calls int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "case")
	var out, errb bytes.Buffer
	if code := run([]string{"init", dir}, nil, &out, &errb); code != 0 {
		t.Fatalf("init: %d %s", code, errb.String())
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "calls-20250415.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := bench.WriteCallsXML(f, calls, 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// run with -C changes the working folder of the whole test process; t.Chdir puts it back.
	t.Chdir(dir)
	if code := run([]string{"add", f.Name()}, nil, &out, &errb); code != 0 {
		t.Fatalf("add: %d %s", code, errb.String())
	}
	return dir
}

// syncBuffer is a buffer the command writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// leftovers lists the temporary files and folders a render makes beside its outputs.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") && (strings.Contains(d.Name(), ".tmp-") || strings.HasPrefix(d.Name(), ".dossier-")) {
			found = append(found, p)
		}
		return nil
	})
	return found
}

// TestInterruptStopsRender sends the process a real SIGINT and SIGTERM while a render of a large
// case is under way: the command stops within a second, exits 1 saying it was interrupted, and
// leaves none of its temporary files. The signal goes out once the packet is being laid out
// (the command has said what the letter lacks, which it does after reading the case); a signal
// while the events are still being read is TestInterruptWhileReadingEvents.
func TestInterruptStopsRender(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a large case")
	}
	dir := bigCase(t, 30000)
	tests := []struct {
		name string
		args []string
		sig  syscall.Signal
	}{
		{"pdf, Ctrl-C", []string{"pdf"}, syscall.SIGINT},
		{"pdf, SIGTERM", []string{"pdf"}, syscall.SIGTERM},
		{"build, Ctrl-C", []string{"build"}, syscall.SIGINT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			var errb syncBuffer
			done := make(chan int, 1)
			go func() { done <- run(tt.args, nil, &out, &errb) }()
			deadline := time.Now().Add(60 * time.Second)
			for len(leftovers(t, dir)) == 0 || !strings.Contains(errb.String(), "信函缺少") {
				select {
				case code := <-done:
					t.Fatalf("finished (exit %d) before it could be interrupted: %s", code, errb.String())
				default:
				}
				if time.Now().After(deadline) {
					t.Fatal("the render never started")
				}
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond)
			sent := time.Now()
			if err := syscall.Kill(os.Getpid(), tt.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case code := <-done:
				took := time.Since(sent)
				if code != exitError {
					t.Errorf("exit %d, want %d", code, exitError)
				}
				// The target is a second (typically 100–400 ms here); the bound is loose so that a
				// loaded machine does not fail it, while an ignored signal (the packet runs on for
				// tens of seconds) still does.
				if took > 5*time.Second {
					t.Errorf("stopped %v after the signal, want within a second", took)
				}
				if !strings.Contains(errb.String(), "已中断") {
					t.Errorf("stderr %q does not say it was interrupted", errb.String())
				}
				t.Logf("stopped %v after the signal", took.Round(time.Millisecond))
			case <-time.After(30 * time.Second):
				t.Fatal("still running 30 s after the signal")
			}
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
			if _, err := os.Stat(filepath.Join(dir, "out", "packet.pdf")); err == nil {
				t.Errorf("an interrupted render left a packet")
			}
		})
	}
}

// TestInterruptWhileReadingEvents sends SIGINT and SIGTERM while a large case's events are still
// being read, merged and judged, before anything is laid out (these loops ignored the signal: a
// 400,000-call case ran on for five to seven seconds and exited 0): each command stops, exits 1
// saying it was interrupted and leaves nothing behind. The one-second target is logged; the
// bound is loose for a loaded machine.
func TestInterruptWhileReadingEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a large case")
	}
	dir := bigCase(t, 200000)
	tests := []struct {
		name string
		args []string
		sig  syscall.Signal
	}{
		{"events, Ctrl-C", []string{"events", "--json"}, syscall.SIGINT},
		{"findings, SIGTERM", []string{"findings"}, syscall.SIGTERM},
		{"pdf, Ctrl-C", []string{"pdf"}, syscall.SIGINT},
		{"xlsx, SIGTERM", []string{"xlsx"}, syscall.SIGTERM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb syncBuffer
			done := make(chan int, 1)
			go func() { done <- run(tt.args, nil, &out, &errb) }()
			time.Sleep(300 * time.Millisecond) // the events of 200,000 calls take seconds to read
			sent := time.Now()
			if err := syscall.Kill(os.Getpid(), tt.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case code := <-done:
				took := time.Since(sent)
				if code != exitError || !strings.Contains(errb.String(), "已中断") {
					t.Fatalf("exit %d, stderr %q: want exit %d saying it was interrupted", code, errb.String(), exitError)
				}
				if took > 5*time.Second {
					t.Errorf("stopped %v after the signal, want within a second", took)
				}
				t.Logf("stopped %v after the signal", took.Round(time.Millisecond))
			case <-time.After(30 * time.Second):
				t.Fatal("still running 30 s after the signal")
			}
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

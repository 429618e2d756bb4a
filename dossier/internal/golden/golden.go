// Package golden compares test output with files under a package's testdata/ and rewrites them
// when the tests run with -update.
//
// A golden file is meant to be read by a person: a change to a parser or a renderer shows up as a
// diff in review, and -update is how an intended change is accepted. So a mismatch reports where
// the output first departs from the file, with a few lines around it, rather than the whole
// output, which for a workbook or a timeline can be megabytes.
//
// Only tests import this package; it registers the -update flag in the test binary of every
// package that does.
package golden

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Update makes Check write the output instead of comparing it.
var Update = flag.Bool("update", false, "rewrite golden files")

// contextLines is how many equal lines are shown before the first difference, and at most how
// many differing lines are shown of each side after it.
const contextLines = 3

// maxLineBytes keeps one minified or binary line from flooding the report.
const maxLineBytes = 200

// Check compares got with the file at path, or with -update writes got there, creating the
// directory if needed.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("golden file %s: %v", path, err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden file %s: %v", path, err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("golden file %s is missing (run with -update to create it)", path)
	}
	if err != nil {
		t.Fatalf("golden file %s: %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update after checking):\n%s", path, Diff(want, got))
	}
}

// CheckJSON compares v, as indented JSON with a trailing newline, with the file at path. HTML
// characters are written as they are, not as \u003c escapes, so that the file reads as the text
// it holds.
func CheckJSON(t testing.TB, path string, v any) {
	t.Helper()
	got, err := JSON(v)
	if err != nil {
		t.Fatalf("golden file %s: %v", path, err)
	}
	Check(t, path, got)
}

// JSON is the form CheckJSON compares: two-space indentation, no HTML escaping, one trailing
// newline.
func JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode golden json: %w", err)
	}
	return buf.Bytes(), nil
}

// Diff describes where got first departs from want: the line number, a few equal lines before it
// and up to contextLines lines of each side from there, marked "-" for want and "+" for got.
// It returns "" when they are equal.
func Diff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	wl, gl := splitLines(want), splitLines(got)
	first := 0
	for first < len(wl) && first < len(gl) && wl[first] == gl[first] {
		first++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (want %d lines, got %d lines):\n", first+1, len(wl), len(gl))
	for i := max(0, first-contextLines); i < first; i++ {
		fmt.Fprintf(&b, "  %s\n", clip(wl[i]))
	}
	show := func(mark string, lines []string) {
		end := min(len(lines), first+contextLines)
		for i := first; i < end; i++ {
			fmt.Fprintf(&b, "%s %s\n", mark, clip(lines[i]))
		}
		if first >= len(lines) {
			fmt.Fprintf(&b, "%s (end of file)\n", mark)
		} else if end < len(lines) {
			fmt.Fprintf(&b, "%s … %d more lines\n", mark, len(lines)-end)
		}
	}
	show("-", wl)
	show("+", gl)
	return b.String()
}

// splitLines splits on "\n" and keeps a final line without one apart from a final newline, so
// that a missing trailing newline is a difference that shows.
func splitLines(b []byte) []string {
	s := string(b)
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		if strings.HasSuffix(l, "\n") {
			lines[i] = strings.TrimSuffix(l, "\n")
		} else {
			lines[i] = l + " (no newline at end of file)"
		}
	}
	return lines
}

// clip shortens a line to maxLineBytes, quoting it when it is not printable text.
func clip(line string) string {
	if len(line) > maxLineBytes {
		cut := maxLineBytes
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		line = line[:cut] + fmt.Sprintf("… (%d bytes)", len(line))
	}
	if strings.ContainsFunc(line, func(r rune) bool { return r == utf8.RuneError || (r < 0x20 && r != '\t') }) {
		return fmt.Sprintf("%q", line)
	}
	return line
}

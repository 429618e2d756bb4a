package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplaces(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.txt")
	for _, content := range []string{"first", "second"} {
		if err := WriteBytes(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != content {
			t.Fatalf("content %q, want %q", b, content)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestPending(t *testing.T) {
	tests := []struct {
		name   string
		commit bool
	}{{"committed appears", true}, {"aborted leaves nothing", false}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "out.pdf")
			w, err := Create(p, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			w.WriteString("%PDF-1.7")
			if _, err := os.Stat(p); err == nil {
				t.Fatal("visible under its final name before commit")
			}
			if tt.commit {
				if err := w.Commit(); err != nil {
					t.Fatal(err)
				}
			} else {
				w.Abort()
			}
			w.Abort()
			entries, _ := os.ReadDir(dir)
			if tt.commit && (len(entries) != 1 || entries[0].Name() != "out.pdf") || !tt.commit && len(entries) != 0 {
				t.Fatalf("folder holds %v", entries)
			}
		})
	}
}

func TestAppend(t *testing.T) {
	p := filepath.Join(t.TempDir(), "log.jsonl")
	Append(p, []byte("a\n"))
	Append(p, []byte("b\n"))
	if b, _ := os.ReadFile(p); string(b) != "a\nb\n" {
		t.Fatalf("log %q", b)
	}
}

//go:build unix

package dossier

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// A killed render cannot remove its scratch folder; the next one in the same place does, and
// leaves alone the folders of renders still running.
func TestStaleScratchRemoved(t *testing.T) {
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip("cannot start a process to get a dead pid:", err)
	}
	dir := t.TempDir()
	dead := filepath.Join(dir, scratchPrefix+strconv.Itoa(gone.Process.Pid)+"-abc")
	deadDocs := filepath.Join(dir, docsPrefix+strconv.Itoa(gone.Process.Pid)+"-def")
	live := filepath.Join(dir, scratchPrefix+strconv.Itoa(os.Getppid())+"-ghi")
	old := filepath.Join(dir, docsPrefix+"123abc") // the unnumbered form
	other := filepath.Join(dir, "notes")
	for _, d := range []string{dead, deadDocs, live, old, other} {
		if err := os.MkdirAll(filepath.Join(d, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "excelize-1"), []byte("rows"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tmp, done, err := scratchDir(dir, scratchPrefix)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		kept       bool
	}{
		{"dead process's scratch", dead, false},
		{"dead process's docs", deadDocs, false},
		{"unnumbered leftover", old, false},
		{"running process's scratch", live, true},
		{"not a scratch folder", other, true},
		{"this run's own", tmp, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := os.Stat(tt.path)
			if kept := err == nil; kept != tt.kept {
				t.Errorf("%s kept = %v, want %v", filepath.Base(tt.path), kept, tt.kept)
			}
		})
	}
	done()
	if _, err := os.Stat(tmp); err == nil {
		t.Errorf("scratch folder left after done")
	}
}

package dossier

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestBuildRemovesWhatAnInterruptedBuildLeft(t *testing.T) {
	c := sampleCase(t)
	out := filepath.Join(t.TempDir(), "out")
	stale := []string{".packet.pdf.tmp-123", ".workbook.xlsx.tmp-9", ".dossier-docs-77/packet.pdf", ".bag.tmp-5/data/x"}
	for _, s := range stale {
		p := filepath.Join(out, s)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("half"), 0o644)
	}
	os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
	if _, err := c.Build(context.Background(), out, BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := "bag notes.txt packet.pdf workbook.xlsx"
	sort.Strings(names)
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("out/ holds %q, want %q", got, want)
	}
}

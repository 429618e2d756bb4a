package xlsx

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"
)

// firstWrite runs at the first byte the workbook writes, when excelize still holds the rows it
// spilled to disk.
type firstWrite struct {
	bytes.Buffer
	at   func()
	done bool
}

func (w *firstWrite) Write(p []byte) (int, error) {
	if !w.done {
		w.done = true
		w.at()
	}
	return w.Buffer.Write(p)
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestRowsSpillOnlyIntoTempDir: a timeline too large for excelize's memory buffer spills its rows
// (the evidence's text) to files; they go into TempDir and nothing into the system's temporary
// folder.
func TestRowsSpillOnlyIntoTempDir(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a 20 MB sheet")
	}
	system := t.TempDir()
	t.Setenv("TMPDIR", system)
	scratch := t.TempDir()
	b, r := bigBundle(t, 20000)
	long := strings.Repeat("催收短信正文", 120)
	for i := range b.Events {
		b.Events[i].Text = long
	}
	var inSystem, inScratch []string
	w := &firstWrite{at: func() { inSystem, inScratch = names(t, system), names(t, scratch) }}
	if err := Render(w, b, r, Options{TempDir: scratch}); err != nil {
		t.Fatal(err)
	}
	if len(inScratch) == 0 {
		t.Fatalf("nothing spilled to the scratch folder: the sheet was too small to test this")
	}
	if len(inSystem) > 0 {
		t.Errorf("the system temporary folder got %v", inSystem)
	}
	if left := names(t, scratch); len(left) > 0 {
		t.Errorf("left in the scratch folder after the render: %v", left)
	}
	if _, err := zip.NewReader(bytes.NewReader(w.Bytes()), int64(w.Len())); err != nil {
		t.Fatalf("workbook is not a zip: %v", err)
	}
}

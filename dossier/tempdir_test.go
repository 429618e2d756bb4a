package dossier

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/render/pdf"
)

// An imported PDF is read at random offsets through the store's checked reader, which is not a
// file, so the renderer copies it: into the render's scratch folder, never the system's. With
// $TMPDIR unusable (a file, not a folder) the packet, the bag and the build still show the
// agreement's own pages, which they cannot if the copy goes to $TMPDIR.
func TestPDFImportCopiesStayInTheCase(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	c := sampleCase(t)
	work := t.TempDir()
	notADir := filepath.Join(work, "tmpfile")
	if err := os.WriteFile(notADir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", notADir)
	const agreementText = "甲方（债权人）"
	text := func(t *testing.T, path string) string {
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", path, err)
		}
		return string(out)
	}
	t.Run("pdf", func(t *testing.T) {
		p := filepath.Join(work, "packet.pdf")
		if err := WriteFileAtomic(p, func(w io.Writer) error { return c.PDF(w, pdf.Options{}) }); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text(t, p), agreementText) {
			t.Error("the packet does not show the agreement's pages")
		}
	})
	t.Run("build", func(t *testing.T) {
		res, err := c.Build(context.Background(), filepath.Join(work, "out"), BuildOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text(t, res.Packet), agreementText) {
			t.Error("the built packet does not show the agreement's pages")
		}
	})
}

package pdfdoc

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// forms records what WriteForm writes.
type forms struct {
	next    int
	objects map[int]string
	data    map[int][]byte
}

func (w *forms) Alloc() int { w.next++; return w.next }
func (w *forms) Object(n int, body string) {
	w.objects[n] = body
}
func (w *forms) Stream(n int, dict string, fill func(io.Writer) error) error {
	var b bytes.Buffer
	err := fill(&b)
	w.objects[n], w.data[n] = dict, b.Bytes()
	return err
}

// The committed fixtures import page for page; each form is written after the objects it names,
// and writing the same document twice gives the same objects.
func TestWriteForm(t *testing.T) {
	for _, tc := range []struct {
		file  string
		pages int
		err   error
	}{
		{"one_page.pdf", 1, nil},
		{"three_pages_cjk_title.pdf", 3, nil},
		{"xref_stream.pdf", 3, nil},
		{"incremental_update.pdf", 3, nil},
		{"broken_xref.pdf", 3, nil},
		{"encrypted.pdf", 0, ErrEncrypted},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var runs [2]*forms
			for i := range runs {
				doc, err := Open(bytes.NewReader(data), int64(len(data)))
				if err != tc.err {
					t.Fatalf("Open: %v, want %v", err, tc.err)
				}
				if err != nil {
					return
				}
				if got := len(doc.Pages()); got != tc.pages {
					t.Fatalf("%d pages, want %d", got, tc.pages)
				}
				w := &forms{objects: map[int]string{}, data: map[int][]byte{}}
				for _, p := range doc.Pages() {
					n, err := doc.WriteForm(p, w)
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(w.objects[n], "/Subtype /Form") {
						t.Errorf("form %d: %q", n, w.objects[n])
					}
				}
				runs[i] = w
			}
			for n, body := range runs[0].objects {
				if runs[1].objects[n] != body || !bytes.Equal(runs[0].data[n], runs[1].data[n]) {
					t.Errorf("object %d differs between two imports", n)
				}
			}
		})
	}
}

func FuzzWriteForm(f *testing.F) {
	addTestdataPDFs(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		w := &forms{objects: map[int]string{}, data: map[int][]byte{}}
		for _, p := range doc.Pages() {
			if p.Width <= 0 || p.Height <= 0 {
				t.Fatalf("page of %v×%v", p.Width, p.Height)
			}
			doc.WriteForm(p, w)
		}
	})
}

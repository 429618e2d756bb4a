package pdfdoc

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"
)

// scanned-agreement.pdf is what img2pdf writes for two scanned pages: a grey JPEG of 150 dpi
// (DCTDecode) and a black-and-white PNG (FlateDecode with a PNG predictor, 1 bit a pixel), each
// filling an A4 page.
func TestPageScan(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "scanned-agreement.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	pages := doc.Pages()
	if len(pages) != 2 {
		t.Fatalf("%d pages, want 2", len(pages))
	}
	for i, want := range []string{"DCTDecode", "FlateDecode"} {
		s, err := doc.PageScan(pages[i])
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		if s.Filter != want || s.Width != 1240 || s.Height != 1754 || s.Coverage < 0.99 {
			t.Errorf("page %d: %s %d×%d covering %.2f, want %s 1240×1754 covering the page", i+1, s.Filter, s.Width, s.Height, s.Coverage, want)
		}
		x0, y0, x1, y1 := s.Rect()
		if x0 > 1 || y0 > 1 || x1 < pages[i].Width-1 || y1 < pages[i].Height-1 {
			t.Errorf("page %d: image at %.1f %.1f %.1f %.1f, want the whole page", i+1, x0, y0, x1, y1)
		}
		var img image.Image
		if want == "DCTDecode" {
			raw, err := s.Raw(64 << 20)
			if err != nil || !bytes.HasPrefix(raw, []byte{0xFF, 0xD8}) {
				t.Fatalf("page %d: raw data %.4x, %v; want a JPEG file", i+1, raw, err)
			}
			continue
		}
		img, err = s.Image()
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		// The page is mostly white paper with black print.
		g := img.(*image.Gray)
		white, black := 0, 0
		for _, p := range g.Pix {
			switch p {
			case 0xFF:
				white++
			case 0:
				black++
			}
		}
		if white+black != len(g.Pix) || black == 0 || white < 9*black {
			t.Errorf("page %d: %d white and %d black of %d pixels", i+1, white, black, len(g.Pix))
		}
		if up, err := s.Upright(img); err != nil || up != img {
			t.Errorf("page %d: an upright image was turned (%v)", i+1, err)
		}
	}
}

// A page with text of its own, and one without any image, are no scans.
func TestPageScanNotScans(t *testing.T) {
	for _, name := range []string{"one_page.pdf", "three_pages_cjk_title.pdf", "xref_stream.pdf"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := Open(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range doc.Pages() {
				if _, err := doc.PageScan(p); !errors.Is(err, ErrNotScan) {
					t.Errorf("page %d: %v, want ErrNotScan", i+1, err)
				}
			}
		})
	}
}

// An image turned a quarter on the page (a landscape scan placed upright) comes out as the page
// shows it.
func TestUprightTurnsImages(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 3, 2)) // rows: 0 1 2 / 3 4 5
	for i := range src.Pix {
		src.Pix[i] = byte(i)
	}
	// The unit square's u (the image's columns) runs up the page and v (rows, bottom to top)
	// runs right to left: a turn of a quarter anticlockwise, 2 wide and 3 high.
	s := &Scan{Width: 3, Height: 2, Matrix: [6]float64{0, 3, -2, 0, 2, 0}}
	up, err := s.Upright(src)
	if err != nil {
		t.Fatal(err)
	}
	g := up.(*image.Gray)
	if g.Rect.Dx() != 2 || g.Rect.Dy() != 3 {
		t.Fatalf("size %v, want 2×3", g.Rect)
	}
	// Top of the page: u = 1 (last column); left of the page: v = 1 (row 0).
	want := []byte{2, 5, 1, 4, 0, 3}
	if !bytes.Equal(g.Pix, want) {
		t.Errorf("pixels %v, want %v", g.Pix, want)
	}
	if _, err := (&Scan{Width: 3, Height: 2, Matrix: [6]float64{2, 1, -1, 2, 0, 0}}).Upright(src); err == nil {
		t.Error("an image placed askew was turned")
	}
}

func FuzzPageScan(f *testing.F) {
	addTestdataPDFs(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, p := range doc.Pages() {
			s, err := doc.PageScan(p)
			if err != nil {
				continue
			}
			if s.Coverage < 0.5 {
				t.Fatalf("a scan covering %.2f of its page", s.Coverage)
			}
			if int64(s.Width)*int64(s.Height) > 1<<22 {
				continue // the seeds' images are smaller; a mutated header may claim more
			}
			if img, err := s.Image(); err == nil {
				if img.Bounds().Dx() != s.Width || img.Bounds().Dy() != s.Height {
					t.Fatalf("image %v for a %d×%d scan", img.Bounds(), s.Width, s.Height)
				}
				s.Upright(img)
			}
			s.Raw(1 << 20)
		}
	})
}

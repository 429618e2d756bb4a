package reading

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"strings"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

// Scanned PDFs. An agreement scanned or photographed into a PDF (by a scanner, CamScanner, a
// phone's document mode, img2pdf) has pages that are pictures with no text of their own. Each
// such page (pdfdoc.PageScan: no text shown, one image covering at least half of it) is read
// like a screenshot: its image decoded (a JPEG as it is stored, samples or CCITT fax by package
// pdfdoc), turned as the page shows it, and read. The reading keeps, per page, the lines in
// the image's pixels and where the image lies on the page, so the packet can lay the words
// over the page as it lays them over a screenshot. Pages with text of their own, and PDFs
// without a scanned page, are not read and get no reading.

// MaxScanPages caps the pages of one PDF that OCR reads (about two seconds a page); a warning
// says how many were left unread.
const MaxScanPages = 40

// MaxPDFBytes caps the size of a PDF whose pages are read.
const MaxPDFBytes = 256 << 20

// ScanPage is what OCR read on one scanned page of a PDF.
type ScanPage struct {
	Number int `json:"page"` // from 1
	// Box is where the image lies on the page as displayed, in points from the page's top left
	// corner: left, top, right, bottom. The lines' boxes are in the image's pixels (Width ×
	// Height, turned as the page shows it).
	Box [4]float64 `json:"box"`
	ocr.Page
}

func isPDF(it *evidence.Item) bool { return strings.HasPrefix(it.MIME, "application/pdf") }

// scannedPages opens a stored PDF and lists its scanned pages, at most MaxScanPages, with a
// warning for the pages left out.
func scannedPages(path string, fn func(doc *pdfdoc.Doc, scans []scanAt, warn string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() > MaxPDFBytes {
		return fmt.Errorf("PDF larger than %d MB", MaxPDFBytes>>20)
	}
	doc, err := pdfdoc.Open(f, st.Size())
	if err != nil {
		return err
	}
	var scans []scanAt
	var failed []string
	more := 0
	for i, p := range doc.Pages() {
		s, err := doc.PageScan(p)
		switch {
		case errors.Is(err, pdfdoc.ErrNotScan):
			continue
		case err != nil:
			failed = append(failed, fmt.Sprintf("page %d: %v", i+1, err))
			continue
		}
		if len(scans) == MaxScanPages {
			more++
			continue
		}
		scans = append(scans, scanAt{n: i + 1, page: p, scan: s})
	}
	warn := strings.Join(failed, "; ")
	if more > 0 {
		warn = join(warn, fmt.Sprintf("%d more scanned pages not read (at most %d are)", more, MaxScanPages))
	}
	return fn(doc, scans, warn)
}

type scanAt struct {
	n    int
	page pdfdoc.Page
	scan *pdfdoc.Scan
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + "; " + b
}

// hasScans reports whether a stored PDF has a page OCR would read.
func hasScans(path string) bool {
	found := false
	err := scannedPages(path, func(_ *pdfdoc.Doc, scans []scanAt, _ string) error {
		found = len(scans) > 0
		return nil
	})
	return err == nil && found
}

// readPDF reads the scanned pages of a stored PDF into r.
func readPDF(path string, e *ocr.Engine, r *Reading) {
	err := scannedPages(path, func(_ *pdfdoc.Doc, scans []scanAt, warn string) error {
		r.Warning = warn
		for _, sa := range scans {
			page, err := readScan(e, sa.scan)
			if err != nil {
				r.Warning = join(r.Warning, fmt.Sprintf("page %d not read: %v", sa.n, err))
				continue
			}
			x0, y0, x1, y1 := sa.scan.Rect()
			h := sa.page.Height
			r.Pages = append(r.Pages, ScanPage{Number: sa.n, Box: [4]float64{round2(x0), round2(h - y1), round2(x1), round2(h - y0)}, Page: *page})
		}
		return nil
	})
	if err != nil {
		r.warn("ocr-not-read", err.Error())
	}
}

// readScan decodes one page's image within the engine's decoding budget and reads it.
func readScan(e *ocr.Engine, s *pdfdoc.Scan) (*ocr.Page, error) {
	px := int64(s.Width) * int64(s.Height)
	if px > ocr.MaxPixels {
		return nil, fmt.Errorf("image of %d×%d pixels is over the %d-pixel limit", s.Width, s.Height, ocr.MaxPixels)
	}
	// The decoded image (grey, or RGBA), its upright copy if the page turns it, and the RGBA
	// copy the detector reads.
	per := int64(1)
	if s.Components() != 1 {
		per = 4
	}
	turned := int64(0)
	if s.Turned() {
		turned = px * per
	}
	cost := px*(per+4) + turned
	var jpeg []byte
	if s.Filter == "DCTDecode" {
		b, err := s.Raw(ocr.MaxBytes)
		if err != nil {
			return nil, err
		}
		c, err := ocr.DecodeCost(b)
		if err != nil {
			return nil, err
		}
		jpeg, cost = b, c+turned
	}
	return e.ReadDecoded(cost, func() (image.Image, error) {
		var img image.Image
		var err error
		if jpeg != nil {
			img, err = ocr.Decode(bytes.NewReader(jpeg))
		} else {
			img, err = s.Image()
		}
		if err != nil {
			return nil, err
		}
		return s.Upright(img)
	})
}

func round2(v float64) float64 { return float64(int(v*100+0.5)) / 100 }

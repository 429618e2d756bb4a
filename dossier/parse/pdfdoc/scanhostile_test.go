package pdfdoc

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/internal/hostile"
)

// scanPDF is one A4 page whose content is content, with Im0 the image imgDict and data describe
// and Fm0 a form drawing Fm0 again (a cycle).
func scanPDF(content, imgDict string, data []byte) []byte {
	return hostile.RawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R /Fm0 6 0 R >> /Font << /F1 7 0 R >> >> /Contents 4 0 R >>",
		hostile.StreamObj("", []byte(content)),
		hostile.StreamObj(imgDict, data),
		hostile.StreamObj("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /Fm0 6 0 R /Im0 5 0 R >> >>", []byte("/Fm0 Do "+fullPage)),
		hostile.Helvetica,
	}, "/Root 1 0 R")
}

const fullPage = "q 595 0 0 842 0 0 cm /Im0 Do Q"

func grey(w, h int) string {
	return fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", w, h)
}

func TestPageScanHostile(t *testing.T) {
	small := hostile.Deflate(bytes.Repeat([]byte{0x80}, 100*100))
	noise := make([]byte, 100*100)
	for i, x := 0, uint32(1); i < len(noise); i++ {
		x = x*1664525 + 1013904223
		noise[i] = byte(x >> 24)
	}
	noisy := hostile.Deflate(noise)
	tests := []struct {
		name     string
		pdf      []byte
		scan     bool   // PageScan finds a scan
		imgErr   string // what Image fails with, "" for success
		turned   bool
		minCover float64
	}{
		{"a page-sized grey image", scanPDF(fullPage, grey(100, 100), small), true, "", false, 0.99},
		{"an image claiming 60000² pixels is refused before it is decoded", scanPDF(fullPage, grey(60000, 60000), small), true, "pixel limit", false, 0.99},
		{"a deflate bomb behind a small image is read only as far as the image needs",
			scanPDF(fullPage, grey(100, 100), hostile.Deflate(make([]byte, 64<<20))), true, "", false, 0.99},
		{"data cut short leaves the rest white", scanPDF(fullPage, grey(100, 100), noisy[:len(noisy)/3]), true, "", false, 0.99},
		{"a logo in a corner is no scan", scanPDF("q 100 0 0 100 0 0 cm /Im0 Do Q", grey(100, 100), small), false, "", false, 0},
		{"text over the image is a page with text", scanPDF(fullPage+" BT /F1 12 Tf 10 10 Td (x) Tj ET", grey(100, 100), small), false, "", false, 0},
		{"a page turned a quarter", scanPDF("q 0 842 -595 0 595 0 cm /Im0 Do Q", grey(100, 100), small), true, "", true, 0.99},
		{"a form drawing itself ends", scanPDF("/Fm0 Do", grey(100, 100), small), true, "", false, 0.99},
		{"a million operators end", scanPDF(strings.Repeat("q Q ", 600000)+fullPage, grey(100, 100), small), false, "", false, 0},
		{"an inline image is left alone", scanPDF("BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI "+fullPage, grey(100, 100), small), false, "", false, 0},
		{"JBIG2 is found but not decoded", scanPDF(fullPage, strings.Replace(grey(100, 100), "FlateDecode", "JBIG2Decode", 1), small), true, "not read", false, 0.99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Open(bytes.NewReader(tt.pdf), int64(len(tt.pdf)))
			if err != nil {
				t.Fatal(err)
			}
			s, err := doc.PageScan(doc.Pages()[0])
			if !tt.scan {
				if err == nil {
					t.Fatalf("found a scan %+v", s)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Coverage < tt.minCover || s.Turned() != tt.turned {
				t.Errorf("coverage %.2f turned %v", s.Coverage, s.Turned())
			}
			img, err := s.Image()
			switch {
			case tt.imgErr != "" && (err == nil || !strings.Contains(err.Error(), tt.imgErr)):
				t.Fatalf("Image: %v, want an error saying %q", err, tt.imgErr)
			case tt.imgErr == "" && err != nil:
				t.Fatalf("Image: %v", err)
			case err == nil:
				up, err := s.Upright(img)
				if err != nil || up.Bounds().Dx()*up.Bounds().Dy() != 100*100 {
					t.Errorf("Upright: %v %v", up.Bounds(), err)
				}
			}
		})
	}
}

package pdfdoc

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/dossier-tool/dossier/dossier/internal/hostile"
)

// An inline image's data is binary: the walk that finds a page's pictures must step over it to
// the EI that ends it, and give up (the rest is data) when there is none.
func TestInlineImageEnd(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		rest          string // what the walk reads next; "" when the image never ends
		ok            bool
	}{
		{"plain", "BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q", " Q", true},
		{"data holding E and I", "BI /W 4 /H 1 ID EIEI\x00 EI\nBT", "\nBT", true},
		{"ends the content", "BI /W 1 /H 1 ID \x01 EI", "", true},
		{"no ID", "BI /W 1 /H 1 EI", "", false},
		{"no EI", "BI /W 1 /H 1 ID \x01\x02\x03", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			end, ok := inlineImageEnd([]byte(tc.content), 2)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if ok && tc.content[end:] != tc.rest {
				t.Errorf("reads on at %q, want %q", tc.content[end:], tc.rest)
			}
		})
	}
}

// PageImages finds every picture a page paints, past its text: XObjects, inline images and the
// images inside forms, each where it lies on the page.
func TestPageImages(t *testing.T) {
	small := hostile.Deflate(bytes.Repeat([]byte{0x80}, 100*100))
	for _, tc := range []struct {
		name, content string
		want          [][4]float64
	}{
		{"text then a picture", "BT /F1 12 Tf 10 10 Td (ID) Tj ET q 200 0 0 100 50 600 cm /Im0 Do Q", [][4]float64{{50, 600, 250, 700}}},
		{"an inline image after text", "BT /F1 12 Tf (a) Tj ET q 40 0 0 20 10 20 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q q 595 0 0 842 0 0 cm /Im0 Do Q",
			[][4]float64{{10, 20, 50, 40}, {0, 0, 595, 842}}},
		{"no pictures", "BT /F1 12 Tf (a) Tj ET", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := scanPDF(tc.content, grey(100, 100), small)
			doc, err := Open(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := doc.PageImages(doc.Pages()[0])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("images %v, want %v", got, tc.want)
			}
		})
	}
}

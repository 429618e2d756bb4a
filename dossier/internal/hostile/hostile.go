// Package hostile builds files made to break readers (PDFs whose cross-references loop, whose
// lengths and counts are absurd, whose streams inflate without end; images claiming canvases
// far beyond their bytes), shared by the renderer's tests and the reliability corpus so that
// both feed the same bytes to the code under test.
package hostile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
)

// TinyWebP is a 1×1 lossless WebP; WebPBomb rewrites its VP8L size fields (14 bits each, minus
// one) so that a few dozen bytes claim a canvas of w×h pixels.
var TinyWebP = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

// WebPBomb is TinyWebP claiming w×h pixels (each at most 16384).
func WebPBomb(w, h int) []byte {
	b := bytes.Clone(TinyWebP)
	hdr := b[21:25]
	old := binary.LittleEndian.Uint32(hdr)
	binary.LittleEndian.PutUint32(hdr, old&^(1<<28-1)|uint32(w-1)|uint32(h-1)<<14)
	return b
}

// PageContent is a page's content stream drawing one line with font F1.
const PageContent = "BT /F1 24 Tf 72 720 Td (Hostile page text) Tj ET"

// Helvetica is the font dictionary PageContent's F1 names.
const Helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

// RawPDF assembles a PDF from object bodies (object i+1 is objs[i]) with a correct classic
// cross-reference table; trailer is the trailer dictionary's content.
func RawPDF(objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, x)
	return b.Bytes()
}

// Deflate is data zlib-compressed, as a /FlateDecode stream holds it.
func Deflate(data []byte) []byte {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

// StreamObj is a stream object's body: dict's entries, the length of data and data.
func StreamObj(dict string, data []byte) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// SelfPrev is a file whose cross-reference section names itself as the previous one.
func SelfPrev() []byte {
	b := RawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		StreamObj("", []byte(PageContent)),
		Helvetica,
	}, "/Root 1 0 R /Prev XREF")
	x := bytes.LastIndex(b, []byte("xref\n"))
	return bytes.Replace(b, []byte("/Prev XREF"), []byte(fmt.Sprintf("/Prev %d", x)), 1)
}

// ObjStmSelf is a cross-reference stream file whose page tree lives in an object stream that
// the cross-reference stream says is inside itself.
func ObjStmSelf() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	o1 := b.Len()
	b.WriteString("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	inner := "2 0 3 40 4 80 "
	body := inner + "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	fmt.Fprintf(&b, "4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(inner), len(body), body)
	x := b.Len()
	var rows []byte
	row := func(t byte, a, c int) { rows = append(rows, t, byte(a>>8), byte(a), byte(c)) }
	row(0, 0, 255)
	row(1, o1, 0)
	row(2, 4, 0)
	row(2, 4, 1)
	row(2, 4, 2)
	row(1, x, 0)
	fmt.Fprintf(&b, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 2 1] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", len(rows), rows, x)
	return b.Bytes()
}

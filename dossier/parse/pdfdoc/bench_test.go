package pdfdoc

import (
	"bytes"
	"testing"
	"time"
)

// BenchmarkRead measures a 2000-page document read through its xref table, and the same file
// with a broken startxref, which forces the scanning repair.
func BenchmarkRead(b *testing.B) {
	pdf := newPDF(time.Date(2025, 1, 29, 10, 30, 0, 0, cst))
	latinPages(pdf, 2000)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		b.Fatal(err)
	}
	good := buf.Bytes()
	broken := startxrefRe.ReplaceAll(append([]byte(nil), good...), []byte("startxref\n1"))
	for _, bc := range []struct {
		name string
		data []byte
	}{{"xref", good}, {"repair", broken}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				info, err := Read(bytes.NewReader(bc.data), int64(len(bc.data)), cst)
				if err != nil || info.Pages != 2000 {
					b.Fatalf("pages %v, err %v", info, err)
				}
			}
		})
	}
}

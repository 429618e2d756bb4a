package pdfdoc

import (
	"bytes"
	"io"
	"testing"
)

// FuzzReadParts reads the parts of damaged and hostile PDFs: never a panic, never more than the
// caps, every attachment readable to its end or failing.
func FuzzReadParts(f *testing.F) {
	addTestdataPDFs(f)
	f.Add([]byte(attachmentPDF))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadParts(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for i := range p.Files {
			if r, err := p.Files[i].Open(1 << 20); err == nil {
				io.Copy(io.Discard, r)
			}
		}
	})
}

// attachmentPDF has one embedded file, a signature field and keywords, with offsets that are
// wrong on purpose (the reader finds the objects by scanning).
const attachmentPDF = `%PDF-1.7
1 0 obj
<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(a) 2 0 R] >> >> /AcroForm << /Fields [5 0 R] >> >>
endobj
2 0 obj
<< /Type /Filespec /F (a.txt) /UF (a.txt) /EF << /F 3 0 R >> >>
endobj
3 0 obj
<< /Type /EmbeddedFile /Length 5 /Params << /Size 5 >> >>
stream
hello
endstream
endobj
4 0 obj
<< /Keywords (k) >>
endobj
5 0 obj
<< /FT /Sig /T (s) /V << /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <0102> /M (D:20250101000000Z) >> >>
endobj
trailer
<< /Root 1 0 R /Info 4 0 R /Size 6 >>
%%EOF
`

func TestReadParts(t *testing.T) {
	p, err := ReadParts(bytes.NewReader([]byte(attachmentPDF)), int64(len(attachmentPDF)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Keywords != "k" || len(p.Files) != 1 || p.Files[0].Name != "a.txt" || p.Files[0].Size != 5 {
		t.Fatalf("parts %+v", p)
	}
	r, err := p.Files[0].Open(100)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	if string(b) != "hello" {
		t.Fatalf("content %q", b)
	}
	if len(p.Signatures) != 1 {
		t.Fatalf("signatures %+v", p.Signatures)
	}
	s := p.Signatures[0]
	if s.Field != "s" || s.SubFilter != "ETSI.CAdES.detached" || len(s.ByteRange) != 4 || s.ByteRange[3] != 30 || !bytes.Equal(s.Contents, []byte{1, 2}) {
		t.Fatalf("signature %+v", s)
	}
}

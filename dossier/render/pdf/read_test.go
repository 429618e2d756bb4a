package pdf

import (
	"bytes"
	"testing"
)

func FuzzReadPacket(f *testing.F) {
	fx := newFixture(f)
	fx.bundle.Items = fx.bundle.Items[:3]
	var buf bytes.Buffer
	if err := Render(&buf, fx.bundle, fx.report, Options{}); err != nil {
		f.Fatal(err)
	}
	packet := buf.Bytes()
	f.Add(packet)
	f.Add(packet[len(packet)/2:])
	f.Add(packet[:len(packet)-100])
	if i := bytes.Index(packet, []byte("%%EOF")); i > 0 { // the library's part without the update
		f.Add(packet[:i+6])
	}
	f.Add([]byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Prev 9 >>\nstartxref\n9\n%%EOF"))
	f.Add([]byte("%PDF-1.4\nxref\n0 99999999\ntrailer<</Root 1 0 R>>\nstartxref\n9\n%%EOF"))
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<< /Names << /EmbeddedFiles << /Names [(a) 1 0 R] >> >> >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer<</Root 1 0 R /Info 1 0 R>>\nstartxref\n86\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadPacket(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if p != nil {
				t.Fatal("error with a packet")
			}
			return
		}
		for i := range p.Files {
			if r, err := p.Files[i].Open(); err == nil {
				var sink bytes.Buffer
				sink.ReadFrom(r)
			}
		}
	})
}

// Only what is not a PDF at all is an error; a PDF whose structure is damaged is read as far as
// it can be, and the caller decides what its missing parts mean.
func TestReadPacketRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		err  bool
	}{
		{"empty", "", true},
		{"not pdf", "hello world, this is not a pdf at all", true},
		{"no startxref", "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", false},
		{"xref out of range", "%PDF-1.4\nstartxref\n99999\n%%EOF", false},
		{"prev loop", "%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Prev 9 >>\nstartxref\n9\n%%EOF", false},
		{"prev out of range", "%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Prev 99999 >>\nstartxref\n9\n%%EOF", false},
		{"xref stream", "%PDF-1.5\n1 0 obj\n<</Type /XRef>>\nstream\nendstream\nendobj\nstartxref\n9\n%%EOF", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ReadPacket(bytes.NewReader([]byte(tc.data)), int64(len(tc.data)))
			switch {
			case tc.err && err == nil:
				t.Error("no error")
			case !tc.err && err != nil:
				t.Errorf("error: %v", err)
			case !tc.err && (len(p.Files) != 0 || p.ManifestDigest != ""):
				t.Errorf("found parts in a damaged PDF: %+v", p)
			}
		})
	}
}

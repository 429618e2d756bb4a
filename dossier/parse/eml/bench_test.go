package eml

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// BenchmarkLargeAttachment shows that an attachment is streamed to Derive: memory per message
// stays far below the attachment's size.
func BenchmarkLargeAttachment(b *testing.B) {
	const size = 32 << 20
	var msg bytes.Buffer
	msg.WriteString("From: a@b.example\r\nSubject: big\r\nDate: Thu, 20 Feb 2025 22:30:00 +0800\r\n" +
		"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n" +
		"--x\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.bin\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	line := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xA5}, 57))
	for n := 0; n < size; n += 57 {
		msg.WriteString(line + "\r\n")
	}
	msg.WriteString("--x--\r\n")
	data := msg.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var got int64
		in := &parse.Input{Name: "big.eml", Size: int64(len(data)), Data: bytes.NewReader(data),
			Derive: func(e parse.Embedded, r io.Reader) (parse.Derived, error) {
				n, err := io.Copy(io.Discard, r)
				got = n
				return parse.Derived{Exhibit: 2, Name: e.Name}, err
			}}
		res, err := Parser{}.Parse(in)
		if err != nil || got < size || !strings.Contains(res.Events[0].Text, "big.bin") {
			b.Fatalf("err %v, attachment %d bytes", err, got)
		}
	}
}

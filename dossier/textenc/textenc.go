// Package textenc turns the text files phones and Chinese Windows write into UTF-8.
//
// Exports arrive as UTF-8, UTF-8 with a byte-order mark, UTF-16 with a BOM, or GBK/GB18030 (what
// Excel and Alipay write on Chinese Windows). The encoding is detected from the bytes, never
// assumed: a prefix that is valid UTF-8 is UTF-8, anything else is decoded as GB18030 (a superset
// of GBK and GB2312).
package textenc

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names reported by Detect.
const (
	UTF8    = "UTF-8"
	UTF8BOM = "UTF-8 BOM"
	UTF16LE = "UTF-16LE"
	UTF16BE = "UTF-16BE"
	GB18030 = "GB18030"
)

// Detect names the encoding of a file from its first bytes (a few KiB is enough).
func Detect(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8BOM
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return UTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return UTF16BE
	}
	if validPrefix(head) {
		return UTF8
	}
	return GB18030
}

// Binary reports whether a head is certainly not text in any encoding Detect names: it has no
// byte-order mark, is not UTF-8, and holds a NUL byte and at least one more control byte that
// text never holds (0x01–0x08, 0x0E–0x1A, 0x1C–0x1F; tab, line ends, form feed and escape are
// text). Photos, recordings and archives are rejected here in one scan instead of being decoded
// as GB18030 by every text format's detection; a text file with one stray NUL stays text.
func Binary(head []byte) bool {
	nul, other := false, false
	for _, c := range head {
		if c >= 0x20 || !binaryControl[c] {
			continue
		}
		if c == 0 && !nul {
			nul = true
		} else {
			other = true
		}
		if nul && other {
			return Detect(head) == GB18030
		}
	}
	return false
}

var binaryControl = func() (t [0x20]bool) {
	for c := range t {
		t[c] = c <= 0x08 || c >= 0x0E && c != 0x1B
	}
	return t
}()

// validPrefix is utf8.Valid, tolerant of a multi-byte rune cut at the end of the sample.
func validPrefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		r, _ := utf8.DecodeLastRune(b)
		if r != utf8.RuneError {
			return false
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// NewReader detects the encoding from the start of r and returns a reader of UTF-8 text without
// any byte-order mark, and the encoding's name.
func NewReader(r io.Reader) (io.Reader, string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	enc := Detect(head)
	switch enc {
	case UTF8BOM:
		_, _ = br.Discard(3)
		return br, enc, nil
	case UTF16LE:
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), enc, nil
	case UTF16BE:
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), enc, nil
	case GB18030:
		return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), enc, nil
	}
	return br, enc, nil
}

// Decode converts a whole small buffer (a header line, a cell) to UTF-8. It decides the encoding
// from the same leading bytes NewReader would, but decodes the slice directly: every CSV parser's
// Detect calls it on the head of every file added, and a reader with its own 64 KiB buffer per
// call made that the largest cost of adding a small file.
func Decode(b []byte) (string, string) {
	enc := Detect(b[:min(len(b), 64<<10)])
	var dec *encoding.Decoder
	switch enc {
	case UTF8:
		return string(b), enc
	case UTF8BOM:
		return string(b[3:]), enc
	case UTF16LE:
		dec = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case UTF16BE:
		dec = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	default:
		dec = simplifiedchinese.GB18030.NewDecoder()
	}
	out, err := dec.Bytes(b)
	if err != nil {
		return string(b), enc
	}
	return string(out), enc
}

// FileName is how a file or folder name is shown: the name itself when it is UTF-8; decoded as
// GB18030 when it is not and decodes without a fault (what unzipping an archive made on Chinese
// Windows leaves on Linux); otherwise with U+FFFD for each byte that is not UTF-8. The result is
// always valid UTF-8; callers keep the raw bytes beside it when it is not the name itself.
func FileName(raw string) string {
	if utf8.ValidString(raw) {
		return raw
	}
	if out, err := simplifiedchinese.GB18030.NewDecoder().String(raw); err == nil && utf8.ValidString(out) && !strings.ContainsRune(out, utf8.RuneError) {
		return out
	}
	return strings.ToValidUTF8(raw, string(utf8.RuneError))
}

// ReadLine reads the next line of br without its line end, holding at most max bytes of it: a
// longer line is read to its end and dropped, and tooLong says so, so one hostile line cannot
// hold the memory of the file. err is set only when nothing more could be read (io.EOF at the
// end of the input).
func ReadLine(br *bufio.Reader, max int) (line string, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > max {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && len(buf) == 0 && !tooLong {
			return "", false, err
		}
		if tooLong {
			return "", true, nil
		}
		return strings.TrimRight(string(buf), "\r\n"), false, nil
	}
}

// Clip cuts s to at most limit bytes on a rune boundary and marks the cut with "…"; cut reports
// whether anything was lost. Parsers use it for texts they keep and for values they quote in
// warnings.
func Clip(s string, limit int) (clipped string, cut bool) {
	if len(s) <= limit {
		return s, false
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…", true
}

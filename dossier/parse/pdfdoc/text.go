package pdfdoc

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// pdfDocEncoding maps the bytes where PDFDocEncoding differs from Latin-1 (PDF 32000-1, annex
// D.2); 0 marks an undefined code.
var pdfDocEncoding = map[byte]rune{
	0x18: '\u02D8', 0x19: '\u02C7', 0x1A: '\u02C6', 0x1B: '\u02D9', 0x1C: '\u02DD', 0x1D: '\u02DB',
	0x1E: '\u02DA', 0x1F: '\u02DC',
	0x80: '\u2022', 0x81: '\u2020', 0x82: '\u2021', 0x83: '\u2026', 0x84: '\u2014', 0x85: '\u2013',
	0x86: '\u0192', 0x87: '\u2044', 0x88: '\u2039', 0x89: '\u203A', 0x8A: '\u2212', 0x8B: '\u2030',
	0x8C: '\u201E', 0x8D: '\u201C', 0x8E: '\u201D', 0x8F: '\u2018', 0x90: '\u2019', 0x91: '\u201A',
	0x92: '\u2122', 0x93: '\uFB01', 0x94: '\uFB02', 0x95: '\u0141', 0x96: '\u0152', 0x97: '\u0160',
	0x98: '\u0178', 0x99: '\u017D', 0x9A: '\u0131', 0x9B: '\u0142', 0x9C: '\u0153', 0x9D: '\u0161',
	0x9E: '\u017E', 0x9F: 0, 0xA0: '\u20AC', 0xAD: 0,
}

// maxTextBytes caps an info string; a title is a line, not a book.
const maxTextBytes = 4 << 10

// decodeText turns a PDF text string into UTF-8: UTF-16BE after a FE FF mark, UTF-8 after an
// EF BB BF mark (PDF 2.0), else PDFDocEncoding. Control characters are dropped so that a title
// cannot break the lines of a packet.
func decodeText(b []byte) string {
	if len(b) > maxTextBytes {
		b = b[:maxTextBytes]
	}
	var s string
	switch {
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		b = b[2:]
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		s = string(utf16.Decode(u))
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		s = strings.ToValidUTF8(string(b[3:]), "\uFFFD")
	default:
		var sb strings.Builder
		for _, c := range b {
			if r, ok := pdfDocEncoding[c]; ok {
				if r != 0 {
					sb.WriteRune(r)
				}
				continue
			}
			sb.WriteRune(rune(c))
		}
		s = sb.String()
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// parseDate reads a PDF date, D:YYYYMMDDHHmmSSOHH'mm', in which everything after the year is
// optional. A date without an offset is read in loc, the case time zone, which is what the
// writer's clock most likely showed.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "D:")
	digits := 0
	for digits < len(s) && digits < 14 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits < 4 || digits%2 != 0 {
		return time.Time{}, errors.New("not a PDF date")
	}
	field := func(i, def int) int {
		if i+2 > digits {
			return def
		}
		n, _ := strconv.Atoi(s[i : i+2])
		return n
	}
	year, _ := strconv.Atoi(s[:4])
	month, day := field(4, 1), field(6, 1)
	hour, minute, sec := field(8, 0), field(10, 0), field(12, 0)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, errors.New("date out of range")
	}
	rest := strings.TrimSpace(s[digits:])
	switch {
	case rest == "" || rest == "'":
	case rest[0] == 'Z' || rest[0] == 'z':
		loc = time.UTC
	case rest[0] == '+' || rest[0] == '-':
		parts := strings.FieldsFunc(rest[1:], func(r rune) bool { return r == '\'' || r == ':' })
		if len(parts) == 1 && len(parts[0]) == 4 {
			parts = []string{parts[0][:2], parts[0][2:]}
		}
		if len(parts) == 0 {
			return time.Time{}, errors.New("bad time zone offset")
		}
		oh, err1 := strconv.Atoi(parts[0])
		om := 0
		var err2 error
		if len(parts) > 1 {
			om, err2 = strconv.Atoi(parts[1])
		}
		if err1 != nil || err2 != nil || oh > 14 || om > 59 {
			return time.Time{}, errors.New("bad time zone offset")
		}
		off := oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	default:
		return time.Time{}, errors.New("trailing characters after the date")
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc)
	if t.Day() != day {
		return time.Time{}, errors.New("no such day")
	}
	return t, nil
}

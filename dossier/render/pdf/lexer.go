package pdf

import (
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf16"
)

// The lexer reads the dictionaries of the PDF library's own output (the trailer, the catalog)
// when the packet's update is written. Reading packets back is pdfdoc's job.

// Caps on what the lexer parses: nesting, and object numbers it believes.
const (
	maxDepth   = 32
	maxObjects = 1 << 20
)

// PDF values as the lexer returns them.
type (
	dict      map[string]any
	array     []any
	pdfName   string
	keyword   string
	ref       int
	pdfString []byte
)

// text decodes a text string: UTF-16BE with a byte-order mark, else PDFDocEncoding read as Latin-1.
func (s pdfString) text() string {
	if len(s) >= 2 && s[0] == 0xFE && s[1] == 0xFF {
		u := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(s))
	for i, c := range s {
		r[i] = rune(c)
	}
	return string(r)
}

type lexer struct {
	b []byte
	i int
}

func (lx *lexer) skip() {
	for lx.i < len(lx.b) {
		c := lx.b[lx.i]
		switch {
		case c == '%':
			for lx.i < len(lx.b) && lx.b[lx.i] != '\n' && lx.b[lx.i] != '\r' {
				lx.i++
			}
		case c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0:
			lx.i++
		default:
			return
		}
	}
}

func isDelim(c byte) bool {
	return strings.IndexByte("()<>[]{}/% \n\r\t\f\x00", c) >= 0
}

// value parses one value; nil at the end or on anything it does not understand.
func (lx *lexer) value(depth int) any {
	if depth > maxDepth {
		return nil
	}
	lx.skip()
	if lx.i >= len(lx.b) {
		return nil
	}
	c := lx.b[lx.i]
	switch {
	case c == '/':
		lx.i++
		start := lx.i
		for lx.i < len(lx.b) && !isDelim(lx.b[lx.i]) {
			lx.i++
		}
		return pdfName(lx.b[start:lx.i])
	case c == '<' && lx.i+1 < len(lx.b) && lx.b[lx.i+1] == '<':
		lx.i += 2
		d := dict{}
		for {
			lx.skip()
			if lx.i+1 < len(lx.b) && lx.b[lx.i] == '>' && lx.b[lx.i+1] == '>' {
				lx.i += 2
				return d
			}
			k, ok := lx.value(depth + 1).(pdfName)
			if !ok {
				return nil
			}
			d[string(k)] = lx.value(depth + 1)
		}
	case c == '<':
		lx.i++
		start := lx.i
		for lx.i < len(lx.b) && lx.b[lx.i] != '>' {
			lx.i++
		}
		digits := strings.Map(func(r rune) rune {
			if strings.ContainsRune(" \n\r\t\f", r) {
				return -1
			}
			return r
		}, string(lx.b[start:min(lx.i, len(lx.b))]))
		lx.i++
		if len(digits)%2 == 1 {
			digits += "0"
		}
		b, err := hex.DecodeString(digits)
		if err != nil {
			return nil
		}
		return pdfString(b)
	case c == '(':
		return lx.literal()
	case c == '[':
		lx.i++
		var a array
		for {
			lx.skip()
			if lx.i >= len(lx.b) {
				return nil
			}
			if lx.b[lx.i] == ']' {
				lx.i++
				return a
			}
			v := lx.value(depth + 1)
			if v == nil {
				return nil
			}
			a = append(a, v)
		}
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		start := lx.i
		for lx.i < len(lx.b) && !isDelim(lx.b[lx.i]) {
			lx.i++
		}
		tok := string(lx.b[start:lx.i])
		n, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			f, err := strconv.ParseFloat(tok, 64)
			if err != nil {
				return nil
			}
			return f
		}
		// "n g R" is a reference.
		save := lx.i
		lx.skip()
		gs := lx.i
		for lx.i < len(lx.b) && lx.b[lx.i] >= '0' && lx.b[lx.i] <= '9' {
			lx.i++
		}
		if lx.i > gs {
			lx.skip()
			if lx.i < len(lx.b) && lx.b[lx.i] == 'R' && (lx.i+1 == len(lx.b) || isDelim(lx.b[lx.i+1])) {
				lx.i++
				if n < 0 || n > maxObjects {
					return nil
				}
				return ref(n)
			}
		}
		lx.i = save
		return n
	case isDelim(c):
		lx.i++
		return nil
	default:
		start := lx.i
		for lx.i < len(lx.b) && !isDelim(lx.b[lx.i]) {
			lx.i++
		}
		return keyword(lx.b[start:lx.i])
	}
}

func (lx *lexer) literal() any {
	lx.i++ // (
	var out []byte
	level := 1
	for lx.i < len(lx.b) {
		c := lx.b[lx.i]
		lx.i++
		switch c {
		case '(':
			level++
		case ')':
			level--
			if level == 0 {
				return pdfString(out)
			}
		case '\\':
			if lx.i >= len(lx.b) {
				return nil
			}
			e := lx.b[lx.i]
			lx.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\n':
				continue
			case '\r':
				if lx.i < len(lx.b) && lx.b[lx.i] == '\n' {
					lx.i++
				}
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && lx.i < len(lx.b) && lx.b[lx.i] >= '0' && lx.b[lx.i] <= '7'; k++ {
						v = v*8 + int(lx.b[lx.i]-'0')
						lx.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return nil
}

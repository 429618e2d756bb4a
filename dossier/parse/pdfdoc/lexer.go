package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// The PDF object model, as far as this package needs it.
type (
	name      string
	pdfString []byte
	array     []any
	dict      map[string]any
	ref       struct{ num, gen int }
	// stream is a stream object: its dictionary and where its raw data starts in the file.
	stream struct {
		dict  dict
		start int64
	}
)

// errShort means the buffer ended inside an object; the caller reads a larger window.
var errShort = errors.New("object extends past the read window")

const maxNesting = 32

// lexer reads PDF objects from a window of the file; base is the window's offset in the file.
type lexer struct {
	buf  []byte
	pos  int
	base int64
	// eof says the window reaches the end of the file, so running out is not errShort.
	eof bool
}

func isSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isDelim(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

func (l *lexer) short() error {
	if l.eof {
		return fmt.Errorf("offset %d: unexpected end of file", l.base+int64(l.pos))
	}
	return errShort
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.buf) && l.buf[l.pos] != '\n' && l.buf[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// keyword reads a run of regular characters (a number, true, obj, R, ...).
func (l *lexer) keyword() []byte {
	start := l.pos
	for l.pos < len(l.buf) && !isSpace(l.buf[l.pos]) && !isDelim(l.buf[l.pos]) {
		l.pos++
	}
	return l.buf[start:l.pos]
}

// peekInt reads an unsigned integer token without moving, for the "n g R" and "n g obj" forms.
func (l *lexer) peekInt(at int) (int, int, bool) {
	i := at
	for i < len(l.buf) && isSpace(l.buf[i]) {
		i++
	}
	start := i
	for i < len(l.buf) && l.buf[i] >= '0' && l.buf[i] <= '9' {
		i++
	}
	if i == start || i-start > 10 || (i < len(l.buf) && !isSpace(l.buf[i]) && !isDelim(l.buf[i])) {
		return 0, at, false
	}
	n, err := strconv.Atoi(string(l.buf[start:i]))
	if err != nil {
		return 0, at, false
	}
	return n, i, true
}

// object reads one direct object; an integer followed by "g R" is a reference.
func (l *lexer) object(depth int) (any, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("offset %d: objects nested too deeply", l.base+int64(l.pos))
	}
	l.skipSpace()
	if l.pos >= len(l.buf) {
		return nil, l.short()
	}
	switch c := l.buf[l.pos]; c {
	case '/':
		l.pos++
		return l.name(), nil
	case '(':
		return l.literalString()
	case '<':
		if l.pos+1 < len(l.buf) && l.buf[l.pos+1] == '<' {
			l.pos += 2
			return l.dict(depth)
		}
		return l.hexString()
	case '[':
		l.pos++
		var a array
		for {
			l.skipSpace()
			if l.pos >= len(l.buf) {
				return nil, l.short()
			}
			if l.buf[l.pos] == ']' {
				l.pos++
				return a, nil
			}
			v, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case ')', '>', ']', '{', '}':
		l.pos++
		return nil, fmt.Errorf("offset %d: unexpected %q", l.base+int64(l.pos-1), c)
	}
	if n, after, ok := l.peekInt(l.pos); ok {
		if g, after2, ok := l.peekInt(after); ok {
			j := after2
			for j < len(l.buf) && isSpace(l.buf[j]) {
				j++
			}
			if j < len(l.buf) && l.buf[j] == 'R' && (j+1 == len(l.buf) || isSpace(l.buf[j+1]) || isDelim(l.buf[j+1])) {
				l.pos = j + 1
				return ref{n, g}, nil
			}
			if j >= len(l.buf) && !l.eof {
				return nil, errShort
			}
		} else if after2 >= len(l.buf) && !l.eof {
			return nil, errShort
		}
	}
	start := l.pos
	kw := l.keyword()
	if len(kw) == 0 {
		l.pos++
		return nil, fmt.Errorf("offset %d: unexpected byte %q", l.base+int64(start), l.buf[start])
	}
	switch string(kw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if i, err := strconv.ParseInt(string(kw), 10, 64); err == nil {
		return i, nil
	}
	if f, err := strconv.ParseFloat(string(kw), 64); err == nil {
		return f, nil
	}
	return nil, fmt.Errorf("offset %d: unexpected keyword %q", l.base+int64(start), clip(string(kw)))
}

func (l *lexer) name() name {
	raw := l.keyword()
	if bytes.IndexByte(raw, '#') < 0 {
		return name(raw)
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			if v, err := strconv.ParseUint(string(raw[i+1:i+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				i += 2
				continue
			}
		}
		out = append(out, raw[i])
	}
	return name(out)
}

func (l *lexer) dict(depth int) (dict, error) {
	d := dict{}
	for {
		l.skipSpace()
		if l.pos+1 >= len(l.buf) {
			return nil, l.short()
		}
		if l.buf[l.pos] == '>' && l.buf[l.pos+1] == '>' {
			l.pos += 2
			return d, nil
		}
		if l.buf[l.pos] != '/' {
			return nil, fmt.Errorf("offset %d: dictionary key is not a name", l.base+int64(l.pos))
		}
		l.pos++
		key := l.name()
		v, err := l.object(depth + 1)
		if err != nil {
			return nil, err
		}
		d[string(key)] = v
	}
}

func (l *lexer) literalString() (pdfString, error) {
	l.pos++ // (
	var out []byte
	level := 1
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		l.pos++
		switch c {
		case '(':
			level++
		case ')':
			level--
			if level == 0 {
				return out, nil
			}
		case '\\':
			if l.pos >= len(l.buf) {
				return nil, l.short()
			}
			e := l.buf[l.pos]
			l.pos++
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
			case '\r':
				if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.buf) && l.buf[l.pos] >= '0' && l.buf[l.pos] <= '7'; k++ {
						v = v*8 + int(l.buf[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e // \( \) \\ and unknown escapes stand for the character itself
				}
			}
		}
		out = append(out, c)
	}
	return nil, l.short()
}

func (l *lexer) hexString() (pdfString, error) {
	l.pos++ // <
	var out []byte
	var hi byte
	half := false
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		l.pos++
		var v byte
		switch {
		case c == '>':
			if half {
				out = append(out, hi<<4)
			}
			return out, nil
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		case isSpace(c):
			continue
		default:
			return nil, fmt.Errorf("offset %d: bad hex string", l.base+int64(l.pos-1))
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return nil, l.short()
}

// indirect reads "n g obj <object>" and, for a stream, finds where its data starts.
func (l *lexer) indirect() (ref, any, error) {
	n, after, ok := l.peekInt(l.pos)
	if !ok {
		return ref{}, nil, fmt.Errorf("offset %d: no object number", l.base+int64(l.pos))
	}
	g, after2, ok := l.peekInt(after)
	if !ok {
		return ref{}, nil, fmt.Errorf("offset %d: no generation number", l.base+int64(l.pos))
	}
	l.pos = after2
	l.skipSpace()
	if !bytes.HasPrefix(l.buf[l.pos:], []byte("obj")) {
		if len(l.buf)-l.pos < 3 && !l.eof {
			return ref{}, nil, errShort
		}
		return ref{}, nil, fmt.Errorf("offset %d: no obj keyword", l.base+int64(l.pos))
	}
	l.pos += 3
	v, err := l.object(0)
	if err != nil {
		return ref{}, nil, err
	}
	if d, ok := v.(dict); ok {
		l.skipSpace()
		if len(l.buf)-l.pos < 7 && !l.eof {
			return ref{}, nil, errShort
		}
		if bytes.HasPrefix(l.buf[l.pos:], []byte("stream")) {
			l.pos += 6
			// The keyword is followed by CRLF or LF; a lone CR is tolerated.
			if l.pos < len(l.buf) && l.buf[l.pos] == '\r' {
				l.pos++
			}
			if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
				l.pos++
			}
			return ref{n, g}, &stream{dict: d, start: l.base + int64(l.pos)}, nil
		}
	}
	return ref{n, g}, v, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

package wechathtml

import (
	"bufio"
	"errors"
	"github.com/dossier-tool/dossier/dossier/parse"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits on one element of the message list. A message larger than maxElement (a merged-forward
// record nesting hundreds of messages, or a hostile file) is skipped with a warning.
const (
	maxElement = 4 << 20
	maxDepth   = 32
	maxField   = 64 << 10 // a string field longer than this is cut while it is read
)

var (
	errTooLarge = parse.Errorf("html-element-too-large", maxElement)
	errTooDeep  = parse.Errorf("html-too-deep", maxDepth)
)

// syntaxError is a byte the literal grammar does not allow where it stands.
type syntaxError struct{ p *parse.Problem }

func (e *syntaxError) Error() string { return e.p.Error() }

func (e *syntaxError) Unwrap() error { return e.p }

func syntax(code string, args ...any) *syntaxError {
	return &syntaxError{&parse.Problem{W: parse.Warn("", code, args...)}}
}

// scanner reads the message list, a JavaScript array literal: WeChatMsg 1.x writes object
// literals with bare keys and single-quoted strings, MemoTrace 2.x writes JSON. One grammar
// covers both (JSON is a subset of the literal syntax); only top-level string, number and
// boolean fields of each element are kept, nested objects and arrays (2.x's xml_dict) are read
// and dropped.
type scanner struct {
	br     *bufio.Reader
	line   int   // 1-based line of the next byte
	used   int   // bytes read of the current element
	offset int64 // bytes read in all
}

func (s *scanner) readByte() (byte, error) {
	b, err := s.br.ReadByte()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, io.ErrUnexpectedEOF
		}
		return 0, err
	}
	s.offset++
	s.used++
	if s.used > maxElement {
		return 0, errTooLarge
	}
	if b == '\n' {
		s.line++
	}
	return b, nil
}

func (s *scanner) unread() {
	if s.br.UnreadByte() == nil {
		s.offset--
		s.used--
		if b, err := s.br.Peek(1); err == nil && b[0] == '\n' {
			s.line--
		}
	}
}

// skipSpace skips white space and comments and returns the next significant byte, unread.
func (s *scanner) skipSpace() (byte, error) {
	for {
		b, err := s.readByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			continue
		case '/':
			next, err := s.readByte()
			if err != nil {
				return 0, err
			}
			switch next {
			case '/':
				for b != '\n' {
					if b, err = s.readByte(); err != nil {
						return 0, err
					}
				}
				continue
			case '*':
				prev := byte(0)
				for {
					c, err := s.readByte()
					if err != nil {
						return 0, err
					}
					if prev == '*' && c == '/' {
						break
					}
					prev = c
				}
				continue
			}
			return 0, syntax("js-unexpected-slash")
		}
		s.unread()
		return b, nil
	}
}

// scalar is a kept field value: the text of a string, a number or a boolean.
type scalar struct {
	text  string
	isStr bool
}

// object reads an object literal, the opening brace already consumed, and returns its top-level
// scalar fields.
func (s *scanner) object(depth int, keep bool) (map[string]scalar, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	var fields map[string]scalar
	if keep {
		fields = map[string]scalar{}
	}
	for {
		b, err := s.skipSpace()
		if err != nil {
			return nil, err
		}
		if b == '}' {
			s.readByte()
			return fields, nil
		}
		key, err := s.key()
		if err != nil {
			return nil, err
		}
		if b, err = s.skipSpace(); err != nil {
			return nil, err
		}
		if b != ':' {
			return nil, syntax("js-expected-colon", clipKey(key))
		}
		s.readByte()
		v, ok, err := s.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if keep && ok {
			fields[key] = v
		}
		if b, err = s.skipSpace(); err != nil {
			return nil, err
		}
		switch b {
		case ',':
			s.readByte()
		case '}':
		default:
			return nil, syntax("js-expected-comma", clipKey(key))
		}
	}
}

func clipKey(k string) string {
	if len(k) > 40 {
		return k[:40]
	}
	return k
}

// key reads a property name: an identifier or a quoted string.
func (s *scanner) key() (string, error) {
	b, err := s.readByte()
	if err != nil {
		return "", err
	}
	if b == '\'' || b == '"' {
		return s.str(b)
	}
	if !identByte(b) {
		return "", syntax("js-unexpected-in-name", string(rune(b)))
	}
	var k strings.Builder
	k.WriteByte(b)
	for {
		b, err := s.readByte()
		if err != nil {
			return "", err
		}
		if !identByte(b) {
			s.unread()
			return k.String(), nil
		}
		if k.Len() < 256 {
			k.WriteByte(b)
		}
	}
}

func identByte(b byte) bool {
	return b == '_' || b == '$' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// value reads one value; ok is false for objects, arrays, null and undefined, which are not kept.
func (s *scanner) value(depth int) (scalar, bool, error) {
	b, err := s.skipSpace()
	if err != nil {
		return scalar{}, false, err
	}
	switch {
	case b == '\'' || b == '"':
		s.readByte()
		text, err := s.str(b)
		return scalar{text: text, isStr: true}, err == nil, err
	case b == '{':
		s.readByte()
		_, err := s.object(depth, false)
		return scalar{}, false, err
	case b == '[':
		s.readByte()
		return scalar{}, false, s.array(depth)
	case b == '-' || b == '+' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z':
		word, err := s.word()
		if err != nil {
			return scalar{}, false, err
		}
		switch word {
		case "null", "undefined", "None", "NaN":
			return scalar{}, false, nil
		case "true", "false", "True", "False":
			return scalar{text: strings.ToLower(word)}, true, nil
		}
		if _, err := strconv.ParseFloat(word, 64); err != nil {
			return scalar{}, false, syntax("unreadable-value", clipKey(word))
		}
		return scalar{text: word}, true, nil
	}
	return scalar{}, false, syntax("js-unexpected-in-value", string(rune(b)))
}

func (s *scanner) word() (string, error) {
	var w strings.Builder
	for {
		b, err := s.readByte()
		if err != nil {
			return "", err
		}
		if !(identByte(b) || b == '.' || b == '-' || b == '+') || b >= 0x80 {
			s.unread()
			return w.String(), nil
		}
		if w.Len() < 64 {
			w.WriteByte(b)
		}
	}
}

// array reads an array literal, the opening bracket consumed, dropping its elements.
func (s *scanner) array(depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	for {
		b, err := s.skipSpace()
		if err != nil {
			return err
		}
		switch b {
		case ']':
			s.readByte()
			return nil
		case ',':
			s.readByte()
			continue
		}
		if _, _, err := s.value(depth + 1); err != nil {
			return err
		}
	}
}

// str reads a string literal up to the closing quote, undoing JavaScript and JSON escapes. A
// string longer than maxField is read to its end but kept only in part.
func (s *scanner) str(quote byte) (string, error) {
	var out []byte
	add := func(p ...byte) {
		if len(out) < maxField {
			out = append(out, p...)
		}
	}
	for {
		b, err := s.readByte()
		if err != nil {
			return "", err
		}
		switch b {
		case quote:
			return strings.ToValidUTF8(string(out), "\uFFFD"), nil
		case '\n':
			return "", syntax("js-line-break")
		case '\\':
		default:
			add(b)
			continue
		}
		e, err := s.readByte()
		if err != nil {
			return "", err
		}
		switch e {
		case 'n':
			add('\n')
		case 'r':
			add('\r')
		case 't':
			add('\t')
		case 'b', 'f', 'v', '0':
		case '\n':
			// a line continuation
		case 'u':
			r, err := s.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				if lo, ok := s.lowSurrogate(); ok {
					r = utf16.DecodeRune(r, lo)
				} else {
					r = utf8.RuneError
				}
			}
			add(utf8.AppendRune(nil, r)...)
		case 'x':
			h, err := s.hexN(2)
			if err != nil {
				return "", err
			}
			add(utf8.AppendRune(nil, h)...)
		default:
			add(e) // \' \" \\ \/ and any other escaped character stand for themselves
		}
	}
}

func (s *scanner) hex4() (rune, error) { return s.hexN(4) }

func (s *scanner) hexN(n int) (rune, error) {
	var r rune
	for range n {
		b, err := s.readByte()
		if err != nil {
			return 0, err
		}
		v, ok := hexValue(b)
		if !ok {
			return 0, syntax("js-bad-escape")
		}
		r = r<<4 | rune(v)
	}
	return r, nil
}

// lowSurrogate reads a "\uDC00"-style escape following a high surrogate, if one follows.
func (s *scanner) lowSurrogate() (rune, bool) {
	p, err := s.br.Peek(6)
	if err != nil || p[0] != '\\' || p[1] != 'u' {
		return 0, false
	}
	var r rune
	for _, b := range p[2:] {
		v, ok := hexValue(b)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	if r < 0xDC00 || r > 0xDFFF {
		return 0, false
	}
	for range 6 {
		s.readByte()
	}
	return r, true
}

func hexValue(b byte) (byte, bool) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', true
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, true
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
}

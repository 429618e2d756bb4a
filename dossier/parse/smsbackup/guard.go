package smsbackup

import (
	"bufio"
	"bytes"
	"errors"
	"github.com/dossier-tool/dossier/dossier/parse"
	"io"
	"strconv"
	"unicode/utf8"
)

// Limits on what the guard lets through to encoding/xml. They bound the memory of one token, and
// so of the whole parse, whatever the file holds.
const (
	// maxValue is the most of one attribute value or text run that is kept; the rest is dropped
	// and reported. Real SMS bodies and MMS text parts are a few kilobytes.
	maxValue = 256 << 10
	// maxName bounds element and attribute names.
	maxName = 256
	// maxTag bounds one start tag as the decoder sees it (all attributes together, with the
	// binary part data already diverted).
	maxTag = 8 << 20
	// maxKeptNewlines is how many line breaks of a dropped value are still passed on, so that
	// the decoder's line numbers keep matching the original's.
	maxKeptNewlines = 4096
	// maxEntity is the longest character or entity reference the guard looks at ("&#1114111;").
	maxEntity = 12
	// maxNotes bounds the truncation notes kept for warnings.
	maxNotes = 100
)

var errTooLarge = errors.New("element too large")

var (
	replacementChar = []byte("\uFFFD")
	replacementRef  = []byte("&#65533;")
)

// dataRefPrefix marks a diverted attribute value. Base64 never contains '#', so a real value
// cannot be mistaken for a reference.
const dataRefPrefix = '#'

type lexState uint8

const (
	stText lexState = iota
	stOpen          // just after '<'
	stTagName
	stTag // inside a start tag, between attributes
	stAttrName
	stValue
	stEndTag
	stComment
	stCDATA
	stPI
	stDecl
)

// guard sits between the original file and encoding/xml. It is a small lexer over the raw bytes
// that keeps every token the decoder will build small:
//
//   - the base64 `data` attribute of an MMS <part> (which can be megabytes) is not passed on;
//     the guard writes "#offset length" in its place, and the parser later decodes the bytes
//     straight from the original through a section reader;
//   - any other attribute value, text run, comment or processing instruction is cut at maxValue
//     (at a character boundary, never inside a reference), and the cut is noted;
//   - a start tag or name larger than its limit stops the parse with errTooLarge.
//
// It also repairs what phones write that a strict XML decoder rejects and that would otherwise
// end the parse at the first message: emoji written as two surrogate character references
// (&#55357;&#56832;) are joined into one; references to characters XML forbids (&#1;, raw
// control bytes) become U+FFFD; and bytes of a text or attribute value that are not UTF-8 (a
// stray raw byte, CESU-8 surrogates, an overlong form) become U+FFFD with a note naming the line.
//
// Line breaks are passed on even from dropped values, so the decoder's line numbers are the
// original's.
type guard struct {
	src  *bufio.Reader
	off  int64 // offset in the original of the next byte read from src
	line int   // line in the original of the next byte read from src
	out  []byte
	head []byte // unread part of out
	err  error
	// emitted counts the bytes handed to the decoder.
	emitted int64

	st       lexState
	name     []byte // element name being read
	attr     []byte // attribute name being read or last read
	isPart   bool   // the current start tag is <part>
	tagBytes int

	// the current value or run
	quote     byte
	runLen    int
	dropping  bool
	keptNL    int
	divert    bool
	divertOff int64
	divertLen int64
	divertNL  int
	tail      [2]byte // last two bytes of a comment, PI or CDATA section
	declDepth int

	ent      []byte // a reference being read, starting with '&'
	inEnt    bool
	highSurr rune // a high surrogate reference waiting for its low half

	u8     []byte // a multi-byte UTF-8 sequence being read
	badRun bool   // the current run already had invalid UTF-8 noted

	notes   []note
	dropped int // notes not kept beyond maxNotes
}

// note records a value the guard cut.
type note struct {
	line int
	w    parse.Warning
}

// tooLarge is errTooLarge, worded by code, at the current line.
func (g *guard) tooLarge(code string, args ...any) error {
	w := parse.Warn("line "+strconv.Itoa(g.line), code, args...)
	return &parse.Problem{W: w, Err: errTooLarge}
}

// atEnd reports whether the input ended within the last few bytes before offset, the decoder's
// position in the guard's output: a decoder error there is the file being cut off, whatever
// the decoder calls it (an incomplete UTF-8 sequence or reference).
func (g *guard) atEnd(offset int64) bool {
	return g.err == io.EOF && len(g.head) == 0 && offset >= g.emitted-maxEntity-utf8.UTFMax
}

func newGuard(r io.Reader) *guard {
	return &guard{src: bufio.NewReaderSize(r, 64<<10), line: 1, out: make([]byte, 0, 8<<10)}
}

func (g *guard) Read(p []byte) (int, error) {
	for len(g.head) == 0 {
		if g.err != nil {
			return 0, g.err
		}
		g.fill()
	}
	n := copy(p, g.head)
	g.head = g.head[n:]
	g.emitted += int64(n)
	return n, nil
}

// fill lexes input until some output is ready or the input ends.
func (g *guard) fill() {
	g.out = g.out[:0]
	if g.off == 0 {
		if bom, _ := g.src.Peek(3); len(bom) == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF {
			g.src.Discard(3)
			g.off = 3
		}
	}
	for len(g.out) < 4<<10 {
		b, err := g.src.ReadByte()
		if err != nil {
			g.finish()
			g.err = err
			break
		}
		g.off++
		if b == '\n' {
			g.line++
		}
		if err := g.step(b); err != nil {
			g.err = err
			break
		}
		if g.st == stValue && g.divert {
			g.skipDiverted()
		}
	}
	g.head = g.out
}

// finish flushes a reference left open by the end of the input, so the decoder sees exactly
// what the file holds and reports the truncation itself.
func (g *guard) finish() {
	g.out = append(g.out, g.u8...) // a sequence cut by the end of the file: the decoder reports it
	g.u8 = g.u8[:0]
	g.flushHigh()
	if g.inEnt {
		g.out = append(g.out, g.ent...)
		g.inEnt = false
	}
}

func (g *guard) step(b byte) error {
	switch g.st {
	case stText:
		if b == '<' {
			g.endContent()
			g.out = append(g.out, b)
			g.st = stOpen
			return nil
		}
		g.content(b)
	case stOpen:
		g.out = append(g.out, b)
		switch b {
		case '!':
			g.startMarkup()
		case '?':
			g.startRun(stPI)
		case '/':
			g.st = stEndTag
			g.tagBytes = 0
		default:
			g.st = stTagName
			g.name = append(g.name[:0], b)
			g.tagBytes = 2
		}
	case stEndTag:
		g.out = append(g.out, b)
		if b == '>' {
			g.startRun(stText)
			return nil
		}
		if g.tagBytes++; g.tagBytes > maxName {
			return g.tooLarge("end-tag-too-long", maxName)
		}
	case stTagName:
		if isNameByte(b) {
			if len(g.name) >= maxName {
				return g.tooLarge("element-name-too-long", maxName)
			}
			g.name = append(g.name, b)
			g.out = append(g.out, b)
			g.tagBytes++
			return nil
		}
		g.isPart = localName(g.name) == "part"
		g.attr = g.attr[:0]
		g.st = stTag
		return g.step(b)
	case stTag:
		g.tagBytes++
		if g.tagBytes > maxTag {
			return g.tooLarge("start-tag-too-large", string(g.name), maxTag)
		}
		switch {
		case b == '>':
			g.out = append(g.out, b)
			g.startRun(stText)
		case b == '"' || b == '\'':
			g.out = append(g.out, b)
			g.startValue(b)
		case isNameByte(b):
			g.attr = append(g.attr[:0], b)
			g.out = append(g.out, b)
			g.st = stAttrName
		default: // white space, '=', '/'
			g.out = append(g.out, b)
		}
	case stAttrName:
		if isNameByte(b) {
			if len(g.attr) >= maxName {
				return g.tooLarge("attribute-name-too-long", maxName)
			}
			g.attr = append(g.attr, b)
			g.out = append(g.out, b)
			g.tagBytes++
			return nil
		}
		g.st = stTag
		return g.step(b)
	case stValue:
		if b == g.quote {
			if g.divert {
				g.endDivert()
			} else {
				g.endContent()
			}
			g.out = append(g.out, b)
			g.st = stTag
			g.tagBytes++
			return nil
		}
		if g.divert {
			g.divertLen++
			if b == '\n' && g.divertNL < maxKeptNewlines {
				g.divertNL++
			}
			return nil
		}
		before := len(g.out)
		g.content(b)
		g.tagBytes += len(g.out) - before
		if g.tagBytes > maxTag {
			return g.tooLarge("start-tag-too-large", string(g.name), maxTag)
		}
	case stComment:
		g.endsWith(b, '-', '-', "-->")
	case stCDATA:
		g.endsWith(b, ']', ']', "]]>")
	case stPI:
		g.endsWith(b, '?', 0, "?>")
	case stDecl:
		switch {
		case b == '<':
			g.declDepth++
		case b == '>' && g.declDepth > 0:
			g.declDepth--
		case b == '>':
			g.out = append(g.out, b)
			g.startRun(stText)
			return nil
		}
		g.keep(b)
	}
	return nil
}

// startMarkup decides, after "<!", between a comment, a CDATA section and a declaration.
func (g *guard) startMarkup() {
	if p, _ := g.src.Peek(2); string(p) == "--" {
		g.consume(2)
		g.startRun(stComment)
		return
	}
	if p, _ := g.src.Peek(7); string(p) == "[CDATA[" {
		g.consume(7)
		g.startRun(stCDATA)
		return
	}
	g.startRun(stDecl)
	g.declDepth = 0
}

// consume passes n peeked bytes through unchanged.
func (g *guard) consume(n int) {
	p, _ := g.src.Peek(n)
	g.out = append(g.out, p...)
	g.src.Discard(len(p))
	g.off += int64(len(p))
}

func (g *guard) startRun(st lexState) {
	g.st = st
	g.runLen = 0
	g.dropping = false
	g.keptNL = 0
	g.tail = [2]byte{}
	g.u8 = g.u8[:0]
	g.badRun = false
}

func (g *guard) startValue(q byte) {
	g.startRun(stValue)
	g.quote = q
	g.divert = g.isPart && localName(g.attr) == "data"
	g.divertOff = g.off
	g.divertLen = 0
	g.divertNL = 0
}

// skipDiverted passes over the buffered part of a diverted value at once, up to its closing
// quote, rather than byte by byte: these values are nearly all of a large export.
func (g *guard) skipDiverted() {
	buf, _ := g.src.Peek(g.src.Buffered())
	if i := bytes.IndexByte(buf, g.quote); i >= 0 {
		buf = buf[:i]
	}
	nl := bytes.Count(buf, []byte{'\n'})
	g.line += nl
	g.divertNL = min(g.divertNL+nl, maxKeptNewlines)
	g.divertLen += int64(len(buf))
	g.off += int64(len(buf))
	g.src.Discard(len(buf))
}

func (g *guard) endDivert() {
	g.divert = false
	if g.divertLen == 0 {
		return
	}
	g.out = append(g.out, dataRefPrefix)
	g.out = strconv.AppendInt(g.out, g.divertOff, 10)
	g.out = append(g.out, ' ')
	g.out = strconv.AppendInt(g.out, g.divertLen, 10)
	for range g.divertNL {
		g.out = append(g.out, '\n')
	}
}

// endsWith handles the runs that end with a fixed terminator. While the run is within its limit
// the bytes pass unchanged; once it is cut, the terminator is written after a space, so the kept
// part cannot join with it into something the decoder rejects ("--->").
func (g *guard) endsWith(b, t0, t1 byte, term string) {
	done := b == '>' && g.tail[1] == t0 && (t1 == 0 || g.tail[0] == t1)
	g.tail[0], g.tail[1] = g.tail[1], b
	if !done {
		g.keep(b)
		return
	}
	if g.dropping {
		g.out = append(g.out, ' ')
		g.out = append(g.out, term...)
	} else {
		g.out = append(g.out, b)
	}
	g.startRun(stText)
}

// keep passes one byte of a run, or drops it once the run is over its limit. A cut only starts
// at the first byte of a UTF-8 sequence.
func (g *guard) keep(p ...byte) {
	if !g.dropping && g.runLen >= maxValue && p[0]&0xC0 != 0x80 {
		g.dropping = true
		if g.st == stValue {
			g.addNote("attribute-cut", string(g.attr), maxValue)
		} else if g.st != stText {
			g.addNote("markup-cut", maxValue)
		}
	}
	if g.dropping {
		for _, c := range p {
			if c == '\n' && g.keptNL < maxKeptNewlines {
				g.keptNL++
				g.out = append(g.out, '\n')
			}
		}
		return
	}
	g.out = append(g.out, p...)
	g.runLen += len(p)
}

func (g *guard) addNote(code string, args ...any) {
	if len(g.notes) >= maxNotes {
		g.dropped++
		return
	}
	g.notes = append(g.notes, note{line: g.line, w: parse.Warn("", code, args...)})
}

// content handles a byte of character data or of an attribute value, where references may occur.
func (g *guard) content(b byte) {
	if g.inEnt {
		switch {
		case b == ';':
			g.ent = append(g.ent, b)
			g.inEnt = false
			g.reference()
			return
		case len(g.ent) < maxEntity && isNameByte(b):
			g.ent = append(g.ent, b)
			return
		}
		// Not a reference after all: pass it on and let the decoder judge it.
		g.inEnt = false
		g.flushHigh()
		g.keep(g.ent...)
	}
	if len(g.u8) > 0 || b >= 0x80 {
		if g.utf8Byte(b) {
			return
		}
	}
	if b == '&' {
		g.inEnt = true
		g.ent = append(g.ent[:0], b)
		return
	}
	g.flushHigh()
	if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
		g.keep(replacementChar...)
		return
	}
	g.keep(b)
}

// utf8Byte takes a byte of a multi-byte UTF-8 sequence, reporting false when b is not one and is
// to be handled as an ASCII byte (it ended a sequence that was cut short).
func (g *guard) utf8Byte(b byte) bool {
	if len(g.u8) > 0 {
		if b&0xC0 == 0x80 {
			g.u8 = append(g.u8, b)
			if utf8.FullRune(g.u8) {
				g.flushUTF8()
			}
			return true
		}
		g.invalidUTF8()
		if b < 0x80 {
			return false
		}
	}
	if b >= 0xC2 && b <= 0xF4 {
		g.flushHigh()
		g.u8 = append(g.u8[:0], b)
		return true
	}
	g.invalidUTF8() // a continuation byte without a lead, or a byte UTF-8 never uses
	return true
}

// flushUTF8 passes a complete sequence on, or U+FFFD when it is no character (an overlong form,
// a surrogate as CESU-8 writes it, a value past U+10FFFF).
func (g *guard) flushUTF8() {
	if utf8.Valid(g.u8) {
		g.keep(g.u8...)
		g.u8 = g.u8[:0]
		return
	}
	g.invalidUTF8()
}

func (g *guard) invalidUTF8() {
	g.u8 = g.u8[:0]
	g.keep(replacementChar...)
	if !g.badRun {
		g.badRun = true
		g.addNote("not-utf8-replaced")
	}
}

// endContent closes a value or text run.
func (g *guard) endContent() {
	if len(g.u8) > 0 {
		g.invalidUTF8()
	}
	if g.inEnt {
		g.inEnt = false
		g.flushHigh()
		g.keep(g.ent...)
	}
	g.flushHigh()
}

// reference passes on the complete reference in g.ent, repairing character references.
func (g *guard) reference() {
	r, ok := charRef(g.ent)
	if !ok {
		g.flushHigh()
		g.keep(g.ent...)
		return
	}
	switch {
	case r >= 0xD800 && r < 0xDC00:
		g.flushHigh()
		g.highSurr = r
		return
	case r >= 0xDC00 && r < 0xE000:
		if g.highSurr != 0 {
			r = 0x10000 + (g.highSurr-0xD800)<<10 + (r - 0xDC00)
			g.highSurr = 0
		} else {
			r = 0xFFFD
		}
	}
	g.flushHigh()
	if !xmlChar(r) {
		r = 0xFFFD
	}
	var buf [16]byte
	ref := append(buf[:0], '&', '#')
	ref = strconv.AppendInt(ref, int64(r), 10)
	ref = append(ref, ';')
	g.keep(ref...)
}

// flushHigh writes a high surrogate that was not followed by its low half as U+FFFD.
func (g *guard) flushHigh() {
	if g.highSurr != 0 {
		g.highSurr = 0
		g.keep(replacementRef...)
	}
}

// charRef decodes "&#123;" or "&#x7B;".
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 4 || ref[1] != '#' {
		return 0, false
	}
	digits, base := ref[2:len(ref)-1], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || n > 0x10FFFF {
		return 0, false
	}
	return rune(n), true
}

// xmlChar reports whether XML 1.0 allows the character.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

func isNameByte(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	case b == '_', b == '-', b == '.', b == ':', b == '#':
		return true
	}
	return b >= 0x80
}

// localName drops a namespace prefix.
func localName(name []byte) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == ':' {
			return string(name[i+1:])
		}
	}
	return string(name)
}

package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Packet is what ReadPacket finds in a packet written by Render.
type Packet struct {
	// ManifestDigest is the digest printed on the cover, read from /Keywords; "" when absent.
	ManifestDigest string
	// Files are the embedded files in the order of the /EmbeddedFiles name tree: manifest.json
	// first, then the originals in exhibit order.
	Files []EmbeddedFile
}

// EmbeddedFile is one attachment of a packet.
type EmbeddedFile struct {
	Name string // the file name (/UF, else /F)
	// CheckSum is the hex MD5 the PDF stores in /Params /CheckSum; "" when there is none.
	CheckSum string
	// Size is the uncompressed size stored in /Params /Size, or -1.
	Size int64

	r      io.ReaderAt
	off    int64 // start of the stream data
	length int64
	flate  bool
}

// Open returns the decompressed content. At most MaxEmbedded bytes are produced.
func (e *EmbeddedFile) Open() (io.Reader, error) {
	raw := io.NewSectionReader(e.r, e.off, e.length)
	if !e.flate {
		return io.LimitReader(raw, MaxEmbedded), nil
	}
	zr, err := zlib.NewReader(raw)
	if err != nil {
		return nil, fmt.Errorf("embedded file %s: %w", e.Name, err)
	}
	return io.LimitReader(zr, MaxEmbedded), nil
}

// Bytes reads the whole content; convenient for the manifest and small originals.
func (e *EmbeddedFile) Bytes() ([]byte, error) {
	r, err := e.Open()
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("embedded file %s: %w", e.Name, err)
	}
	return b, nil
}

// File returns the embedded file with the given name, or nil.
func (p *Packet) File(name string) *EmbeddedFile {
	for i := range p.Files {
		if p.Files[i].Name == name {
			return &p.Files[i]
		}
	}
	return nil
}

// MaxEmbedded caps the decompressed size of one embedded file read back.
const MaxEmbedded = 1 << 30

// ErrNotPacket is returned for input that is not a PDF this package could have written.
var ErrNotPacket = errors.New("not a dossier packet")

// Limits that keep a corrupt or hostile file from costing much: the tail searched for startxref,
// the number of objects and the size of one object's dictionary.
const (
	tailSize   = 4096
	maxObjects = 1 << 20
	maxDict    = 1 << 20
	maxDepth   = 32
	// maxSections bounds the /Prev chain of cross-reference sections.
	maxSections = 64
)

// ReadPacket reads the embedded files and the manifest digest of a packet. It understands the
// subset of PDF that Render writes — classic cross-reference sections chained by /Prev (the
// library's, then the incremental update that carries the images and attachments), a trailer
// with /Root and /Info, a flat /EmbeddedFiles name tree, FlateDecode streams — and reports
// anything else as an error rather than guessing.
func ReadPacket(r io.ReaderAt, size int64) (*Packet, error) {
	rd := &reader{r: r, size: size}
	if size < 16 {
		return nil, fmt.Errorf("%w: %d bytes", ErrNotPacket, size)
	}
	head := make([]byte, 8)
	if _, err := r.ReadAt(head, 0); err != nil || !bytes.HasPrefix(head, []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no %%PDF header", ErrNotPacket)
	}
	trailer, err := rd.readXref()
	if err != nil {
		return nil, err
	}
	p := &Packet{}
	if info, ok := rd.resolve(trailer["Info"], 0).(dict); ok {
		if kw, ok := info["Keywords"].(pdfString); ok {
			if s := kw.text(); strings.HasPrefix(s, KeywordsPrefix) {
				p.ManifestDigest = strings.TrimPrefix(s, KeywordsPrefix)
			}
		}
	}
	root, ok := rd.resolve(trailer["Root"], 0).(dict)
	if !ok {
		return nil, fmt.Errorf("%w: no catalog", ErrNotPacket)
	}
	names, _ := rd.resolve(root["Names"], 0).(dict)
	ef, _ := rd.resolve(names["EmbeddedFiles"], 0).(dict)
	arr, _ := rd.resolve(ef["Names"], 0).(array)
	for i := 0; i+1 < len(arr); i += 2 {
		spec, ok := rd.resolve(arr[i+1], 0).(dict)
		if !ok {
			return nil, fmt.Errorf("embedded file %d: file specification is not a dictionary", i/2+1)
		}
		f, err := rd.embedded(spec)
		if err != nil {
			return nil, fmt.Errorf("embedded file %d: %w", i/2+1, err)
		}
		p.Files = append(p.Files, *f)
	}
	return p, nil
}

type reader struct {
	r       io.ReaderAt
	size    int64
	offsets map[int]int64
}

// readXref reads the cross-reference sections from the last one back along /Prev, so that an
// object's newest version wins, and returns the newest trailer.
func (rd *reader) readXref() (dict, error) {
	tail := make([]byte, min(tailSize, rd.size))
	if _, err := rd.r.ReadAt(tail, rd.size-int64(len(tail))); err != nil && err != io.EOF {
		return nil, fmt.Errorf("read tail: %w", err)
	}
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return nil, fmt.Errorf("%w: no startxref", ErrNotPacket)
	}
	fields := bytes.Fields(tail[i+9:])
	if len(fields) == 0 {
		return nil, fmt.Errorf("%w: no startxref offset", ErrNotPacket)
	}
	at, err := strconv.ParseInt(string(fields[0]), 10, 64)
	if err != nil || at < 0 || at >= rd.size {
		return nil, fmt.Errorf("%w: startxref %q out of range", ErrNotPacket, fields[0])
	}
	rd.offsets = map[int]int64{}
	seen := map[int64]bool{}
	var newest dict
	for {
		if seen[at] || len(seen) >= maxSections {
			return nil, fmt.Errorf("%w: cross-reference sections loop or exceed %d", ErrNotPacket, maxSections)
		}
		seen[at] = true
		trailer, err := rd.readSection(at)
		if err != nil {
			return nil, err
		}
		if newest == nil {
			newest = trailer
		}
		prev, ok := trailer["Prev"].(int64)
		if !ok {
			return newest, nil
		}
		if prev < 0 || prev >= rd.size {
			return nil, fmt.Errorf("%w: /Prev %d out of range", ErrNotPacket, prev)
		}
		at = prev
	}
}

// readSection reads the classic cross-reference section at offset at — "xref", then subsections
// of a "first count" line and count 20-byte entries — adding the objects not already known from a
// newer section, and returns the trailer dictionary that follows.
func (rd *reader) readSection(at int64) (dict, error) {
	line, at, err := rd.line(at)
	if err != nil || string(line) != "xref" {
		return nil, fmt.Errorf("%w: xref at %d is not a classic table", ErrNotPacket, at)
	}
	for {
		line, next, err := rd.line(at)
		if err != nil {
			return nil, fmt.Errorf("%w: xref subsection at %d: %v", ErrNotPacket, at, err)
		}
		if bytes.HasPrefix(line, []byte("trailer")) {
			break
		}
		sub := bytes.Fields(line)
		if len(sub) != 2 {
			return nil, fmt.Errorf("%w: xref subsection %q at %d", ErrNotPacket, line, at)
		}
		first, err1 := strconv.Atoi(string(sub[0]))
		count, err2 := strconv.Atoi(string(sub[1]))
		if err1 != nil || err2 != nil || first < 0 || count < 0 || count > maxObjects-len(rd.offsets) || first > maxObjects {
			return nil, fmt.Errorf("%w: xref subsection %q at %d", ErrNotPacket, line, at)
		}
		if next+int64(count)*20 > rd.size {
			return nil, fmt.Errorf("%w: xref of %d entries runs past the end", ErrNotPacket, count)
		}
		entries := make([]byte, count*20)
		if _, err := rd.r.ReadAt(entries, next); err != nil && err != io.EOF {
			return nil, fmt.Errorf("read xref: %w", err)
		}
		for n := 0; n < count; n++ {
			e := entries[n*20 : n*20+20]
			if _, known := rd.offsets[first+n]; known || e[17] != 'n' {
				continue
			}
			off, err := strconv.ParseInt(string(bytes.TrimSpace(e[:10])), 10, 64)
			if err == nil && off >= 0 && off < rd.size {
				rd.offsets[first+n] = off
			}
		}
		at = next + int64(count)*20
	}
	buf := make([]byte, min(maxDict, rd.size-at))
	if _, err := rd.r.ReadAt(buf, at); err != nil && err != io.EOF {
		return nil, fmt.Errorf("read trailer: %w", err)
	}
	lx := &lexer{b: buf[len("trailer"):]}
	t, ok := lx.value(0).(dict)
	if !ok {
		return nil, fmt.Errorf("%w: trailer at %d is not a dictionary", ErrNotPacket, at)
	}
	return t, nil
}

// line reads the line at offset at (without its end of line) and where the next one starts.
func (rd *reader) line(at int64) ([]byte, int64, error) {
	if at < 0 || at >= rd.size {
		return nil, 0, errors.New("offset out of range")
	}
	buf := make([]byte, min(80, rd.size-at))
	if _, err := rd.r.ReadAt(buf, at); err != nil && err != io.EOF {
		return nil, 0, err
	}
	end := bytes.IndexAny(buf, "\r\n")
	if end < 0 {
		return nil, 0, errors.New("line too long")
	}
	next := end + 1
	if buf[end] == '\r' && next < len(buf) && buf[next] == '\n' {
		next++
	}
	return bytes.TrimSpace(buf[:end]), at + int64(next), nil
}

// object reads object n: its value and, for a stream, where the data starts.
func (rd *reader) object(n int) (any, int64, error) {
	off, ok := rd.offsets[n]
	if !ok {
		return nil, 0, fmt.Errorf("object %d not in xref", n)
	}
	buf := make([]byte, min(maxDict, rd.size-off))
	if _, err := rd.r.ReadAt(buf, off); err != nil && err != io.EOF {
		return nil, 0, fmt.Errorf("object %d: %w", n, err)
	}
	lx := &lexer{b: buf}
	if num, ok := lx.value(0).(int64); !ok || num != int64(n) {
		return nil, 0, fmt.Errorf("object %d: header does not match", n)
	}
	lx.value(0) // generation
	if kw, _ := lx.value(0).(keyword); kw != "obj" {
		return nil, 0, fmt.Errorf("object %d: no obj keyword", n)
	}
	v := lx.value(0)
	save := lx.i
	if kw, _ := lx.value(0).(keyword); kw == "stream" {
		i := lx.i
		if i < len(buf) && buf[i] == '\r' {
			i++
		}
		if i < len(buf) && buf[i] == '\n' {
			i++
		}
		return v, off + int64(i), nil
	}
	lx.i = save
	return v, -1, nil
}

// resolve follows a reference (not further than maxDepth).
func (rd *reader) resolve(v any, depth int) any {
	r, ok := v.(ref)
	if !ok || depth > maxDepth {
		return v
	}
	obj, _, err := rd.object(int(r))
	if err != nil {
		return nil
	}
	return rd.resolve(obj, depth+1)
}

func (rd *reader) embedded(spec dict) (*EmbeddedFile, error) {
	name := ""
	if s, ok := spec["UF"].(pdfString); ok {
		name = s.text()
	}
	if s, ok := spec["F"].(pdfString); ok && name == "" {
		name = s.text()
	}
	efd, _ := rd.resolve(spec["EF"], 0).(dict)
	r, ok := efd["F"].(ref)
	if !ok {
		return nil, fmt.Errorf("%s: no embedded stream", name)
	}
	v, start, err := rd.object(int(r))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sd, ok := v.(dict)
	if !ok || start < 0 {
		return nil, fmt.Errorf("%s: embedded file is not a stream", name)
	}
	length, ok := rd.resolve(sd["Length"], 0).(int64)
	if !ok || length < 0 || start+length > rd.size {
		return nil, fmt.Errorf("%s: bad stream length", name)
	}
	f := &EmbeddedFile{Name: name, Size: -1, r: rd.r, off: start, length: length}
	switch filter := sd["Filter"].(type) {
	case nil:
	case pdfName:
		if filter != "FlateDecode" {
			return nil, fmt.Errorf("%s: filter %s not supported", name, filter)
		}
		f.flate = true
	default:
		return nil, fmt.Errorf("%s: filter not supported", name)
	}
	if params, ok := rd.resolve(sd["Params"], 0).(dict); ok {
		if cs, ok := params["CheckSum"].(pdfString); ok {
			f.CheckSum = hex.EncodeToString([]byte(cs))
		}
		if n, ok := params["Size"].(int64); ok {
			f.Size = n
		}
	}
	return f, nil
}

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

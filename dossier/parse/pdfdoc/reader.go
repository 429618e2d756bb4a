package pdfdoc

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// Caps on untrusted input.
const (
	maxSections     = 64        // xref sections followed through /Prev
	maxObjects      = 1 << 20   // xref entries kept
	maxLoads        = 2000      // indirect objects parsed per document
	maxObjectBytes  = 256 << 20 // bytes read to parse objects, over the whole document
	maxRootProbes   = 500       // objects examined when looking for a lost catalog
	maxStreamBytes  = 64 << 20  // decoded size of one xref or object stream
	maxCachedBytes  = 128 << 20 // decoded object streams kept at once
	maxDecodedBytes = 512 << 20 // object stream data decoded over the whole document
	maxPages        = 1 << 20   // a /Count above this is not believed
	maxTreeNodes    = 1 << 18   // page tree nodes walked when /Count is unusable
	maxScanBytes    = 1 << 30   // bytes scanned when the xref is unusable
	scanChunk       = 1 << 20
	scanOverlap     = 64
	tailBytes       = 4096
	maxTailBytes    = 1 << 20
	firstWindow     = 16 << 10
	maxObjectWindow = 4 << 20
)

// entry is one cross-reference entry: type 1 is an object at byte offset a; type 2 is the b-th
// object inside the object stream numbered a; type 0 is a free entry.
type entry struct {
	typ byte
	a   int64
	b   int
}

// objStm is a decoded object stream: its objects' offsets relative to first, by object number
// and in header order.
type objStm struct {
	data    []byte
	first   int
	offsets map[int]int
	order   []int
}

// document reads just enough of a PDF to answer: how many pages, what does the info dictionary
// say, is it encrypted. It prefers the cross-reference data the file declares and falls back to
// scanning the file for "n g obj" headers when that data is missing or wrong.
type document struct {
	r       io.ReaderAt
	size    int64
	version string
	shift   int64 // bytes of junk before %PDF-, which some writers leave out of their offsets

	xref    map[int]entry
	trailer dict

	cache     map[int]any
	objStms   map[int]*objStm
	cached    int
	decoded   int64
	resolving map[int]bool
	loads     int
	objBytes  int64
	// maxLoads and maxObjBytes cap the objects parsed and the bytes read to parse them.
	maxLoads    int
	maxObjBytes int64

	scanned   bool
	scanObjs  map[int]int64
	scanPages int
	scanTrail int64

	warnings []parse.Warning
}

func (d *document) warn(where, code string, args ...any) {
	d.warnings = append(d.warnings, parse.Warn(where, code, args...))
}

var errNotPDF = errors.New("not a PDF: no %PDF- header in the first 1024 bytes")

// open reads the header and the cross-reference data.
func open(r io.ReaderAt, size int64) (*document, error) {
	d := &document{r: r, size: size, xref: map[int]entry{}, cache: map[int]any{},
		objStms: map[int]*objStm{}, resolving: map[int]bool{}, maxLoads: maxLoads, maxObjBytes: maxObjectBytes}
	head, _ := d.window(0, 1024)
	i := bytes.Index(head, []byte("%PDF-"))
	if i < 0 {
		return nil, errNotPDF
	}
	d.shift = int64(i)
	v := head[i+5:]
	n := 0
	for n < len(v) && n < 4 && (v[n] == '.' || v[n] >= '0' && v[n] <= '9') {
		n++
	}
	d.version = string(v[:n])

	start, err := d.startxref()
	if err == nil {
		err = d.loadXref(start)
	}
	if err != nil {
		d.warn("xref", "pdf-xref-scanned", err)
		d.reconstruct()
	}
	if _, ok := d.trailer["Root"]; !ok {
		if err == nil {
			d.warn("trailer", "pdf-no-root")
		}
		d.reconstruct()
		d.findRoot()
	}
	return d, nil
}

// window reads up to n bytes at off; eof reports that the window reaches the end of the file.
func (d *document) window(off int64, n int) ([]byte, bool) {
	if off < 0 || off >= d.size {
		return nil, true
	}
	if rem := d.size - off; int64(n) >= rem {
		n = int(rem)
	}
	buf := make([]byte, n)
	k, err := d.r.ReadAt(buf, off)
	return buf[:k], off+int64(k) >= d.size || err != nil
}

// startxref finds the offset the last "startxref" keyword points to.
func (d *document) startxref() (int64, error) {
	for n := tailBytes; ; n *= 16 {
		off := max(d.size-int64(n), 0)
		tail, _ := d.window(off, n)
		if i := bytes.LastIndex(tail, []byte("startxref")); i >= 0 {
			l := &lexer{buf: tail[i+9:], eof: true}
			v, err := l.object(0)
			x, ok := v.(int64)
			if err != nil || !ok || x < 0 || x >= d.size {
				return 0, parse.Errorf("pdf-bad-startxref", off+int64(i))
			}
			return x, nil
		}
		if off == 0 || n >= maxTailBytes {
			return 0, parse.Errorf("pdf-no-startxref")
		}
	}
}

// loadXref reads the newest cross-reference section and the older ones it chains to. Entries of
// newer sections win, as incremental updates require.
func (d *document) loadXref(off int64) error {
	seen := map[int64]bool{}
	for i := 0; ; i++ {
		if i == maxSections {
			d.warn("xref", "pdf-too-many-sections", maxSections)
			return nil
		}
		if seen[off] {
			d.warn("xref", "pdf-xref-loop", off)
			return nil
		}
		seen[off] = true
		trailer, err := d.section(off)
		if err != nil {
			if i == 0 {
				return err
			}
			d.warn("xref", "pdf-older-section", err)
			return nil
		}
		if d.trailer == nil {
			d.trailer = trailer
		} else {
			for k, v := range trailer {
				if _, ok := d.trailer[k]; !ok && k != "Prev" && k != "XRefStm" {
					d.trailer[k] = v
				}
			}
		}
		// A hybrid file keeps the entries of compressed objects in a stream next to the table.
		if xs, ok := trailer["XRefStm"].(int64); ok && !seen[xs] {
			seen[xs] = true
			if _, err := d.section(xs); err != nil {
				d.warn("xref", "pdf-xrefstm", err)
			}
		}
		prev, ok := trailer["Prev"].(int64)
		if !ok {
			return nil
		}
		off = prev
	}
}

// section reads a cross-reference table or stream at off, adding entries not already known.
func (d *document) section(off int64) (dict, error) {
	t, err := d.sectionAt(off)
	if err != nil && d.shift > 0 {
		if t2, err2 := d.sectionAt(off + d.shift); err2 == nil {
			return t2, nil
		}
	}
	return t, err
}

func (d *document) sectionAt(off int64) (dict, error) {
	w, _ := d.window(off, 32)
	w = bytes.TrimLeft(w, "\x00\t\n\f\r ")
	if bytes.HasPrefix(w, []byte("xref")) {
		return d.xrefTable(off)
	}
	return d.xrefStream(off)
}

func (d *document) add(num int, e entry) error {
	if num < 0 {
		return fmt.Errorf("negative object number %d", num)
	}
	if _, ok := d.xref[num]; ok {
		return nil
	}
	if len(d.xref) >= maxObjects {
		return fmt.Errorf("more than %d objects", maxObjects)
	}
	d.xref[num] = e
	return nil
}

// xrefTable reads a classic table: "xref", subsections "start count" of entries
// "offset generation n|f", then "trailer" and its dictionary.
func (d *document) xrefTable(off int64) (dict, error) {
	tr := &tokenReader{br: bufio.NewReader(io.NewSectionReader(d.r, off, d.size-off))}
	if tok := tr.next(); tok != "xref" {
		return nil, fmt.Errorf("offset %d: expected xref, found %q", off, clip(tok))
	}
	for {
		tok := tr.next()
		if tok == "trailer" {
			break
		}
		start, err1 := strconv.Atoi(tok)
		count, err2 := strconv.Atoi(tr.next())
		if err1 != nil || err2 != nil || start < 0 || count < 0 || count > maxObjects {
			return nil, fmt.Errorf("offset %d: bad xref subsection header %q", off+tr.pos, clip(tok))
		}
		for i := 0; i < count; i++ {
			o, g, kind := tr.next(), tr.next(), tr.next()
			x, err := strconv.ParseInt(o, 10, 64)
			if _, errG := strconv.Atoi(g); err != nil || errG != nil || (kind != "n" && kind != "f") {
				return nil, fmt.Errorf("offset %d: bad xref entry %d of subsection %d", off+tr.pos, i, start)
			}
			e := entry{typ: 0}
			if kind == "n" {
				e = entry{typ: 1, a: x}
			}
			if err := d.add(start+i, e); err != nil {
				return nil, fmt.Errorf("offset %d: %w", off+tr.pos, err)
			}
		}
	}
	at := off + tr.pos
	buf, eof := d.window(at, firstWindow)
	for n := firstWindow; ; n *= 4 {
		l := &lexer{buf: buf, base: at, eof: eof}
		v, err := l.object(0)
		if err == errShort && n < maxObjectWindow {
			buf, eof = d.window(at, n*4)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("trailer: %w", err)
		}
		t, ok := v.(dict)
		if !ok {
			return nil, fmt.Errorf("offset %d: trailer is not a dictionary", at)
		}
		return t, nil
	}
}

// tokenReader splits a stream into PDF tokens (runs of regular characters, or one delimiter).
type tokenReader struct {
	br  *bufio.Reader
	pos int64
}

func (t *tokenReader) next() string {
	var tok []byte
	for {
		c, err := t.br.ReadByte()
		if err != nil {
			return string(tok)
		}
		t.pos++
		switch {
		case isSpace(c):
			if len(tok) > 0 {
				return string(tok)
			}
		case isDelim(c):
			if len(tok) > 0 {
				_ = t.br.UnreadByte()
				t.pos--
				return string(tok)
			}
			return string(c)
		default:
			if len(tok) < 64 {
				tok = append(tok, c)
			}
		}
	}
}

// xrefStream reads a cross-reference stream (PDF 1.5): rows of /W-sized big-endian fields.
func (d *document) xrefStream(off int64) (dict, error) {
	_, v, err := d.parseAt(off)
	if err != nil {
		return nil, err
	}
	st, ok := v.(*stream)
	if !ok || st.dict["Type"] != name("XRef") {
		return nil, fmt.Errorf("offset %d: neither an xref table nor an xref stream", off)
	}
	data, err := d.streamData(st, maxStreamBytes)
	if err != nil {
		return nil, fmt.Errorf("xref stream at offset %d: %w", off, err)
	}
	wArr, _ := st.dict["W"].(array)
	if len(wArr) != 3 {
		return nil, fmt.Errorf("xref stream at offset %d: bad /W", off)
	}
	var w [3]int
	for i, x := range wArr {
		n, ok := x.(int64)
		if !ok || n < 0 || n > 8 {
			return nil, fmt.Errorf("xref stream at offset %d: bad /W", off)
		}
		w[i] = int(n)
	}
	row := w[0] + w[1] + w[2]
	if row == 0 {
		return nil, fmt.Errorf("xref stream at offset %d: empty /W", off)
	}
	index, _ := st.dict["Index"].(array)
	if index == nil {
		size, _ := st.dict["Size"].(int64)
		index = array{int64(0), size}
	}
	p := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || start < 0 || count < 0 || count > maxObjects {
			return nil, fmt.Errorf("xref stream at offset %d: bad /Index", off)
		}
		for k := int64(0); k < count; k++ {
			if p+row > len(data) {
				d.warn("xref", "pdf-xref-short", off)
				return st.dict, nil
			}
			typ := int64(1) // a zero-width type field means type 1
			if w[0] > 0 {
				typ = be(data[p : p+w[0]])
			}
			a, b := be(data[p+w[0]:p+w[0]+w[1]]), be(data[p+w[0]+w[1]:p+row])
			p += row
			if typ == 1 || typ == 2 {
				if err := d.add(int(start+k), entry{typ: byte(typ), a: a, b: int(b)}); err != nil {
					return nil, fmt.Errorf("xref stream at offset %d: %w", off, err)
				}
			} else if typ == 0 {
				_ = d.add(int(start+k), entry{})
			}
		}
	}
	return st.dict, nil
}

func be(b []byte) int64 {
	var v int64
	for _, c := range b {
		v = v<<8 | int64(c)
	}
	return v
}

// parseAt reads the indirect object at off, widening the read window as needed.
func (d *document) parseAt(off int64) (ref, any, error) {
	for n := firstWindow; ; n *= 4 {
		if d.objBytes > d.maxObjBytes {
			return ref{}, nil, fmt.Errorf("offset %d: more than %d MiB read to parse objects; giving up", off, d.maxObjBytes>>20)
		}
		buf, eof := d.window(off, n)
		d.objBytes += int64(len(buf))
		if len(buf) == 0 {
			return ref{}, nil, fmt.Errorf("offset %d: past the end of the file", off)
		}
		l := &lexer{buf: buf, base: off, eof: eof}
		l.skipSpace()
		r, v, err := l.indirect()
		if err == errShort && n < maxObjectWindow {
			continue
		}
		if err == errShort {
			return ref{}, nil, fmt.Errorf("offset %d: object larger than %d MiB", off, maxObjectWindow>>20)
		}
		return r, v, err
	}
}

// streamData decodes a stream (FlateDecode, with PNG predictors) up to limit bytes.
func (d *document) streamData(st *stream, limit int) ([]byte, error) {
	length, ok := d.resolve(st.dict["Length"]).(int64)
	if !ok || length < 0 || st.start+length > d.size {
		length = d.findEndstream(st.start)
		if length < 0 {
			return nil, errors.New("stream without a usable /Length or endstream")
		}
	}
	var rd io.Reader = io.NewSectionReader(d.r, st.start, length)
	filters := asArray(d.resolve(st.dict["Filter"]))
	params := asArray(d.resolve(st.dict["DecodeParms"]))
	if len(filters) > 1 {
		return nil, fmt.Errorf("%d filters in a row are not supported", len(filters))
	}
	var parms dict
	if len(filters) == 1 {
		switch filters[0] {
		case name("FlateDecode"), name("Fl"):
			zr, err := zlib.NewReader(rd)
			if err != nil {
				return nil, fmt.Errorf("flate: %w", err)
			}
			rd = zr
		default:
			return nil, fmt.Errorf("filter %v is not supported", filters[0])
		}
		if len(params) > 0 {
			parms, _ = d.resolve(params[0]).(dict)
		}
	}
	data, err := io.ReadAll(io.LimitReader(rd, int64(limit)+1))
	if len(data) > limit {
		return nil, fmt.Errorf("stream decodes to more than %d MiB", limit>>20)
	}
	// Many writers end their deflate data early or without a checksum; what was decoded is
	// still right.
	if err != nil && len(data) == 0 {
		return nil, fmt.Errorf("flate: %w", err)
	}
	return unpredict(data, parms)
}

func asArray(v any) array {
	switch x := v.(type) {
	case nil:
		return nil
	case array:
		return x
	default:
		return array{x}
	}
}

// unpredict undoes the PNG predictors (/Predictor 10-15) xref streams use.
func unpredict(data []byte, parms dict) ([]byte, error) {
	pred, _ := parms["Predictor"].(int64)
	if pred <= 1 {
		return data, nil
	}
	if pred < 10 {
		return nil, fmt.Errorf("predictor %d is not supported", pred)
	}
	cols, ok := parms["Columns"].(int64)
	if !ok {
		cols = 1
	}
	colors, ok := parms["Colors"].(int64)
	if !ok {
		colors = 1
	}
	bpc, ok := parms["BitsPerComponent"].(int64)
	if !ok {
		bpc = 8
	}
	if cols <= 0 || cols > 1<<16 || colors <= 0 || colors > 32 || bpc <= 0 || bpc > 16 {
		return nil, errors.New("bad predictor parameters")
	}
	bpp := int(max((colors*bpc+7)/8, 1))
	rowLen := int((cols*colors*bpc + 7) / 8)
	out := make([]byte, 0, len(data))
	prev := make([]byte, rowLen)
	for p := 0; p+1+rowLen <= len(data); p += 1 + rowLen {
		f, row := data[p], append([]byte(nil), data[p+1:p+1+rowLen]...)
		if err := UnfilterPNGRow(f, row, prev, bpp); err != nil {
			return nil, fmt.Errorf("bad PNG %w", err)
		}
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

// UnfilterPNGRow undoes a PNG row filter in place (ISO/IEC 15948 §9): cur is the row after its
// filter-type byte f, prev the row above, already unfiltered (zeros for the first), bpp the
// bytes per complete pixel, at least 1. PDF's PNG predictors (/Predictor 10–15) and PNG images
// use the same filters.
func UnfilterPNGRow(f byte, cur, prev []byte, bpp int) error {
	switch f {
	case 0:
	case 1:
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2:
		for i := range cur {
			cur[i] += prev[i]
		}
	case 3:
		for i := range cur {
			var left byte
			if i >= bpp {
				left = cur[i-bpp]
			}
			cur[i] += byte((int(left) + int(prev[i])) / 2)
		}
	case 4:
		for i := range cur {
			var left, upLeft byte
			if i >= bpp {
				left, upLeft = cur[i-bpp], prev[i-bpp]
			}
			cur[i] += paeth(left, prev[i], upLeft)
		}
	default:
		return fmt.Errorf("filter type %d", f)
	}
	return nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// findEndstream returns the length of stream data that has no usable /Length.
func (d *document) findEndstream(start int64) int64 {
	marker := []byte("endstream")
	for off := start; off < d.size && off-start < maxStreamBytes; off += scanChunk - int64(len(marker)) {
		buf, _ := d.window(off, scanChunk)
		if i := bytes.Index(buf, marker); i >= 0 {
			n := off + int64(i) - start
			// The end-of-line before endstream is not part of the data.
			for n > 0 {
				b, _ := d.window(start+n-1, 1)
				if len(b) == 0 || (b[0] != '\n' && b[0] != '\r') {
					break
				}
				n--
			}
			return n
		}
		if len(buf) < scanChunk {
			break
		}
	}
	return -1
}

// resolve follows a reference to its object; anything else is returned as is.
func (d *document) resolve(v any) any {
	r, ok := v.(ref)
	if !ok {
		return v
	}
	return d.object(r.num)
}

// object returns indirect object num, or nil when it cannot be read.
func (d *document) object(num int) any {
	if v, ok := d.cache[num]; ok {
		return v
	}
	if d.resolving[num] || d.loads >= d.maxLoads {
		return nil
	}
	d.resolving[num] = true
	defer delete(d.resolving, num)
	d.loads++
	v, ok := d.load(num)
	if !ok && !d.scanned {
		d.reconstruct()
	}
	if !ok {
		if off, found := d.scanObjs[num]; found {
			if r, v2, err := d.parseAt(off); err == nil && r.num == num {
				v, ok = v2, true
			}
		}
	}
	d.cache[num] = v
	return v
}

func (d *document) load(num int) (any, bool) {
	e, ok := d.xref[num]
	if !ok {
		return nil, false
	}
	switch e.typ {
	case 1:
		for _, off := range []int64{e.a, e.a + d.shift} {
			if r, v, err := d.parseAt(off); err == nil && r.num == num {
				return v, true
			}
			if d.shift == 0 {
				break
			}
		}
	case 2:
		return d.fromObjStm(int(e.a), e.b, num)
	}
	return nil, false
}

// fromObjStm reads object num out of object stream stmNum.
func (d *document) fromObjStm(stmNum, index, num int) (any, bool) {
	os, ok := d.objStms[stmNum]
	if !ok {
		os = d.loadObjStm(stmNum)
		d.objStms[stmNum] = os
	}
	if os == nil {
		return nil, false
	}
	off, ok := os.offsets[num]
	if !ok && index >= 0 && index < len(os.order) {
		// The header does not list the number; trust the position the xref gave.
		off, ok = os.order[index], true
	}
	if !ok || os.first+off >= len(os.data) || os.first+off < 0 {
		return nil, false
	}
	l := &lexer{buf: os.data[os.first+off:], eof: true}
	v, err := l.object(0)
	return v, err == nil
}

func (d *document) loadObjStm(stmNum int) *objStm {
	st, ok := d.object(stmNum).(*stream)
	if !ok || st.dict["Type"] != name("ObjStm") {
		return nil
	}
	if d.cached > maxCachedBytes {
		d.objStms = map[int]*objStm{}
		d.cached = 0
	}
	if d.decoded > maxDecodedBytes {
		// Object streams evicted and decoded again and again would cost time without end.
		return nil
	}
	data, err := d.streamData(st, maxStreamBytes)
	if err != nil {
		d.warn(fmt.Sprintf("object %d", stmNum), "pdf-object-stream", err)
		return nil
	}
	d.cached += len(data)
	d.decoded += int64(len(data))
	n, _ := st.dict["N"].(int64)
	first, _ := st.dict["First"].(int64)
	if n < 0 || n > maxObjects || first < 0 || first > int64(len(data)) {
		d.warn(fmt.Sprintf("object %d", stmNum), "pdf-object-stream-bad")
		return nil
	}
	os := &objStm{data: data, first: int(first), offsets: map[int]int{}}
	l := &lexer{buf: data[:first], eof: true}
	for i := int64(0); i < n; i++ {
		a, err1 := l.object(0)
		b, err2 := l.object(0)
		num, ok1 := a.(int64)
		off, ok2 := b.(int64)
		if err1 != nil || err2 != nil || !ok1 || !ok2 || off < 0 {
			break
		}
		os.offsets[int(num)] = int(off)
		os.order = append(os.order, int(off))
	}
	return os
}

var (
	objKw     = []byte("obj")
	pageKw    = []byte("/Page")
	typeKw    = []byte("/Type")
	trailerKw = []byte("trailer")
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// objHeaders finds "num gen obj" headers in buf and returns each header's object number and
// position. Only headers that start before limit are reported (the rest belong to the next
// chunk); before tells whether the byte before buf[0] separates tokens.
func objHeaders(buf []byte, limit int, before bool, fn func(num, at int)) {
	for i := 0; ; {
		j := bytes.Index(buf[i:], objKw)
		if j < 0 {
			return
		}
		p := i + j
		i = p + len(objKw)
		if i < len(buf) && !isSpace(buf[i]) && !isDelim(buf[i]) {
			continue
		}
		k := p
		for k > 0 && isSpace(buf[k-1]) {
			k--
		}
		genEnd := k
		for k > 0 && isDigit(buf[k-1]) {
			k--
		}
		if k == genEnd || k == p || genEnd-k > 5 {
			continue
		}
		sep := k
		for k > 0 && isSpace(buf[k-1]) {
			k--
		}
		numEnd := k
		for k > 0 && isDigit(buf[k-1]) {
			k--
		}
		if k == numEnd || numEnd == sep || numEnd-k > 10 || k >= limit {
			continue
		}
		if (k > 0 && !isSpace(buf[k-1]) && !isDelim(buf[k-1])) || (k == 0 && !before) {
			continue
		}
		if num, err := strconv.Atoi(string(buf[k:numEnd])); err == nil {
			fn(num, k)
		}
	}
}

// pageObjects counts "/Type /Page" (not /Pages) entries that start before limit.
func pageObjects(buf []byte, limit int) int {
	n := 0
	for i := 0; ; {
		j := bytes.Index(buf[i:], pageKw)
		if j < 0 {
			return n
		}
		p := i + j
		i = p + len(pageKw)
		if i < len(buf) && !isSpace(buf[i]) && !isDelim(buf[i]) {
			continue
		}
		k := p
		for k > 0 && isSpace(buf[k-1]) {
			k--
		}
		if k >= len(typeKw) && bytes.Equal(buf[k-len(typeKw):k], typeKw) && k-len(typeKw) < limit {
			n++
		}
	}
}

// reconstruct scans the whole file (streamed, in overlapping chunks) for object headers, the last
// trailer and page objects, the way PDF viewers repair a broken file.
func (d *document) reconstruct() {
	if d.scanned {
		return
	}
	d.scanned = true
	d.scanObjs = map[int]int64{}
	d.scanTrail = -1
	for off := int64(0); off < d.size && off < maxScanBytes; off += scanChunk - scanOverlap {
		buf, _ := d.window(off, scanChunk)
		// Matches that begin in the overlap are counted by the next chunk.
		limit := len(buf)
		if off+int64(len(buf)) < d.size {
			limit = len(buf) - scanOverlap
		}
		before := off == 0
		if !before {
			prev, _ := d.window(off-1, 1)
			before = len(prev) == 1 && (isSpace(prev[0]) || isDelim(prev[0]))
		}
		objHeaders(buf, limit, before, func(num, at int) {
			if len(d.scanObjs) < maxObjects {
				d.scanObjs[num] = off + int64(at)
			}
		})
		d.scanPages += pageObjects(buf, limit)
		for i := 0; ; {
			j := bytes.Index(buf[i:], trailerKw)
			if j < 0 || i+j >= limit {
				break
			}
			d.scanTrail = off + int64(i+j)
			i += j + len(trailerKw)
		}
		if len(buf) < scanChunk {
			break
		}
	}
	for num, off := range d.scanObjs {
		if _, ok := d.xref[num]; !ok && len(d.xref) < maxObjects {
			d.xref[num] = entry{typ: 1, a: off}
		}
	}
}

// findRoot recovers the trailer's /Root (and /Info) after a scan: from the last "trailer"
// dictionary in the file, else from an object whose /Type is /Catalog.
func (d *document) findRoot() {
	if d.trailer == nil {
		d.trailer = dict{}
	}
	if d.scanTrail >= 0 {
		buf, eof := d.window(d.scanTrail+int64(len(trailerKw)), firstWindow)
		l := &lexer{buf: buf, eof: eof}
		if t, err := l.object(0); err == nil {
			if td, ok := t.(dict); ok {
				for k, v := range td {
					if _, ok := d.trailer[k]; !ok {
						d.trailer[k] = v
					}
				}
			}
		}
	}
	if _, ok := d.trailer["Root"]; ok {
		return
	}
	// The catalog is usually among the last objects written; probe from the highest number.
	nums := make([]int, 0, len(d.scanObjs))
	for num := range d.scanObjs {
		nums = append(nums, num)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	best := -1
	for i, num := range nums {
		if i == maxRootProbes || best >= 0 {
			break
		}
		if dd, ok := d.object(num).(dict); ok && dd["Type"] == name("Catalog") {
			best = num
		}
	}
	if best >= 0 {
		d.trailer["Root"] = ref{best, 0}
	}
}

// pageCount reads /Count of the page tree root; when it is missing or implausible it counts the
// leaves of the tree; when there is no readable tree it counts page objects found by the scan.
func (d *document) pageCount() (int, bool) {
	root, _ := d.resolve(d.trailer["Root"]).(dict)
	pages, _ := d.resolve(root["Pages"]).(dict)
	if pages != nil {
		if n, ok := d.resolve(pages["Count"]).(int64); ok && n >= 0 && n <= maxPages {
			return int(n), true
		}
		n, nodes := 0, 0
		d.countLeaves(pages, map[any]bool{}, &n, &nodes, 0)
		if n > 0 {
			d.warn("page tree", "pdf-no-count")
			return n, true
		}
	}
	d.reconstruct()
	if d.scanPages > 0 {
		d.warn("page tree", "pdf-pages-estimated")
		return d.scanPages, true
	}
	return 0, false
}

func (d *document) countLeaves(node dict, seen map[any]bool, n, nodes *int, depth int) {
	if depth > maxNesting || *nodes > maxTreeNodes {
		return
	}
	*nodes++
	kids, ok := d.resolve(node["Kids"]).(array)
	if !ok {
		if node["Type"] == name("Page") {
			*n++
		}
		return
	}
	for _, k := range kids {
		if r, isRef := k.(ref); isRef {
			if seen[r] {
				continue
			}
			seen[r] = true
		}
		if kd, ok := d.resolve(k).(dict); ok {
			d.countLeaves(kd, seen, n, nodes, depth+1)
		}
	}
}

package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf/contrib/gofpdi"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// MaxPDF caps the size of a PDF original whose pages are imported.
const MaxPDF = 256 << 20

// importLog collects what the importer hands to the PDF library, both to keep the library out of
// a failed import (its errors are sticky) and to put the imported objects into canonical order
// after output.
type importLog struct {
	objs map[string][]byte
	pos  map[string]map[int]string
	tpls map[string]string
	err  error
}

func (l *importLog) used() bool { return len(l.objs) > 0 }

// ImportObjects, ImportObjPos, ImportTemplates, UseImportedTemplate and SetError make importLog
// the importer's view of the document.
func (l *importLog) ImportObjects(objs map[string][]byte) {
	if l.objs == nil {
		l.objs = map[string][]byte{}
	}
	// Copies: the PDF library overwrites the placeholders of the slices it is given when it writes.
	for k, v := range objs {
		l.objs[k] = bytes.Clone(v)
	}
}

func (l *importLog) ImportObjPos(pos map[string]map[int]string) {
	if l.pos == nil {
		l.pos = map[string]map[int]string{}
	}
	maps.Copy(l.pos, pos)
}

func (l *importLog) ImportTemplates(tpls map[string]string) {
	if l.tpls == nil {
		l.tpls = map[string]string{}
	}
	maps.Copy(l.tpls, tpls)
}

func (l *importLog) UseImportedTemplate(string, float64, float64, float64, float64) {}

func (l *importLog) SetError(err error) {
	if l.err == nil {
		l.err = err
	}
}

// importPDF draws the pages of a PDF original, each scaled into the page body under the stamp.
func (d *doc) importPDF(it *evidence.Item) error {
	if d.b.Open == nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), "no store")}
	}
	rc, err := d.b.Open(it.SHA256)
	if err != nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	defer rc.Close()
	rs, cleanup, err := seekable(rc)
	if err != nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	defer cleanup()
	if encrypted(rs) {
		return &notShown{why: d.t("why.pdf.encrypted")}
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	log := &importLog{}
	imp := gofpdi.NewImporter()
	var tpls []int
	var sizes [][2]float64
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		tpls = append(tpls, imp.ImportPageFromStream(log, &rs, 1, "/MediaBox"))
		all := imp.GetPageSizes()
		for p := 2; p <= len(all) && p <= 2000; p++ {
			tpls = append(tpls, imp.ImportPageFromStream(log, &rs, p, "/MediaBox"))
		}
		for p := 1; p <= len(tpls); p++ {
			box := all[p]["/MediaBox"]
			sizes = append(sizes, [2]float64{box["w"], box["h"]})
		}
		return log.err
	}()
	if err != nil {
		if isEncryptionError(err) {
			return &notShown{why: d.t("why.pdf.encrypted")}
		}
		return &notShown{why: fmt.Sprintf(d.t("why.pdf"), err)}
	}
	if len(tpls) == 0 || !log.used() {
		return &notShown{why: fmt.Sprintf(d.t("why.pdf"), "no pages")}
	}
	// The import worked: hand the objects to the document and remember them for canonicalImports.
	f := d.f
	f.ImportTemplates(log.tpls)
	f.ImportObjects(log.objs)
	f.ImportObjPos(log.pos)
	d.imports.ImportTemplates(log.tpls)
	d.imports.ImportObjects(log.objs)
	d.imports.ImportObjPos(log.pos)
	for i, tpl := range tpls {
		if i > 0 {
			d.newPage()
		} else if len(tpls) > 1 {
			d.paragraph(fmt.Sprintf(d.t("pages.attached"), len(tpls)), 9, 0, "L")
			f.Ln(2)
		}
		pw, ph := sizes[i][0], sizes[i][1]
		if pw <= 0 || ph <= 0 {
			pw, ph = 595, 842
		}
		boxW, boxH := contentW, bodyBottom-f.GetY()-1
		w := boxW
		h := w * ph / pw
		if h > boxH {
			h = boxH
			w = h * pw / ph
		}
		x, y := marginX+(contentW-w)/2, f.GetY()
		imp.UseImportedTemplate(f, tpl, x, y, w, h)
		f.SetDrawColor(170, 170, 170)
		f.SetLineWidth(0.2)
		f.Rect(x, y, w, h, "D")
	}
	return nil
}

// seekable returns r as an io.ReadSeeker: itself when it is one (a stored file), otherwise a
// temporary copy, removed by the returned cleanup.
func seekable(r io.Reader) (io.ReadSeeker, func(), error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		return rs, func() {}, nil
	}
	tmp, err := os.CreateTemp("", "dossier-pdf-*")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, io.LimitReader(r, MaxPDF+1))
	if err == nil && n > MaxPDF {
		err = fmt.Errorf("larger than %d bytes", MaxPDF)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return tmp, cleanup, nil
}

// encrypted reports whether a PDF names an /Encrypt dictionary in a trailer. The whole file is
// scanned in chunks because the trailer of a cross-reference stream is not at the end.
func encrypted(rs io.ReadSeeker) bool {
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return false
	}
	key := []byte("/Encrypt")
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := rs.Read(buf[carry:])
		if n > 0 {
			if bytes.Contains(buf[:carry+n], key) {
				return true
			}
			carry = copy(buf, buf[max(0, carry+n-len(key)+1):carry+n])
		}
		if err != nil {
			return false
		}
	}
}

func isEncryptionError(err error) bool {
	return err != nil && bytes.Contains(bytes.ToLower([]byte(err.Error())), []byte("encrypt"))
}

// canonicalImports makes the objects of imported pages independent of map iteration order.
//
// The importer writes dictionary entries in Go map order and numbers the objects it imports in the
// order it meets their references, so the same PDF imports to different bytes on every run; the
// PDF library then writes those objects, and lists the templates in the resource dictionary, in
// map order too. After output, this rewrites the block of imported objects: every object is parsed
// (references are the importer's 40-character placeholders at known positions), dictionaries are
// written with sorted keys, and objects are numbered in the order a depth-first walk from the
// templates (sorted by name) reaches them. The template entries of the resource dictionary are
// sorted, and the cross-reference table is rewritten for the shifted offsets.
func canonicalImports(pdf []byte, log *importLog) ([]byte, error) {
	offsets, xrefAt, err := xrefOffsets(pdf)
	if err != nil {
		return nil, err
	}
	ids := slices.Sorted(maps.Keys(offsets))
	starts := slices.Sorted(maps.Values(offsets))
	endOf := func(id int) int { // an object ends where the next one in the file begins
		i, _ := slices.BinarySearch(starts, offsets[id]+1)
		if i < len(starts) {
			return starts[i]
		}
		return xrefAt
	}
	bodyOf := func(id int) []byte {
		start, end := offsets[id], endOf(id)
		if start < 0 || end > len(pdf) || start >= end {
			return nil
		}
		obj := pdf[start:end]
		nl := bytes.IndexByte(obj, '\n')
		if nl < 0 {
			return nil
		}
		return obj[nl+1:]
	}
	// Find the block: the library writes the imported objects one after another, each as the
	// importer's bytes with the placeholders replaced by numbers.
	hashes := slices.Sorted(maps.Keys(log.objs))
	taken := map[int]bool{}
	var block []int
	for _, h := range hashes {
		want := log.objs[h]
		found := false
		for _, id := range ids {
			if !taken[id] {
				if body := bodyOf(id); len(body) == len(want)+1 && sameOutsideSlots(body, want, log.pos[h]) {
					taken[id], found = true, true
					block = append(block, id)
					break
				}
			}
		}
		if !found {
			return nil, errors.New("imported object not found in output")
		}
	}
	slices.Sort(block)
	lo, hi := block[0], block[len(block)-1]
	if hi-lo+1 != len(block) {
		return nil, errors.New("imported objects are not contiguous")
	}
	blockStart, blockEnd := offsets[lo], endOf(hi)

	// Parse every imported object and number them canonically.
	objs := map[string]*importedObj{}
	for _, h := range hashes {
		o, err := parseImported(log.objs[h], log.pos[h])
		if err != nil {
			return nil, fmt.Errorf("imported object: %w", err)
		}
		objs[h] = o
	}
	newID := map[string]int{}
	var order []string
	var visit func(h string)
	visit = func(h string) {
		o, ok := objs[h]
		if _, seen := newID[h]; seen || !ok {
			return
		}
		newID[h] = lo + len(order)
		order = append(order, h)
		o.value.refs(visit)
	}
	names := slices.Sorted(maps.Keys(log.tpls))
	for _, name := range names {
		visit(log.tpls[name])
	}
	for _, h := range hashes { // unreachable objects, should there be any
		visit(h)
	}
	var nb bytes.Buffer
	newOffsets := map[int]int{}
	for _, h := range order {
		newOffsets[newID[h]] = nb.Len()
		fmt.Fprintf(&nb, "%d 0 obj\n", newID[h])
		objs[h].write(&nb, newID)
	}

	// The template entries of the resource dictionary, one per line after the block.
	var tb bytes.Buffer
	for i, name := range names {
		if i > 0 {
			tb.WriteByte('\n')
		}
		fmt.Fprintf(&tb, "%s %d 0 R", name, newID[log.tpls[name]])
	}
	first, last := -1, -1
	for _, m := range templateEntry.FindAllSubmatchIndex(pdf[blockEnd:xrefAt], -1) {
		if _, ok := log.tpls[string(pdf[blockEnd+m[2]:blockEnd+m[3]])]; ok {
			if first < 0 {
				first = blockEnd + m[0]
			}
			last = blockEnd + m[1]
		}
	}
	edits := []edit{{start: blockStart, end: blockEnd, with: nb.Bytes(), objs: newOffsets}}
	if first >= 0 {
		edits = append(edits, edit{start: first, end: last, with: tb.Bytes()})
	}
	return splice(pdf, offsets, xrefAt, edits)
}

func sameOutsideSlots(body, want []byte, slots map[int]string) bool {
	prev := 0
	for _, p := range slices.Sorted(maps.Keys(slots)) {
		if p < prev || p+40 > len(want) || !bytes.Equal(body[prev:p], want[prev:p]) {
			return false
		}
		prev = p + 40
	}
	return bytes.Equal(body[prev:len(want)], want[prev:]) && body[len(want)] == '\n'
}

var templateEntry = regexp.MustCompile(`(?m)^(/\S+) (\d+) 0 R$`)

// importedObj is one object as the importer wrote it: a value and, for a stream, its data.
type importedObj struct {
	value  ival
	stream []byte
	isStrm bool
}

// ival is a parsed value of an imported object. Atoms keep their source text; references keep the
// placeholder they stand for.
type ival struct {
	kind  byte // 'a' atom, 'r' reference, 'd' dictionary, 'l' array
	text  string
	keys  []string // dictionary keys, sorted
	items []ival   // dictionary values (in key order) or array elements
}

func (v ival) refs(visit func(string)) {
	if v.kind == 'r' {
		visit(v.text)
	}
	for _, it := range v.items {
		it.refs(visit)
	}
}

func (v ival) write(b *bytes.Buffer, ids map[string]int) {
	switch v.kind {
	case 'a':
		b.WriteString(v.text)
	case 'r':
		fmt.Fprintf(b, "%d 0 R", ids[v.text])
	case 'd':
		b.WriteString("<<")
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(k)
			b.WriteByte(' ')
			v.items[i].write(b, ids)
		}
		b.WriteString(">>")
	case 'l':
		b.WriteByte('[')
		for i, it := range v.items {
			if i > 0 {
				b.WriteByte(' ')
			}
			it.write(b, ids)
		}
		b.WriteByte(']')
	}
}

func (o *importedObj) write(b *bytes.Buffer, ids map[string]int) {
	o.value.write(b, ids)
	if o.isStrm {
		b.WriteString("\nstream\n")
		b.Write(o.stream)
		b.WriteString("\nendstream")
	}
	b.WriteString("\nendobj\n")
}

// parseImported reads what the importer wrote for one object: a value, maybe "stream\n" data
// "\nendstream", then "endobj". slots maps the byte positions of reference placeholders.
func parseImported(b []byte, slots map[int]string) (*importedObj, error) {
	p := &iparser{b: b, slots: slots}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	o := &importedObj{value: v}
	p.space()
	if bytes.HasPrefix(b[p.i:], []byte("stream")) {
		start := p.i + len("stream")
		if start < len(b) && b[start] == '\r' {
			start++
		}
		if start < len(b) && b[start] == '\n' {
			start++
		}
		end := bytes.LastIndex(b, []byte("\nendstream"))
		if end < start {
			return nil, errors.New("stream without endstream")
		}
		o.stream, o.isStrm = b[start:end], true
	}
	return o, nil
}

type iparser struct {
	b     []byte
	i     int
	slots map[int]string
}

func (p *iparser) space() {
	for p.i < len(p.b) && strings.IndexByte(" \n\r\t\f\x00", p.b[p.i]) >= 0 {
		p.i++
	}
}

func (p *iparser) value(depth int) (ival, error) {
	if depth > maxDepth {
		return ival{}, errors.New("nested too deep")
	}
	p.space()
	if p.i >= len(p.b) {
		return ival{}, errors.New("unexpected end")
	}
	if h, ok := p.slots[p.i]; ok {
		p.i += 40
		p.space()
		for _, tok := range []string{"0", "R"} { // generation and R
			if !bytes.HasPrefix(p.b[p.i:], []byte(tok)) {
				return ival{}, errors.New("malformed reference")
			}
			p.i += len(tok)
			p.space()
		}
		return ival{kind: 'r', text: h}, nil
	}
	c := p.b[p.i]
	switch {
	case c == '<' && p.i+1 < len(p.b) && p.b[p.i+1] == '<':
		p.i += 2
		type kv struct {
			k string
			v ival
		}
		var entries []kv
		for {
			p.space()
			if p.i+1 < len(p.b) && p.b[p.i] == '>' && p.b[p.i+1] == '>' {
				p.i += 2
				break
			}
			k, err := p.value(depth + 1)
			if err != nil || k.kind != 'a' || !strings.HasPrefix(k.text, "/") {
				return ival{}, errors.New("dictionary key is not a name")
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return ival{}, err
			}
			entries = append(entries, kv{k.text, v})
		}
		slices.SortStableFunc(entries, func(a, b kv) int { return strings.Compare(a.k, b.k) })
		d := ival{kind: 'd'}
		for _, e := range entries {
			d.keys = append(d.keys, e.k)
			d.items = append(d.items, e.v)
		}
		return d, nil
	case c == '[':
		p.i++
		l := ival{kind: 'l'}
		for {
			p.space()
			if p.i >= len(p.b) {
				return ival{}, errors.New("unterminated array")
			}
			if p.b[p.i] == ']' {
				p.i++
				return l, nil
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return ival{}, err
			}
			l.items = append(l.items, v)
		}
	case c == '(':
		start := p.i
		level := 0
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case '\\':
				p.i++
			case '(':
				level++
			case ')':
				level--
			}
			p.i++
			if level == 0 {
				return ival{kind: 'a', text: string(p.b[start:p.i])}, nil
			}
		}
		return ival{}, errors.New("unterminated string")
	case c == '<':
		end := bytes.IndexByte(p.b[p.i:], '>')
		if end < 0 {
			return ival{}, errors.New("unterminated hex string")
		}
		v := ival{kind: 'a', text: string(p.b[p.i : p.i+end+1])}
		p.i += end + 1
		return v, nil
	default:
		start := p.i
		if c == '/' {
			p.i++
		}
		for p.i < len(p.b) && !isDelim(p.b[p.i]) {
			p.i++
		}
		if p.i == start {
			return ival{}, fmt.Errorf("unexpected %q", c)
		}
		return ival{kind: 'a', text: string(p.b[start:p.i])}, nil
	}
}

// xrefOffsets reads the classic cross-reference table the library writes.
func xrefOffsets(pdf []byte) (map[int]int, int, error) {
	at := bytes.LastIndex(pdf, []byte("startxref"))
	if at < 0 {
		return nil, 0, errors.New("no startxref")
	}
	fields := bytes.Fields(pdf[at+9:])
	if len(fields) == 0 {
		return nil, 0, errors.New("no startxref offset")
	}
	xrefAt, err := strconv.Atoi(string(fields[0]))
	if err != nil || xrefAt < 0 || xrefAt+5 > len(pdf) || !bytes.HasPrefix(pdf[xrefAt:], []byte("xref")) {
		return nil, 0, errors.New("bad startxref")
	}
	x, err := parseXref(pdf[xrefAt:])
	if err != nil {
		return nil, 0, err
	}
	return x, xrefAt, nil
}

// parseXref reads "xref\n0 N\n" and N 20-byte entries; free entries are left out.
func parseXref(b []byte) (map[int]int, error) {
	lines := bytes.SplitN(b, []byte("\n"), 3)
	if len(lines) < 3 {
		return nil, errors.New("short xref")
	}
	head := bytes.Fields(lines[1])
	if len(head) != 2 {
		return nil, errors.New("bad xref subsection")
	}
	first, err1 := strconv.Atoi(string(head[0]))
	count, err2 := strconv.Atoi(string(head[1]))
	if err1 != nil || err2 != nil || first < 0 || count < 0 || count > len(lines[2])/20+1 {
		return nil, errors.New("bad xref subsection")
	}
	out := map[int]int{}
	rest := lines[2]
	for i := 0; i < count && len(rest) >= 18; i++ {
		e := rest[:min(20, len(rest))]
		off, err := strconv.Atoi(string(bytes.TrimSpace(e[:10])))
		if err == nil && len(e) >= 18 && e[17] == 'n' {
			out[first+i] = off
		}
		rest = rest[min(20, len(rest)):]
	}
	return out, nil
}

package pdfdoc

import (
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Page import. The packet shows an agreement PDF's own pages, each as a Form XObject: the page's
// content and everything its resources reach (fonts, images, patterns), copied object by object
// from the source file into the packet. This is the one place that reads a source PDF for that;
// the packet's writer receives finished objects through FormWriter and never parses PDF bytes.
//
// Why this reader and not a general PDF library: the copy must be bounded in time and memory
// whatever the file (the previous importer looped forever on a truncated file, recursed without
// end on /Prev, /Kids and /Parent cycles, allocated what /Length and /Count claimed and inflated
// double-Flate bombs), and it must be canonical, so the packet is byte-identical from run to
// run. This reader already follows every cross-reference form (tables, streams, object streams,
// hybrid files, incremental updates, repair by scanning) through bounded windows, caches what it
// parses, and never decodes a stream it copies: stream data goes from the source file to the
// packet as it is, filters and all. Objects are written in the order a walk with sorted
// dictionary keys meets them, so the same file always gives the same bytes.

// Errors of Open.
var (
	ErrEncrypted = errors.New("the PDF is encrypted")
	ErrNoPages   = errors.New("no page could be read")
)

// Caps of page import.
const (
	MaxImportPages   = 2000    // pages imported from one document
	maxImportLoads   = 1 << 18 // objects parsed while importing one document
	maxCopiedObjects = 1 << 18 // objects written into the packet for one document
	maxContentBytes  = 64 << 20
)

// Doc is a PDF opened to import its pages.
type Doc struct {
	d      *document
	pages  []Page
	copied map[int]int // source object number → number in the packet
	count  int
	budget int64 // bytes of stream data still allowed into the packet
}

// Page is one page of a Doc.
type Page struct {
	// Box is the visible area (the CropBox within the MediaBox) in the page's own space; Width
	// and Height are as displayed, after Rotate.
	Box           [4]float64
	Rotate        int
	Width, Height float64
	resources     any
	contents      any
}

// Open reads the cross-reference data and the page tree of the PDF in r. It fails with
// ErrEncrypted for an encrypted file and ErrNoPages when no page can be read; the Doc's pages
// are capped at MaxImportPages.
func Open(r io.ReaderAt, size int64) (*Doc, error) {
	d, err := open(r, size)
	if err != nil {
		return nil, err
	}
	if _, enc := d.trailer["Encrypt"]; enc {
		return nil, ErrEncrypted
	}
	d.maxLoads = maxImportLoads
	d.maxObjBytes = 4 * maxObjectBytes
	doc := &Doc{d: d, copied: map[int]int{}, budget: 2*size + 64<<20}
	root, _ := d.resolve(d.trailer["Root"]).(dict)
	tree, _ := d.resolve(root["Pages"]).(dict)
	if tree == nil {
		return nil, ErrNoPages
	}
	nodes, seen := 0, map[int]bool{}
	if r, ok := root["Pages"].(ref); ok {
		seen[r.num] = true
	}
	doc.walk(tree, inherited{}, seen, &nodes, 0)
	if len(doc.pages) == 0 {
		return nil, ErrNoPages
	}
	return doc, nil
}

// Pages returns the pages in document order.
func (doc *Doc) Pages() []Page { return doc.pages }

// Warnings returns what was repaired or skipped while reading.
func (doc *Doc) Warnings() []string {
	out := make([]string, 0, len(doc.d.warnings))
	for _, w := range doc.d.warnings {
		out = append(out, w.String())
	}
	return out
}

type inherited struct {
	resources, media, crop, rotate any
}

func (doc *Doc) walk(node dict, in inherited, seen map[int]bool, nodes *int, depth int) {
	if depth > maxNesting || *nodes > maxTreeNodes || len(doc.pages) >= MaxImportPages {
		return
	}
	*nodes++
	for key, slot := range map[string]*any{"Resources": &in.resources, "MediaBox": &in.media, "CropBox": &in.crop, "Rotate": &in.rotate} {
		if v, ok := node[key]; ok {
			*slot = v
		}
	}
	kids, hasKids := doc.d.resolve(node["Kids"]).(array)
	if node["Type"] == name("Page") || (!hasKids && node["Type"] != name("Pages")) {
		doc.pages = append(doc.pages, doc.page(node, in))
		return
	}
	for _, k := range kids {
		r, isRef := k.(ref)
		if !isRef || seen[r.num] {
			continue // a cycle, or a kid that is not an indirect page object
		}
		seen[r.num] = true
		if kd, ok := doc.d.resolve(r).(dict); ok {
			doc.walk(kd, in, seen, nodes, depth+1)
		}
		if len(doc.pages) >= MaxImportPages {
			return
		}
	}
}

func (doc *Doc) page(node dict, in inherited) Page {
	media, ok := doc.rect(in.media)
	if !ok {
		media = [4]float64{0, 0, 595, 842} // A4, what a viewer assumes
	}
	box := media
	if crop, ok := doc.rect(in.crop); ok {
		box = [4]float64{max(crop[0], media[0]), max(crop[1], media[1]), min(crop[2], media[2]), min(crop[3], media[3])}
		if box[2]-box[0] < 1 || box[3]-box[1] < 1 {
			box = media
		}
	}
	rot := 0
	if n, ok := doc.d.resolve(in.rotate).(int64); ok {
		rot = int(((n%360)+360)%360) / 90 * 90
	}
	p := Page{Box: box, Rotate: rot, resources: in.resources, contents: node["Contents"]}
	p.Width, p.Height = box[2]-box[0], box[3]-box[1]
	if rot == 90 || rot == 270 {
		p.Width, p.Height = p.Height, p.Width
	}
	return p
}

// rect reads a rectangle, normalised so that the first corner is the lower left.
func (doc *Doc) rect(v any) ([4]float64, bool) {
	a, ok := doc.d.resolve(v).(array)
	if !ok || len(a) != 4 {
		return [4]float64{}, false
	}
	var r [4]float64
	for i, x := range a {
		f, ok := number(doc.d.resolve(x))
		if !ok || math.IsNaN(f) || math.Abs(f) > 1e6 {
			return [4]float64{}, false
		}
		r[i] = f
	}
	if r[0] > r[2] {
		r[0], r[2] = r[2], r[0]
	}
	if r[1] > r[3] {
		r[1], r[3] = r[3], r[1]
	}
	if r[2]-r[0] < 1 || r[3]-r[1] < 1 {
		return [4]float64{}, false
	}
	return r, true
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// FormWriter receives the objects of imported pages. Numbers come from Alloc; Object writes a
// whole object; Stream writes a stream whose dictionary (without << >> and /Length) is dict and
// whose data, already encoded as dict says, fill writes.
type FormWriter interface {
	Alloc() int
	Object(n int, body string)
	Stream(n int, dict string, fill func(io.Writer) error) error
}

// WriteForm writes page p as a Form XObject, and every object its resources reach that an earlier
// call has not written, and returns the form's object number. The form's /Matrix undoes the
// page's rotation and origin, so that it occupies [0 Width] × [0 Height].
func (doc *Doc) WriteForm(p Page, w FormWriter) (int, error) {
	c := &copier{doc: doc, w: w}
	res := "<< >>"
	if p.resources != nil {
		var b strings.Builder
		if err := c.value(&b, p.resources, 0); err != nil {
			return 0, err
		}
		res = b.String()
	}
	parts, err := doc.contentStreams(p.contents)
	if err != nil {
		return 0, err
	}
	llx, lly, urx, ury := p.Box[0], p.Box[1], p.Box[2], p.Box[3]
	m := p.matrix()
	head := fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [%s %s %s %s] /Matrix [%s %s %s %s %s %s] /Resources %s",
		num(llx), num(lly), num(urx), num(ury), num(m[0]), num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), res)
	// The resources' objects go first, so the form's own stream follows the objects it names.
	if err := c.flush(); err != nil {
		return 0, err
	}
	form := w.Alloc()
	switch {
	case len(parts) == 1:
		// One content stream: its bytes as they are, under its own filters.
		st := parts[0]
		off, n, err := doc.streamRange(st)
		if err != nil {
			return 0, fmt.Errorf("page content: %w", err)
		}
		var filt strings.Builder
		for _, key := range []string{"Filter", "DecodeParms"} {
			if v, ok := st.dict[key]; ok {
				fmt.Fprintf(&filt, " /%s ", key)
				if err := c.value(&filt, v, 0); err != nil {
					return 0, err
				}
			}
		}
		if err := c.flush(); err != nil {
			return 0, err
		}
		if err := doc.spend(n); err != nil {
			return 0, err
		}
		if err := doc.checkInflates(st, off, n); err != nil {
			return 0, err
		}
		return form, w.Stream(form, head+filt.String(), func(out io.Writer) error {
			_, err := io.Copy(out, io.NewSectionReader(doc.d.r, off, n))
			return err
		})
	default:
		// Several content streams make one content together (an operator may even be split
		// between two): decoded one after the other, in bounded amounts, into one new stream.
		return form, w.Stream(form, head+" /Filter /FlateDecode", func(out io.Writer) error {
			zw := zlib.NewWriter(out)
			left := int64(maxContentBytes)
			for _, st := range parts {
				rd, err := doc.decoded(st)
				if err != nil {
					return fmt.Errorf("page content: %w", err)
				}
				k, err := io.Copy(zw, io.LimitReader(rd, left+1))
				if err != nil && k == 0 {
					return fmt.Errorf("page content: %w", err)
				}
				if left -= k; left < 0 {
					return fmt.Errorf("page content decodes to more than %d MiB", maxContentBytes>>20)
				}
				if _, err := zw.Write([]byte("\n")); err != nil {
					return err
				}
			}
			return zw.Close()
		})
	}
}

// matrix maps the page's own space to its displayed space: rotated as /Rotate says, with the
// lower left corner of Box at the origin.
func (p Page) matrix() [6]float64 {
	llx, lly := p.Box[0], p.Box[1]
	bw, bh := p.Box[2]-llx, p.Box[3]-lly
	switch p.Rotate {
	case 90:
		return [6]float64{0, -1, 1, 0, -lly, bw + llx}
	case 180:
		return [6]float64{-1, 0, 0, -1, bw + llx, bh + lly}
	case 270:
		return [6]float64{0, 1, -1, 0, bh + lly, -llx}
	}
	return [6]float64{1, 0, 0, 1, -llx, -lly}
}

// ToDisplay maps a point of the page's own space to the page as displayed: origin at the lower
// left, Width wide and Height high.
func (p Page) ToDisplay(x, y float64) (float64, float64) {
	m := p.matrix()
	return m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]
}

// contentStreams lists the streams of a page's /Contents; a page without content has none.
func (doc *Doc) contentStreams(v any) ([]*stream, error) {
	var out []*stream
	switch x := doc.d.resolve(v).(type) {
	case nil:
		return nil, nil
	case *stream:
		out = append(out, x)
	case array:
		if len(x) > 10000 {
			return nil, fmt.Errorf("page content in %d parts", len(x))
		}
		for _, e := range x {
			if st, ok := doc.d.resolve(e).(*stream); ok {
				out = append(out, st)
			}
		}
	default:
		return nil, errors.New("page /Contents is not a stream")
	}
	return out, nil
}

// streamRange finds a stream's raw data: where it starts and how long it is.
func (doc *Doc) streamRange(st *stream) (int64, int64, error) {
	d := doc.d
	length, ok := d.resolve(st.dict["Length"]).(int64)
	if !ok || length < 0 || st.start+length > d.size {
		length = d.findEndstream(st.start)
		if length < 0 {
			return 0, 0, errors.New("stream without a usable /Length or endstream")
		}
	}
	return st.start, length, nil
}

// decoded returns a stream's data decoded: unfiltered or FlateDecode without a predictor.
func (doc *Doc) decoded(st *stream) (io.Reader, error) {
	off, n, err := doc.streamRange(st)
	if err != nil {
		return nil, err
	}
	var rd io.Reader = io.NewSectionReader(doc.d.r, off, n)
	filters := asArray(doc.d.resolve(st.dict["Filter"]))
	switch {
	case len(filters) == 0:
		return rd, nil
	case len(filters) == 1 && (filters[0] == name("FlateDecode") || filters[0] == name("Fl")) && st.dict["DecodeParms"] == nil:
		return zlib.NewReader(rd)
	}
	return nil, fmt.Errorf("content filter %v is not supported", filters)
}

// checkInflates decodes a Flate-compressed content stream (one Flate or two in a row) into
// nothing, to refuse a compression bomb rather than pass it on to every reader of the packet.
func (doc *Doc) checkInflates(st *stream, off, n int64) error {
	filters := asArray(doc.d.resolve(st.dict["Filter"]))
	if len(filters) == 0 || len(filters) > 2 {
		return nil
	}
	var rd io.Reader = io.NewSectionReader(doc.d.r, off, n)
	for _, f := range filters {
		if f != name("FlateDecode") && f != name("Fl") {
			return nil
		}
		zr, err := zlib.NewReader(rd)
		if err != nil {
			return fmt.Errorf("page content: flate: %w", err)
		}
		rd = zr
	}
	k, _ := io.Copy(io.Discard, io.LimitReader(rd, maxContentBytes+1))
	if k > maxContentBytes {
		return fmt.Errorf("page content decodes to more than %d MiB", maxContentBytes>>20)
	}
	return nil
}

func (doc *Doc) spend(n int64) error {
	if doc.budget -= n; doc.budget < 0 {
		return errors.New("the pages' objects add up to more than twice the file")
	}
	return nil
}

// copier writes a value, giving every indirect object it meets a number in the packet and
// queueing it; flush writes the queue, in the order met.
type copier struct {
	doc   *Doc
	w     FormWriter
	queue []int
}

func (c *copier) ref(src int) (int, error) {
	if n, ok := c.doc.copied[src]; ok {
		return n, nil
	}
	if c.doc.count++; c.doc.count > maxCopiedObjects {
		return 0, fmt.Errorf("more than %d objects", maxCopiedObjects)
	}
	n := c.w.Alloc()
	c.doc.copied[src] = n
	c.queue = append(c.queue, src)
	return n, nil
}

func (c *copier) flush() error {
	for len(c.queue) > 0 {
		src := c.queue[0]
		c.queue = c.queue[1:]
		n := c.doc.copied[src]
		switch v := c.doc.d.object(src).(type) {
		case *stream:
			off, size, err := c.doc.streamRange(v)
			if err != nil {
				// A stream that cannot be delimited is written empty: the page still shows.
				off, size = 0, 0
			}
			if err := c.doc.spend(size); err != nil {
				return err
			}
			var b strings.Builder
			keys := slices.Sorted(mapKeys(v.dict))
			for _, k := range keys {
				if k == "Length" {
					continue
				}
				b.WriteString(" ")
				b.WriteString(nameText(k))
				b.WriteString(" ")
				if err := c.value(&b, v.dict[k], 0); err != nil {
					return err
				}
			}
			if err := c.w.Stream(n, b.String(), func(out io.Writer) error {
				_, err := io.Copy(out, io.NewSectionReader(c.doc.d.r, off, size))
				return err
			}); err != nil {
				return err
			}
		default:
			var b strings.Builder
			if d, ok := v.(dict); ok && (d["Type"] == name("Page") || d["Type"] == name("Pages")) {
				v = nil // resources never need the page tree; a reference to it is a loop
			}
			if err := c.value(&b, v, 0); err != nil {
				return err
			}
			c.w.Object(n, b.String())
		}
	}
	return nil
}

func mapKeys(d dict) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range d {
			if !yield(k) {
				return
			}
		}
	}
}

func (c *copier) value(b *strings.Builder, v any, depth int) error {
	if depth > maxNesting {
		return errors.New("objects nested too deeply")
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(num(x))
	case name:
		b.WriteString(nameText(string(x)))
	case pdfString:
		b.WriteString("<")
		const hexDigits = "0123456789ABCDEF"
		for _, c := range []byte(x) {
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
		b.WriteString(">")
	case array:
		b.WriteString("[")
		for i, e := range x {
			if i > 0 {
				b.WriteString(" ")
			}
			if err := c.value(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("]")
	case dict:
		b.WriteString("<<")
		for _, k := range slices.Sorted(mapKeys(x)) {
			if k == "Parent" {
				continue
			}
			b.WriteString(" ")
			b.WriteString(nameText(k))
			b.WriteString(" ")
			if err := c.value(b, x[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteString(" >>")
	case ref:
		if c.doc.d.object(x.num) == nil {
			b.WriteString("null") // a missing object is null (ISO 32000-1 §7.3.10)
			return nil
		}
		n, err := c.ref(x.num)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "%d 0 R", n)
	case *stream:
		// A stream can only be an indirect object; one met directly is a damaged file.
		b.WriteString("null")
	default:
		b.WriteString("null")
	}
	return nil
}

// num writes a real number the way PDF reads it: no exponent, no more digits than needed.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// nameText writes a name with the characters a name cannot hold as #xx.
func nameText(s string) string {
	var b strings.Builder
	b.WriteByte('/')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '!' || c > '~' || c == '#' || isDelim(c) {
			fmt.Fprintf(&b, "#%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

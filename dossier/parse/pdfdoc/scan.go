package pdfdoc

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"

	"golang.org/x/image/ccitt"
)

// Scanned pages. A scanned or photographed agreement is a PDF whose pages are pictures: each
// page's content paints one image over the page and shows no text, so neither pdftotext nor a
// reader's search finds a word of it. PageScan finds such a page's image and how it lies on the
// page, and Scan.Image decodes it, so that OCR can read it and the packet can lay the words over
// the page. A page that shows any text (an OCRmyPDF page's invisible layer included) already has
// its words and is not a scan.
//
// The content is walked with the page's graphics state (q, Q, cm) only; every count is capped
// (operators, nesting of forms, decoded bytes), so a hostile page costs bounded time.

// ErrNotScan is returned by PageScan for a page that is not a picture of a page: it has text, no
// image, or images covering less than half of it.
var ErrNotScan = errors.New("not a scanned page")

// Caps of reading a scanned page.
const (
	maxScanOps     = 1 << 20 // content operators walked on one page, forms included
	maxScanForms   = 4       // forms nested in forms
	maxScanContent = 16 << 20
	// MaxScanPixels caps the image a scanned page is decoded to (a 600 dpi A4 page is 35
	// megapixels; 300 dpi, what scanners and phone apps write, 8.7).
	MaxScanPixels = 1 << 24
)

// Scan is the image that makes a scanned page.
type Scan struct {
	// Width and Height are the image's own, in pixels.
	Width, Height int
	// Filter is how the image's data is encoded: DCTDecode (a JPEG file), FlateDecode or none
	// (samples), CCITTFaxDecode, or another name Image does not decode (JBIG2Decode, JPXDecode).
	Filter string
	// Matrix maps the image's unit square (row 0 at the top, v = 1) to the page as displayed,
	// in points, origin at the lower left.
	Matrix [6]float64
	// Coverage is the share of the page the image covers.
	Coverage float64

	doc    *Doc
	st     *stream
	colors int
	bpc    int
	invert bool // /Decode [1 0]: 0 is white (for an /ImageMask too: 1 is painted)
	parms  dict
}

// Components is the number of colour components of the image's samples (1 for grey and
// black-and-white), 0 when its colour space is not one this reader knows.
func (s *Scan) Components() int { return s.colors }

// Rect returns the image's box on the displayed page, in points: left, bottom, right, top.
func (s *Scan) Rect() (x0, y0, x1, y1 float64) {
	r := unitRect(s.Matrix)
	return r[0], r[1], r[2], r[3]
}

// unitRect is the box the unit square takes under m: where an image drawn under m lies.
func unitRect(m [6]float64) [4]float64 {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, c := range [][2]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
		x, y := apply(m, c[0], c[1])
		x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
	}
	return [4]float64{x0, y0, x1, y1}
}

// inlineImageEnd finds the end of an inline image whose BI ends at pos: past its ID, its data and
// the EI that follows white space. Data that happens to hold " EI " ends it early; the walk then
// reads a few bytes of samples as operators, which costs nothing but a wrong guess at the rest.
func inlineImageEnd(buf []byte, pos int) (int, bool) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0 }
	id := -1
	for i := pos; i+2 <= len(buf); i++ {
		if buf[i] == 'I' && buf[i+1] == 'D' && i > 0 && isSpace(buf[i-1]) && (i+2 == len(buf) || isSpace(buf[i+2])) {
			id = i + 3
			break
		}
	}
	if id < 0 {
		return 0, false
	}
	for i := id; i+2 <= len(buf); i++ {
		if buf[i] == 'E' && buf[i+1] == 'I' && isSpace(buf[i-1]) && (i+2 == len(buf) || isSpace(buf[i+2])) {
			return i + 2, true
		}
	}
	return 0, false
}

// Raw returns the image's data as the file stores it, at most limit bytes: for DCTDecode, a JPEG
// file.
func (s *Scan) Raw(limit int64) ([]byte, error) {
	off, n, err := s.doc.streamRange(s.st)
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("image data of %d bytes is over the %d-byte limit", n, limit)
	}
	b := make([]byte, n)
	if _, err := s.doc.d.r.ReadAt(b, off); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}

// Image decodes an image stored as samples (FlateDecode, with or without a PNG predictor, or
// unfiltered) or as CCITT fax (Group 3 or 4), 1 or 8 bits a component, gray or RGB. Other
// encodings are the caller's (Raw) or not read.
func (s *Scan) Image() (image.Image, error) {
	if int64(s.Width)*int64(s.Height) > MaxScanPixels {
		return nil, fmt.Errorf("image of %d×%d pixels is over the %d-pixel limit", s.Width, s.Height, MaxScanPixels)
	}
	off, n, err := s.doc.streamRange(s.st)
	if err != nil {
		return nil, err
	}
	var rd io.Reader = io.NewSectionReader(s.doc.d.r, off, n)
	bpc, colors := s.bpc, s.colors
	switch s.Filter {
	case "CCITTFaxDecode":
		k, _ := s.parms["K"].(int64)
		sub := ccitt.Group3
		if k < 0 {
			sub = ccitt.Group4
		}
		align, _ := s.parms["EncodedByteAlign"].(bool)
		black, _ := s.parms["BlackIs1"].(bool)
		// The decoder writes 1 for white unless told black is 1; samples here are 0 for black.
		rd = ccitt.NewReader(rd, ccitt.MSB, sub, s.Width, s.Height, &ccitt.Options{Align: align, Invert: black})
		bpc, colors = 1, 1
	case "FlateDecode":
		zr, err := zlib.NewReader(rd)
		if err != nil {
			return nil, fmt.Errorf("image: flate: %w", err)
		}
		rd = zr
	case "":
	default:
		return nil, fmt.Errorf("image encoded as %s is not read", s.Filter)
	}
	if bpc != 1 && bpc != 8 || colors != 1 && colors != 3 {
		return nil, fmt.Errorf("image of %d components of %d bits is not read", colors, bpc)
	}
	rowBytes := (s.Width*colors*bpc + 7) / 8
	predictor, _ := s.parms["Predictor"].(int64)
	png := s.Filter == "FlateDecode" && predictor >= 10
	br := io.LimitReader(rd, int64(s.Height)*int64(rowBytes+1)+1)
	row, prev := make([]byte, rowBytes), make([]byte, rowBytes)
	tag := []byte{0}
	bpp := max(1, colors*bpc/8)
	var gray *image.Gray
	var rgb *image.RGBA
	if colors == 1 {
		gray = image.NewGray(image.Rect(0, 0, s.Width, s.Height))
	} else {
		rgb = image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))
	}
	for y := 0; y < s.Height; y++ {
		if png {
			if _, err := io.ReadFull(br, tag); err != nil {
				return short(gray, rgb, y, err)
			}
		}
		if _, err := io.ReadFull(br, row); err != nil {
			return short(gray, rgb, y, err)
		}
		if png {
			if err := UnfilterPNGRow(tag[0], row, prev, bpp); err != nil {
				return nil, fmt.Errorf("image row %d: %w", y+1, err)
			}
			copy(prev, row)
		}
		switch {
		case gray != nil && bpc == 1:
			line := gray.Pix[y*gray.Stride:]
			for x := 0; x < s.Width; x++ {
				bit := row[x/8] >> (7 - x%8) & 1
				if bit == 1 != s.invert {
					line[x] = 0xFF
				}
			}
		case gray != nil:
			line := gray.Pix[y*gray.Stride:]
			copy(line[:s.Width], row)
			if s.invert {
				for x := range s.Width {
					line[x] = 0xFF - line[x]
				}
			}
		default:
			line := rgb.Pix[y*rgb.Stride:]
			for x := 0; x < s.Width; x++ {
				line[4*x], line[4*x+1], line[4*x+2], line[4*x+3] = row[3*x], row[3*x+1], row[3*x+2], 0xFF
			}
		}
	}
	if gray != nil {
		return gray, nil
	}
	return rgb, nil
}

// short returns what rows were read of an image whose data ends early (scanners' files are
// sometimes cut), the rest white, or an error when not a row was read.
func short(gray *image.Gray, rgb *image.RGBA, y int, err error) (image.Image, error) {
	if y == 0 {
		return nil, fmt.Errorf("image data: %w", err)
	}
	if gray != nil {
		for i := y * gray.Stride; i < len(gray.Pix); i++ {
			gray.Pix[i] = 0xFF
		}
		return gray, nil
	}
	for i := y * rgb.Stride; i < len(rgb.Pix); i++ {
		rgb.Pix[i] = 0xFF
	}
	return rgb, nil
}

// PageScan returns the image that makes page p, or ErrNotScan.
func (doc *Doc) PageScan(p Page) (*Scan, error) {
	content, err := doc.pageContent(p)
	if err != nil {
		return nil, err
	}
	w := &scanWalk{doc: doc}
	if err := w.walk(content, doc.d.resolve(p.resources), p.matrix(), 0); err != nil {
		return nil, err
	}
	if w.text || w.best == nil {
		return nil, ErrNotScan
	}
	s := w.best
	x0, y0, x1, y1 := s.Rect()
	s.Coverage = (min(x1, p.Width) - max(x0, 0)) * (min(y1, p.Height) - max(y0, 0)) / (p.Width * p.Height)
	if s.Coverage < 0.5 {
		return nil, ErrNotScan
	}
	return s, nil
}

// PageImages returns the box on the displayed page (points: left, bottom, right, top) of every
// image page p paints: image XObjects, images inside forms and inline images. A redacted packet
// uses it to cover the pictures inside a page of text, where PDFium finds no characters and a
// photographed ID card would otherwise show. The walk has PageScan's caps; an error means the
// page could not be read to the end, so its pictures are not all known.
func (doc *Doc) PageImages(p Page) ([][4]float64, error) {
	content, err := doc.pageContent(p)
	if err != nil {
		return nil, err
	}
	w := &scanWalk{doc: doc, all: true}
	if err := w.walk(content, doc.d.resolve(p.resources), p.matrix(), 0); err != nil {
		return nil, err
	}
	return w.images, nil
}

// pageContent is page p's content streams, decoded and joined, at most maxScanContent bytes.
func (doc *Doc) pageContent(p Page) ([]byte, error) {
	parts, err := doc.contentStreams(p.contents)
	if err != nil {
		return nil, err
	}
	var content bytes.Buffer
	for _, st := range parts {
		rd, err := doc.decoded(st)
		if err != nil {
			return nil, fmt.Errorf("page content: %w", err)
		}
		if _, err := io.Copy(&content, io.LimitReader(rd, int64(maxScanContent-content.Len()+1))); err != nil && content.Len() == 0 {
			return nil, fmt.Errorf("page content: %w", err)
		}
		if content.Len() > maxScanContent {
			return nil, fmt.Errorf("page content decodes to more than %d MiB", maxScanContent>>20)
		}
		content.WriteByte('\n')
	}
	return content.Bytes(), nil
}

type scanWalk struct {
	doc  *Doc
	ops  int
	text bool
	best *Scan
	area float64
	// all: walk the whole page, past its text, and keep every image's box in images.
	all    bool
	images [][4]float64
}

// walk reads content with resources res under the matrix m (to the displayed page).
func (w *scanWalk) walk(content []byte, res any, m [6]float64, depth int) error {
	resources, _ := res.(dict)
	xobjects, _ := w.doc.d.resolve(resources["XObject"]).(dict)
	l := &lexer{buf: content, eof: true}
	var stack [][6]float64
	ctm := m
	var operands []any
	for {
		l.skipSpace()
		if l.pos >= len(l.buf) {
			return nil
		}
		if w.ops++; w.ops > maxScanOps {
			return fmt.Errorf("page content of more than %d operators", maxScanOps)
		}
		c := l.buf[l.pos]
		if c == '/' || c == '(' || c == '<' || c == '[' || c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
			v, err := l.object(0)
			if err != nil {
				return fmt.Errorf("page content: %w", err)
			}
			if len(operands) < 16 {
				operands = append(operands, v)
			}
			continue
		}
		op := string(l.keyword())
		if op == "" {
			return fmt.Errorf("page content: unexpected byte %q", c)
		}
		switch op {
		case "true", "false", "null":
			operands = append(operands, nil)
			continue
		case "q":
			if len(stack) < 64 {
				stack = append(stack, ctm)
			}
		case "Q":
			if n := len(stack); n > 0 {
				ctm, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if f, ok := numbers(operands, 6); ok {
				ctm = multiply([6]float64(f), ctm)
			}
		case "Tj", "TJ", "'", "\"":
			w.text = true
			if !w.all {
				return nil
			}
		case "BI":
			// An inline image: its data is binary and this walk does not parse it. A page
			// drawn this way is not taken for a scan.
			if !w.all {
				return ErrNotScan
			}
			w.images = append(w.images, unitRect(ctm))
			end, ok := inlineImageEnd(l.buf, l.pos)
			if !ok {
				return nil // the rest of the content is the image's data
			}
			l.pos = end
		case "Do":
			if len(operands) == 1 {
				if n, ok := operands[0].(name); ok {
					if err := w.do(xobjects[string(n)], ctm, res, depth); err != nil {
						return err
					}
				}
			}
		}
		operands = operands[:0]
	}
}

func (w *scanWalk) do(v any, ctm [6]float64, parentRes any, depth int) error {
	st, ok := w.doc.d.resolve(v).(*stream)
	if !ok {
		return nil
	}
	d := w.doc.d
	switch d.resolve(st.dict["Subtype"]) {
	case name("Image"):
		s := &Scan{doc: w.doc, st: st, Matrix: ctm}
		wd, _ := d.resolve(st.dict["Width"]).(int64)
		ht, _ := d.resolve(st.dict["Height"]).(int64)
		if wd <= 0 || ht <= 0 || wd > 1<<16 || ht > 1<<16 {
			return nil
		}
		s.Width, s.Height = int(wd), int(ht)
		filters := asArray(d.resolve(st.dict["Filter"]))
		if len(filters) > 1 {
			s.Filter = "several filters"
		} else if len(filters) == 1 {
			f, _ := d.resolve(filters[0]).(name)
			s.Filter = map[name]string{"Fl": "FlateDecode", "DCT": "DCTDecode", "CCF": "CCITTFaxDecode"}[f]
			if s.Filter == "" {
				s.Filter = string(f)
			}
		}
		if ps := asArray(d.resolve(st.dict["DecodeParms"])); len(ps) > 0 {
			s.parms, _ = d.resolve(ps[0]).(dict)
		}
		if s.parms == nil {
			s.parms = dict{}
		}
		bpc, _ := d.resolve(st.dict["BitsPerComponent"]).(int64)
		s.bpc = int(bpc)
		// A stencil mask paints its 0 samples (in the fill colour, black as scanners write it).
		if mask, _ := d.resolve(st.dict["ImageMask"]).(bool); mask {
			s.bpc, s.colors = 1, 1
		} else {
			s.colors = components(d, d.resolve(st.dict["ColorSpace"]))
		}
		if dec := asArray(d.resolve(st.dict["Decode"])); len(dec) >= 2 {
			a, _ := number(d.resolve(dec[0]))
			b, _ := number(d.resolve(dec[1]))
			s.invert = a > b
		}
		x0, y0, x1, y1 := s.Rect()
		if area := (x1 - x0) * (y1 - y0); area > w.area {
			w.best, w.area = s, area
		}
		if w.all {
			w.images = append(w.images, [4]float64{x0, y0, x1, y1})
		}
	case name("Form"):
		if depth >= maxScanForms {
			return nil
		}
		m := ctm
		if f, ok := numbers(asArray(d.resolve(st.dict["Matrix"])), 6); ok {
			m = multiply([6]float64(f), ctm)
		}
		res := d.resolve(st.dict["Resources"])
		if res == nil {
			res = parentRes
		}
		data, err := d.streamData(st, maxScanContent)
		if err != nil {
			return nil // a form this reader cannot decode: the page is judged on the rest
		}
		return w.walk(data, res, m, depth+1)
	}
	return nil
}

// components is the number of colour components of a colour space, 0 when unknown.
func components(d *document, cs any) int {
	switch x := cs.(type) {
	case name:
		switch x {
		case "DeviceGray", "G", "CalGray":
			return 1
		case "DeviceRGB", "RGB", "CalRGB":
			return 3
		case "DeviceCMYK", "CMYK":
			return 4
		}
	case array:
		if len(x) >= 2 && d.resolve(x[0]) == name("ICCBased") {
			if st, ok := d.resolve(x[1]).(*stream); ok {
				if n, ok := d.resolve(st.dict["N"]).(int64); ok {
					return int(n)
				}
			}
		}
		if len(x) >= 2 {
			switch d.resolve(x[0]) {
			case name("CalGray"):
				return 1
			case name("CalRGB"):
				return 3
			}
		}
	}
	return 0
}

func numbers(vs []any, n int) ([]float64, bool) {
	if len(vs) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i, v := range vs[len(vs)-n:] {
		f, ok := number(v)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

// multiply returns the matrix applying a, then b.
func multiply(a, b [6]float64) [6]float64 {
	return [6]float64{
		a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3],
		a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3],
		a[4]*b[0] + a[5]*b[2] + b[4], a[4]*b[1] + a[5]*b[3] + b[5],
	}
}

func apply(m [6]float64, x, y float64) (float64, float64) {
	return m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]
}

// Turned reports whether the page shows the image turned or mirrored, so that Upright copies it.
func (s *Scan) Turned() bool {
	m := s.Matrix
	return !(m[0] > 0 && m[3] > 0 && math.Abs(m[1]) < 1e-6*m[0] && math.Abs(m[2]) < 1e-6*m[3])
}

// Upright returns img as the page shows it: turned or mirrored as the matrix places it, so that
// its rows run down the page and its columns across. It fails for an image placed askew.
func (s *Scan) Upright(img image.Image) (image.Image, error) {
	m := s.Matrix
	const eps = 1e-6
	turned := false
	switch {
	case math.Abs(m[1]) < eps*math.Abs(m[0]) && math.Abs(m[2]) < eps*math.Abs(m[3]):
		if m[0] > 0 && m[3] > 0 {
			return img, nil // as stored
		}
	case math.Abs(m[0]) < eps*math.Abs(m[1]) && math.Abs(m[3]) < eps*math.Abs(m[2]):
		turned = true
	default:
		return nil, errors.New("image placed askew on the page")
	}
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	ow, oh := W, H
	if turned {
		ow, oh = H, W
	}
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	var rgb *image.RGBA
	if _, isGray := img.(*image.Gray); !isGray {
		out = nil
		rgb = image.NewRGBA(image.Rect(0, 0, ow, oh))
	}
	x0, y0, x1, y1 := s.Rect()
	det := m[0]*m[3] - m[1]*m[2]
	for oy := 0; oy < oh; oy++ {
		Y := y1 - (float64(oy)+0.5)/float64(oh)*(y1-y0)
		for ox := 0; ox < ow; ox++ {
			X := x0 + (float64(ox)+0.5)/float64(ow)*(x1-x0)
			// The unit square's point at (X, Y): the inverse of the matrix.
			dx, dy := X-m[4], Y-m[5]
			u := (dx*m[3] - dy*m[2]) / det
			v := (dy*m[0] - dx*m[1]) / det
			sx := min(max(int(u*float64(W)), 0), W-1)
			sy := min(max(int((1-v)*float64(H)), 0), H-1)
			c := img.At(b.Min.X+sx, b.Min.Y+sy)
			if out != nil {
				out.SetGray(ox, oy, color.GrayModel.Convert(c).(color.Gray))
			} else {
				rgb.Set(ox, oy, c)
			}
		}
	}
	if out != nil {
		return out, nil
	}
	return rgb, nil
}

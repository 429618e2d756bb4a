package pdf

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"strings"

	"golang.org/x/image/webp"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// Exhibit images never pass through the PDF library, which would hold every one of them in memory
// until the end. A page draws an image by name (a raw "Do" operator); the image itself is written
// in the update after the library's output, streamed from the store, and named in a new version
// of the shared resource dictionary. What can go in as it is does: a JPEG's bytes are its DCT
// stream, and the IDAT data of a non-interlaced PNG of up to 8 bits without transparency is a
// FlateDecode stream with the PNG predictor. Anything else (transparency, 16 bits, interlacing,
// WebP, GIF, CMYK JPEG) is decoded, one image at a time, and written as compressed samples with a
// soft mask for the alpha channel.
//
// Whether an image can be drawn is decided before any page is laid out, from a streaming pass
// over the file (the PNG chunks and their checksums, the JPEG header, a full decode only for the
// images that must be decoded anyway), so both layout passes make the same decision and the
// write cannot change it.

// imageKind is how an image goes into the PDF.
type imageKind int

const (
	asJPEG    imageKind = iota + 1 // the file's bytes as a DCTDecode stream
	asPNGData                      // the PNG's IDAT data as a FlateDecode stream
	asDecoded                      // decoded and written as samples (and a soft mask)
)

// imagePlan is what the inspection of an image original found.
type imagePlan struct {
	why    string // non-empty: the image cannot be drawn, and this says why
	kind   imageKind
	format string // as image.RegisterFormat names it
	w, h   int
	// For asJPEG, asPNGData and asPNGRows.
	colorSpace string
	colors     int
	depth      int
	// For asPNGRows.
	pngColorType byte
	alpha        bool
	// For asJPEG: an Adobe CMYK JPEG stores its samples inverted.
	inverted bool
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// plan inspects an image original once per render; both passes and the writer share the result.
func (d *doc) plan(it *evidence.Item) *imagePlan {
	if p, ok := d.plans[it.SHA256]; ok {
		return p
	}
	p := d.inspect(it)
	d.plans[it.SHA256] = p
	return p
}

func (d *doc) inspect(it *evidence.Item) *imagePlan {
	bad := func(err error) *imagePlan { return &imagePlan{why: fmt.Sprintf(d.t("why.image"), err)} }
	rc, err := d.openOriginal(it)
	if err != nil {
		return &imagePlan{why: err.Error()}
	}
	defer rc.Close()
	counted := &countingReader{r: io.LimitReader(rc, MaxImage+1)}
	br := bufio.NewReaderSize(counted, 32<<10)
	var p *imagePlan
	if sig, _ := br.Peek(len(pngSignature)); bytes.Equal(sig, pngSignature) {
		hdr, err := walkPNG(br, io.Discard)
		if err != nil {
			return bad(err)
		}
		p = hdr.plan()
		if p.kind == asDecoded {
			hdr.rowsPlan(p)
		}
	} else {
		cfg, format, err := image.DecodeConfig(br)
		if err != nil {
			return bad(err)
		}
		p = &imagePlan{kind: asDecoded, format: format, w: cfg.Width, h: cfg.Height}
		if format == "jpeg" {
			switch cfg.ColorModel {
			case color.YCbCrModel:
				p.kind, p.colorSpace, p.colors, p.depth = asJPEG, "/DeviceRGB", 3, 8
			case color.GrayModel:
				p.kind, p.colorSpace, p.colors, p.depth = asJPEG, "/DeviceGray", 1, 8
			case color.CMYKModel:
				// As it is too: decoding a large progressive CMYK file costs hundreds of MB. A file
				// with Adobe's APP14 marker (Photoshop and most CMYK writers) stores inverted
				// samples, which /Decode [1 0 ...] undoes, as PDF writers do for such files.
				p.kind, p.colorSpace, p.colors, p.depth = asJPEG, "/DeviceCMYK", 4, 8
			}
		}
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return &imagePlan{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	if counted.n > MaxImage {
		return &imagePlan{why: fmt.Sprintf(d.t("why.large"), it.Size)}
	}
	if p.w <= 0 || p.h <= 0 || p.w > 1<<15 || p.h > 1<<15 {
		return bad(fmt.Errorf("%d×%d pixels", p.w, p.h))
	}
	if p.kind == asJPEG && p.colors == 4 {
		inv, err := d.adobeJPEG(it)
		if err != nil {
			return bad(err)
		}
		p.inverted = inv
	}
	if p.kind != asJPEG && int64(p.w)*int64(p.h) > MaxPixels {
		// A few kilobytes of compressed data can claim a canvas of gigabytes, and a PNG drawn
		// row by row or passed through still makes every reader inflate all of it: listed, not
		// drawn. A JPEG is passed through as it is, and readers decode it as they draw.
		return bad(fmt.Errorf("%d×%d pixels, too many to decode", p.w, p.h))
	}
	if p.kind == asPNGRows {
		// The data is inflated once here, into nothing, so a broken stream is found before layout.
		if err := d.pngRows(it, p, false, nil, io.Discard); err != nil {
			return bad(err)
		}
	}
	if p.kind == asDecoded {
		// A few megabytes of compressed data can claim a canvas of gigabytes; such an image is
		// listed, not drawn.
		if int64(p.w)*int64(p.h) > MaxPixels || decodeBytes(p) > MaxDecodeBytes {
			return bad(fmt.Errorf("%d×%d pixels, too many to decode", p.w, p.h))
		}
		img, err := d.decode(it, p)
		if err != nil {
			return bad(err)
		}
		if b := img.Bounds(); b.Dx() != p.w || b.Dy() != p.h {
			return bad(fmt.Errorf("decoded to %d×%d pixels, header says %d×%d", b.Dx(), b.Dy(), p.w, p.h))
		}
	}
	return p
}

// openOriginal opens a stored original; failures are the page's reason.
func (d *doc) openOriginal(it *evidence.Item) (io.ReadCloser, error) {
	if d.b.Open == nil {
		return nil, &notShown{why: fmt.Sprintf(d.t("why.open"), "no store")}
	}
	rc, err := d.b.Open(it.SHA256)
	if err != nil {
		return nil, &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	return rc, nil
}

// decode decodes an image original whole; the caller has checked its pixel count.
func (d *doc) decode(it *evidence.Item, p *imagePlan) (img image.Image, err error) {
	rc, err := d.openOriginal(it)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	r := bufio.NewReaderSize(io.LimitReader(rc, MaxImage), 32<<10)
	defer func() { // the standard decoders are not known to panic, but the input is hostile
		if v := recover(); v != nil {
			img, err = nil, fmt.Errorf("decoder failed: %v", v)
		}
	}()
	switch p.format {
	case "png":
		return png.Decode(r)
	case "jpeg":
		return jpeg.Decode(r)
	case "webp":
		return webp.Decode(r)
	}
	img, _, err = image.Decode(r)
	return img, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// pngHeader is what walkPNG learns of a PNG.
type pngHeader struct {
	w, h             int
	depth, colorType byte
	interlaced       bool
	palette          []byte
	transparency     bool
}

func (h *pngHeader) plan() *imagePlan {
	p := &imagePlan{kind: asDecoded, format: "png", w: h.w, h: h.h, depth: int(h.depth)}
	if h.interlaced || h.depth > 8 || h.transparency {
		return p
	}
	switch {
	case h.colorType == 0:
		p.kind, p.colorSpace, p.colors = asPNGData, "/DeviceGray", 1
	case h.colorType == 2:
		p.kind, p.colorSpace, p.colors = asPNGData, "/DeviceRGB", 3
	case h.colorType == 3 && len(h.palette) > 0:
		p.kind, p.colors = asPNGData, 1
		p.colorSpace = fmt.Sprintf("[/Indexed /DeviceRGB %d <%s>]", len(h.palette)/3-1, hex.EncodeToString(h.palette))
	}
	return p
}

// walkPNG reads a PNG from its signature to IEND, checking the structure and every chunk's CRC,
// and copies the IDAT data (the zlib stream of the image) to idat.
func walkPNG(r io.Reader, idat io.Writer) (*pngHeader, error) {
	sig := make([]byte, len(pngSignature))
	if _, err := io.ReadFull(r, sig); err != nil || !bytes.Equal(sig, pngSignature) {
		return nil, errors.New("png: not a PNG file")
	}
	var h *pngHeader
	sawData := false
	var head [8]byte
	for chunk := 1; ; chunk++ {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return nil, fmt.Errorf("png: chunk %d: %w", chunk, noEOF(err))
		}
		n := binary.BigEndian.Uint32(head[:4])
		typ := string(head[4:8])
		if n > 1<<31-1 {
			return nil, fmt.Errorf("png: chunk %d (%q): length %d", chunk, typ, n)
		}
		if (chunk == 1) != (typ == "IHDR") {
			return nil, fmt.Errorf("png: chunk %d is %q, the header must come first and once", chunk, typ)
		}
		crc := crc32.NewIEEE()
		crc.Write(head[4:8])
		var small []byte
		dst := io.Discard
		switch typ {
		case "IHDR", "PLTE":
			if n > 768 {
				return nil, fmt.Errorf("png: chunk %d (%s): length %d", chunk, typ, n)
			}
			small = make([]byte, n)
			if _, err := io.ReadFull(r, small); err != nil {
				return nil, fmt.Errorf("png: chunk %d (%s): %w", chunk, typ, noEOF(err))
			}
			crc.Write(small)
		case "IDAT":
			dst = idat
			sawData = true
		case "tRNS":
			if h != nil {
				h.transparency = true
			}
		}
		if small == nil {
			if k, err := io.Copy(io.MultiWriter(crc, dst), io.LimitReader(r, int64(n))); err != nil || k != int64(n) {
				if err == nil {
					err = io.ErrUnexpectedEOF
				}
				return nil, fmt.Errorf("png: chunk %d (%s): %w", chunk, typ, err)
			}
		}
		var sum [4]byte
		if _, err := io.ReadFull(r, sum[:]); err != nil {
			return nil, fmt.Errorf("png: chunk %d (%s): %w", chunk, typ, noEOF(err))
		}
		if binary.BigEndian.Uint32(sum[:]) != crc.Sum32() {
			return nil, fmt.Errorf("png: chunk %d (%s): checksum mismatch", chunk, typ)
		}
		switch typ {
		case "IHDR":
			if n != 13 {
				return nil, fmt.Errorf("png: header of %d bytes", n)
			}
			h = &pngHeader{w: int(binary.BigEndian.Uint32(small[0:4])), h: int(binary.BigEndian.Uint32(small[4:8])),
				depth: small[8], colorType: small[9], interlaced: small[12] == 1}
			if !validPNGDepth(h.colorType, h.depth) || small[10] != 0 || small[11] != 0 || small[12] > 1 {
				return nil, fmt.Errorf("png: colour type %d at depth %d, compression %d, filter %d, interlace %d not allowed",
					small[9], small[8], small[10], small[11], small[12])
			}
		case "PLTE":
			if n == 0 || n%3 != 0 {
				return nil, fmt.Errorf("png: palette of %d bytes", n)
			}
			h.palette = small
		case "IEND":
			if !sawData {
				return nil, errors.New("png: no image data")
			}
			if h.colorType == 3 && h.palette == nil {
				return nil, errors.New("png: indexed colour without a palette")
			}
			return h, nil
		}
	}
}

func validPNGDepth(colorType, depth byte) bool {
	switch colorType {
	case 0:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16
	case 3:
		return depth == 1 || depth == 2 || depth == 4 || depth == 8
	case 2, 4, 6:
		return depth == 8 || depth == 16
	}
	return false
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// imageName is the resource name an exhibit's image is drawn by.
func imageName(sha string) string { return "Ex" + sha }

// drawImage places an inspected image on the page; writeImages supplies it later.
func (d *doc) drawImage(it *evidence.Item, x, y, w, h float64) {
	name := imageName(it.SHA256)
	if !slices.ContainsFunc(d.placed, func(p *evidence.Item) bool { return p.SHA256 == it.SHA256 }) {
		d.placed = append(d.placed, it)
	}
	const k = 72 / 25.4 // points per millimetre; the page's origin is at the bottom left
	d.f.RawWriteStr(fmt.Sprintf("q %.4f 0 0 %.4f %.4f %.4f cm /%s Do Q", w*k, h*k, x*k, (pageH-y-h)*k, name))
}

// xobject is an image written in the update, by resource name.
type xobject struct {
	name string
	obj  int
}

// writeImages writes every image drawn, in the order first drawn.
func (d *doc) writeImages(u *update) ([]xobject, error) {
	var out []xobject
	for _, it := range d.placed {
		p := d.plans[it.SHA256]
		if p == nil || p.why != "" {
			continue
		}
		n := u.alloc()
		if err := d.writeImage(u, n, it, p); err != nil {
			return nil, fmt.Errorf("pdf: %s (%s): %w", evidenceRef(it.Exhibit), it.Name, err)
		}
		out = append(out, xobject{name: imageName(it.SHA256), obj: n})
	}
	return out, nil
}

func (d *doc) writeImage(u *update, n int, it *evidence.Item, p *imagePlan) error {
	head := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d", p.w, p.h)
	var masks []image.Rectangle
	if r := d.redaction(it, p.w, p.h); r != nil {
		masks = r.masks
	}
	kind := p.kind
	if len(masks) > 0 && kind != asPNGRows {
		kind = asDecoded // painted over, so decoded whatever it is
	}
	switch kind {
	case asPNGRows:
		dict := fmt.Sprintf("%s /ColorSpace %s /BitsPerComponent 8 /Filter /FlateDecode", head, p.colorSpace)
		mask := 0
		if p.alpha {
			mask = u.alloc()
			dict += fmt.Sprintf(" /SMask %d 0 R", mask)
		}
		rows := func(alpha bool) func(io.Writer) error {
			return func(w io.Writer) error {
				zw := u.deflate(w)
				if err := d.pngRows(it, p, alpha, masks, zw); err != nil {
					return err
				}
				return zw.Close()
			}
		}
		if err := u.stream(n, dict, rows(false)); err != nil || mask == 0 {
			return err
		}
		return u.stream(mask, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", p.w, p.h), rows(true))
	case asJPEG:
		decode := ""
		if p.inverted {
			decode = " /Decode [1 0 1 0 1 0 1 0]"
		}
		return u.stream(n, fmt.Sprintf("%s /ColorSpace %s /BitsPerComponent 8%s /Filter /DCTDecode", head, p.colorSpace, decode), func(w io.Writer) error {
			rc, err := d.openOriginal(it)
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = io.CopyBuffer(w, &capped{r: rc, left: MaxImage}, u.buf)
			return err
		})
	case asPNGData:
		dict := fmt.Sprintf("%s /ColorSpace %s /BitsPerComponent %d /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>",
			head, p.colorSpace, p.depth, p.colors, p.depth, p.w)
		return u.stream(n, dict, func(w io.Writer) error {
			rc, err := d.openOriginal(it)
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = walkPNG(bufio.NewReaderSize(io.LimitReader(rc, MaxImage), 32<<10), w)
			return err
		})
	}
	img, err := d.decode(it, p)
	if err != nil {
		return err
	}
	gray := false
	switch img.(type) {
	case *image.Gray, *image.Gray16:
		gray = true
	}
	opaque := false
	if o, ok := img.(interface{ Opaque() bool }); ok {
		opaque = o.Opaque()
	}
	cs, comps := "/DeviceRGB", 3
	if gray {
		cs, comps = "/DeviceGray", 1
	}
	dict := fmt.Sprintf("%s /ColorSpace %s /BitsPerComponent 8 /Filter /FlateDecode", head, cs)
	mask := 0
	if !opaque {
		mask = u.alloc()
		dict += fmt.Sprintf(" /SMask %d 0 R", mask)
	}
	if err := u.stream(n, dict, func(w io.Writer) error { return writeSamples(u.deflate(w), img, comps, masks) }); err != nil {
		return err
	}
	if mask == 0 {
		return nil
	}
	return u.stream(mask, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", p.w, p.h),
		func(w io.Writer) error { return writeSamples(u.deflate(w), img, 0, masks) })
}

// writeSamples writes the rows of img as 8-bit samples — gray (1), RGB (3) or, with 0, the alpha
// channel alone — and closes zw. Pixels inside masks (relative to the image's top left) are
// written black and opaque.
func writeSamples(zw io.WriteCloser, img image.Image, comps int, masks []image.Rectangle) error {
	b := img.Bounds()
	row := image.NewNRGBA(image.Rect(0, 0, b.Dx(), 1))
	n := max(comps, 1)
	out := make([]byte, b.Dx()*n)
	rgba, direct := img.(*image.RGBA) // a rendered page: opaque, so its samples need no conversion
	direct = direct && comps == 3
	for y := b.Min.Y; y < b.Max.Y; y++ {
		src := row.Pix
		if direct {
			src = rgba.Pix[rgba.PixOffset(b.Min.X, y):][:4*b.Dx()]
		} else {
			draw.Draw(row, row.Rect, img, image.Pt(b.Min.X, y), draw.Src)
		}
		for x := 0; x < b.Dx(); x++ {
			px := src[4*x : 4*x+4]
			switch comps {
			case 0:
				out[x] = px[3]
			case 1:
				out[x] = px[0] // gray sources give R = G = B
			default:
				copy(out[3*x:3*x+3], px[:3])
			}
		}
		for _, m := range masks {
			if y-b.Min.Y < m.Min.Y || y-b.Min.Y >= m.Max.Y {
				continue
			}
			v := byte(0) // black
			if comps == 0 {
				v = 255 // opaque
			}
			for x := max(m.Min.X, 0) * n; x < min(m.Max.X, b.Dx())*n; x++ {
				out[x] = v
			}
		}
		if _, err := zw.Write(out); err != nil {
			return err
		}
	}
	return zw.Close()
}

// withXObjects adds the images to the /XObject dictionary of the library's resource dictionary.
func withXObjects(resources []byte, xs []xobject) ([]byte, error) {
	key := []byte("/XObject <<")
	i := bytes.Index(resources, key)
	if i < 0 {
		return nil, errors.New("the resource dictionary has no /XObject dictionary")
	}
	i += len(key)
	slices.SortFunc(xs, func(a, b xobject) int { return strings.Compare(a.name, b.name) })
	var b bytes.Buffer
	b.Write(resources[:i])
	for _, x := range xs {
		fmt.Fprintf(&b, "\n/%s %d 0 R", x.name, x.obj)
	}
	b.Write(resources[i:])
	return b.Bytes(), nil
}

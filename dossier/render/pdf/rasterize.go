package pdf

import (
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/responses"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

// Redacting an imported page. Masking printed text is not enough for a page copied from an
// original: its text is still in its content stream, visible and extractable. In a redacted packet
// an imported page is therefore not copied but rendered to an image by PDFium (running as
// WebAssembly in-process through go-pdfium and wazero: no cgo, nothing to install, nothing
// fetched), and every character that the redactor would mask — found from PDFium's own character
// boxes on that page — is painted over in black before the image is written. The page in the
// packet is pixels, with an invisible text layer made from PDFium's characters in which every
// character painted over is "*": search and pdftotext find the page's words, never the numbers.
// A page on which nothing is to be masked or covered is copied as it is, as in an unredacted
// packet: its own text, exact, and no rendering (PDFium still reads its characters to know).
//
// Pictures inside a page of text show pixels PDFium has no characters for, and OCR reads only
// scanned pages; so each picture on such a page (found by pdfdoc's PageImages, inline images and
// forms included) is painted over in grey, unless it lies under most of the page (a scan with its
// own text layer, a letterhead: the text says where the numbers are) or is too small to hold a
// number. The integrity appendix lists the pages where this was done.
//
// Which characters: the same rule the printed text follows (redactor.apply, compared character by
// character), and in addition every digit of the complainant's ID-card number and phone number
// and of the family's numbers from case.yaml wherever they occur, in any spelling (digits split by
// spaces, dashes or line breaks), so a number the pattern rules miss is still covered.
//
// Memory and time. PDFium is large: wazero's interpreter holds about 120 MB of compiled code for
// it and 18 MB of its memory, more than the rest of the packet needs. (wazero's compiler would keep
// 28 MB of heap but takes over 20 s and 300 MB to compile, every run or into a cache that must be
// warm.) So PDFium never lives beside the layout: every page of every PDF original is rendered and
// painted over first (rasterizeAll), compressed to a scratch file one page at a time straight from
// PDFium's bitmap, with its text layer kept; then PDFium is closed and its memory freed, and the
// layout and the writer use the pages from the scratch file. The compile's garbage is bounded by
// a soft memory limit while it runs. Each original is opened in PDFium once, not once a page.
//
// On the sample case (three imported pages), `dossier pdf --redact`, median of 3 runs side by side
// on 2 shared cores: peak RSS 315 MB before, 227 MB after; CPU 2.9 s before, 2.9 s after (0.6 s
// compiling PDFium, 1.2 s rendering, 0.7 s reading the characters). The floor is PDFium under the
// interpreter: 155 MB live while a page is rendered; a lower memory limit only trades CPU for
// little (165 MiB: 221 MB, 5.9 s CPU). The 200 MB target needs PDFium compiled (wazero's compiler
// with a warm compilation cache: 50 MB and 0.4 s to start, but 330 MB and 20 s the first time).
// Copying the pages with nothing to mask instead of rendering them: the sample, 2.0–2.3 s wall and
// 211–217 MB against 3.0–3.1 s and 224–227 MB (two runs each, alternating); 200 pages that all
// hold the complainant's numbers, 73–81 s against 99 s at 225 MB (about 0.4 s a rendered page
// under the interpreter).
// BenchmarkRedactedPacket: 2.9 s and 164 MiB of heap at most for the fixture's two pages.

// rasterDPI is the resolution redacted pages are rendered at: legible print, about 9 MB of pixels
// for an A4 page while it is being written.
const rasterDPI = 150

// minCoveredSide is the side, in points, below which a picture inside a page is too small to hold
// a legible number (2 mm) and is left as it is: rules, bullets, the dots of a dotted line.
const minCoveredSide = 6

// pdfiumMemoryLimit bounds the heap while PDFium is in use: with its 140 MB live, the collector
// would otherwise let the heap grow to twice that before it looks (the compile alone makes its
// result again in garbage). Little is allocated while the pages are rendered, so collecting
// more often costs little.
const pdfiumMemoryLimit = 185 << 20

var pdfiumMu sync.Mutex // PDFium, one caller at a time: the instance is not shared between goroutines

// withPDFium runs fn with a fresh PDFium instance, and closes PDFium afterwards.
func withPDFium(fn func(inst pdfium.Pdfium) error) error {
	pdfiumMu.Lock()
	defer pdfiumMu.Unlock()
	// The WebAssembly memory is capped so that a page cannot take the packet past its budget.
	rc := wazero.NewRuntimeConfigInterpreter().WithMemoryLimitPages(1024). // 64 MiB
										WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling) // as PDFium's build needs
	prev := debug.SetMemoryLimit(-1)
	debug.SetMemoryLimit(min(prev, pdfiumMemoryLimit))
	defer debug.SetMemoryLimit(prev)
	pool, err := webassembly.Init(webassembly.Config{MinIdle: 1, MaxIdle: 1, MaxTotal: 1, RuntimeConfig: rc, ReuseWorkers: true})
	if err != nil {
		return fmt.Errorf("pdfium: %w", err)
	}
	defer func() {
		pool.Close()
		// Collected now: left to the collector, PDFium's memory would set its next goal at twice
		// its size and the layout's garbage would pile up on top of it.
		runtime.GC()
	}()
	inst, err := pool.GetInstance(5 * time.Minute)
	if err != nil {
		return fmt.Errorf("pdfium: %w", err)
	}
	defer inst.Close()
	return fn(inst)
}

// rasterSet holds the redacted pages of the PDF originals, rendered before layout.
type rasterSet struct {
	file *os.File // every page's compressed samples, one page after another
	at   int64
	docs map[string]*rasterDoc // by SHA-256
}

// rasterDoc is one PDF original's redacted pages, or why PDFium could not make them.
type rasterDoc struct {
	err   error
	pages []rasterPage
}

// rasterPage is one redacted page: a zlib stream of RGB samples in the scratch file.
type rasterPage struct {
	w, h    int
	off, n  int64
	text    []evidence.TextLine // the page's text layer, in the image's pixels, masked
	masked  int                 // characters painted over
	covered int                 // pictures inside the page's text covered (nothing read them)
	// unchecked: the page has no characters (a scan) and OCR has not read it, so nothing says
	// where its numbers are; it is not rendered, and the packet says so in its place.
	unchecked bool
	// vector: the page has nothing to mask or cover, and is copied from the original as an
	// unredacted packet copies it.
	vector bool
}

func (rs *rasterSet) close() {
	if rs != nil && rs.file != nil {
		rs.file.Close()
		os.Remove(rs.file.Name())
	}
}

// rasterizeAll renders every page of every PDF exhibit with the numbers painted over.
func rasterizeAll(b *evidence.Bundle, opt Options) (*rasterSet, error) {
	d := &doc{b: b, opt: opt, lang: opt.Lang, red: newRedactor(b.Case)}
	rs := &rasterSet{docs: map[string]*rasterDoc{}}
	var todo []*evidence.Item
	for i := range b.Items {
		it := &b.Items[i]
		if mimeBase(it.MIME) == "application/pdf" && rs.docs[it.SHA256] == nil {
			rs.docs[it.SHA256] = &rasterDoc{}
			todo = append(todo, it)
		}
	}
	if len(todo) == 0 {
		return rs, nil
	}
	f, err := os.CreateTemp(opt.TempDir, "dossier-redacted-*")
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	rs.file = f
	err = withPDFium(func(inst pdfium.Pdfium) error {
		for _, it := range todo {
			rd := rs.docs[it.SHA256]
			// A file pdfdoc cannot open gets its page from pdfPlan, which meets the same error.
			_ = d.withPDF(it, func(doc *pdfdoc.Doc, ra io.ReaderAt, size int64) error {
				rd.err = rs.addDoc(d, inst, rd, it, doc, ra, size)
				return nil
			})
			if err := cancelled(opt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		rs.close()
		return nil, err
	}
	return rs, nil
}

func cancelled(opt Options) error {
	if opt.Context == nil {
		return nil
	}
	return opt.Context.Err()
}

// addDoc renders the pages of one PDF original into the scratch file.
func (rs *rasterSet) addDoc(d *doc, inst pdfium.Pdfium, rd *rasterDoc, it *evidence.Item, doc *pdfdoc.Doc, ra io.ReaderAt, size int64) error {
	opened, err := inst.OpenDocument(&requests.OpenDocument{FileReader: io.NewSectionReader(ra, 0, size), FileReaderSize: size})
	if err != nil {
		return fmt.Errorf("pdfium: %w", err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: opened.Document})
	pages := doc.Pages()
	n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: opened.Document})
	if err != nil {
		return fmt.Errorf("pdfium: %w", err)
	}
	if n.PageCount < len(pages) {
		return errors.New("pdfium reads fewer pages than the file's page tree")
	}
	for i, pg := range pages {
		p, err := rs.addPage(d, inst, opened, it, doc, i, pg)
		if err != nil {
			return err
		}
		rd.pages = append(rd.pages, p)
		if err := cancelled(d.opt); err != nil {
			return err
		}
	}
	return nil
}

// addPage renders page i, paints over what must be masked, and appends the page's samples to the
// scratch file, compressed as the packet will carry them.
func (rs *rasterSet) addPage(d *doc, inst pdfium.Pdfium, opened *responses.OpenDocument, it *evidence.Item, src *pdfdoc.Doc, i int, pg pdfdoc.Page) (rasterPage, error) {
	page := requests.Page{ByIndex: &requests.PageByIndex{Document: opened.Document, Index: i}}
	text, err := inst.GetPageTextStructured(&requests.GetPageTextStructured{Page: page, Mode: requests.GetPageTextStructuredModeChars})
	if err != nil {
		return rasterPage{}, fmt.Errorf("pdfium: page %d text: %w", i+1, err)
	}
	// On a scanned page the numbers are pixels PDFium has no characters for: what OCR read there
	// says where they are (boxes in PageUnits of the page as displayed).
	var scanned []evidence.TextLine
	for _, l := range d.b.Text[it.ID] {
		if l.Page == i+1 {
			scanned = append(scanned, l)
		}
	}
	// A page with no characters that OCR has not read (not read at all, or past the pages it
	// reads) may show anything: nothing says where its numbers are.
	if len(scanned) == 0 && !slices.ContainsFunc(text.Chars, func(c *responses.GetPageTextStructuredChar) bool {
		return strings.TrimSpace(c.Text) != ""
	}) {
		return rasterPage{unchecked: true}, nil
	}
	chars := make([]string, len(text.Chars))
	for k, c := range text.Chars {
		chars[k] = c.Text
	}
	masked := maskedChars(d.red, d.b.Case, chars)
	pw, ph := int(pg.Width*evidence.PageUnits), int(pg.Height*evidence.PageUnits)
	var scanMasks []image.Rectangle
	if len(scanned) > 0 {
		scanMasks = redactImage(d.red, d.b, scanned, pw, ph).masks
	}
	// Pictures inside a page of text (a photographed ID card pasted into a document): PDFium has
	// no characters for what they show and OCR reads only scanned pages, so they are covered. A
	// picture under most of the page with text over it is the page itself (a scan with its own
	// text layer, a letterhead): its text says where the numbers are.
	var covers [][4]float64
	if len(scanned) == 0 {
		rects, err := src.PageImages(pg)
		if err != nil {
			return rasterPage{unchecked: true}, nil
		}
		for _, r := range rects {
			w, hh := min(r[2], pg.Width)-max(r[0], 0), min(r[3], pg.Height)-max(r[1], 0)
			if w >= minCoveredSide && hh >= minCoveredSide && w*hh < 0.5*pg.Width*pg.Height {
				covers = append(covers, r)
			}
		}
	}
	// A page with nothing to mask or cover is copied as it is, like an unredacted packet's: its
	// own vector text, exact and searchable, and no rendering.
	if len(masked) == 0 && len(scanMasks) == 0 && len(covers) == 0 {
		return rasterPage{vector: true}, nil
	}
	r, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{DPI: rasterDPI, Page: page})
	if err != nil {
		return rasterPage{}, fmt.Errorf("pdfium: page %d: %w", i+1, err)
	}
	// The bitmap lives in PDFium's memory: painted and written from there, then released.
	defer r.Cleanup()
	img := r.Result.Image
	b := img.Bounds()
	hit := map[int]bool{}
	scale := float64(rasterDPI) / 72
	h := float64(b.Dy())
	box := func(k int) image.Rectangle {
		p := text.Chars[k].PointPosition
		x0, y0 := pg.ToDisplay(p.Left, p.Bottom)
		x1, y1 := pg.ToDisplay(p.Right, p.Top)
		return image.Rect(int(min(x0, x1)*scale), int(h-max(y0, y1)*scale), int(max(x0, x1)*scale)+1, int(h-min(y0, y1)*scale)+1).Add(b.Min)
	}
	black := image.NewUniform(color.Black)
	out := rasterPage{w: b.Dx(), h: b.Dy()}
	for _, k := range masked {
		hit[k] = true
		rect := box(k)
		rect = image.Rect(rect.Min.X-2, rect.Min.Y-2, rect.Max.X+2, rect.Max.Y+2)
		draw.Draw(img, rect.Intersect(b), black, image.Point{}, draw.Src)
		out.masked++
	}
	k := scale / evidence.PageUnits
	for _, m := range scanMasks {
		rect := image.Rect(int(float64(m.Min.X)*k), int(float64(m.Min.Y)*k), int(float64(m.Max.X)*k)+1, int(float64(m.Max.Y)*k)+1)
		draw.Draw(img, rect.Add(b.Min).Intersect(b), black, image.Point{}, draw.Src)
		out.masked++
	}
	grey := image.NewUniform(color.Gray{Y: 0xC8})
	for _, r := range covers {
		rect := image.Rect(int(r[0]*scale)-2, int(h-r[3]*scale)-2, int(r[2]*scale)+3, int(h-r[1]*scale)+3).Add(b.Min)
		draw.Draw(img, rect.Intersect(b), grey, image.Point{}, draw.Src)
		out.covered++
	}
	out.text = charLines(chars, hit, func(k int) image.Rectangle { return box(k).Sub(b.Min) })
	if rs.at, err = rs.file.Seek(0, io.SeekEnd); err != nil {
		return rasterPage{}, err
	}
	cw := &byteCounter{}
	zw, _ := zlib.NewWriterLevel(io.MultiWriter(rs.file, cw), zlib.DefaultCompression)
	if err := writeSamples(zw, img, 3, nil); err != nil {
		return rasterPage{}, fmt.Errorf("pdf: scratch file: %w", err)
	}
	out.off, out.n = rs.at, cw.n
	return out, nil
}

// charLines groups a page's characters into lines for its invisible text layer, with every
// character painted over written as "*". A line ends at PDFium's line breaks and wherever the
// next character does not sit beside the last one. The spaces PDFium makes up between two
// pieces of text (they have no width) are left out, so the text reads as the page's own does.
func charLines(chars []string, hit map[int]bool, box func(int) image.Rectangle) []evidence.TextLine {
	var out []evidence.TextLine
	var cur strings.Builder
	var r image.Rectangle
	var last image.Rectangle
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" && !r.Empty() {
			out = append(out, evidence.TextLine{Text: t, X0: r.Min.X, Y0: r.Min.Y, X1: r.Max.X, Y1: r.Max.Y})
		}
		cur.Reset()
		r = image.Rectangle{}
	}
	for k, c := range chars {
		if c == "\r" || c == "\n" || c == "" {
			if c != "" {
				flush()
			}
			continue
		}
		bx := box(k)
		if strings.TrimSpace(c) == "" && bx.Dx() <= 1 {
			continue // a space PDFium made up between two pieces of text, not one of the page's
		}
		if strings.TrimSpace(c) != "" && !r.Empty() {
			// Against the whole line so far, not the last character: a full stop's box is a dot.
			mid := (bx.Min.Y + bx.Max.Y) / 2
			if mid < r.Min.Y || mid > r.Max.Y || bx.Min.X < last.Min.X-r.Dy() {
				flush()
			}
		}
		if hit[k] {
			c = strings.Repeat("*", len([]rune(c)))
		}
		cur.WriteString(c)
		if strings.TrimSpace(c) != "" && !bx.Empty() {
			r, last = r.Union(bx), bx
		}
	}
	flush()
	return out
}

// rasterPlan is the redacted pages of an original, or the error that keeps them from the packet.
func (d *doc) rasterPlan(it *evidence.Item, pages int) (*rasterDoc, error) {
	rd := d.raster.docs[it.SHA256]
	switch {
	case rd == nil:
		return nil, errors.New("not rendered")
	case rd.err != nil:
		return nil, rd.err
	case len(rd.pages) != pages:
		return nil, fmt.Errorf("%d pages rendered of %d", len(rd.pages), pages)
	}
	return rd, nil
}

// writeRasterized writes a redacted page as an image XObject and returns its object number.
func (d *doc) writeRasterized(u *update, p rasterPage) (int, error) {
	n := u.alloc()
	dict := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode", p.w, p.h)
	return n, u.stream(n, dict, func(w io.Writer) error {
		_, err := io.CopyBuffer(w, io.NewSectionReader(d.raster.file, p.off, p.n), u.buf)
		return err
	})
}

type byteCounter struct{ n int64 }

func (c *byteCounter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

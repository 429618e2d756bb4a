package pdf

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
	"github.com/dossier-tool/dossier/dossier/phone"
)

// Redacting an imported page. Masking printed text is not enough for a page copied from an
// original: its text is still in its content stream, visible and extractable. In a redacted packet
// an imported page is therefore not copied but rendered to an image by PDFium (running as
// WebAssembly in-process through go-pdfium and wazero: no cgo, nothing to install, nothing
// fetched), and every character that the redactor would mask — found from PDFium's own character
// boxes on that page — is painted over in black before the image is written. The page in the
// packet is pixels only: nothing of the original's text survives to be extracted.
//
// Which characters: the same rule the printed text follows (redactor.apply, compared character by
// character), and in addition every digit of the complainant's ID-card number and phone number
// and of the family's numbers from case.yaml wherever they occur, in any spelling (digits split by
// spaces, dashes or line breaks), so a number the pattern rules miss is still covered.

// rasterDPI is the resolution redacted pages are rendered at: legible print, about 9 MB of pixels
// for an A4 page while it is being written.
const rasterDPI = 150

var (
	pdfiumOnce sync.Once
	pdfiumPool pdfium.Pool
	pdfiumErr  error
	pdfiumMu   sync.Mutex // one page at a time: the instance is not shared between goroutines
)

func pdfiumInstance() (pdfium.Pdfium, error) {
	pdfiumOnce.Do(func() {
		// The WebAssembly memory is capped so that a page cannot take the packet past its budget.
		rc := wazero.NewRuntimeConfigInterpreter().WithMemoryLimitPages(1024). // 64 MiB
											WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling) // as PDFium's build needs
		pdfiumPool, pdfiumErr = webassembly.Init(webassembly.Config{MinIdle: 1, MaxIdle: 1, MaxTotal: 1, RuntimeConfig: rc, ReuseWorkers: true})
	})
	if pdfiumErr != nil {
		return nil, fmt.Errorf("pdfium: %w", pdfiumErr)
	}
	return pdfiumPool.GetInstance(5 * time.Minute)
}

// rasterized is one redacted page.
type rasterized struct {
	img    *image.RGBA
	masked int // characters painted over
}

// rasterizePage renders page i of the PDF in ra and paints over what must be masked.
func (d *doc) rasterizePage(ra io.ReaderAt, size int64, i int, pg pdfdoc.Page) (*rasterized, error) {
	pdfiumMu.Lock()
	defer pdfiumMu.Unlock()
	inst, err := pdfiumInstance()
	if err != nil {
		return nil, err
	}
	defer inst.Close()
	doc, err := inst.OpenDocument(&requests.OpenDocument{FileReader: io.NewSectionReader(ra, 0, size), FileReaderSize: size})
	if err != nil {
		return nil, fmt.Errorf("pdfium: %w", err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	page := requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: i}}
	text, err := inst.GetPageTextStructured(&requests.GetPageTextStructured{Page: page, Mode: requests.GetPageTextStructuredModeChars})
	if err != nil {
		return nil, fmt.Errorf("pdfium: page %d text: %w", i+1, err)
	}
	r, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{DPI: rasterDPI, Page: page})
	if err != nil {
		return nil, fmt.Errorf("pdfium: page %d: %w", i+1, err)
	}
	// The image belongs to the instance; a copy outlives it.
	img := image.NewRGBA(r.Result.Image.Bounds())
	draw.Draw(img, img.Rect, r.Result.Image, r.Result.Image.Rect.Min, draw.Src)
	r.Cleanup()

	chars := make([]string, len(text.Chars))
	for k, c := range text.Chars {
		chars[k] = c.Text
	}
	out := &rasterized{img: img}
	scale := float64(rasterDPI) / 72
	h := float64(img.Rect.Dy())
	black := image.NewUniform(color.Black)
	for _, k := range maskedChars(d.red, d.b.Case, chars) {
		p := text.Chars[k].PointPosition
		x0, y0 := pg.ToDisplay(p.Left, p.Bottom)
		x1, y1 := pg.ToDisplay(p.Right, p.Top)
		rect := image.Rect(int(min(x0, x1)*scale)-2, int(h-max(y0, y1)*scale)-2, int(max(x0, x1)*scale)+3, int(h-min(y0, y1)*scale)+3)
		draw.Draw(img, rect.Intersect(img.Rect), black, image.Point{}, draw.Src)
		out.masked++
	}
	return out, nil
}

// maskedChars returns the indexes of the characters of a page (in reading order, as PDFium
// gives them) that must not be legible.
func maskedChars(red *redactor, c *caseconf.Case, chars []string) []int {
	var s strings.Builder
	owner := []int{} // byte of s → character
	for k, ch := range chars {
		s.WriteString(ch)
		for range len(ch) {
			owner = append(owner, k)
		}
	}
	text := s.String()
	hit := map[int]bool{}
	if masked := red.apply(text); len(masked) == len(text) {
		for b := range len(text) {
			if masked[b] != text[b] {
				hit[owner[b]] = true
			}
		}
	} else {
		// The masking changed the length: cannot happen with the rules as written; mask every digit.
		for b := range len(text) {
			if isDigit(text[b]) {
				hit[owner[b]] = true
			}
		}
	}
	// The case's own numbers, in any spelling: the page's digits in order, separators ignored.
	var digits []byte
	var at []int
	for k, ch := range chars {
		for _, r := range ch {
			switch {
			case r >= '0' && r <= '9':
				digits, at = append(digits, byte(r)), append(at, k)
			case r >= '０' && r <= '９':
				digits, at = append(digits, byte('0'+r-'０')), append(at, k)
			case r == 'X' || r == 'x' || r == 'Ｘ':
				digits, at = append(digits, 'X'), append(at, k)
			}
		}
	}
	for _, v := range personalNumbers(c) {
		for from := 0; ; {
			j := strings.Index(string(digits[from:]), v)
			if j < 0 {
				break
			}
			for q := from + j; q < from+j+len(v); q++ {
				hit[at[q]] = true
			}
			from += j + 1
		}
	}
	out := make([]int, 0, len(hit))
	for k := range chars {
		if hit[k] {
			out = append(out, k)
		}
	}
	return out
}

// personalNumbers are the numbers of case.yaml a redacted packet must not show: the complainant's
// ID-card number and phone, and the numbers of family members and the complainant's own, as
// digits (an ID card's check character as X).
func personalNumbers(c *caseconf.Case) []string {
	if c == nil {
		return nil
	}
	norm := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			if r >= '0' && r <= '9' || r == 'X' {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	var out []string
	add := func(s string) {
		if v := norm(s); len(v) >= 7 {
			out = append(out, v)
		}
	}
	add(c.Complainant.IDNumber)
	add(phone.Normalize(c.Complainant.Phone))
	for _, ct := range c.Contacts {
		if ct.Number != "" && (ct.Role == "family" || ct.Role == "self") {
			add(phone.Normalize(ct.Number))
		}
	}
	return out
}

// checkRasterizable opens a PDF with PDFium before layout, so that a file it cannot read gets a
// page saying so rather than failing the packet when the pages are written.
func (d *doc) checkRasterizable(ra io.ReaderAt, size int64, pages int) error {
	pdfiumMu.Lock()
	defer pdfiumMu.Unlock()
	inst, err := pdfiumInstance()
	if err != nil {
		return err
	}
	defer inst.Close()
	doc, err := inst.OpenDocument(&requests.OpenDocument{FileReader: io.NewSectionReader(ra, 0, size), FileReaderSize: size})
	if err != nil {
		return fmt.Errorf("pdfium: %w", err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	n, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return fmt.Errorf("pdfium: %w", err)
	}
	if n.PageCount < pages {
		return errors.New("pdfium reads fewer pages than the file's page tree")
	}
	return nil
}

// writeRasterized writes page i as a redacted image XObject and returns its object number.
func (d *doc) writeRasterized(u *update, ra io.ReaderAt, size int64, i int, pg pdfdoc.Page) (int, error) {
	r, err := d.rasterizePage(ra, size, i, pg)
	if err != nil {
		return 0, err
	}
	n := u.alloc()
	b := r.img.Rect
	dict := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode", b.Dx(), b.Dy())
	return n, u.stream(n, dict, func(w io.Writer) error { return writeSamples(u.deflate(w), r.img, 3, nil) })
}

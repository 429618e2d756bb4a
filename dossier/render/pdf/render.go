package pdf

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/render/pdf/linebreak"
	"github.com/dossier-tool/dossier/dossier/sign"
	"github.com/dossier-tool/dossier/templates"
)

// Options choose what the packet says and how.
type Options struct {
	// Letter is complaint (to the platform, the default), mediation (to a consumer association) or
	// regulator (12378 or the local financial regulator).
	Letter string
	// Lang is zh or en; empty means the case language.
	Lang string
	// Templates overrides letter templates: a file there named like an embedded one
	// (letters/complaint.zh.tmpl, ...) is used instead. May be nil.
	Templates fs.FS
	// Redact masks ID-card, bank-card and non-collection-side phone numbers in printed text.
	Redact bool
	// NoAttach leaves the originals out of the file; the manifest is attached regardless.
	NoAttach bool
	// Check, when set, is told what the letter lacks and what the findings hold before anything
	// is laid out; an error it returns stops the render (a caller asked to be strict).
	Check func(Check) error
	// Sign, when set, seals the packet with a PAdES signature over the whole file and shows the
	// signing time and the certificate's fingerprint on the cover.
	Sign *sign.Signer
	// Context, when set, stops the render soon after it is cancelled (Ctrl-C): the layout passes
	// check it at every table row and exhibit, the writer at every attachment, and Render
	// returns its error. Nil means the render runs to the end.
	Context context.Context
	// TempDir is where an original read at random offsets (an imported PDF) is copied when its
	// reader is not a file, as the store's checked readers are not: a scratch folder inside the
	// case or beside the output, so evidence never lands in the system's temporary folder.
	// Empty means the system's.
	TempDir string
	// SummaryAbove is the length of timeline above which the packet summarises it (see
	// DefaultSummaryAbove, which 0 means).
	SummaryAbove int
}

// Check is what a caller learns before the packet is written, to tell the user.
type Check struct {
	Lang   string // the packet's language
	Letter string // the letter kind
	// Missing names the empty case.yaml fields the letter needs (see MissingLetterFields).
	Missing []string
	// Breaches counts the rule breaches the letter cites; with none, the letter states what
	// happened without claiming a violation.
	Breaches int
	// Unclassified are the counterparts without a role in case.yaml: the user's to-do list, which
	// the packet does not print.
	Unclassified []findings.Unclassified
	// Unread, with Redact, are the picture exhibits OCR has not read, which the packet leaves out
	// because nothing says where their numbers are.
	Unread []int
}

// KeywordsPrefix starts the /Keywords entry of the document information: the rest is the hex
// SHA-256 of the attached manifest.json, as printed on the cover.
const KeywordsPrefix = "dossier-manifest-sha256:"

// MaxAttachment caps the size of one original embedded as an attachment; larger ones are listed
// as not embedded. Attachments are streamed from the store, so the cap bounds the size of the
// packet, not the memory used to write it.
const MaxAttachment = 256 << 20

// ErrNoBundle is returned when Render is given nothing to render.
var ErrNoBundle = errors.New("pdf: no bundle or no case")

// Page geometry in millimetres (A4).
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 20.0
	marginTop    = 24.0
	marginBottom = 20.0
	contentW     = pageW - 2*marginX
	bodyBottom   = pageH - marginBottom
)

// Render writes the packet of b to w. r may be nil when no findings were computed.
func Render(w io.Writer, b *evidence.Bundle, r *findings.Report, opt Options) error {
	if b == nil || b.Case == nil {
		return ErrNoBundle
	}
	opt = opt.withDefaults(b)
	if opt.Lang != "zh" && opt.Lang != "en" {
		return fmt.Errorf("pdf: language %q: use zh or en", opt.Lang)
	}
	letterText, letterOrigin, err := templates.Letter(opt.Templates, opt.Letter, opt.Lang)
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if opt.Check != nil {
		ch := Check{Lang: opt.Lang, Letter: opt.Letter, Missing: MissingLetterFields(b.Case)}
		if r != nil {
			ch.Breaches = r.CategoryTotals[findings.CategoryBreach]
			ch.Unclassified = r.Unclassified
		}
		for _, it := range b.Items {
			if opt.Redact && isImageMIME(it.MIME) && !b.Read[it.ID] {
				ch.Unread = append(ch.Unread, it.Exhibit)
			}
		}
		if err := opt.Check(ch); err != nil {
			return err
		}
	}
	b, big, err := timelineFor(b, r, cmp.Or(opt.SummaryAbove, DefaultSummaryAbove))
	if err != nil {
		return err
	}
	m := manifest.Build(b)
	man := m.Encode()
	digest := manifest.DigestOf(man)

	// First pass: lay out to learn where every exhibit starts and how many pages there are.
	// Images are inspected here, once; the second pass and the writer reuse what was found.
	var raster *rasterSet
	if opt.Redact {
		// Before layout, so that PDFium's memory is gone before the layout's is needed.
		if raster, err = rasterizeAll(b, opt); err != nil {
			return err
		}
		defer raster.close()
	}
	first := newDoc(b, r, opt, digest, nil, nil)
	first.big = big
	first.raster = raster
	if err := first.build(letterText, letterOrigin); err != nil {
		return err
	}
	firstLayout := first.layout()
	plans := first.plans
	final := newDoc(b, r, opt, digest, &firstLayout, plans)
	final.pdfPlans = first.pdfPlans
	final.big = big
	final.raster = raster
	if err := final.build(letterText, letterOrigin); err != nil {
		return err
	}
	if got := final.layout(); !got.equal(firstLayout) {
		// Cannot happen unless a decision depends on something other than the inputs.
		return fmt.Errorf("pdf: layout changed between passes (%d pages, then %d)", firstLayout.pages, got.pages)
	}
	// The library's output holds the pages, the fonts, the cover's QR code and imported PDF pages,
	// not the exhibits' images or the attachments, which writePacket streams after it.
	var buf bytes.Buffer
	if err := final.f.Output(&buf); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	final.f = nil // the library keeps a copy of its output; let it go
	out, err := canonicalImages(buf.Bytes())
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return final.writePacket(w, out, man)
}

func (o Options) withDefaults(b *evidence.Bundle) Options {
	if o.Letter == "" {
		o.Letter = templates.Complaint
	}
	if o.Lang == "" {
		o.Lang = b.Case.Language
	}
	if o.Lang == "" {
		o.Lang = "zh"
	}
	return o
}

// layout is what the first pass learns.
type layout struct {
	pages int
	first map[int]int // exhibit number → first page
	count map[int]int // exhibit number → pages
}

func (l layout) equal(o layout) bool {
	if l.pages != o.pages || len(l.first) != len(o.first) {
		return false
	}
	for k, v := range l.first {
		if o.first[k] != v || o.count[k] != l.count[k] {
			return false
		}
	}
	return true
}

// doc is one pass over the packet.
type doc struct {
	f      *fpdf.Fpdf
	b      *evidence.Bundle
	r      *findings.Report
	opt    Options
	lang   string
	digest string
	red    *redactor
	loc    *time.Location
	prev   *layout // the first pass's result, nil during the first pass
	polls  int     // calls of stopped, which looks at the context every 32nd

	first, count map[int]int
	exhibit      int // the exhibit whose pages are being drawn, 0 outside the exhibits
	exhibitPage  int
	cover        bool
	// pdfPlans holds the trial import of every PDF original by SHA-256, shared by both passes.
	pdfPlans map[string]*pdfPlan
	// formsOf are the PDF originals whose pages the exhibits draw, in the order first drawn.
	formsOf      []*evidence.Item
	sectionTitle string
	m            *metrics
	// plans holds the inspection of every image original by SHA-256, shared by both passes.
	plans map[string]*imagePlan
	// placed are the items whose images the pages draw, in the order first drawn.
	placed []*evidence.Item
	// sig is where the cover drew the signature box, for the signature field.
	sig sigPlan
	// raster holds the redacted pages of the PDF originals, in a redacted packet.
	raster *rasterSet
	// redactions holds, by item id, what a redacted packet paints over on each image exhibit.
	redactions map[string]*imageRedaction
	// book answers the case's contacts, for the roles of the timeline's events.
	book *caseconf.ContactBook
	// big, when set, is the summary of a timeline too long to print (see DefaultSummaryAbove).
	big *bigTimeline
}

func newDoc(b *evidence.Bundle, r *findings.Report, opt Options, digest string, prev *layout, plans map[string]*imagePlan) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	if plans == nil {
		plans = map[string]*imagePlan{}
	}
	d := &doc{f: f, b: b, r: r, opt: opt, lang: opt.Lang, digest: digest, prev: prev, plans: plans,
		first: map[int]int{}, count: map[int]int{}, loc: b.Case.Location(), pdfPlans: map[string]*pdfPlan{},
		redactions: map[string]*imageRedaction{}, book: b.Case.ContactBook()}
	if opt.Redact {
		d.red = newRedactor(b.Case)
	}
	f.SetMargins(marginX, marginTop, marginX)
	f.SetAutoPageBreak(false, marginBottom)
	d.m = addFonts(f)
	f.SetCellMargin(0)
	f.SetFont(fontFamily, "", 10)
	f.SetCatalogSort(true)
	f.SetCreationDate(b.Stamp.UTC())
	f.SetModificationDate(b.Stamp.UTC())
	f.SetCompression(true)
	f.SetTitle(bmpOnly(d.clean(b.Case.Title)), true)
	f.SetSubject(text(d.lang, "cover.subtitle."+opt.Letter), true)
	f.SetAuthor(bmpOnly(d.clean(b.Case.Complainant.Name)), true)
	f.SetCreator("dossier", false)
	f.SetProducer("dossier", false)
	f.SetKeywords(KeywordsPrefix+digest, false)
	if d.lang == "zh" {
		f.SetLang("zh-CN")
	} else {
		f.SetLang("en")
	}
	f.SetHeaderFuncMode(d.header, false)
	f.SetFooterFunc(d.footer)
	return d
}

func (d *doc) layout() layout {
	return layout{pages: d.f.PageNo(), first: d.first, count: d.count}
}

// clean is every printed string's last stop: redaction when asked for.
func (d *doc) clean(s string) string { return d.red.apply(d.markers(s)) }

func (d *doc) t(key string) string { return text(d.lang, key) }

func (d *doc) build(letterText, letterOrigin string) error {
	d.cover = true
	d.coverPage()
	d.cover = false
	if err := d.letter(letterText, letterOrigin); err != nil {
		return err
	}
	d.findingsSection()
	d.timeline()
	d.index()
	d.exhibits()
	d.exhibit = 0
	d.appendix()
	if d.f.Err() {
		return fmt.Errorf("pdf: %w", d.f.Error())
	}
	return nil
}

// stopped reports whether the caller cancelled the render. The first time it is, the cancel
// becomes the library's error, which makes every later drawing call return at once, so the
// loops of the pass run out quickly and build returns the error.
func (d *doc) stopped() bool {
	if d.f.Err() {
		return true
	}
	ctx := d.opt.Context
	if ctx == nil {
		return false
	}
	if d.polls++; d.polls%32 != 0 {
		return false
	}
	if err := ctx.Err(); err != nil {
		d.f.SetError(err)
		return true
	}
	return false
}

// header draws the exhibit stamp on exhibit pages and a thin running title elsewhere.
func (d *doc) header() {
	if d.cover {
		return
	}
	f := d.f
	if d.exhibit > 0 {
		d.exhibitPage++
		if d.exhibitPage == 1 {
			d.first[d.exhibit] = f.PageNo()
		}
		d.count[d.exhibit] = d.exhibitPage
		f.SetFillColor(232, 236, 242)
		f.Rect(0, 8, pageW, 10, "F")
		f.SetTextColor(20, 40, 80)
		f.SetFont(fontFamily, "", 11)
		stamp := fmt.Sprintf(d.t("stamp"), evidence.Label(d.lang, d.exhibit), d.exhibitPage)
		f.SetXY(marginX, 8)
		d.cell(contentW, 10, stamp, "R", false)
		f.SetXY(marginX, 8)
		f.SetFont(fontFamily, "", 8)
		f.SetTextColor(90, 90, 90)
		d.cell(contentW/2, 10, d.fitLine(d.clean(d.b.Case.Title), contentW/2), "L", false)
	} else {
		f.SetFont(fontFamily, "", 8)
		f.SetTextColor(110, 110, 110)
		f.SetXY(marginX, 10)
		d.cell(contentW, 5, d.fitLine(d.clean(d.b.Case.Title)+" · "+d.sectionTitle, contentW), "L", false)
		f.SetDrawColor(200, 200, 200)
		f.SetLineWidth(0.2)
		f.Line(marginX, 16, pageW-marginX, 16)
	}
	f.SetTextColor(0, 0, 0)
	f.SetFont(fontFamily, "", 10)
	f.SetXY(marginX, marginTop)
}

// footer numbers every page but the cover against the total the first pass found.
func (d *doc) footer() {
	if d.f.PageNo() == 1 {
		return
	}
	total := 0
	if d.prev != nil {
		total = d.prev.pages
	}
	f := d.f
	f.SetFont(fontFamily, "", 8)
	f.SetTextColor(110, 110, 110)
	f.SetXY(marginX, pageH-14)
	d.cell(contentW, 5, fmt.Sprintf(d.t("footer"), f.PageNo(), total), "C", false)
	if d.b.CaseID != "" {
		f.SetXY(marginX, pageH-14)
		d.cell(contentW, 5, d.b.CaseID, "R", false)
	}
	f.SetTextColor(0, 0, 0)
}

// fitLine shortens s with an ellipsis until it fits width in the current font.
func (d *doc) fitLine(s string, width float64) string {
	if d.width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && d.width(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// lines breaks s for the current font size and width.
func (d *doc) lines(s string, width float64) []string {
	return linebreak.Break(s, width, d.width)
}

// width measures s at the current font size, each character in the font that draws it.
func (d *doc) width(s string) float64 {
	units := 0
	for _, r := range s {
		units += d.m.width(r)
	}
	_, size := d.f.GetFontSize()
	return float64(units) * size / 1000
}

// cell draws one line of text in a box w wide at the current position, aligned L, C or R, as runs
// of the two fonts. With ln the position moves to the left margin of the next line, otherwise to
// the right of the box — as the library's CellFormat does.
func (d *doc) cell(w, h float64, s, align string, ln bool) {
	f := d.f
	x, y := f.GetXY()
	size, _ := f.GetFontSize()
	total := d.width(s)
	cx := x
	switch align {
	case "C":
		cx = x + (w-total)/2
	case "R":
		cx = x + w - total
	}
	for _, r := range d.m.runs(s) {
		rw := d.width(r.text)
		if r.font == fontFallback {
			d.drawFallback(cx, y, h, r.text)
			cx += rw
			continue
		}
		f.SetFont(r.font, "", size)
		f.SetXY(cx, y)
		f.CellFormat(rw, h, r.text, "", 0, "L", false, 0, "")
		cx += rw
	}
	f.SetFont(fontFamily, "", size)
	if ln {
		f.SetXY(marginX, y+h)
	} else {
		f.SetXY(x+w, y)
	}
}

// newPage starts a page; the header and footer functions draw the running title, the exhibit
// stamp and the page number.
func (d *doc) newPage() {
	d.f.AddPage()
}

// ensure starts a new page unless h millimetres still fit; it reports whether it did.
func (d *doc) ensure(h float64) bool {
	if d.f.GetY()+h > bodyBottom {
		d.newPage()
		return true
	}
	return false
}

// section starts a top-level section on a new page, with a bookmark and a title.
func (d *doc) section(title string) {
	d.sectionTitle = title
	d.newPage()
	d.f.Bookmark(bmpOnly(title), 0, -1)
	d.heading(title, 16)
}

func (d *doc) heading(s string, size float64) {
	f := d.f
	f.SetFont(fontFamily, "", size)
	d.ensure(size * 0.9)
	f.SetTextColor(20, 40, 80)
	for _, l := range d.lines(d.clean(s), contentW) {
		d.ensure(size * 0.5)
		f.SetX(marginX)
		d.cell(contentW, size*0.5, l, "L", true)
	}
	f.SetTextColor(0, 0, 0)
	f.Ln(size * 0.2)
	f.SetFont(fontFamily, "", 10)
}

// paragraph draws wrapped text at the current position; indent shifts it right.
func (d *doc) paragraph(s string, size, indent float64, align string) {
	f := d.f
	f.SetFont(fontFamily, "", size)
	lh := size * 0.5
	for _, l := range d.lines(d.clean(s), contentW-indent) {
		d.ensure(lh)
		f.SetX(marginX + indent)
		d.cell(contentW-indent, lh, l, align, true)
	}
	f.SetFont(fontFamily, "", 10)
}

// raw draws text that must not be redacted or wrapped at word boundaries (digests), breaking it
// between characters to fit.
func (d *doc) raw(s string, size float64) {
	f := d.f
	f.SetFont(fontFamily, "", size)
	lh := size * 0.5
	for _, l := range d.lines(s, contentW) {
		d.ensure(lh)
		f.SetX(marginX)
		d.cell(contentW, lh, l, "L", true)
	}
	f.SetFont(fontFamily, "", 10)
}

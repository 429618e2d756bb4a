package pdf

import (
	"fmt"
	"io"
	"os"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

// MaxPDF caps the size of a PDF original whose pages are imported.
const MaxPDF = 256 << 20

// An imported PDF's pages are Form XObjects, like exhibit images: a page of the packet draws one
// by name ("Do"), and the update after the library's output (update.go) writes it, with every
// object its resources reach copied from the original by package pdfdoc, which reads PDF bytes
// for the whole program. Each exhibit's pages have names of their own, derived from the
// original's digest, so two imported documents can never show each other's pages.
//
// Whether and how a PDF can be shown is decided once, before layout, by importing it in full
// into a writer that keeps nothing: the layout then knows the page count and sizes, a file that
// cannot be imported gets a page saying why, and the real write, made from the same bytes by the
// same code, cannot fail differently.

// pdfPlan is what the trial import of a PDF original found.
type pdfPlan struct {
	why   string // non-empty: the pages cannot be shown, and this says why
	pages []pdfdoc.Page
}

// formName is the resource name page i (from 0) of an original is drawn by.
func formName(sha string, i int) string { return fmt.Sprintf("Pg%s.%d", sha, i+1) }

func (d *doc) pdfPlan(it *evidence.Item) *pdfPlan {
	if p, ok := d.pdfPlans[it.SHA256]; ok {
		return p
	}
	p := &pdfPlan{}
	err := d.withPDF(it, func(doc *pdfdoc.Doc, ra io.ReaderAt, size int64) error {
		p.pages = doc.Pages()
		if d.opt.Redact {
			_, err := d.rasterPlan(it, len(p.pages))
			return err
		}
		w := &discardForms{}
		for _, pg := range p.pages {
			if _, err := doc.WriteForm(pg, w); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		p.why, p.pages = d.pdfWhy(err), nil
	}
	d.pdfPlans[it.SHA256] = p
	return p
}

func (d *doc) pdfWhy(err error) string {
	switch ns, ok := err.(*notShown); {
	case ok:
		return ns.why
	case err == pdfdoc.ErrEncrypted:
		return d.t("why.pdf.encrypted")
	}
	return fmt.Sprintf(d.t("why.pdf"), err)
}

// withPDF opens an original as a PDF for import.
func (d *doc) withPDF(it *evidence.Item, fn func(doc *pdfdoc.Doc, ra io.ReaderAt, size int64) error) (err error) {
	defer func() {
		// The reader is written not to panic; this guard keeps a bug in it from losing the packet.
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	if d.b.Open == nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), "no store")}
	}
	rc, err := d.b.Open(it.SHA256)
	if err != nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	defer rc.Close()
	ra, size, cleanup, err := readerAt(rc, d.opt.TempDir)
	if err != nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	defer cleanup()
	if size > MaxPDF {
		return &notShown{why: fmt.Sprintf(d.t("why.large"), size)}
	}
	doc, err := pdfdoc.Open(ra, size)
	if err != nil {
		return err
	}
	return fn(doc, ra, size)
}

// importPDF draws the pages of a PDF original, each scaled into the page body under the stamp.
func (d *doc) importPDF(it *evidence.Item) error {
	p := d.pdfPlan(it)
	if p.why != "" {
		return &notShown{why: p.why}
	}
	f := d.f
	if !d.hasForms(it) {
		d.formsOf = append(d.formsOf, it)
	}
	for i, pg := range p.pages {
		if i > 0 {
			d.newPage()
		} else if len(p.pages) > 1 {
			d.paragraph(fmt.Sprintf(d.t("pages.attached"), len(p.pages)), 9, 0, "L")
			f.Ln(2)
		}
		pw, ph := pg.Width, pg.Height
		boxW, boxH := contentW, bodyBottom-f.GetY()-1
		w := boxW
		h := w * ph / pw
		if h > boxH {
			h = boxH
			w = h * pw / ph
		}
		x, y := marginX+(contentW-w)/2, f.GetY()
		const k = 72 / 25.4
		var rp *rasterPage
		if d.opt.Redact {
			if rd, err := d.rasterPlan(it, len(p.pages)); err == nil {
				rp = &rd.pages[i]
			}
		}
		sx, sy := w*k/pw, h*k/ph // a form spans its page's size in points
		if d.opt.Redact && (rp == nil || !rp.vector) {
			sx, sy = w*k, h*k // an image spans the unit square
		}
		if rp != nil && rp.unchecked {
			f.SetFont(fontFamily, "", 10)
			f.SetY(y + 12)
			for _, l := range d.lines(d.t("why.page.unchecked"), w-16) {
				f.SetX(x + 8)
				d.cell(w-16, 5, l, "L", true)
			}
		} else {
			f.RawWriteStr(fmt.Sprintf("q %.6f 0 0 %.6f %.4f %.4f cm /%s Do Q", sx, sy, x*k, (pageH-y-h)*k, formName(it.SHA256, i)))
			d.pageTextLayer(it, i+1, pw, ph, x, y, w, h)
		}
		if rp != nil && !rp.unchecked && !rp.vector {
			d.linesLayer(rp.text, 0, rp.w, rp.h, x, y, w, h) // PDFium's characters, masked
		}
		f.SetDrawColor(170, 170, 170)
		f.SetLineWidth(0.2)
		f.Rect(x, y, w, h, "D")
	}
	return nil
}

func (d *doc) hasForms(it *evidence.Item) bool {
	for _, x := range d.formsOf {
		if x.SHA256 == it.SHA256 {
			return true
		}
	}
	return false
}

// writeForms writes the pages of every PDF drawn, in the order first drawn.
func (d *doc) writeForms(u *update) ([]xobject, error) {
	var out []xobject
	for _, it := range d.formsOf {
		if d.opt.Redact {
			rd, err := d.rasterPlan(it, len(d.pdfPlan(it).pages))
			if err != nil {
				return nil, fmt.Errorf("pdf: %s (%s): %w", evidenceRef(it.Exhibit), it.Name, err)
			}
			var vector []int
			for i, rp := range rd.pages {
				if rp.unchecked {
					continue // not drawn
				}
				if rp.vector {
					vector = append(vector, i)
					continue
				}
				n, err := d.writeRasterized(u, rp)
				if err != nil {
					return nil, fmt.Errorf("pdf: %s (%s): %w", evidenceRef(it.Exhibit), it.Name, err)
				}
				out = append(out, xobject{name: formName(it.SHA256, i), obj: n})
			}
			if len(vector) == 0 {
				continue
			}
			err = d.withPDF(it, func(doc *pdfdoc.Doc, ra io.ReaderAt, size int64) error {
				w := &updateForms{u}
				pages := doc.Pages()
				for _, i := range vector {
					n, err := doc.WriteForm(pages[i], w)
					if err != nil {
						return err
					}
					out = append(out, xobject{name: formName(it.SHA256, i), obj: n})
				}
				return u.err
			})
			if err != nil {
				return nil, fmt.Errorf("pdf: %s (%s): %w", evidenceRef(it.Exhibit), it.Name, err)
			}
			continue
		}
		err := d.withPDF(it, func(doc *pdfdoc.Doc, ra io.ReaderAt, size int64) error {
			w := &updateForms{u}
			for i, pg := range doc.Pages() {
				n, err := doc.WriteForm(pg, w)
				if err != nil {
					return err
				}
				out = append(out, xobject{name: formName(it.SHA256, i), obj: n})
			}
			return u.err
		})
		if err != nil {
			return nil, fmt.Errorf("pdf: %s (%s): %w", evidenceRef(it.Exhibit), it.Name, err)
		}
	}
	return out, nil
}

// updateForms writes imported objects into the update.
type updateForms struct{ u *update }

func (w *updateForms) Alloc() int                { return w.u.alloc() }
func (w *updateForms) Object(n int, body string) { w.u.object(n, body) }
func (w *updateForms) Stream(n int, dict string, fill func(io.Writer) error) error {
	return w.u.stream(n, dict, fill)
}

// discardForms is the trial import's writer: it reads everything and keeps nothing.
type discardForms struct{ next int }

func (w *discardForms) Alloc() int         { w.next++; return w.next }
func (w *discardForms) Object(int, string) {}
func (w *discardForms) Stream(_ int, _ string, fill func(io.Writer) error) error {
	return fill(io.Discard)
}

// readerAt returns r as an io.ReaderAt with its size: itself when it is a file (a stored
// original), otherwise a temporary copy in dir, removed by the returned cleanup.
func readerAt(r io.Reader, dir string) (io.ReaderAt, int64, func(), error) {
	if f, ok := r.(*os.File); ok {
		st, err := f.Stat()
		if err == nil {
			return f, st.Size(), func() {}, nil
		}
	}
	if rs, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		size, err := rs.Seek(0, io.SeekEnd)
		if err == nil {
			return rs, size, func() {}, nil
		}
	}
	tmp, err := os.CreateTemp(dir, "dossier-pdf-*")
	if err != nil {
		return nil, 0, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, io.LimitReader(r, MaxPDF+1))
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	return tmp, n, cleanup, nil
}

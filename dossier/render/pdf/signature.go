package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/dossier-tool/dossier/dossier/sign"
)

// A signed packet (PAdES, ETSI EN 319 142-1) ends with its signature. The update that carries
// the images and attachments also writes a signature field whose widget lies over the 电子签章
// box drawn on the cover, a new version of the cover page listing that widget, the catalog with
// an /AcroForm, and, last of all, the signature dictionary. Its /Contents is a hole of fixed size
// for the CMS signature; /ByteRange names everything else — the whole file up to the hole, and
// from the hole to the end, including the final cross-reference section and trailer.
//
// Nothing is held to sign: every byte written passes through a SHA-256 on its way out. When the
// writer reaches the hole, the rest of the file (the end of the signature dictionary, the
// cross-reference section and the trailer) is small and already known, with fixed-width numbers,
// so its length — the last /ByteRange number — is known before it is written. It is hashed, the
// digest signed, and then the hole, filled, and the rest go out.

// sigHole is the space kept for the CMS signature: a certificate, the signature and a time-stamp
// token with its TSA's certificate chain fit with room to spare.
const sigHole = 16 << 10

// SignatureField is the /T of the signature field dossier writes.
const SignatureField = "dossier-signature"

// hashWriter hashes what passes through it, until off is set.
type hashWriter struct {
	w   io.Writer
	h   hash.Hash
	off bool
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	if !hw.off {
		hw.h.Write(p[:n])
	}
	return n, err
}

func newHashWriter(w io.Writer) *hashWriter { return &hashWriter{w: w, h: sha256.New()} }

// sigPlan is what the cover drew and the signature field needs.
type sigPlan struct {
	page int        // the cover page's object number
	rect [4]float64 // the widget's rectangle in PDF points
}

var kidsRef = regexp.MustCompile(`/Kids\s*\[\s*(\d+) 0 R`)

// firstPage finds the object number of the library's first page.
func (b *base) firstPage(pdf []byte, catalog []byte) (int, error) {
	m := regexp.MustCompile(`/Pages (\d+) 0 R`).FindSubmatch(catalog)
	if m == nil {
		return 0, errors.New("catalog without /Pages")
	}
	pages, _ := strconv.Atoi(string(m[1]))
	d, err := b.dictOf(pdf, pages)
	if err != nil {
		return 0, err
	}
	k := kidsRef.FindSubmatch(d)
	if k == nil {
		return 0, errors.New("page tree without pages")
	}
	return strconv.Atoi(string(k[1]))
}

// withAnnot returns a page dictionary (without << >>) that also lists the annotation ref.
func withAnnot(page []byte, annot int) []byte {
	r := fmt.Sprintf("%d 0 R ", annot)
	if i := bytes.Index(page, []byte("/Annots [")); i >= 0 {
		at := i + len("/Annots [")
		return append(append(append([]byte{}, page[:at]...), r...), page[at:]...)
	}
	if bytes.Contains(page, []byte("/Annots")) {
		return nil // an indirect /Annots array; the library does not write one
	}
	return append(append([]byte{}, page...), fmt.Sprintf("\n/Annots [%s]", r)...)
}

// signatureField writes the cover's new version with the widget, the widget (which is the field)
// and its empty appearance (the box itself is page content), and returns the catalog entries to
// add and the number reserved for the signature dictionary.
func (d *doc) signatureField(u *update, b *base, pdf, catalog []byte) (string, int, error) {
	page, err := b.firstPage(pdf, catalog)
	if err != nil {
		return "", 0, fmt.Errorf("pdf: library output: %w", err)
	}
	pd, err := b.dictOf(pdf, page)
	if err != nil {
		return "", 0, fmt.Errorf("pdf: library output: %w", err)
	}
	widget, ap, sig := u.alloc(), u.alloc(), u.alloc()
	pd = withAnnot(pd, widget)
	if pd == nil {
		return "", 0, errors.New("pdf: library output: the cover's annotations are not inline")
	}
	r := d.sig.rect
	u.object(page, "<<"+string(pd)+">>")
	u.object(ap, fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f] /Length 0 >>\nstream\n\nendstream", r[2]-r[0], r[3]-r[1]))
	u.object(widget, fmt.Sprintf("<< /Type /Annot /Subtype /Widget /FT /Sig /T %s /V %d 0 R /Rect [%.2f %.2f %.2f %.2f] /P %d 0 R /F 132 /AP << /N %d 0 R >> >>",
		textString(SignatureField), sig, r[0], r[1], r[2], r[3], page, ap))
	return fmt.Sprintf("/AcroForm << /Fields [%d 0 R] /SigFlags 3 >>", widget), sig, nil
}

// pdfDate writes t as a PDF date with its offset, D:YYYYMMDDHHmmSS+HH'mm'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// finishSigned writes the signature dictionary as object n, then the cross-reference section and
// the trailer, signing everything but the hole on the way (see the top of this file).
func (u *update) finishSigned(b *base, n int, s *sign.Signer, hw *hashWriter) error {
	if u.err != nil {
		return u.err
	}
	u.offsets[n] = u.at
	u.printf("%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M %s /Contents ", n, textString(pdfDate(s.Time)))
	if err := u.w.Flush(); err != nil {
		return err
	}
	holeAt := u.at
	afterHole := holeAt + 2 + 2*sigHole
	byteRange := func(c int64) string {
		return fmt.Sprintf(" /ByteRange [0 %010d %010d %010d] >>\nendobj\n", holeAt, afterHole, c)
	}
	sigEnd := byteRange(0)
	var tail bytes.Buffer
	tail.WriteString(sigEnd)
	u.xref(&tail, b, afterHole+int64(len(sigEnd)))
	rest := tail.Bytes()[len(sigEnd):]
	tail.Reset()
	tail.WriteString(byteRange(int64(len(sigEnd) + len(rest))))
	tail.Write(rest)

	hw.h.Write(tail.Bytes())
	cms, err := s.Sign(hw.h.Sum(nil))
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if len(cms) > sigHole {
		return fmt.Errorf("pdf: the signature takes %d bytes, more than the %d kept for it", len(cms), sigHole)
	}
	hw.off = true
	hole := make([]byte, 2+2*sigHole)
	hole[0], hole[len(hole)-1] = '<', '>'
	hex.Encode(hole[1:], cms)
	for i := 1 + 2*len(cms); i < len(hole)-1; i++ {
		hole[i] = '0'
	}
	u.Write(hole)
	u.Write(tail.Bytes())
	if u.err != nil {
		return u.err
	}
	return u.w.Flush()
}

// signatureBox draws the 电子签章 box at the foot of the cover: who signed, when, and the
// certificate's fingerprint that the recipient compares with the one sent separately. The
// signature field's widget is placed over it.
func (d *doc) signatureBox() {
	s := d.opt.Sign
	if s == nil {
		return
	}
	f := d.f
	const w, h = contentW, 28.0
	x, y := marginX, max(f.GetY()+4, bodyBottom-h-6)
	f.SetDrawColor(180, 30, 30)
	f.SetLineWidth(0.6)
	f.Rect(x, y, w, h, "D")
	f.SetLineWidth(0.2)
	f.SetTextColor(180, 30, 30)
	f.SetFont(fontFamily, "", 12)
	f.SetXY(x, y+2)
	d.cell(w, 7, d.t("signature.title"), "C", true)
	f.SetTextColor(0, 0, 0)
	f.SetFont(fontFamily, "", 8.5)
	lines := []string{
		d.t("signature.time") + s.Time.In(d.loc).Format("2006-01-02 15:04:05 -07:00"),
		d.t("signature.fingerprint"),
		s.Fingerprint(),
	}
	for _, l := range lines {
		f.SetX(x)
		d.cell(w, 5, l, "C", true)
	}
	k := 72 / 25.4
	d.sig.rect = [4]float64{x * k, (pageH - y - h) * k, (x + w) * k, (pageH - y) * k}
}

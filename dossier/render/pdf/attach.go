package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

// writePacket writes the library's output pdf to w and appends the update that carries the
// images drawn on the exhibit pages and the attachments: the manifest first, then the originals
// in exhibit order. Originals over MaxAttachment or that cannot be opened are left out; the
// manifest still lists them. Nothing large is held: every image and original is streamed from
// the store into w.
func (d *doc) writePacket(w io.Writer, pdf, man []byte) error {
	b, err := parseBase(pdf)
	if err != nil {
		return fmt.Errorf("pdf: library output: %w", err)
	}
	catalog, err := b.dictOf(pdf, b.root)
	if err != nil {
		return fmt.Errorf("pdf: library output: %w", err)
	}
	if catalog, err = withoutNames(catalog); err != nil {
		return fmt.Errorf("pdf: library output: %w", err)
	}
	resources, err := b.dictOf(pdf, resourcesObj)
	if err != nil {
		return fmt.Errorf("pdf: library output: %w", err)
	}
	// The library writes the header of PDF 1.4 or 1.5; the packet uses what PDF 1.7 defines
	// (the attachments' /UF, marked-content /ActualText, pages imported from newer files), so it
	// says so. Both headers are the same length: no offset moves.
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || len(pdf) < 8 {
		return fmt.Errorf("pdf: library output: no PDF header")
	}
	pdf[7] = '7'
	hw := newHashWriter(w)
	if _, err := hw.Write(pdf); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	u := newUpdate(hw, b, len(pdf))
	var form string
	var sigObj int
	if d.opt.Sign != nil {
		if form, sigObj, err = d.signatureField(u, b, pdf, catalog); err != nil {
			return err
		}
	}
	xobjects, err := d.writeImages(u)
	if err != nil {
		return err
	}
	forms, err := d.writeForms(u)
	if err != nil {
		return err
	}
	xobjects = append(xobjects, forms...)
	if len(xobjects) > 0 {
		res, err := withXObjects(resources, xobjects)
		if err != nil {
			return fmt.Errorf("pdf: library output: %w", err)
		}
		u.object(resourcesObj, "<<"+string(res)+">>")
	}

	specs := []int{}
	spec, err := u.embed(manifest.FileName, manifest.Format, bytes.NewReader(man))
	if err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	specs = append(specs, spec)
	for i := range d.b.Items {
		if d.opt.NoAttach || d.opt.Redact || d.b.Open == nil {
			break // a redacted packet must not carry the unredacted originals
		}
		if ctx := d.opt.Context; ctx != nil && ctx.Err() != nil {
			return fmt.Errorf("pdf: %w", ctx.Err())
		}
		it := &d.b.Items[i]
		if it.Size > MaxAttachment {
			continue
		}
		rc, err := d.b.Open(it.SHA256)
		if err != nil {
			continue // the exhibit's page already says the original cannot be read
		}
		name := manifest.ExhibitFileName(it.Exhibit, it.Name)
		spec, err := u.embed(name, it.SHA256, &capped{r: rc, left: MaxAttachment})
		rc.Close()
		if err != nil {
			return fmt.Errorf("pdf: %s: %w", evidenceRef(it.Exhibit), err)
		}
		specs = append(specs, spec)
	}
	// Zero-padded keys keep the name tree sorted, as it must be, in attachment order.
	var tree strings.Builder
	tree.WriteString("<< /Names [")
	for i, s := range specs {
		fmt.Fprintf(&tree, "\n(Attachment%06d) %d 0 R", i+1, s)
	}
	tree.WriteString("\n] >>")
	treeObj, namesObj := u.alloc(), u.alloc()
	u.object(treeObj, tree.String())
	u.object(namesObj, fmt.Sprintf("<< /EmbeddedFiles %d 0 R >>", treeObj))
	u.object(b.root, fmt.Sprintf("<<%s/Names %d 0 R%s\n>>", catalog, namesObj, form))
	if d.opt.Sign != nil {
		return u.finishSigned(b, sigObj, d.opt.Sign, hw)
	}
	if err := u.finish(b); err != nil {
		return fmt.Errorf("pdf: write: %w", err)
	}
	return nil
}

// resourcesObj is the number the library gives the resource dictionary every page shares.
const resourcesObj = 2

// evidenceRef names an exhibit in an error message.
func evidenceRef(n int) string { return fmt.Sprintf("exhibit %d", n) }

// capped reads at most left bytes and fails, rather than truncating, if there are more.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("larger than %d bytes", MaxAttachment)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// withoutNames drops the library's /Names entry from the catalog: an /EmbeddedFiles name tree
// with nothing in it, which the update's own replaces.
func withoutNames(catalog []byte) ([]byte, error) {
	i := bytes.Index(catalog, []byte("/Names"))
	if i < 0 {
		return catalog, nil
	}
	_, key, _ := pdfdoc.ParseValue(catalog[i:])
	v, n, err := pdfdoc.ParseValue(catalog[i+key:])
	names, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, fmt.Errorf("the catalog's /Names is not a dictionary")
	}
	for k, v := range names {
		tree, _ := v.(map[string]any)
		if entries, _ := tree["Names"].([]any); k != "EmbeddedFiles" || len(entries) > 0 {
			return nil, fmt.Errorf("the catalog's /Names holds %s", k)
		}
	}
	return append(catalog[:i:i], catalog[i+key+n:]...), nil
}

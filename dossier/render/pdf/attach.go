package pdf

import (
	"codeberg.org/go-pdf/fpdf"

	"github.com/dossier-tool/dossier/dossier/manifest"
)

// attachments lists the manifest first, then the originals in exhibit order. Originals over
// MaxAttachment or that cannot be read are left out; the manifest still lists them.
func (d *doc) attachments(man []byte) ([]fpdf.Attachment, error) {
	atts := []fpdf.Attachment{{Content: man, Filename: manifest.FileName, Description: manifest.Format}}
	if d.opt.NoAttach {
		return atts, nil
	}
	for i := range d.b.Items {
		it := &d.b.Items[i]
		if it.Size > MaxAttachment {
			continue
		}
		data, err := d.open(it, MaxAttachment)
		if err != nil {
			continue // the exhibit's page already says the original cannot be read
		}
		atts = append(atts, fpdf.Attachment{Content: data, Filename: manifest.ExhibitFileName(it.Exhibit, it.Name),
			Description: it.SHA256})
	}
	return atts, nil
}

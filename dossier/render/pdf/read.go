package pdf

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

// Packet is what ReadPacket finds in a PDF.
type Packet struct {
	// ManifestDigest is the digest printed on the cover, read from /Keywords; "" when absent.
	ManifestDigest string
	// Files are the embedded files in the order of the /EmbeddedFiles name tree: manifest.json
	// first, then the originals in exhibit order.
	Files []EmbeddedFile
	// Signatures are the signed signature fields.
	Signatures []pdfdoc.Signature
	// Warnings say where the file's cross-reference data could not be used as it stands.
	Warnings []string
}

// EmbeddedFile is one attachment of a packet.
type EmbeddedFile struct {
	Name string // the file name (/UF, else /F)
	// CheckSum is the hex MD5 the PDF stores in /Params /CheckSum; "" when there is none.
	CheckSum string
	// Size is the uncompressed size stored in /Params /Size, or -1.
	Size int64

	f *pdfdoc.File
}

// Open returns the decompressed content, streamed from the file. At most MaxEmbedded bytes are
// produced.
func (e *EmbeddedFile) Open() (io.Reader, error) { return e.f.Open(MaxEmbedded) }

// Bytes reads the whole content; convenient for the manifest and small originals.
func (e *EmbeddedFile) Bytes() ([]byte, error) {
	r, err := e.Open()
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("embedded file %s: %w", e.Name, err)
	}
	return b, nil
}

// File returns the embedded file with the given name, or nil.
func (p *Packet) File(name string) *EmbeddedFile {
	for i := range p.Files {
		if p.Files[i].Name == name {
			return &p.Files[i]
		}
	}
	return nil
}

// MaxEmbedded caps the decompressed size of one embedded file read back.
const MaxEmbedded = 1 << 30

// ErrNotPacket is returned for input that is not a PDF at all.
var ErrNotPacket = errors.New("not a dossier packet")

// ReadPacket reads the embedded files, the signatures and the manifest digest of a PDF through
// pdfdoc, the one reader of PDF structure: classic and stream cross-references, object streams
// and incremental updates, so a packet another tool re-saved losslessly still shows its
// attachments. Whether the PDF is a packet at all (it carries a manifest) is for the caller to
// judge; only a file that is not a PDF is an error.
func ReadPacket(r io.ReaderAt, size int64) (*Packet, error) {
	parts, err := pdfdoc.ReadParts(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPacket, err)
	}
	p := &Packet{Signatures: parts.Signatures}
	if s, ok := strings.CutPrefix(parts.Keywords, KeywordsPrefix); ok {
		p.ManifestDigest = s
	}
	for i := range parts.Files {
		f := &parts.Files[i]
		p.Files = append(p.Files, EmbeddedFile{Name: f.Name, CheckSum: hex.EncodeToString(f.CheckSum), Size: f.Size, f: f})
	}
	for _, w := range parts.Warnings {
		p.Warnings = append(p.Warnings, w.String())
	}
	return p, nil
}

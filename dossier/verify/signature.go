package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
	"github.com/dossier-tool/dossier/dossier/render/pdf"
	"github.com/dossier-tool/dossier/dossier/sign"
)

// Kinds of problems with a packet's signature.
const (
	SignatureInvalid = "signature-invalid" // the signature is damaged or not made with its certificate
	SignedChanged    = "signed-changed"    // bytes the signature covers were changed
	Appended         = "appended"          // bytes were added after the signed file
)

// Signature is what verify found of a packet's signature.
type Signature struct {
	// Valid: the signature verifies and covers every byte of the file but its own.
	Valid bool `json:"valid"`
	// Fingerprint is the SHA-256 of the signer's certificate, for the recipient to compare with
	// the one the complainant sent separately; "" when the signature could not be read.
	Fingerprint string `json:"fingerprint,omitempty"`
	Signer      string `json:"signer,omitempty"` // the certificate's subject
	SignTime    string `json:"sign_time,omitempty"`
	// Timestamped is the time an RFC 3161 authority vouches the signature existed (PAdES B-T).
	Timestamped string `json:"timestamped,omitempty"`
	// Token is the RFC 3161 signature time-stamp token, when the packet has one.
	token []byte
	value []byte
}

// checkSignature checks the packet's signature over the file in ra and records what it finds.
// An unsigned packet is a note: nothing covers its pages, so only the attachments say anything.
func checkSignature(ra io.ReaderAt, size int64, sigs []pdfdoc.Signature, r *Report) {
	var s *pdfdoc.Signature
	for i := range sigs {
		if sigs[i].Field == pdf.SignatureField {
			s = &sigs[i]
		}
	}
	if s == nil {
		// The form that lists the signature may be what was changed: a signature dictionary
		// found anywhere in the file is checked all the same.
		s = scanSignature(ra, size)
	}
	if s == nil {
		r.Notes = append(r.Notes, "the packet is not signed: nothing covers its pages, only the embedded originals and the manifest were checked")
		return
	}
	r.Signature = &Signature{SignTime: s.SignTime}
	br := s.ByteRange
	if len(br) != 4 || br[0] != 0 || br[1] <= 0 || br[2] <= br[1] || br[3] < 0 || br[2]+br[3] > size || br[2]-br[1] > 2*sign.MaxCMS+2 {
		r.add(Problem{Kind: SignedChanged, Path: "signature", Detail: fmt.Sprintf("the signature's byte range %v does not fit this file of %d bytes: the file was re-saved or changed after signing", br, size)})
		return
	}
	hole := make([]byte, br[2]-br[1])
	if _, err := ra.ReadAt(hole, br[1]); err != nil {
		r.add(Problem{Kind: SignedChanged, Path: "signature", Detail: "cannot read the signature: " + err.Error()})
		return
	}
	cms, ok := holeContents(hole)
	if !ok {
		r.add(Problem{Kind: SignedChanged, Path: "signature",
			Detail: "the signature's byte range no longer frames the signature: the file was re-saved by another program or changed after signing, so the signature no longer covers it"})
		return
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(ra, 0, br[1])); err != nil {
		r.add(Problem{Kind: SignedChanged, Path: "signature", Detail: "cannot read the signed bytes: " + err.Error()})
		return
	}
	if _, err := io.Copy(h, io.NewSectionReader(ra, br[2], br[3])); err != nil {
		r.add(Problem{Kind: SignedChanged, Path: "signature", Detail: "cannot read the signed bytes: " + err.Error()})
		return
	}
	v, err := sign.Verify(cms, h.Sum(nil))
	switch {
	case errors.Is(err, sign.ErrChanged):
		r.add(Problem{Kind: SignedChanged, Path: "signature", Detail: "bytes the signature covers were changed after signing"})
		r.changedUnder = true
	case err != nil:
		r.add(Problem{Kind: SignatureInvalid, Path: "signature", Detail: err.Error()})
	default:
		r.Signature.Fingerprint = v.Fingerprint
		r.Signature.Signer = v.Cert.Subject.String()
		r.Signature.token, r.Signature.value = v.TimestampToken, v.Signature
		r.Signature.Valid = br[2]+br[3] == size
	}
	if end := br[2] + br[3]; end < size {
		r.add(Problem{Kind: Appended, Path: "signature", Actual: fmt.Sprintf("%d bytes", size-end),
			Detail: "an update was appended after signing, so the signature does not cover it: " + appendedParts(ra, end, size)})
	}
}

// holeContents decodes the /Contents hole "<hex>" (the signature and the writer's zero padding).
// The padding must be zeros: any other byte there is a change too.
func holeContents(hole []byte) ([]byte, bool) {
	if len(hole) < 2 || hole[0] != '<' || hole[len(hole)-1] != '>' {
		return nil, false
	}
	b := make([]byte, hex.DecodedLen(len(hole)-2))
	if _, err := hex.Decode(b, hole[1:len(hole)-1]); err != nil {
		return nil, false
	}
	return b, true
}

// objHeader finds object headers and the dictionary words that tell what an object is.
var (
	objHeader = regexp.MustCompile(`(?m)^\s*\d+\s+\d+\s+obj\b`)
	partWords = []struct {
		re   *regexp.Regexp
		what string
	}{
		{regexp.MustCompile(`/Type\s*/Page\b|/Contents\b|/MediaBox\b|/Resources\b`), "pages"},
		{regexp.MustCompile(`/EmbeddedFiles?\b|/Filespec\b`), "attachments"},
		{regexp.MustCompile(`/Info\b|/Keywords\b|/Producer\b|/Title\b|/Author\b|/ModDate\b|/Metadata\b`), "metadata"},
		{regexp.MustCompile(`/Annots?\b|/AcroForm\b|/Sig\b`), "annotations or form fields"},
		{regexp.MustCompile(`/ObjStm\b`), "compressed objects (object streams) whose content cannot be told"},
	}
)

// maxAppendedScan bounds how much of an appended update is read to say what it changes.
const maxAppendedScan = 16 << 20

// appendedParts says what an appended update holds: how many objects, and which parts of the
// document they concern, read from the words of their dictionaries.
func appendedParts(ra io.ReaderAt, from, size int64) string {
	n := min(size-from, maxAppendedScan)
	buf := make([]byte, n)
	k, _ := ra.ReadAt(buf, from)
	buf = buf[:k]
	objects := len(objHeader.FindAllIndex(buf, -1))
	seen := map[string]bool{}
	for _, p := range partWords {
		if p.re.Match(buf) {
			seen[p.what] = true
		}
	}
	var parts []string
	for w := range seen {
		parts = append(parts, w)
	}
	sort.Strings(parts)
	desc := fmt.Sprintf("%d new object(s)", objects)
	if len(parts) > 0 {
		desc += " concerning " + strings.Join(parts, ", ")
	}
	if bytes.Contains(buf, []byte("xref")) || bytes.Contains(buf, []byte("/XRef")) {
		desc += " and a new cross-reference section"
	}
	return desc
}

var byteRangeRe = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)

// scanSignature looks through the file for a signature dictionary's /ByteRange, for a packet
// whose catalog or form no longer leads to its signature. The file is read in overlapping
// chunks; the last signature found wins, as the newest.
func scanSignature(ra io.ReaderAt, size int64) *pdfdoc.Signature {
	const chunk, overlap = 1 << 20, 128
	var found *pdfdoc.Signature
	buf := make([]byte, chunk)
	for off := int64(0); off < size; off += chunk - overlap {
		n, _ := ra.ReadAt(buf, off)
		for _, m := range byteRangeRe.FindAllSubmatch(buf[:n], -1) {
			s := &pdfdoc.Signature{Field: pdf.SignatureField}
			for _, g := range m[1:] {
				v, _ := strconv.ParseInt(string(g), 10, 64)
				s.ByteRange = append(s.ByteRange, v)
			}
			found = s
		}
		if int64(n) < chunk {
			break
		}
	}
	return found
}

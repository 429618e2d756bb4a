// Package manifest is the machine-readable list of a case's originals and their digests.
//
// The same manifest travels in every output: embedded in the PDF packet as manifest.json (its
// SHA-256 printed on the cover and in a QR code), written into the bag, and recomputed by verify.
// Encoding is canonical — fixed field order, items by exhibit number, indented, LF line ends, no
// clock — so the digest of a case is the same on every machine and every run.
package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// Format identifies the manifest layout.
const Format = "dossier-manifest/1"

// FileName is the name of the manifest inside a packet or bag.
const FileName = "manifest.json"

// Manifest lists the originals of a case.
type Manifest struct {
	Format    string    `json:"format"`
	CaseID    string    `json:"case_id"`
	Title     string    `json:"title"`
	Generated time.Time `json:"generated"`
	Items     []Entry   `json:"items"`
}

// Entry is one original.
type Entry struct {
	Exhibit     int    `json:"exhibit"`
	ID          string `json:"id"`
	Name        string `json:"name"`
	File        string `json:"file"` // the name it carries in a packet or bag: 证据001_<name>
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	SM3         string `json:"sm3,omitempty"`
	MIME        string `json:"mime"`
	Kind        string `json:"kind"`
	DerivedFrom string `json:"derived_from,omitempty"`
}

// Build makes the manifest of a bundle.
func Build(b *evidence.Bundle) *Manifest {
	m := &Manifest{Format: Format, CaseID: b.CaseID, Generated: b.Stamp.UTC()}
	if b.Case != nil {
		m.Title = b.Case.Title
	}
	for _, it := range b.Items {
		m.Items = append(m.Items, Entry{
			Exhibit: it.Exhibit, ID: it.ID, Name: it.Name, File: ExhibitFileName(it.Exhibit, it.Name),
			Size: it.Size, SHA256: it.SHA256, SM3: it.SM3, MIME: it.MIME, Kind: it.Kind, DerivedFrom: it.DerivedFrom,
		})
	}
	return m
}

// Encode writes the canonical form.
func (m *Manifest) Encode() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(m) // a Manifest always encodes
	return buf.Bytes()
}

// Digest is the hex SHA-256 of the canonical encoding.
func (m *Manifest) Digest() string { return DigestOf(m.Encode()) }

// DigestOf is the hex SHA-256 of manifest bytes as found in a packet or bag.
func DigestOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// MaxSize caps how much of a manifest is read.
const MaxSize = 64 << 20

// Parse reads a manifest.
func Parse(r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("manifest larger than %d bytes", MaxSize)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("manifest: format %q, want %q", m.Format, Format)
	}
	return &m, nil
}

// MaxNameBytes caps the sanitised original name (the exhibit prefix comes on top).
const MaxNameBytes = 150

// ExhibitFileName is the file name an original carries in a bag or as a PDF attachment:
// 证据001_<sanitised original name>.
func ExhibitFileName(exhibit int, name string) string {
	return fmt.Sprintf("证据%03d_%s", exhibit, SafeName(name))
}

var reserved = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true, "clock$": true}

func init() {
	for i := 1; i <= 9; i++ {
		reserved[fmt.Sprintf("com%d", i)] = true
		reserved[fmt.Sprintf("lpt%d", i)] = true
	}
}

// SafeName turns an untrusted file name (from an MMS part, an e-mail attachment, a user's disk)
// into one safe on every file system: NFC; the last path element only; no control characters,
// no characters Windows forbids, no leading dots or trailing dots and spaces, no reserved device
// names; at most MaxNameBytes bytes, keeping the extension. Never empty.
func SafeName(name string) string {
	name = norm.NFC.String(strings.ToValidUTF8(name, "_"))
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), r == unicode.ReplacementChar, unicode.Is(unicode.Cf, r):
			b.WriteRune('_')
		case strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(b.String(), ". ")
	name = strings.TrimRight(name, ". ")
	stem, ext := splitExt(name)
	if reserved[strings.ToLower(stem)] {
		stem = "_" + stem
	}
	if len(ext) > 16 {
		stem, ext = stem+ext, ""
	}
	for len(stem)+len(ext) > MaxNameBytes && len(stem) > 0 {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	name = stem + ext
	if name == "" || name == "_" {
		return "unnamed"
	}
	return name
}

func splitExt(name string) (string, string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 {
		return name, ""
	}
	return name[:i], name[i:]
}

package bag

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/manifest"
)

// Names of the tag files.
const (
	BagitTxt       = "bagit.txt"
	BagInfoTxt     = "bag-info.txt"
	ManifestSHA256 = "manifest-sha256.txt"
	ManifestSHA512 = "manifest-sha512.txt"
	TagManifest256 = "tagmanifest-sha256.txt"
	TagManifest512 = "tagmanifest-sha512.txt"
	// SM3 (GB/T 32905) beside them, the digest Chinese evidence platforms use; BagIt allows any
	// algorithm and readers that do not know one skip its manifest.
	ManifestSM3      = "manifest-sm3.txt"
	TagManifestSM3   = "tagmanifest-sm3.txt"
	CaseManifest     = "dossier-manifest.json"
	PayloadDir       = "data"
	bagitDeclaration = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
)

// File is a rendered document placed in data/ beside the originals.
type File struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// Options adjust the bag.
type Options struct {
	// Name is the top folder of a zipped bag; empty means the case id.
	Name string
	// SourceOrganization goes into bag-info.txt; empty means "dossier".
	SourceOrganization string
	// Overwrite lets Write replace an existing non-empty folder.
	Overwrite bool
	// TagFiles are extra tag files (for example timestamps/<digest>.<authority>.tsr, the case's
	// RFC 3161 tokens), listed in the tag manifests.
	TagFiles []TagFile
	// BeforeCommit, when set, is called once the bag is complete in its temporary folder; an
	// error leaves the target as it was.
	BeforeCommit func() error
}

// Errors callers may test for.
var (
	ErrExists    = errors.New("bag: target folder exists and is not empty")
	ErrNoOpener  = errors.New("bag: the bundle cannot open its originals")
	ErrAltered   = errors.New("bag: original does not match its recorded digest")
	ErrDuplicate = errors.New("bag: two payload files would have the same name")
)

// sink receives the files of a bag, in order, at slash paths relative to the bag's root.
type sink interface {
	create(name string) (io.Writer, error)
	// close finishes the file create returned last.
	close() error
	// mkdir makes a folder that may stay empty.
	mkdir(name string) error
}

// Write writes the bag into the folder dir, atomically: it is built beside dir and renamed.
func Write(dir string, b *evidence.Bundle, docs []File, opt Options) (err error) {
	dir = filepath.Clean(dir)
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 && !opt.Overwrite {
		return fmt.Errorf("%w: %s", ErrExists, dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("bag: %w", err)
	}
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("bag: %w", err)
	}
	// MkdirTemp makes the folder private; a bag is meant to be handed on and read by others.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("bag: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	ds := &dirSink{root: tmp}
	if err := build(ds, b, docs, opt); err != nil {
		ds.close()
		return err
	}
	if err := ds.close(); err != nil {
		return err
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	if opt.BeforeCommit != nil {
		if err := opt.BeforeCommit(); err != nil {
			return err
		}
	}
	// Move an existing target aside first: rename cannot replace a non-empty folder.
	var old string
	if _, statErr := os.Lstat(dir); statErr == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("bag: move %s aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return fmt.Errorf("bag: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("bag: remove the replaced bag: %w", err)
		}
	}
	return syncDir(parent)
}

// WriteZip writes the bag as a zip whose single top folder is the bag.
func WriteZip(w io.Writer, b *evidence.Bundle, docs []File, opt Options) error {
	zw := zip.NewWriter(w)
	top := opt.Name
	if top == "" {
		top = b.CaseID
	}
	top = manifest.SafeName(top)
	zs := &zipSink{zw: zw, top: top, modified: b.Stamp}
	if err := build(zs, b, docs, opt); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("bag: finish zip: %w", err)
	}
	return nil
}

type digests struct{ sha256, sha512, sm3 string }

// TagFile is a tag file's name (slash-separated, outside data/) and content.
type TagFile struct {
	Name string
	Data []byte
}

// build writes bagit.txt, the payload, then the manifests and tag files, hashing each payload
// file once while it is copied.
func build(s sink, b *evidence.Bundle, docs []File, opt Options) error {
	if b == nil {
		return errors.New("bag: no bundle")
	}
	if err := writeBytes(s, BagitTxt, []byte(bagitDeclaration)); err != nil {
		return err
	}
	if err := s.mkdir(PayloadDir); err != nil { // RFC 8493 §2.1.2: present even when empty
		return err
	}
	sums := map[string]digests{}
	used := map[string]string{}
	claim := func(name, what string) error {
		key := strings.ToLower(name) // case-insensitive file systems would merge these
		if prev, ok := used[key]; ok {
			return fmt.Errorf("%w: %s and %s are both %s", ErrDuplicate, prev, what, name)
		}
		used[key] = what
		return nil
	}
	var octets int64
	if len(b.Items) > 0 && b.Open == nil {
		return ErrNoOpener
	}
	for _, it := range b.Items {
		name := path.Join(PayloadDir, manifest.ExhibitFileName(it.Exhibit, it.Name))
		if err := claim(name, evidence.Label("en", it.Exhibit)); err != nil {
			return err
		}
		rc, err := b.Open(it.SHA256)
		if err != nil {
			return fmt.Errorf("bag: open exhibit %d (%s): %w", it.Exhibit, it.Name, err)
		}
		d, n, err := copyFile(s, name, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("bag: exhibit %d (%s): %w", it.Exhibit, it.Name, err)
		}
		if !strings.EqualFold(d.sha256, it.SHA256) {
			return fmt.Errorf("%w: exhibit %d (%s): recorded %s, read %s", ErrAltered, it.Exhibit, it.Name, it.SHA256, d.sha256)
		}
		sums[name] = d
		octets += n
	}
	for _, doc := range docs {
		name := path.Join(PayloadDir, manifest.SafeName(doc.Name))
		if err := claim(name, "document "+doc.Name); err != nil {
			return err
		}
		if doc.Open == nil {
			return fmt.Errorf("bag: document %s: nothing to open", doc.Name)
		}
		rc, err := doc.Open()
		if err != nil {
			return fmt.Errorf("bag: open document %s: %w", doc.Name, err)
		}
		d, n, err := copyFile(s, name, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("bag: document %s: %w", doc.Name, err)
		}
		sums[name] = d
		octets += n
	}

	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	m256, m512 := manifestText(names, func(n string) string { return sums[n].sha256 }), manifestText(names, func(n string) string { return sums[n].sha512 })
	m3 := manifestText(names, func(n string) string { return sums[n].sm3 })
	tags := []struct {
		name string
		data []byte
	}{
		{BagInfoTxt, bagInfo(b, opt, octets, len(names))},
		{ManifestSHA256, m256},
		{ManifestSHA512, m512},
		{ManifestSM3, m3},
		{CaseManifest, manifest.Build(b).Encode()},
	}
	for _, t := range opt.TagFiles {
		if strings.HasPrefix(t.Name, PayloadDir+"/") || strings.Contains(t.Name, "..") || path.IsAbs(t.Name) {
			return fmt.Errorf("bag: tag file %q is not a tag file name", t.Name)
		}
		tags = append(tags, struct {
			name string
			data []byte
		}{t.Name, t.Data})
	}
	tagSums := map[string]digests{BagitTxt: digestOf([]byte(bagitDeclaration))}
	tagNames := []string{BagitTxt}
	for _, t := range tags {
		if err := writeBytes(s, t.name, t.data); err != nil {
			return err
		}
		tagSums[t.name] = digestOf(t.data)
		tagNames = append(tagNames, t.name)
	}
	sort.Strings(tagNames)
	if err := writeBytes(s, TagManifest256, manifestText(tagNames, func(n string) string { return tagSums[n].sha256 })); err != nil {
		return err
	}
	if err := writeBytes(s, TagManifest512, manifestText(tagNames, func(n string) string { return tagSums[n].sha512 })); err != nil {
		return err
	}
	return writeBytes(s, TagManifestSM3, manifestText(tagNames, func(n string) string { return tagSums[n].sm3 }))
}

func copyFile(s sink, name string, r io.Reader) (digests, int64, error) {
	w, err := s.create(name)
	if err != nil {
		return digests{}, 0, err
	}
	h256, h512, h3 := sha256.New(), sha512.New(), sm3.New()
	n, err := io.Copy(io.MultiWriter(w, h256, h512, h3), r)
	if cerr := s.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return digests{}, n, err
	}
	return digests{hex.EncodeToString(h256.Sum(nil)), hex.EncodeToString(h512.Sum(nil)), hex.EncodeToString(h3.Sum(nil))}, n, nil
}

func writeBytes(s sink, name string, data []byte) error {
	w, err := s.create(name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	if cerr := s.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("bag: write %s: %w", name, err)
	}
	return nil
}

func digestOf(data []byte) digests {
	a, b, c := sha256.Sum256(data), sha512.Sum512(data), sm3.Sum(data)
	return digests{hex.EncodeToString(a[:]), hex.EncodeToString(b[:]), hex.EncodeToString(c[:])}
}

// manifestText writes "checksum path" lines (RFC 8493 §2.1.3) with paths encoded.
func manifestText(names []string, sum func(string) string) []byte {
	var buf bytes.Buffer
	for _, n := range names {
		buf.WriteString(sum(n))
		buf.WriteByte(' ')
		buf.WriteString(EncodePath(n))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// EncodePath percent-encodes exactly what RFC 8493 §2.1.3 requires in a manifest path: CR, LF
// and the percent sign.
func EncodePath(p string) string {
	if !strings.ContainsAny(p, "%\r\n") {
		return p
	}
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(p)
}

// DecodePath undoes EncodePath; other percent sequences are left as they are, since the RFC
// encodes nothing else.
func DecodePath(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			switch strings.ToUpper(p[i+1 : i+3]) {
			case "25":
				b.WriteByte('%')
				i += 2
				continue
			case "0D":
				b.WriteByte('\r')
				i += 2
				continue
			case "0A":
				b.WriteByte('\n')
				i += 2
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func bagInfo(b *evidence.Bundle, opt Options, octets int64, count int) []byte {
	loc := time.UTC
	var title, contact string
	if b.Case != nil {
		loc = b.Case.Location()
		title, contact = b.Case.Title, b.Case.Complainant.Name
	}
	org := opt.SourceOrganization
	if org == "" {
		org = "dossier"
	}
	var buf bytes.Buffer
	field := func(label, value string) {
		value = strings.Join(strings.Fields(value), " ") // a value is one line
		if value != "" {
			fmt.Fprintf(&buf, "%s: %s\n", label, value)
		}
	}
	field("Source-Organization", org)
	field("Contact-Name", contact)
	field("External-Description", title)
	field("External-Identifier", b.CaseID)
	field("Bagging-Date", caseconf.DateOf(b.Stamp, loc).String())
	field("Payload-Oxum", fmt.Sprintf("%d.%d", octets, count))
	field("Bag-Size", humanSize(octets))
	return buf.Bytes()
}

func humanSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n), -1
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, []string{"KB", "MB", "GB", "TB", "PB"}[i])
}

type dirSink struct {
	root string
	f    *os.File
}

func (d *dirSink) create(name string) (io.Writer, error) {
	p := filepath.Join(d.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("bag: %w", err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("bag: %w", err)
	}
	d.f = f
	return f, nil
}

func (d *dirSink) close() error {
	if d.f == nil {
		return nil
	}
	f := d.f
	d.f = nil
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("bag: %s: %w", f.Name(), err)
	}
	return nil
}

func (d *dirSink) mkdir(name string) error {
	if err := os.MkdirAll(filepath.Join(d.root, filepath.FromSlash(name)), 0o755); err != nil {
		return fmt.Errorf("bag: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("bag: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("bag: sync %s: %w", dir, err)
	}
	return nil
}

type zipSink struct {
	zw       *zip.Writer
	top      string
	modified time.Time
}

func (z *zipSink) create(name string) (io.Writer, error) {
	h := &zip.FileHeader{Name: z.top + "/" + name, Method: zip.Deflate, Modified: z.modified.UTC()}
	w, err := z.zw.CreateHeader(h)
	if err != nil {
		return nil, fmt.Errorf("bag: zip entry %s: %w", name, err)
	}
	return w, nil
}

func (z *zipSink) close() error { return nil }

func (z *zipSink) mkdir(name string) error {
	_, err := z.zw.CreateHeader(&zip.FileHeader{Name: z.top + "/" + name + "/", Modified: z.modified.UTC()})
	if err != nil {
		return fmt.Errorf("bag: zip entry %s/: %w", name, err)
	}
	return nil
}

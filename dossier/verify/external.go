package verify

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/emmansun/gmsm/sm3"

	"github.com/dossier-tool/dossier/dossier/bag"
	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/render/pdf"
)

// BagDir verifies a bag folder (RFC 8493: complete, and valid when every manifest was
// recomputed, which Options.AllDigests asks for).
func BagDir(dir string) (*Report, error) { return BagDirWith(dir, Options{}) }

// BagDirWith is BagDir with options.
func BagDirWith(dir string, opt Options) (*Report, error) {
	r := &Report{Target: dir, Type: "bag", Problems: []Problem{}}
	r.addBag(bag.VerifyDirWith(dir, bag.VerifyOptions{AllDigests: opt.AllDigests}))
	countPayload(os.DirFS(dir), r)
	checkBagTimestamps(os.DirFS(dir), r, opt.TSARoots)
	sortProblems(r.Problems)
	return r, nil
}

// A file that is readable but is not something dossier made has nothing to compare with, which
// is not the same as finding it changed: these errors say what the file is instead.
var (
	ErrNotPacket  = errors.New("not a dossier packet")
	ErrNotBag     = errors.New("not a dossier bag")
	ErrNotDossier = errors.New("neither a case folder, a bag (folder or .zip) nor a packet PDF")
)

// File verifies a bag zip or a packet PDF, told apart by their first bytes. A file that is
// neither, a zip that is no bag and a PDF that is no packet are errors naming what the file is.
func File(p string) (*Report, error) { return FileWith(p, Options{}) }

// FileWith is File with options.
func FileWith(p string, opt Options) (*Report, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	head := make([]byte, 1024)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		zr, err := zip.NewReader(f, info.Size())
		if err != nil {
			return nil, fmt.Errorf("%s: cannot be read as a zip archive (cut short or damaged?): %w", p, err)
		}
		if err := isBag(zr); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		r := &Report{Target: p, Type: "bag", Problems: []Problem{}}
		r.addBag(bag.VerifyZipWith(f, info.Size(), bag.VerifyOptions{AllDigests: opt.AllDigests}))
		countPayload(zr, r)
		checkBagTimestamps(zr, r, opt.TSARoots)
		sortProblems(r.Problems)
		return r, nil
	case bytes.Contains(head, []byte("%PDF-")):
		return PacketWith(f, info.Size(), p, opt)
	}
	return nil, fmt.Errorf("%s: %w", p, ErrNotDossier)
}

// isBag tells a zipped bag (bagit.txt at the top or in the one top folder) from other zips.
func isBag(zr *zip.Reader) error {
	top := map[string]bool{}
	xlsx := false
	for _, f := range zr.File {
		name := strings.TrimPrefix(f.Name, "./")
		if name == bag.BagitTxt {
			return nil
		}
		first, _, _ := strings.Cut(name, "/")
		top[first] = true
		xlsx = xlsx || name == "[Content_Types].xml" || strings.HasPrefix(name, "xl/")
	}
	if len(top) == 1 {
		for t := range top {
			if _, err := fs.Stat(zr, t+"/"+bag.BagitTxt); err == nil {
				return nil
			}
		}
	}
	if xlsx {
		return fmt.Errorf("%w: an Office document (an Excel workbook or similar), not a BagIt bag; verify the bag or the packet PDF instead", ErrNotBag)
	}
	return fmt.Errorf("%w: a zip without bagit.txt", ErrNotBag)
}

func (r *Report) addBag(res bag.Result) {
	for _, p := range res.Problems {
		r.add(fromBag(p))
	}
	r.Recomputed = append([]string{}, res.Recomputed...)
	r.NotRecomputed = res.NotRecomputed
}

func fromBag(p bag.Problem) Problem {
	kind := string(p.Kind)
	return Problem{Kind: kind, Exhibit: p.Exhibit, Path: p.Path, Line: p.Line, Expected: p.Expected, Actual: p.Actual,
		Name: exhibitName(p.Path), Detail: p.Detail}
}

// exhibitName is the original name inside a 证据NNN_<name> payload path.
func exhibitName(p string) string {
	base := path.Base(p)
	if !strings.HasPrefix(base, "证据") {
		return ""
	}
	if _, rest, ok := strings.Cut(base, "_"); ok {
		return rest
	}
	return ""
}

// countPayload counts the payload files and bytes a bag's SHA-256 manifest lists, for the summary.
func countPayload(fsys fs.FS, r *Report) {
	root := "."
	if _, err := fs.Stat(fsys, bag.BagitTxt); err != nil {
		entries, _ := fs.ReadDir(fsys, ".")
		if len(entries) == 1 && entries[0].IsDir() {
			root = entries[0].Name()
		}
	}
	f, err := fsys.Open(path.Join(root, "manifest-sha256.txt"))
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		_, p, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		p = strings.TrimLeft(p, " *")
		if !strings.HasPrefix(path.Base(p), "证据") {
			continue // rendered documents
		}
		r.Items++
		if info, err := fs.Stat(fsys, path.Join(root, bag.DecodePath(p))); err == nil {
			r.Bytes += info.Size()
		}
	}
}

// Packet verifies a packet PDF: the embedded manifest must have the digest printed on the cover,
// and every embedded original must have the digest the manifest records.
func Packet(ra io.ReaderAt, size int64, name string) (*Report, error) {
	return PacketWith(ra, size, name, Options{})
}

// PacketWith is Packet with options.
func PacketWith(ra io.ReaderAt, size int64, name string, opt Options) (*Report, error) {
	pk, err := pdf.ReadPacket(ra, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &Report{Target: name, Type: "packet", Problems: []Problem{}, Recomputed: []string{}}
	checkSignature(ra, size, pk.Signatures, r)
	checkSignatureTimestamp(r, opt.TSARoots)
	defer r.locateChange()
	for _, w := range pk.Warnings {
		r.Notes = append(r.Notes, "the PDF's structure needed repair to be read: "+w)
	}
	files := map[string]*pdf.EmbeddedFile{}
	for i := range pk.Files {
		files[pk.Files[i].Name] = &pk.Files[i]
	}
	mf := files[manifest.FileName]
	if mf == nil {
		if pk.ManifestDigest == "" {
			return nil, fmt.Errorf("%s: %w: no %s attachment", name, ErrNotPacket, manifest.FileName)
		}
		// The cover's digest is there: this was a packet, and its manifest was taken out.
		r.add(Problem{Kind: Missing, Path: manifest.FileName, Expected: pk.ManifestDigest,
			Detail: "the packet's manifest.json attachment was removed"})
		return r, nil
	}
	mb, err := readManifest(mf)
	if err != nil {
		r.add(Problem{Kind: Malformed, Path: manifest.FileName, Detail: err.Error()})
		return r, nil
	}
	if got := manifest.DigestOf(mb); got != pk.ManifestDigest {
		r.add(Problem{Kind: CoverMismatch, Path: manifest.FileName, Expected: pk.ManifestDigest, Actual: got,
			Detail: "the manifest attached is not the one whose digest the cover prints"})
	}
	m, err := manifest.Parse(bytes.NewReader(mb))
	if err != nil {
		r.add(Problem{Kind: Malformed, Path: manifest.FileName, Detail: err.Error()})
		return r, nil
	}
	embedded := 0
	listed := map[string]bool{manifest.FileName: true}
	for _, e := range m.Items {
		listed[e.File] = true
		if files[e.File] != nil {
			embedded++
		}
	}
	r.Items = len(m.Items)
	if embedded == 0 && len(m.Items) > 0 {
		r.Notes = append(r.Notes, "the originals are not embedded in this packet (made with --no-attach); only the manifest was checked")
	}
	withSM3 := false
	for _, e := range m.Items {
		ef := files[e.File]
		if ef == nil {
			if embedded > 0 && e.Size <= pdf.MaxAttachment {
				r.add(Problem{Kind: Missing, Exhibit: e.Exhibit, Name: e.Name, Path: e.File, Expected: e.SHA256,
					Detail: "the original is not embedded in the packet"})
			}
			continue
		}
		rd, err := ef.Open()
		if err != nil {
			r.add(Problem{Kind: Altered, Exhibit: e.Exhibit, Name: e.Name, Path: e.File, Expected: e.SHA256, Detail: err.Error()})
			continue
		}
		withSM3 = withSM3 || e.SM3 != ""
		h, h3 := sha256.New(), sm3.New()
		var w io.Writer = h
		checkSM3 := opt.AllDigests && e.SM3 != ""
		if checkSM3 {
			w = io.MultiWriter(h, h3)
		}
		n, err := io.Copy(w, rd)
		r.Bytes += n
		got := hex.EncodeToString(h.Sum(nil))
		switch {
		case err != nil:
			r.add(Problem{Kind: Altered, Exhibit: e.Exhibit, Name: e.Name, Path: e.File, Expected: e.SHA256,
				Detail: "the embedded copy cannot be read: " + err.Error()})
		case got != e.SHA256:
			r.add(Problem{Kind: Altered, Exhibit: e.Exhibit, Name: e.Name, Path: e.File, Expected: e.SHA256, Actual: got,
				Detail: "the embedded original differs from the manifest"})
		case checkSM3:
			if got3 := hex.EncodeToString(h3.Sum(nil)); got3 != e.SM3 {
				r.add(Problem{Kind: Altered, Exhibit: e.Exhibit, Name: e.Name, Path: e.File, Expected: "sm3:" + e.SM3, Actual: "sm3:" + got3,
					Detail: "the embedded original's SM3 digest differs from the manifest"})
			}
		}
	}
	if embedded > 0 {
		r.recomputedOriginals(withSM3, opt.AllDigests)
	}
	for _, f := range pk.Files {
		if !listed[f.Name] {
			r.add(Problem{Kind: Extra, Path: f.Name, Detail: "an attachment the manifest does not list"})
		}
	}
	sortProblems(r.Problems)
	return r, nil
}

// readManifest reads the attached manifest, refusing one larger than any real manifest so that a
// forged packet cannot make verify hold a gigabyte in memory.
func readManifest(f *pdf.EmbeddedFile) ([]byte, error) {
	rd, err := f.Open()
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(rd, manifest.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", manifest.FileName, err)
	}
	if len(b) > manifest.MaxSize {
		return nil, fmt.Errorf("%s is larger than %d bytes; no packet dossier writes has one", manifest.FileName, manifest.MaxSize)
	}
	return b, nil
}

// locateChange says, for signed bytes found changed, where the change is as far as the packet
// tells: in what the attachments and the cover's digest show, or else elsewhere.
func (r *Report) locateChange() {
	if !r.changedUnder {
		return
	}
	for _, p := range r.Problems {
		if p.Kind != SignedChanged && p.Kind != Appended {
			return // the other problems name what changed
		}
	}
	for i := range r.Problems {
		if r.Problems[i].Kind == SignedChanged {
			r.Problems[i].Detail += "; every attachment still matches the manifest and the manifest the cover, so the change is in the printed pages, the document information (metadata) or the document's structure"
		}
	}
}

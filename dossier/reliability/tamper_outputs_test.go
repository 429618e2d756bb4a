package reliability

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/render/pdf"
	"github.com/dossier-tool/dossier/dossier/verify"
)

// TestBagTamperMatrix changes every file of a bag in every way at every position class, and
// every line of its manifests, and requires `verify BAG` to name the file concerned. In the short
// form the kinds of change are spread over the payload files and over the lines of each manifest
// (pick); every tag file gets every kind; under the stress tag every file and line gets every kind.
func TestBagTamperMatrix(t *testing.T) {
	t.Parallel()
	caseDir := samplesCase(t)
	offset := turnOffset(seed(t))
	must(t, caseDir, "bag")
	bagDir := filepath.Join(caseDir, "out", "bag")
	if rep, err := verify.BagDir(bagDir); err != nil || !rep.OK() {
		t.Fatalf("the untouched bag does not verify: %v %+v", err, rep)
	}
	var files []string
	err := filepath.WalkDir(bagDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, filepath.ToSlash(mustRel(t, bagDir, p)))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	payload := 0
	for _, rel := range files {
		if strings.HasPrefix(rel, "data/") {
			payload++
		}
	}
	var tried, caught, exempt, payloadSeen int
	for _, rel := range files {
		full := filepath.Join(bagDir, filepath.FromSlash(rel))
		orig, err := os.ReadFile(full)
		if err != nil {
			t.Fatal(err)
		}
		muts := byteMutations(len(orig))
		if strings.HasPrefix(rel, "data/") {
			muts = pick(muts, payloadSeen, payload, offset)
			payloadSeen++
		}
		manifestFile := strings.HasPrefix(rel, "manifest-") || strings.HasPrefix(rel, "tagmanifest-")
		if manifestFile {
			lines := bytes.Count(orig, []byte{'\n'})
			for line := 0; line < lines; line++ {
				for _, m := range pick(lineMutations(orig, line), line, lines, offset) {
					m.name = fmt.Sprintf("line %d: %s", line+1, m.name)
					muts = append(muts, m)
				}
			}
		}
		for _, m := range muts {
			if strings.HasPrefix(rel, "tagmanifest-") && m.apply != nil && bytes.Equal(m.apply(orig), bytes.TrimSuffix(orig, []byte{'\n'})) {
				// Nothing covers a tag manifest's own bytes, and BagIt readers take a last line
				// without its line ending: no path or digest changed, so there is nothing to catch.
				exempt++
				continue
			}
			tried++
			if m.apply == nil {
				err = os.Remove(full)
			} else {
				err = os.WriteFile(full, m.apply(orig), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			rep, verr := verify.BagDir(bagDir)
			switch {
			case verr != nil:
				t.Errorf("%s: %s: verify failed instead of reporting: %v", rel, m.name, verr)
			case rep.OK():
				t.Errorf("%s: %s: not detected", rel, m.name)
			case !namesBagFile(rep, rel, mutated(m, orig), manifestFile):
				t.Errorf("%s: %s: detected but not named: %+v", rel, m.name, rep.Problems)
			default:
				caught++
			}
			if err := os.WriteFile(full, orig, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("bag tamper matrix: %d of %d changes caught and named (%d removals of a tag manifest's last line ending not counted)", caught, tried, exempt)
	if rep, err := verify.BagDir(bagDir); err != nil || !rep.OK() {
		t.Fatalf("after restoring every change the bag does not verify: %v %+v", err, rep)
	}
}

func mutated(m mutation, orig []byte) []byte {
	if m.apply == nil {
		return nil
	}
	return m.apply(orig)
}

// namesBagFile reports whether a problem names the changed file, or, for a manifest, the
// manifest or the file its changed line now lists.
func namesBagFile(rep *verify.Report, rel string, manifest []byte, isManifest bool) bool {
	for _, p := range rep.Problems {
		if p.Path == rel || strings.TrimPrefix(p.Path, "./") == rel {
			return true
		}
		if isManifest && bytes.Contains(manifest, []byte(p.Path)) && p.Path != "" {
			return true
		}
	}
	return false
}

// embeddedFile finds the dictionary and the start of the data of every embedded file stream.
var embeddedFile = regexp.MustCompile(`<<\s*/Type\s*/EmbeddedFile([^>]*(?:>>[^>]*)?)>>\s*stream\r?\n`)

var (
	checkSum  = regexp.MustCompile(`/CheckSum\s*<([0-9a-fA-F]+)>`)
	paramsRef = regexp.MustCompile(`/Params\s+(\d+)\s+0\s+R`)
)

// attachmentStreams locates the data of every embedded file of a packet and names it by its
// /CheckSum (inline or in an indirect /Params object), which the packet reader reports with
// each attachment's name.
func attachmentStreams(t *testing.T, raw []byte, names map[string]string) []attachment {
	t.Helper()
	var out []attachment
	for _, m := range embeddedFile.FindAllSubmatchIndex(raw, -1) {
		dict := raw[m[2]:m[3]]
		sum := checkSum.FindSubmatch(dict)
		if sum == nil {
			if ref := paramsRef.FindSubmatch(dict); ref != nil {
				obj := regexp.MustCompile(`(?s)\n` + string(ref[1]) + ` 0 obj\s*<<.*?>>`).Find(raw)
				sum = checkSum.FindSubmatch(obj)
			}
		}
		if sum == nil {
			t.Fatalf("the embedded file at byte %d has no /CheckSum", m[0])
		}
		name := names[strings.ToLower(string(sum[1]))]
		if name == "" {
			t.Fatalf("the embedded file at byte %d has a checksum no attachment reports", m[0])
		}
		end := bytes.Index(raw[m[1]:], []byte("endstream"))
		if end < 0 {
			t.Fatalf("the embedded file at byte %d has no end", m[0])
		}
		data := bytes.TrimRight(raw[m[1]:m[1]+end], "\r\n")
		out = append(out, attachment{name: name, start: m[1], end: m[1] + len(data)})
	}
	return out
}

type attachment struct {
	name       string
	start, end int
}

// TestPacketTamperMatrix changes every attachment of a packet PDF (the manifest and each
// embedded original) at the first, middle and last byte of its stream, and removes, inserts
// and cuts bytes in it; `verify PACKET` must report each and name the attachment (or, when the
// change shifted the PDF's own structure, report the packet malformed).
func TestPacketTamperMatrix(t *testing.T) {
	t.Parallel()
	caseDir := samplesCase(t)
	must(t, caseDir, "pdf")
	path := filepath.Join(caseDir, "out", "packet.pdf")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := pdf.ReadPacket(bytes.NewReader(orig), int64(len(orig)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, f := range pk.Files {
		names[strings.ToLower(f.CheckSum)] = f.Name
	}
	streams := attachmentStreams(t, orig, names)
	if len(streams) != len(pk.Files) || len(streams) < 2 {
		t.Fatalf("found %d attachment streams, the packet reader reports %d attachments", len(streams), len(pk.Files))
	}
	var tried, caught int
	for _, s := range streams {
		mid, last := (s.start+s.end)/2, s.end-1
		muts := []struct {
			name   string
			shifts bool
			apply  func([]byte) []byte
		}{
			{"flip first byte", false, flipAt(s.start)},
			{"flip middle byte", false, flipAt(mid)},
			{"flip last byte", false, flipAt(last)},
			{"delete middle byte", true, func(b []byte) []byte { return append(bytes.Clone(b[:mid]), b[mid+1:]...) }},
			{"insert a byte in the middle", true, func(b []byte) []byte { return append(append(bytes.Clone(b[:mid]), 'x'), b[mid:]...) }},
			{"cut the second half", true, func(b []byte) []byte { return append(bytes.Clone(b[:mid]), b[s.end:]...) }},
			{"zero the second half", false, func(b []byte) []byte {
				c := bytes.Clone(b)
				clear(c[mid:s.end])
				return c
			}},
		}
		for _, m := range muts {
			tried++
			if err := os.WriteFile(path, m.apply(orig), 0o644); err != nil {
				t.Fatal(err)
			}
			rep, verr := verify.File(path)
			switch {
			case verr != nil:
				t.Errorf("%s: %s: verify failed instead of reporting: %v", s.name, m.name, verr)
			case rep.OK():
				t.Errorf("%s: %s: not detected", s.name, m.name)
			case namesPath(rep, s.name) || (m.shifts && hasKind(rep, verify.Malformed)):
				caught++
			default:
				t.Errorf("%s: %s: detected but not named: %+v", s.name, m.name, rep.Problems)
			}
		}
	}
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("packet tamper matrix: %d of %d changes to %d attachments caught and named", caught, tried, len(streams))
}

func flipAt(at int) func([]byte) []byte {
	return func(b []byte) []byte {
		c := bytes.Clone(b)
		c[at] ^= 0x01
		return c
	}
}

func namesPath(rep *verify.Report, p string) bool {
	for _, pr := range rep.Problems {
		if pr.Path == p {
			return true
		}
	}
	return false
}

func hasKind(rep *verify.Report, kind string) bool {
	for _, pr := range rep.Problems {
		if pr.Kind == kind {
			return true
		}
	}
	return false
}

package bag

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/emmansun/gmsm/sm3"
)

// Kind classifies a problem.
type Kind string

const (
	// Missing: a file a manifest lists (or a required tag file) is not there.
	Missing Kind = "missing"
	// Extra: a payload file no payload manifest lists.
	Extra Kind = "extra"
	// Altered: a payload file whose digest differs from its manifest's.
	Altered Kind = "altered"
	// Oxum: bag-info.txt's Payload-Oxum does not match the payload.
	Oxum Kind = "oxum"
	// Malformed: a tag file that does not follow RFC 8493, with the line at fault.
	Malformed Kind = "malformed"
	// TagAltered: a tag file whose digest differs from its tag manifest's.
	TagAltered Kind = "tag-altered"
)

// Problem is one thing wrong with a bag.
type Problem struct {
	Kind     Kind   `json:"kind"`
	Path     string `json:"path"`              // relative to the bag's root, slash separated
	Exhibit  int    `json:"exhibit,omitempty"` // from a 证据NNN_ file name
	Line     int    `json:"line,omitempty"`    // in the tag file, for malformed lines
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	Detail   string `json:"detail,omitempty"`
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(string(p.Kind))
	b.WriteString(": ")
	b.WriteString(p.Path)
	if p.Line > 0 {
		fmt.Fprintf(&b, " line %d", p.Line)
	}
	if p.Exhibit > 0 {
		fmt.Fprintf(&b, " (exhibit %d)", p.Exhibit)
	}
	if p.Detail != "" {
		b.WriteString(": ")
		b.WriteString(p.Detail)
	}
	if p.Expected != "" || p.Actual != "" {
		fmt.Fprintf(&b, " (expected %s, found %s)", p.Expected, p.Actual)
	}
	return b.String()
}

// Caps on what is read of tag files; digests of payload files stream.
const (
	maxTagFile    = 1 << 20   // bagit.txt, bag-info.txt
	maxManifest   = 256 << 20 // a manifest of millions of files still fits
	maxLineLength = 64 << 10
)

var algorithms = map[string]func() hash.Hash{"sha256": sha256.New, "sha512": sha512.New, "sm3": sm3.New, "sha1": sha1.New, "md5": md5.New}

var exhibitRE = regexp.MustCompile(`^证据0*(\d+)_`)

// exhibitOf reads the exhibit number from a payload file name.
func exhibitOf(p string) int {
	m := exhibitRE.FindStringSubmatch(path.Base(p))
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0
	}
	return n
}

// VerifyOptions say how much of a bag's payload is hashed again.
type VerifyOptions struct {
	// AllDigests recomputes the digests of every payload manifest. Without it only the SHA-256
	// manifest's are recomputed (every manifest when the bag has none): the other manifests are
	// still read and checked for completeness, and their bytes are vouched for by the tag
	// manifests, which are always recomputed in every algorithm.
	AllDigests bool
}

// Result is what a verification found and how far it went.
type Result struct {
	Problems []Problem
	// Recomputed are the algorithms of the payload manifests whose digests were recomputed;
	// NotRecomputed those only read. A bag is valid in RFC 8493's sense only when NotRecomputed
	// is empty and nothing was found.
	Recomputed, NotRecomputed []string
}

// VerifyDir verifies the bag in the folder dir, or in its single sub-folder when dir holds no
// bagit.txt but exactly one folder, recomputing every manifest.
func VerifyDir(dir string) []Problem {
	return VerifyDirWith(dir, VerifyOptions{AllDigests: true}).Problems
}

// VerifyDirWith is VerifyDir with options.
func VerifyDirWith(dir string, opt VerifyOptions) Result {
	fsys := os.DirFS(dir)
	if _, err := fs.Stat(fsys, BagitTxt); err != nil {
		if top, ok := singleTop(fsys); ok {
			sub, _ := fs.Sub(fsys, top)
			return VerifyWith(sub, opt)
		}
	}
	return VerifyWith(fsys, opt)
}

// VerifyZip verifies a zipped bag, whose single top folder is the bag, recomputing every
// manifest.
func VerifyZip(r io.ReaderAt, size int64) []Problem {
	return VerifyZipWith(r, size, VerifyOptions{AllDigests: true}).Problems
}

// VerifyZipWith is VerifyZip with options.
func VerifyZipWith(r io.ReaderAt, size int64, opt VerifyOptions) Result {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return Result{Problems: []Problem{{Kind: Malformed, Detail: "not a zip file: " + err.Error()}}}
	}
	if _, err := fs.Stat(zr, BagitTxt); err == nil {
		return VerifyWith(zr, opt)
	}
	top, ok := singleTop(zr)
	if !ok {
		return Result{Problems: []Problem{{Kind: Malformed, Detail: "the zip holds no bagit.txt and not exactly one top folder"}}}
	}
	sub, err := fs.Sub(zr, top)
	if err != nil {
		return Result{Problems: []Problem{{Kind: Malformed, Path: top, Detail: err.Error()}}}
	}
	return VerifyWith(sub, opt)
}

func singleTop(fsys fs.FS) (string, bool) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil || len(entries) != 1 || !entries[0].IsDir() {
		return "", false
	}
	return entries[0].Name(), true
}

// entry is one line of a manifest.
type entry struct {
	sum  string
	line int
}

type manifestFile struct {
	name    string // manifest-sha256.txt
	alg     string
	entries map[string]entry // decoded path -> digest
}

// Verify checks that the bag at the root of fsys is complete and valid (every manifest
// recomputed) and returns every problem, sorted by path; none means the bag is intact.
func Verify(fsys fs.FS) []Problem { return VerifyWith(fsys, VerifyOptions{AllDigests: true}).Problems }

// VerifyWith checks the bag at the root of fsys as opt says.
func VerifyWith(fsys fs.FS, opt VerifyOptions) Result {
	v := &verifier{fsys: fsys}
	v.checkDeclaration()
	payloadManifests := v.readManifests("manifest-")
	tagManifests := v.readManifests("tagmanifest-")
	if len(payloadManifests) == 0 {
		v.add(Problem{Kind: Missing, Path: "manifest-<algorithm>.txt", Detail: "the bag has no payload manifest"})
	}
	files := v.walkPayload()
	v.checkCompleteness(payloadManifests, files)
	v.checkOxum(files)
	rehash, res := chooseManifests(payloadManifests, opt)
	v.hashAll(rehash, files, Altered)
	v.checkTagManifests(tagManifests, payloadManifests)
	sort.SliceStable(v.problems, func(i, j int) bool {
		a, b := v.problems[i], v.problems[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Line < b.Line
	})
	res.Problems = v.problems
	return res
}

// chooseManifests picks the payload manifests to recompute: all of them, or SHA-256's alone
// when it is there and opt does not ask for all. SHA-256 of every file is what the other
// manifests are vouched by; hashing 1 GiB through SHA-512 and SM3 as well costs several times
// more than SHA-256 on a CPU with SHA instructions.
func chooseManifests(ms []*manifestFile, opt VerifyOptions) ([]*manifestFile, Result) {
	var res Result
	primary := -1
	for i, m := range ms {
		if m.alg == "sha256" {
			primary = i
		}
	}
	if opt.AllDigests || primary < 0 {
		for _, m := range ms {
			res.Recomputed = append(res.Recomputed, m.alg)
		}
		sort.Strings(res.Recomputed)
		return ms, res
	}
	for _, m := range ms {
		if m.alg != "sha256" {
			res.NotRecomputed = append(res.NotRecomputed, m.alg)
		}
	}
	sort.Strings(res.NotRecomputed)
	res.Recomputed = []string{"sha256"}
	return ms[primary : primary+1], res
}

type verifier struct {
	fsys     fs.FS
	mu       sync.Mutex
	problems []Problem
}

func (v *verifier) add(p Problem) {
	if p.Exhibit == 0 && strings.HasPrefix(p.Path, PayloadDir+"/") {
		p.Exhibit = exhibitOf(p.Path)
	}
	v.mu.Lock()
	v.problems = append(v.problems, p)
	v.mu.Unlock()
}

func (v *verifier) readSmall(name string, limit int64) ([]byte, bool) {
	f, err := v.fsys.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		v.add(Problem{Kind: Malformed, Path: name, Detail: "cannot read: " + err.Error()})
		return nil, true
	}
	if int64(len(data)) > limit {
		v.add(Problem{Kind: Malformed, Path: name, Detail: fmt.Sprintf("larger than %d bytes", limit)})
		return nil, true
	}
	return data, true
}

// checkDeclaration checks bagit.txt: exactly the two lines RFC 8493 §2.1.1 prescribes.
func (v *verifier) checkDeclaration() {
	data, ok := v.readSmall(BagitTxt, maxTagFile)
	if !ok {
		v.add(Problem{Kind: Missing, Path: BagitTxt, Detail: "not a bag: no bag declaration"})
		return
	}
	if data == nil {
		return
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		v.add(Problem{Kind: Malformed, Path: BagitTxt, Line: 1, Detail: "starts with a byte-order mark"})
		data = data[3:]
	}
	lines := splitLines(string(data))
	want := []struct{ label, re string }{
		{"BagIt-Version", `^[0-9]+\.[0-9]+$`},
		{"Tag-File-Character-Encoding", `^.+$`},
	}
	if len(lines) != 2 {
		v.add(Problem{Kind: Malformed, Path: BagitTxt, Detail: fmt.Sprintf("%d lines, want exactly 2", len(lines))})
	}
	for i, w := range want {
		if i >= len(lines) {
			v.add(Problem{Kind: Malformed, Path: BagitTxt, Line: i + 1, Detail: "missing " + w.label})
			continue
		}
		label, value, found := strings.Cut(lines[i], ": ")
		if !found || label != w.label || !regexp.MustCompile(w.re).MatchString(value) {
			v.add(Problem{Kind: Malformed, Path: BagitTxt, Line: i + 1, Expected: w.label + ": ...", Actual: lines[i]})
		}
	}
}

// splitLines splits on LF, CR or CRLF (RFC 8493 allows each) and drops a final empty line.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// readManifests parses every <prefix><algorithm>.txt at the bag's root.
func (v *verifier) readManifests(prefix string) []*manifestFile {
	root, err := fs.ReadDir(v.fsys, ".")
	if err != nil {
		v.add(Problem{Kind: Malformed, Path: ".", Detail: "cannot list the bag: " + err.Error()})
		return nil
	}
	var out []*manifestFile
	for _, de := range root {
		name := de.Name()
		if de.IsDir() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".txt") {
			continue
		}
		alg := strings.TrimSuffix(strings.TrimPrefix(name, prefix), ".txt")
		if _, ok := algorithms[alg]; !ok {
			v.add(Problem{Kind: Malformed, Path: name, Detail: "unsupported algorithm " + strconv.Quote(alg)})
			continue
		}
		if m := v.parseManifest(name, alg, prefix == "tagmanifest-"); m != nil {
			out = append(out, m)
		}
	}
	return out
}

func (v *verifier) parseManifest(name, alg string, tags bool) *manifestFile {
	f, err := v.fsys.Open(name)
	if err != nil {
		v.add(Problem{Kind: Malformed, Path: name, Detail: "cannot open: " + err.Error()})
		return nil
	}
	defer f.Close()
	m := &manifestFile{name: name, alg: alg, entries: map[string]entry{}}
	sumLen := algorithms[alg]().Size() * 2
	sc := bufio.NewScanner(io.LimitReader(f, maxManifest))
	sc.Buffer(make([]byte, 0, 64<<10), maxLineLength)
	sc.Split(scanAnyLines)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		sum, rest, ok := strings.Cut(text, " ")
		if !ok {
			sum, rest, ok = strings.Cut(text, "\t")
		}
		p := DecodePath(strings.TrimLeft(rest, " \t"))
		switch {
		case !ok || p == "":
			v.add(Problem{Kind: Malformed, Path: name, Line: line, Detail: "want \"checksum path\"", Actual: text})
			continue
		case len(sum) != sumLen || !isHex(sum):
			v.add(Problem{Kind: Malformed, Path: name, Line: line, Detail: fmt.Sprintf("not a %s checksum", alg), Actual: sum})
			continue
		case !fs.ValidPath(p) || strings.Contains(p, `\`):
			v.add(Problem{Kind: Malformed, Path: name, Line: line, Detail: "path outside the bag or not relative", Actual: p})
			continue
		case !tags && !strings.HasPrefix(p, PayloadDir+"/"):
			v.add(Problem{Kind: Malformed, Path: name, Line: line, Detail: "a payload manifest lists a file outside data/", Actual: p})
			continue
		case tags && strings.HasPrefix(p, PayloadDir+"/"):
			v.add(Problem{Kind: Malformed, Path: name, Line: line, Detail: "a tag manifest lists a payload file", Actual: p})
			continue
		}
		if prev, dup := m.entries[p]; dup {
			v.add(Problem{Kind: Malformed, Path: name, Line: line, Detail: fmt.Sprintf("%s listed again (first on line %d)", p, prev.line)})
			continue
		}
		m.entries[p] = entry{sum: strings.ToLower(sum), line: line}
	}
	if err := sc.Err(); err != nil {
		v.add(Problem{Kind: Malformed, Path: name, Line: line + 1, Detail: "cannot read: " + err.Error()})
	}
	return m
}

// scanAnyLines splits on LF, CRLF or a lone CR.
func scanAnyLines(data []byte, atEOF bool) (int, []byte, error) {
	for i, c := range data {
		switch c {
		case '\n':
			return i + 1, data[:i], nil
		case '\r':
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if atEOF {
				return i + 1, data[:i], nil
			}
			return 0, nil, nil // need the next byte to tell CR from CRLF
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// payloadFile is a file found under data/.
type payloadFile struct {
	size int64
}

func (v *verifier) walkPayload() map[string]payloadFile {
	files := map[string]payloadFile{}
	err := fs.WalkDir(v.fsys, PayloadDir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if p == PayloadDir {
				return err
			}
			v.add(Problem{Kind: Malformed, Path: p, Detail: "cannot read: " + err.Error()})
			return nil
		}
		if de.IsDir() {
			return nil
		}
		if !de.Type().IsRegular() {
			v.add(Problem{Kind: Extra, Path: p, Detail: "not a regular file"})
			return nil
		}
		info, err := de.Info()
		if err != nil {
			v.add(Problem{Kind: Malformed, Path: p, Detail: "cannot stat: " + err.Error()})
			return nil
		}
		files[p] = payloadFile{size: info.Size()}
		return nil
	})
	if err != nil {
		v.add(Problem{Kind: Missing, Path: PayloadDir + "/", Detail: "no payload folder"})
	}
	return files
}

// checkCompleteness: every listed file exists and every payload file is in every manifest.
func (v *verifier) checkCompleteness(manifests []*manifestFile, files map[string]payloadFile) {
	missing := map[string]bool{}
	for _, m := range manifests {
		for p, e := range m.entries {
			if _, ok := files[p]; !ok && !missing[p] {
				missing[p] = true
				v.add(Problem{Kind: Missing, Path: p, Expected: e.sum, Detail: fmt.Sprintf("listed on line %d of %s", e.line, m.name)})
			}
		}
	}
	for p := range files {
		var absent []string
		for _, m := range manifests {
			if _, ok := m.entries[p]; !ok {
				absent = append(absent, m.name)
			}
		}
		if len(absent) > 0 {
			v.add(Problem{Kind: Extra, Path: p, Detail: "not listed in " + strings.Join(absent, ", ")})
		}
	}
}

func (v *verifier) checkOxum(files map[string]payloadFile) {
	data, ok := v.readSmall(BagInfoTxt, maxTagFile)
	if !ok || data == nil {
		return // bag-info.txt is optional (RFC 8493 §2.2.2)
	}
	fields, bad := parseBagInfo(string(data))
	for _, line := range bad {
		v.add(Problem{Kind: Malformed, Path: BagInfoTxt, Line: line, Detail: "want \"Label: value\""})
	}
	var oxum []string
	for _, f := range fields {
		if f.label == "Payload-Oxum" {
			oxum = append(oxum, f.value)
		}
	}
	if len(oxum) == 0 {
		return
	}
	if len(oxum) > 1 {
		v.add(Problem{Kind: Malformed, Path: BagInfoTxt, Detail: "Payload-Oxum given more than once"})
	}
	var octets int64
	for _, f := range files {
		octets += f.size
	}
	actual := fmt.Sprintf("%d.%d", octets, len(files))
	var o, c int64
	if _, err := fmt.Sscanf(oxum[0], "%d.%d", &o, &c); err != nil || fmt.Sprintf("%d.%d", o, c) != oxum[0] {
		v.add(Problem{Kind: Malformed, Path: BagInfoTxt, Detail: "Payload-Oxum is not octets.count", Actual: oxum[0]})
		return
	}
	if oxum[0] != actual {
		v.add(Problem{Kind: Oxum, Path: BagInfoTxt, Expected: oxum[0], Actual: actual, Detail: "Payload-Oxum (octets.count) does not match the payload"})
	}
}

type infoField struct{ label, value string }

// parseBagInfo reads "Label: value" lines with indented continuation lines (RFC 8493 §2.2.2).
func parseBagInfo(s string) (fields []infoField, badLines []int) {
	for i, line := range splitLines(strings.TrimPrefix(s, "\ufeff")) {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1].value += " " + strings.TrimSpace(line)
			continue
		}
		label, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(label) == "" {
			badLines = append(badLines, i+1)
			continue
		}
		fields = append(fields, infoField{strings.TrimSpace(label), strings.TrimSpace(value)})
	}
	return fields, badLines
}

// hashAll streams each listed file once through every algorithm that lists it, in parallel.
func (v *verifier) hashAll(manifests []*manifestFile, present map[string]payloadFile, kind Kind) {
	type job struct {
		path string
		want map[string]entry // algorithm -> entry
		mf   map[string]string
	}
	jobs := map[string]*job{}
	for _, m := range manifests {
		for p, e := range m.entries {
			if present != nil {
				if _, ok := present[p]; !ok {
					continue
				}
			}
			j := jobs[p]
			if j == nil {
				j = &job{path: p, want: map[string]entry{}, mf: map[string]string{}}
				jobs[p] = j
			}
			j.want[m.alg] = e
			j.mf[m.alg] = m.name
		}
	}
	queue := make(chan *job)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(jobs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 256<<10)
			for j := range queue {
				got, err := v.hashFile(j.path, j.want, buf)
				if err != nil {
					if present == nil && isNotExist(err) {
						v.add(Problem{Kind: Missing, Path: j.path, Detail: "a tag manifest lists it"})
					} else {
						v.add(Problem{Kind: kind, Path: j.path, Detail: "cannot read: " + err.Error()})
					}
					continue
				}
				algs := make([]string, 0, len(j.want))
				for alg := range j.want {
					algs = append(algs, alg)
				}
				sort.Strings(algs)
				for _, alg := range algs {
					if e := j.want[alg]; got[alg] != e.sum {
						v.add(Problem{Kind: kind, Path: j.path, Expected: e.sum, Actual: got[alg],
							Detail: fmt.Sprintf("%s differs from line %d of %s", alg, e.line, j.mf[alg])})
					}
				}
			}
		}()
	}
	paths := make([]string, 0, len(jobs))
	for p := range jobs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		queue <- jobs[p]
	}
	close(queue)
	wg.Wait()
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func (v *verifier) hashFile(p string, want map[string]entry, buf []byte) (map[string]string, error) {
	f, err := v.fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hs := map[string]hash.Hash{}
	ws := make([]io.Writer, 0, len(want))
	for alg := range want {
		h := algorithms[alg]()
		hs[alg] = h
		ws = append(ws, h)
	}
	if _, err := io.CopyBuffer(io.MultiWriter(ws...), f, buf); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for alg, h := range hs {
		out[alg] = hex.EncodeToString(h.Sum(nil))
	}
	return out, nil
}

// checkTagManifests: every tag manifest lists every payload manifest, and every digest holds.
func (v *verifier) checkTagManifests(tags, payload []*manifestFile) {
	for _, t := range tags {
		for _, m := range payload {
			if _, ok := t.entries[m.name]; !ok {
				v.add(Problem{Kind: Malformed, Path: t.name, Detail: "does not list the payload manifest " + m.name})
			}
		}
	}
	v.checkDossierTags(tags, payload)
	v.hashAll(tags, nil, TagAltered)
}

// checkDossierTags holds a bag dossier wrote (it carries the dossier manifest) to what dossier
// writes: a tag manifest beside every payload manifest, each listing every tag file. The RFC
// leaves both optional, so without this a deleted tag manifest, or a line removed from one,
// would go unnoticed.
func (v *verifier) checkDossierTags(tags, payload []*manifestFile) {
	root, err := fs.ReadDir(v.fsys, ".")
	if err != nil {
		return
	}
	var tagFiles []string
	dossierBag := false
	for _, de := range root {
		name := de.Name()
		if name == CaseManifest {
			dossierBag = true
		}
		// Payload manifests missing from a tag manifest are reported by the caller already.
		if !de.IsDir() && !strings.HasPrefix(name, "tagmanifest-") && !strings.HasPrefix(name, "manifest-") {
			tagFiles = append(tagFiles, name)
		}
	}
	if !dossierBag {
		return
	}
	byAlg := map[string]*manifestFile{}
	for _, t := range tags {
		byAlg[t.alg] = t
	}
	for _, m := range payload {
		if byAlg[m.alg] == nil {
			v.add(Problem{Kind: Missing, Path: "tag" + m.name, Detail: "a dossier bag has a tag manifest beside every payload manifest"})
		}
	}
	for _, t := range tags {
		for _, name := range tagFiles {
			if _, ok := t.entries[name]; !ok {
				v.add(Problem{Kind: Malformed, Path: t.name, Detail: "does not list the tag file " + name})
			}
		}
	}
}

package reliability

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Limits every command must stay within on the hostile corpus.
const (
	maxMemory = 200 << 20
	maxWall   = 2 * time.Minute
)

// secretMarker is the content of a file outside the folder being added, reachable only through
// symbolic links; it must never reach the case.
const secretMarker = "SECRET-OUTSIDE-THE-EVIDENCE-FOLDER-7f3a9c"

// hostileCorpus assembles the corpus under root/hostile: the small files committed in
// testdata/hostile, and the ones too big, too binary or too strange to commit (bombs, symbolic
// links, a FIFO, names no repository should hold), generated here. It returns the folder.
func hostileCorpus(t *testing.T, root string) string {
	t.Helper()
	dir := filepath.Join(root, "hostile")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadDir("testdata/hostile")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range committed {
		b, err := os.ReadFile(filepath.Join("testdata/hostile", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, e.Name()), b)
	}
	writeWith(t, filepath.Join(dir, "bomb-60000x60000.png"), func(w io.Writer) error { return pngBomb(w, 60000, 64) })
	// A canvas small enough to pass a per-side check, with all of its 1 GiB of pixels present.
	writeWith(t, filepath.Join(dir, "bomb-16384x16384.png"), func(w io.Writer) error { return pngBomb(w, 16384, 16384) })
	writeWith(t, filepath.Join(dir, "微信支付账单(20250101-20250415).xlsx"), xlsxBomb)
	writeWith(t, filepath.Join(dir, "deeply-nested.xml"), func(w io.Writer) error {
		fmt.Fprint(w, "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"1\">")
		for i := 0; i < 200000; i++ {
			io.WriteString(w, "<call>")
		}
		return nil
	})
	writeWith(t, filepath.Join(dir, "10000-columns.csv"), func(w io.Writer) error {
		for row := 0; row < 4; row++ {
			for col := 0; col < 10000; col++ {
				if col > 0 {
					io.WriteString(w, ",")
				}
				if row == 0 {
					fmt.Fprintf(w, "列%d", col)
				} else {
					fmt.Fprintf(w, "=%d+%d", row, col)
				}
			}
			io.WriteString(w, "\n")
		}
		return nil
	})
	writeWith(t, filepath.Join(dir, "long-line-chat.txt"), func(w io.Writer) error {
		io.WriteString(w, "2025-02-05 23:10:00 催收王经理\n")
		chunk := bytes.Repeat([]byte("还钱"), 1<<15)
		for i := 0; i < 128; i++ { // 8 MiB without a newline
			w.Write(chunk)
		}
		return nil
	})
	// Names: control characters, newlines, reserved Windows names, the longest name the file
	// system allows, backslashes that would be separators elsewhere, dots and spaces.
	for _, name := range []string{
		"name\nwith newline.csv", "ctl\x01\x1b[31mred\x7f.txt", "CON", "NUL.txt", "aux.csv", "COM1.jpg",
		strings.Repeat("长", 83) + ".txt", // 253 bytes, near the file system's 255
		`..\..\windows-traversal.txt`, "...", " leading and trailing space ", "-rf", "--help",
	} {
		write(t, filepath.Join(dir, name), []byte("hostile name: "+name))
	}
	// Links: a loop, a chain that never ends in a file, and links leading outside the folder.
	outside := filepath.Join(root, "outside")
	write(t, filepath.Join(outside, "secret.txt"), []byte(secretMarker))
	for link, target := range map[string]string{
		"loop":         ".",
		"a-link":       "b-link",
		"b-link":       "a-link",
		"outside-file": filepath.Join(outside, "secret.txt"),
		"outside-rel":  "../outside/secret.txt",
		"outside-dir":  outside,
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeWith(t *testing.T, path string, fill func(io.Writer) error) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := fill(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// pngBomb writes a well-formed PNG claiming side×side RGBA pixels whose first rows rows are
// present as compressed zeros: anything that decodes it needs side×side×4 bytes.
func pngBomb(w io.Writer, side, rows int) error {
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		w.Write(n[:])
		io.WriteString(w, typ)
		w.Write(data)
		binary.BigEndian.PutUint32(n[:], crc32.ChecksumIEEE(append([]byte(typ), data...)))
		w.Write(n[:])
	}
	io.WriteString(w, "\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(side))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(side))
	ihdr[8], ihdr[9] = 8, 6
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, side*4+1) // filter byte and the pixels
	for i := 0; i < rows; i++ {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return nil
}

// xlsxBomb writes a zip named like a WeChat Pay bill whose one worksheet inflates to 256 MiB.
func xlsxBomb(w io.Writer) error {
	zw := zip.NewWriter(w)
	for name, body := range map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
	} {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		io.WriteString(f, body)
	}
	f, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	io.WriteString(f, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := []byte(strings.Repeat(`<row><c t="inlineStr"><is><t>微信支付账单明细</t></is></c></row>`, 1024))
	for written := 0; written < 256<<20; written += len(row) {
		f.Write(row)
	}
	io.WriteString(f, `</sheetData></worksheet>`)
	return zw.Close()
}

// addReport is the part of `dossier add --json` these tests read.
type addReport struct {
	Results []addResult `json:"results"`
	Added   int         `json:"added"`
	Failed  int         `json:"failed"`
}

type addResult struct {
	Path        string   `json:"path"`
	Exhibit     int      `json:"exhibit"`
	SHA256      string   `json:"sha256"`
	Kind        string   `json:"kind"`
	Warnings    []string `json:"warnings"`
	DuplicateOf int      `json:"duplicate_of"`
	DerivedFrom int      `json:"derived_from"`
	Skipped     string   `json:"skipped"`
	Err         string   `json:"error"`
}

// checkRun asserts what every command must do on hostile input: finish in time, within the
// memory bound, without a Go panic or stack trace reaching the user.
func checkRun(t *testing.T, what string, o outcome) {
	t.Helper()
	if o.maxRSS > maxMemory {
		t.Errorf("%s: peak memory %d MiB, over the %d MiB bound", what, o.maxRSS>>20, maxMemory>>20)
	}
	if o.wall > maxWall {
		t.Errorf("%s: took %v, over %v", what, o.wall, maxWall)
	}
	for _, s := range []string{"panic:", "goroutine ", "runtime error", ".go:"} {
		if strings.Contains(o.stderr, s) || strings.Contains(o.stdout, s) {
			t.Errorf("%s: output shows Go internals (%q):\n%s", what, s, o)
		}
	}
	t.Logf("%s: exit %d, %v, peak memory %.1f MiB", what, o.code, o.wall.Round(time.Millisecond), float64(o.maxRSS)/(1<<20))
}

// validContent are corpus files that are hostile only to the documents made from them (their
// cells and names), not to the readers: a reader may take them without a warning.
var validContent = map[string]bool{"formula-injection.csv": true}

// TestHostileCorpus adds the whole corpus in one go, renders the packet, the workbook and the
// bag from it, and checks each file's fate: stored byte for byte with a warning naming it, or
// skipped with the reason; nothing read through a link; nothing written outside the case.
func TestHostileCorpus(t *testing.T) {
	t.Parallel()
	root := scratchDir(t)
	src := hostileCorpus(t, root)
	caseDir := newCase(t, root)
	beforeSrc := snapshot(t, src)
	beforeOutside := snapshot(t, filepath.Join(root, "outside"))
	strays := []string{"/tmp/escaped-attachment.txt", "/tmp/absolute-part.png", "/etc/evil.txt", "/etc/cron.d/absolute.txt",
		filepath.Join(root, "escaped-attachment.txt"), filepath.Join(root, "evil.txt")}
	for _, p := range strays {
		if _, err := os.Lstat(p); err == nil {
			t.Fatalf("%s exists before the test; cannot check that nothing writes it", p)
		}
	}

	o := dossier(t, caseDir, "add", "--json", src)
	checkRun(t, "add", o)
	if o.code != 0 {
		t.Fatalf("add of the hostile corpus: %s", o)
	}
	var rep addReport
	if err := json.Unmarshal([]byte(o.stdout), &rep); err != nil {
		t.Fatalf("add --json: %v\n%s", err, o)
	}

	// Every entry of the folder has a fate, and the fate is the right one.
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]int{}
	for i, r := range rep.Results {
		byPath[r.Path] = i
	}
	items := map[string]listedItem{}
	for _, it := range listItems(t, caseDir) {
		items[it.SHA256] = it
	}
	stored := 0
	for _, e := range entries {
		name := e.Name()
		p := filepath.ToSlash(filepath.Join(src, name))
		i, ok := byPath[p]
		if !ok {
			t.Errorf("%q: not in the add report at all", name)
			continue
		}
		r := rep.Results[i]
		info, _ := os.Lstat(filepath.Join(src, name))
		if !info.Mode().IsRegular() {
			if r.Skipped == "" || r.Exhibit != 0 {
				t.Errorf("%q (%s): want skipped with a reason, got %+v", name, info.Mode().Type(), r)
			}
			continue
		}
		if r.Err != "" || r.Exhibit == 0 {
			t.Errorf("%q: not stored: %+v", name, r)
			continue
		}
		stored++
		want := sha256File(t, filepath.Join(src, name))
		if r.SHA256 != want {
			t.Errorf("%q: stored as %s, the file's digest is %s", name, r.SHA256, want)
		}
		if got := sha256File(t, objectPath(caseDir, want)); got != want {
			t.Errorf("%q: the stored original's bytes hash to %s", name, got)
		}
		derived := derivedOf(rep, r.Exhibit)
		switch {
		case validContent[name], r.DuplicateOf > 0:
		case len(derived) > 0:
			// A container's hostile content is its parts: each is an item of its own, with a
			// name safe on every file system and a warning naming it.
			for _, d := range derived {
				dn := items[d.SHA256].Name
				if why := unsafeName(dn); why != "" {
					t.Errorf("%q: part %q kept an unsafe name: %s", name, dn, why)
				}
				if d.DuplicateOf == 0 && !warnsAbout(d.Warnings, dn) {
					t.Errorf("%q: part %q has no warning naming it (%q)", name, dn, d.Warnings)
				}
			}
		case undrawn[name]:
			// Its header is well formed, so add has nothing to warn about; the packet must say
			// why the picture is not in it (TestBombs).
		case !warnsAbout(r.Warnings, items[want].Name):
			t.Errorf("%q: no warning naming the file (warnings: %q)", name, r.Warnings)
		}
	}
	t.Logf("%d folder entries: %d stored, %d derived items, the rest skipped", len(entries), stored, countDerived(rep))

	// Nothing outside the case came in through a link, and nothing outside was touched.
	checkNoSecret(t, caseDir)
	sameSnapshot(t, "the folder being added", beforeSrc, snapshot(t, src))
	sameSnapshot(t, "the folder outside", beforeOutside, snapshot(t, filepath.Join(root, "outside")))

	// Render everything; each output must verify, and nothing may land outside out/.
	for _, args := range [][]string{{"pdf"}, {"xlsx"}, {"bag"}, {"build", "-o", "out/build"}} {
		o := dossier(t, caseDir, args...)
		checkRun(t, strings.Join(args, " "), o)
		if o.code != 0 {
			t.Errorf("%s on the hostile case: %s", args[0], o)
		}
	}
	for _, p := range []string{"out/packet.pdf", "out/bag", "out/build"} {
		if _, err := os.Stat(filepath.Join(caseDir, p)); err != nil {
			t.Errorf("no %s after rendering: %v", p, err)
		}
	}
	for _, p := range []string{"out/bag", "out/packet.pdf"} {
		if _, err := os.Stat(filepath.Join(caseDir, p)); err == nil {
			if o := dossier(t, caseDir, "verify", p); o.code != 0 {
				t.Errorf("verify %s: %s", p, o)
			}
		}
	}
	if o := dossier(t, caseDir, "verify"); o.code != 0 {
		t.Errorf("verify the hostile case: %s", o)
	}
	checkOnlyInside(t, root, caseDir, src)
	for _, p := range strays {
		if _, err := os.Lstat(p); err == nil {
			os.Remove(p)
			t.Errorf("%s was written: a hostile name escaped the case", p)
		}
	}
	sameSnapshot(t, "the folder being added", beforeSrc, snapshot(t, src))
}

// undrawn are images with well-formed headers claiming canvases too large to decode.
var undrawn = map[string]bool{"bomb-60000x60000.png": true, "bomb-16384x16384.png": true}

func derivedOf(rep addReport, exhibit int) []addResult {
	var out []addResult
	for _, r := range rep.Results {
		if r.DerivedFrom == exhibit && exhibit > 0 {
			out = append(out, r)
		}
	}
	return out
}

// unsafeName says why a stored name could not be written as a file name on Linux, macOS and
// Windows alike, or "" when it can.
func unsafeName(n string) string {
	base := strings.ToUpper(strings.SplitN(n, ".", 2)[0])
	switch {
	case n == "" || n == "." || n == "..":
		return "empty or a dot name"
	case len(n) > 255:
		return fmt.Sprintf("%d bytes, over 255", len(n))
	case strings.ContainsAny(n, "/\\:*?\"<>|"):
		return "holds a path separator or a character Windows forbids"
	case strings.IndexFunc(n, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return "holds a control character"
	case base == "CON" || base == "PRN" || base == "AUX" || base == "NUL" ||
		(len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9'):
		return "a reserved Windows device name"
	}
	return ""
}

func warnsAbout(ws []string, name string) bool {
	for _, w := range ws {
		if name != "" && strings.Contains(w, name) {
			return true
		}
	}
	return false
}

func countDerived(rep addReport) int {
	n := 0
	for _, r := range rep.Results {
		if r.DerivedFrom > 0 {
			n++
		}
	}
	return n
}

// checkNoSecret fails when the marker kept outside the added folder is anywhere in the case.
func checkNoSecret(t *testing.T, caseDir string) {
	t.Helper()
	err := filepath.WalkDir(caseDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(secretMarker)) {
			t.Errorf("%s holds the content of a file outside the folder: a link was followed", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkOnlyInside fails when anything exists under root other than the case, the corpus and
// the outside folder: a file a hostile name placed beside them.
func checkOnlyInside(t *testing.T, root string, allowed ...string) {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	ok := map[string]bool{"outside": true}
	for _, a := range allowed {
		ok[filepath.Base(a)] = true
	}
	for _, e := range entries {
		if !ok[e.Name()] {
			t.Errorf("%s appeared beside the case: something was written outside it", filepath.Join(root, e.Name()))
		}
	}
}

// TestBombs adds each bomb alone, to measure what it costs: none may be decoded, and memory
// stays under the bound.
func TestBombs(t *testing.T) {
	t.Parallel()
	root := scratchDir(t)
	src := hostileCorpus(t, root)
	for _, name := range []string{"bomb-60000x60000.png", "bomb-16384x16384.png", "微信支付账单(20250101-20250415).xlsx", "billion-laughs.xml", "deeply-nested.xml", "10000-columns.csv", "long-line-chat.txt"} {
		t.Run(name, func(t *testing.T) {
			caseDir := newCase(t, root)
			defer removeAll(caseDir)
			o := dossier(t, caseDir, "add", filepath.Join(src, name))
			checkRun(t, "add "+name, o)
			if o.code != 0 {
				t.Fatalf("add: %s", o)
			}
			o = dossier(t, caseDir, "pdf")
			checkRun(t, "pdf with "+name, o)
			if o.code != 0 {
				t.Fatalf("pdf: %s", o)
			}
			if !undrawn[name] {
				return
			}
			text := pdfText(t, filepath.Join(caseDir, "out", "packet.pdf"))
			if text != "" && !strings.Contains(text, "pixels") {
				t.Errorf("the packet does not say why the %s is not drawn", name)
			}
		})
	}
}

// TestAddFolderHoldingTheCase adds the folder the case lives in, and the case folder itself:
// the case's own store (its lock, its staged copies, its logs), its outputs and case.yaml must
// not become evidence of themselves.
func TestAddFolderHoldingTheCase(t *testing.T) {
	t.Parallel()
	root := scratchDir(t)
	write(t, filepath.Join(root, "evidence.txt"), []byte("催收短信截图说明"))
	caseDir := newCase(t, root)
	must(t, caseDir, "pdf")
	for _, args := range [][]string{{"add", ".."}, {"add", "."}} {
		o := dossier(t, caseDir, args...)
		checkRun(t, strings.Join(args, " "), o)
		for _, it := range listItems(t, caseDir) {
			if !strings.HasPrefix(it.Added, "../evidence.txt") {
				t.Errorf("%s took the case's own %s as evidence (exhibit %d)", strings.Join(args, " "), it.Added, it.Exhibit)
			}
		}
	}
	if items := listItems(t, caseDir); len(items) != 1 {
		t.Errorf("want the one evidence file, the case holds %d items", len(items))
	}
	if o := dossier(t, caseDir, "verify"); o.code != 0 {
		t.Errorf("verify: %s", o)
	}
}

// pdfText is the text of a PDF as pdftotext reads it, or "" (and a logged reason) without it.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Logf("pdftotext not installed (poppler-utils); the packet's text is not checked")
		return ""
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

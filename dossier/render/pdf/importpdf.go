package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"

	"codeberg.org/go-pdf/fpdf/contrib/gofpdi"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// MaxPDF caps the size of a PDF original whose pages are imported.
const MaxPDF = 256 << 20

// importLog collects what the importer hands to the PDF library, both to keep the library out of
// a failed import (its errors are sticky) and to put the imported objects into canonical order
// after output.
type importLog struct {
	objs map[string][]byte
	pos  map[string]map[int]string
	tpls map[string]string
	err  error
}

func (l *importLog) used() bool { return len(l.objs) > 0 }

// ImportObjects, ImportObjPos, ImportTemplates, UseImportedTemplate and SetError make importLog
// the importer's view of the document.
func (l *importLog) ImportObjects(objs map[string][]byte) {
	if l.objs == nil {
		l.objs = map[string][]byte{}
	}
	maps.Copy(l.objs, objs)
}

func (l *importLog) ImportObjPos(pos map[string]map[int]string) {
	if l.pos == nil {
		l.pos = map[string]map[int]string{}
	}
	maps.Copy(l.pos, pos)
}

func (l *importLog) ImportTemplates(tpls map[string]string) {
	if l.tpls == nil {
		l.tpls = map[string]string{}
	}
	maps.Copy(l.tpls, tpls)
}

func (l *importLog) UseImportedTemplate(string, float64, float64, float64, float64) {}

func (l *importLog) SetError(err error) {
	if l.err == nil {
		l.err = err
	}
}

// importPDF draws the pages of a PDF original, each scaled into the page body under the stamp.
func (d *doc) importPDF(it *evidence.Item) error {
	if d.b.Open == nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), "no store")}
	}
	rc, err := d.b.Open(it.SHA256)
	if err != nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	defer rc.Close()
	rs, cleanup, err := seekable(rc)
	if err != nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	defer cleanup()
	if encrypted(rs) {
		return &notShown{why: d.t("why.pdf.encrypted")}
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	log := &importLog{}
	imp := gofpdi.NewImporter()
	var tpls []int
	var sizes [][2]float64
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		tpls = append(tpls, imp.ImportPageFromStream(log, &rs, 1, "/MediaBox"))
		all := imp.GetPageSizes()
		for p := 2; p <= len(all) && p <= 2000; p++ {
			tpls = append(tpls, imp.ImportPageFromStream(log, &rs, p, "/MediaBox"))
		}
		for p := 1; p <= len(tpls); p++ {
			box := all[p]["/MediaBox"]
			sizes = append(sizes, [2]float64{box["w"], box["h"]})
		}
		return log.err
	}()
	if err != nil {
		if isEncryptionError(err) {
			return &notShown{why: d.t("why.pdf.encrypted")}
		}
		return &notShown{why: fmt.Sprintf(d.t("why.pdf"), err)}
	}
	if len(tpls) == 0 || !log.used() {
		return &notShown{why: fmt.Sprintf(d.t("why.pdf"), "no pages")}
	}
	// The import worked: hand the objects to the document and remember them for canonicalImports.
	f := d.f
	f.ImportTemplates(log.tpls)
	f.ImportObjects(log.objs)
	f.ImportObjPos(log.pos)
	d.imports.ImportTemplates(log.tpls)
	d.imports.ImportObjects(log.objs)
	d.imports.ImportObjPos(log.pos)
	for i, tpl := range tpls {
		if i > 0 {
			d.newPage()
		} else if len(tpls) > 1 {
			d.paragraph(fmt.Sprintf(d.t("pages.attached"), len(tpls)), 9, 0, "L")
			f.Ln(2)
		}
		pw, ph := sizes[i][0], sizes[i][1]
		if pw <= 0 || ph <= 0 {
			pw, ph = 595, 842
		}
		boxW, boxH := contentW, bodyBottom-f.GetY()-1
		w := boxW
		h := w * ph / pw
		if h > boxH {
			h = boxH
			w = h * pw / ph
		}
		x, y := marginX+(contentW-w)/2, f.GetY()
		imp.UseImportedTemplate(f, tpl, x, y, w, h)
		f.SetDrawColor(170, 170, 170)
		f.SetLineWidth(0.2)
		f.Rect(x, y, w, h, "D")
	}
	return nil
}

// seekable returns r as an io.ReadSeeker: itself when it is one (a stored file), otherwise a
// temporary copy, removed by the returned cleanup.
func seekable(r io.Reader) (io.ReadSeeker, func(), error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		return rs, func() {}, nil
	}
	tmp, err := os.CreateTemp("", "dossier-pdf-*")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, io.LimitReader(r, MaxPDF+1))
	if err == nil && n > MaxPDF {
		err = fmt.Errorf("larger than %d bytes", MaxPDF)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return tmp, cleanup, nil
}

// encrypted reports whether a PDF names an /Encrypt dictionary in a trailer. The whole file is
// scanned in chunks because the trailer of a cross-reference stream is not at the end.
func encrypted(rs io.ReadSeeker) bool {
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return false
	}
	key := []byte("/Encrypt")
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := rs.Read(buf[carry:])
		if n > 0 {
			if bytes.Contains(buf[:carry+n], key) {
				return true
			}
			carry = copy(buf, buf[max(0, carry+n-len(key)+1):carry+n])
		}
		if err != nil {
			return false
		}
	}
}

func isEncryptionError(err error) bool {
	return err != nil && bytes.Contains(bytes.ToLower([]byte(err.Error())), []byte("encrypt"))
}

// canonicalImports puts the objects the PDF library wrote for imported pages into an order that
// does not depend on map iteration: the library numbers them in whatever order its map yields, and
// lists the templates in the resource dictionary the same way. Objects are renumbered in the order
// of their content hashes. The library writes every reference between imported objects as a
// 40-character padded number and both the set of object numbers and the set of resource entries
// stay the same, so every length is unchanged: only the bytes inside the block of imported objects,
// the cross-reference entries of those objects and the order of the resource entries change.
func canonicalImports(pdf []byte, log *importLog) ([]byte, error) {
	offsets, xrefAt, err := xrefOffsets(pdf)
	if err != nil {
		return nil, err
	}
	ids := slices.Sorted(maps.Keys(offsets))
	// Find each imported object in the file by its content outside the reference slots.
	hashes := slices.Sorted(maps.Keys(log.objs))
	idOf := map[string]int{}
	hashOf := map[int]string{}
	starts := slices.Sorted(maps.Values(offsets))
	// An object ends where the next one in the file begins.
	endOf := func(id int) int {
		i, _ := slices.BinarySearch(starts, offsets[id]+1)
		if i < len(starts) {
			return starts[i]
		}
		return xrefAt
	}
	bodyOf := func(id int) []byte {
		start, end := offsets[id], endOf(id)
		if start < 0 || end > len(pdf) || start >= end {
			return nil
		}
		obj := pdf[start:end]
		nl := bytes.IndexByte(obj, '\n')
		if nl < 0 {
			return nil
		}
		return obj[nl+1:]
	}
	for _, h := range hashes {
		want := log.objs[h]
		for _, id := range ids {
			if _, taken := hashOf[id]; taken {
				continue
			}
			body := bodyOf(id)
			if len(body) != len(want)+1 || !sameOutsideSlots(body, want, log.pos[h]) {
				continue
			}
			idOf[h], hashOf[id] = id, h
			break
		}
		if _, ok := idOf[h]; !ok {
			return nil, errors.New("imported object not found in output")
		}
	}
	block := make([]int, 0, len(hashes))
	for _, h := range hashes {
		block = append(block, idOf[h])
	}
	slices.Sort(block)
	lo, hi := block[0], block[len(block)-1]
	if hi-lo+1 != len(block) {
		return nil, errors.New("imported objects are not contiguous")
	}
	// Check the identification: every slot must hold the number found for the object it names.
	for _, h := range hashes {
		body := bodyOf(idOf[h])
		for p, ref := range log.pos[h] {
			n, err := strconv.Atoi(string(bytes.TrimSpace(body[p : p+40])))
			if err != nil || n != idOf[ref] {
				return nil, errors.New("imported objects cannot be told apart")
			}
		}
	}
	newID := map[string]int{}
	for i, h := range hashes {
		newID[h] = lo + i
	}
	out := bytes.Clone(pdf)
	start := offsets[lo]
	w := start
	newOffsets := map[int]int{}
	for _, h := range hashes {
		newOffsets[newID[h]] = w
		head := strconv.Itoa(newID[h]) + " 0 obj\n"
		w += copy(out[w:], head)
		body := bytes.Clone(log.objs[h])
		for p, ref := range log.pos[h] {
			copy(body[p:p+40], fmt.Sprintf("%40d", newID[ref]))
		}
		w += copy(out[w:], body)
		out[w] = '\n'
		w++
	}
	if w != endOf(hi) {
		return nil, errors.New("imported block changed length")
	}
	// Cross-reference entries: fixed 20-byte lines after "xref\n0 N\n".
	table := xrefAt + bytes.IndexByte(pdf[xrefAt+5:], '\n') + 6
	for id := lo; id <= hi; id++ {
		copy(out[table+20*id:], fmt.Sprintf("%010d 00000 n \n", newOffsets[id]))
	}
	// Resource entries "/TPLname N 0 R", written one per line in map order.
	return reorderTemplateEntries(out, log, newID)
}

func sameOutsideSlots(body, want []byte, slots map[int]string) bool {
	prev := 0
	for _, p := range slices.Sorted(maps.Keys(slots)) {
		if p < prev || p+40 > len(want) || !bytes.Equal(body[prev:p], want[prev:p]) {
			return false
		}
		prev = p + 40
	}
	return bytes.Equal(body[prev:len(want)], want[prev:]) && body[len(want)] == '\n'
}

var templateEntry = regexp.MustCompile(`(?m)^(/\S+) (\d+) 0 R$`)

func reorderTemplateEntries(pdf []byte, log *importLog, newID map[string]int) ([]byte, error) {
	names := slices.Sorted(maps.Keys(log.tpls))
	var first, last = -1, -1
	for _, m := range templateEntry.FindAllSubmatchIndex(pdf, -1) {
		if _, ok := log.tpls[string(pdf[m[2]:m[3]])]; !ok {
			continue
		}
		if first < 0 {
			first = m[0]
		}
		last = m[1]
	}
	if first < 0 {
		return pdf, nil
	}
	var b bytes.Buffer
	for i, name := range names {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s %d 0 R", name, newID[log.tpls[name]])
	}
	if b.Len() != last-first {
		return nil, errors.New("template resource entries are not contiguous")
	}
	copy(pdf[first:last], b.Bytes())
	return pdf, nil
}

// xrefOffsets reads the classic cross-reference table the library writes.
func xrefOffsets(pdf []byte) (map[int]int, int, error) {
	at := bytes.LastIndex(pdf, []byte("startxref"))
	if at < 0 {
		return nil, 0, errors.New("no startxref")
	}
	fields := bytes.Fields(pdf[at+9:])
	if len(fields) == 0 {
		return nil, 0, errors.New("no startxref offset")
	}
	xrefAt, err := strconv.Atoi(string(fields[0]))
	if err != nil || xrefAt < 0 || xrefAt+5 > len(pdf) || !bytes.HasPrefix(pdf[xrefAt:], []byte("xref")) {
		return nil, 0, errors.New("bad startxref")
	}
	x, err := parseXref(pdf[xrefAt:])
	if err != nil {
		return nil, 0, err
	}
	return x, xrefAt, nil
}

// parseXref reads "xref\n0 N\n" and N 20-byte entries; free entries are left out.
func parseXref(b []byte) (map[int]int, error) {
	lines := bytes.SplitN(b, []byte("\n"), 3)
	if len(lines) < 3 {
		return nil, errors.New("short xref")
	}
	head := bytes.Fields(lines[1])
	if len(head) != 2 {
		return nil, errors.New("bad xref subsection")
	}
	first, err1 := strconv.Atoi(string(head[0]))
	count, err2 := strconv.Atoi(string(head[1]))
	if err1 != nil || err2 != nil || first < 0 || count < 0 || count > len(lines[2])/20+1 {
		return nil, errors.New("bad xref subsection")
	}
	out := map[int]int{}
	rest := lines[2]
	for i := 0; i < count && len(rest) >= 18; i++ {
		e := rest[:min(20, len(rest))]
		off, err := strconv.Atoi(string(bytes.TrimSpace(e[:10])))
		if err == nil && len(e) >= 18 && e[17] == 'n' {
			out[first+i] = off
		}
		rest = rest[min(20, len(rest)):]
	}
	return out, nil
}

package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
)

// The PDF library writes some objects in Go map order. The functions here put them back into a
// canonical order after output, so that the same inputs give the same bytes. Each works on the
// library's own output only: a classic cross-reference table with one subsection, objects written
// one after another.

// edit replaces pdf[start:end] with with; objs gives the offsets, relative to the start of with,
// of the objects that now live inside it.
type edit struct {
	start, end int
	with       []byte
	objs       map[int]int
}

// splice applies non-overlapping edits (in file order, before the cross-reference table) and
// rewrites the cross-reference table and startxref for the moved objects.
func splice(pdf []byte, offsets map[int]int, xrefAt int, edits []edit) ([]byte, error) {
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	var out bytes.Buffer
	out.Grow(len(pdf) + 1024)
	newOffsets := map[int]int{}
	at := 0
	for _, e := range edits {
		if e.start < at || e.end > xrefAt || e.start > e.end {
			return nil, errors.New("overlapping edits")
		}
		out.Write(pdf[at:e.start])
		for id, rel := range e.objs {
			newOffsets[id] = out.Len() + rel
		}
		out.Write(e.with)
		at = e.end
	}
	out.Write(pdf[at:xrefAt])
	for id, off := range offsets {
		if _, moved := newOffsets[id]; moved {
			continue
		}
		shifted := off
		for _, e := range edits {
			if off >= e.end {
				shifted += len(e.with) - (e.end - e.start)
			}
		}
		newOffsets[id] = shifted
	}
	newXref := out.Len()
	head := bytes.SplitN(pdf[xrefAt:], []byte("\n"), 3)
	if len(head) < 3 {
		return nil, errors.New("short xref")
	}
	out.Write(head[0])
	out.WriteByte('\n')
	out.Write(head[1])
	out.WriteByte('\n')
	rest := head[2]
	for n := 0; len(rest) >= 20 && rest[0] >= '0' && rest[0] <= '9'; n++ {
		if off, ok := newOffsets[n]; ok && rest[17] == 'n' {
			fmt.Fprintf(&out, "%010d 00000 n \n", off)
		} else {
			out.Write(rest[:20])
		}
		rest = rest[20:]
	}
	sx := bytes.LastIndex(rest, []byte("startxref"))
	if sx < 0 {
		return nil, errors.New("no startxref")
	}
	out.Write(rest[:sx])
	fmt.Fprintf(&out, "startxref\n%d\n%%%%EOF\n", newXref)
	return out.Bytes(), nil
}

// objectEnds returns a function giving where each object ends: where the next one begins.
func objectEnds(offsets map[int]int, xrefAt int) func(int) int {
	starts := slices.Sorted(maps.Values(offsets))
	return func(id int) int {
		i, _ := slices.BinarySearch(starts, offsets[id]+1)
		if i < len(starts) {
			return starts[i]
		}
		return xrefAt
	}
}

var (
	imageEntry = regexp.MustCompile(`(?m)^/I([0-9a-f]+) (\d+) 0 R$`)
	widthEntry = regexp.MustCompile(`/Width (\d+)`)
	objRef     = regexp.MustCompile(`(\d+) 0 R`)
)

// canonicalImages orders the image objects. The library sorts images by width only, so images of
// the same width come out in map order; here they are sorted by width and then by the SHA-1 the
// library names them with. An image object may be followed by its soft mask and palette, which it
// references and which move with it.
func canonicalImages(pdf []byte) ([]byte, error) {
	offsets, xrefAt, err := xrefOffsets(pdf)
	if err != nil {
		return nil, err
	}
	endOf := objectEnds(offsets, xrefAt)
	type group struct {
		name  string
		width int
		ids   []int // the image, then the objects it references, in file order
	}
	var groups []*group
	byID := map[int]*group{}
	var entries [][]int
	for _, m := range imageEntry.FindAllSubmatchIndex(pdf[:xrefAt], -1) {
		id, _ := strconv.Atoi(string(pdf[m[4]:m[5]]))
		entries = append(entries, m)
		if _, seen := byID[id]; seen {
			continue
		}
		off, ok := offsets[id]
		if !ok {
			return nil, fmt.Errorf("image object %d not in xref", id)
		}
		obj := pdf[off:endOf(id)]
		dictEnd := bytes.Index(obj, []byte("stream"))
		if dictEnd < 0 {
			dictEnd = len(obj)
		}
		g := &group{name: string(pdf[m[2]:m[3]]), ids: []int{id}}
		if wm := widthEntry.FindSubmatch(obj[:dictEnd]); wm != nil {
			g.width, _ = strconv.Atoi(string(wm[1]))
		}
		header := bytes.IndexByte(obj, '\n') + 1
		for _, rm := range objRef.FindAllSubmatch(obj[header:dictEnd], -1) {
			sub, _ := strconv.Atoi(string(rm[1]))
			g.ids = append(g.ids, sub)
		}
		slices.Sort(g.ids)
		byID[id] = g
		groups = append(groups, g)
	}
	if len(groups) < 2 {
		return pdf, nil
	}
	var all []int
	for _, g := range groups {
		all = append(all, g.ids...)
	}
	slices.Sort(all)
	lo, hi := all[0], all[len(all)-1]
	if hi-lo+1 != len(all) { // also catches an object claimed by two images
		return nil, errors.New("image objects are not contiguous")
	}
	slices.SortFunc(groups, func(a, b *group) int {
		if a.width != b.width {
			return a.width - b.width
		}
		return bytes.Compare([]byte(a.name), []byte(b.name))
	})
	newID := map[int]int{}
	next := lo
	for _, g := range groups {
		for _, id := range g.ids {
			newID[id] = next
			next++
		}
	}
	var nb bytes.Buffer
	rel := map[int]int{}
	for _, g := range groups {
		for k, id := range g.ids {
			obj := pdf[offsets[id]:endOf(id)]
			header := bytes.IndexByte(obj, '\n') + 1
			rel[newID[id]] = nb.Len()
			fmt.Fprintf(&nb, "%d 0 obj\n", newID[id])
			body := obj[header:]
			if k == 0 { // the image's dictionary names its mask and palette
				dictEnd := bytes.Index(body, []byte("stream"))
				if dictEnd < 0 {
					dictEnd = len(body)
				}
				dict := objRef.ReplaceAllFunc(body[:dictEnd], func(r []byte) []byte {
					old, _ := strconv.Atoi(string(r[:bytes.IndexByte(r, ' ')]))
					if n, ok := newID[old]; ok {
						return fmt.Appendf(nil, "%d 0 R", n)
					}
					return r
				})
				nb.Write(dict)
				nb.Write(body[dictEnd:])
				continue
			}
			nb.Write(body)
		}
	}
	edits := []edit{{start: offsets[lo], end: endOf(hi), with: nb.Bytes(), objs: rel}}
	for _, m := range entries {
		id, _ := strconv.Atoi(string(pdf[m[4]:m[5]]))
		edits = append(edits, edit{start: m[4], end: m[5], with: []byte(strconv.Itoa(newID[id]))})
	}
	return splice(pdf, offsets, xrefAt, edits)
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

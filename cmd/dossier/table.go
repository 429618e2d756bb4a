package main

import (
	"bufio"
	"io"
	"strings"

	"golang.org/x/text/width"

	"github.com/dossier-tool/dossier/dossier/vocab"
)

// table aligns columns by display width: a Chinese character takes two terminal cells, which
// text/tabwriter does not know.
type table struct {
	rows [][]string
	free map[int]bool // rows printed as they are, not aligned (warnings under an item)
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// heading adds the header row, each column named by its vocabulary term in lang.
func (t *table) heading(lang string, columns ...string) { t.add(headingCells(lang, columns...)...) }

// note adds a line that is indented under the row before it and takes no part in the widths.
func (t *table) note(text string) {
	if t.free == nil {
		t.free = map[int]bool{}
	}
	t.free[len(t.rows)] = true
	t.rows = append(t.rows, []string{"    " + text})
}

func (t *table) write(w io.Writer) error {
	var widths []int
	for j, r := range t.rows {
		if !t.free[j] {
			widths = widen(widths, r)
		}
	}
	var b strings.Builder
	for j, r := range t.rows {
		if err := writeRow(w, &b, r, widths, t.free[j]); err != nil {
			return err
		}
	}
	return nil
}

// widen grows widths to fit the cells of one row.
func widen(widths []int, cells []string) []int {
	for i, c := range cells {
		if i >= len(widths) {
			widths = append(widths, 0)
		}
		widths[i] = max(widths[i], cellWidth(c))
	}
	return widths
}

// writeRow writes one row padded to widths (a free row as it is), b being scratch space.
func writeRow(w io.Writer, b *strings.Builder, cells []string, widths []int, free bool) error {
	b.Reset()
	for i, c := range cells {
		b.WriteString(c)
		if i < len(cells)-1 && !free {
			b.WriteString(strings.Repeat(" ", widths[i]-cellWidth(c)+2))
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, strings.TrimRight(b.String(), " \n")+"\n")
	return err
}

// streamedTable is a table whose rows come from a stream that can be read again (a timeline of a
// million events): rows are kept up to a limit and printed as table does; past it only the
// column widths are kept, and the rows are printed on a second reading of the stream. Memory is
// bounded either way and the output is the same.
type streamedTable struct {
	heading []string
	limit   int
	rows    [][]string
	widths  []int
	over    bool
}

func newStreamedTable(heading []string, limit int) *streamedTable {
	return &streamedTable{heading: heading, limit: limit, widths: widen(nil, heading)}
}

// measure takes one row of the first reading.
func (t *streamedTable) measure(cells []string) {
	t.widths = widen(t.widths, cells)
	if t.over {
		return
	}
	if len(t.rows) == t.limit {
		t.rows, t.over = nil, true
		return
	}
	t.rows = append(t.rows, cells)
}

// write prints the table when any row was measured; again reads the stream a second time,
// giving each row to its print, when there were more rows than the limit.
func (t *streamedTable) write(w io.Writer, n int, again func(print func(cells []string) error) error) error {
	if n == 0 {
		return nil
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var b strings.Builder
	print := func(cells []string) error { return writeRow(bw, &b, cells, t.widths, false) }
	if err := print(t.heading); err != nil {
		return err
	}
	if t.over {
		if err := again(print); err != nil {
			return err
		}
	} else {
		for _, r := range t.rows {
			if err := print(r); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// headingCells are the header cells of columns named by their vocabulary terms in lang.
func headingCells(lang string, columns ...string) []string {
	cells := make([]string, len(columns))
	for i, c := range columns {
		cells[i] = vocab.Term(lang, "column."+c)
	}
	return cells
}

func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

package main

import (
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
func (t *table) heading(lang string, columns ...string) {
	cells := make([]string, len(columns))
	for i, c := range columns {
		cells[i] = vocab.Term(lang, "column."+c)
	}
	t.add(cells...)
}

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
		if t.free[j] {
			continue
		}
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			if n := cellWidth(c); n > widths[i] {
				widths[i] = n
			}
		}
	}
	var b strings.Builder
	for j, r := range t.rows {
		b.Reset()
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 && !t.free[j] {
				b.WriteString(strings.Repeat(" ", widths[i]-cellWidth(c)+2))
			}
		}
		b.WriteString("\n")
		if _, err := io.WriteString(w, strings.TrimRight(b.String(), " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
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

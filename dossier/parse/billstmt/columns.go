package billstmt

import (
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
)

// Columns is a located header row of a bill: which cell holds each column. Bills are read by
// column name, never by position, so that every layout of an app's export maps the same way.
type Columns struct {
	// Pos is the cell index of each column, -1 where the layout lacks it.
	Pos []int
	// Named counts the cells up to and including the last named one.
	Named    int
	required []int
}

// FindColumns maps the cells of a candidate header row to columns by name (names gives the column
// of each header text; n is the number of columns). ok is false when a required column is missing.
func FindColumns[C ~int](cells []string, names map[string]C, n int, required []C) (*Columns, bool) {
	c := &Columns{Pos: make([]int, n)}
	for i := range c.Pos {
		c.Pos[i] = -1
	}
	for i, cell := range cells {
		if col, ok := names[csvtext.Clean(cell)]; ok && c.Pos[col] < 0 {
			c.Pos[col] = i
			c.Named = i + 1
		}
	}
	for _, r := range required {
		if c.Pos[r] < 0 {
			return nil, false
		}
		c.required = append(c.required, c.Pos[r])
	}
	return c, true
}

// Check reads a row against the header: an error when the row lacks a required cell, and a note
// (ragged) when it is shorter than the header but complete, its missing cells read as empty.
func (c *Columns) Check(cells []string) (ragged, err error) {
	for _, i := range c.required {
		if i >= len(cells) {
			return nil, parse.Errorf("row-too-short", len(cells), c.Named)
		}
	}
	if len(cells) < c.Named {
		ragged = parse.Errorf("row-ragged", len(cells), c.Named)
	}
	return ragged, nil
}

// Cell is the cleaned cell of column col in a row, "" when the layout or the row lacks it.
func (c *Columns) Cell(cells []string, col int) string {
	i := c.Pos[col]
	if i < 0 || i >= len(cells) {
		return ""
	}
	return csvtext.Clean(cells[i])
}

package pdf

// column is one column of a table: its header, its share of the content width and whether its
// cells are printed as they are (digests) rather than redacted.
type column struct {
	title string
	width float64 // millimetres
	align string  // L, C or R
	raw   bool
}

// table draws rows under a header row that is repeated at the top of every page the table spans.
// A row taller than a page is continued on the next page line by line, so no text is ever lost or
// drawn past the bottom margin.
type table struct {
	d    *doc
	cols []column
	size float64
	fill bool // alternate row shading
	n    int
}

const cellPad = 1.2

func (d *doc) table(size float64, cols ...column) *table {
	// Scale the columns to the content width so callers can give proportions.
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	for i := range cols {
		cols[i].width = cols[i].width * contentW / total
		if cols[i].align == "" {
			cols[i].align = "L"
		}
	}
	t := &table{d: d, cols: cols, size: size}
	d.ensure(3 * t.lineH())
	t.header()
	return t
}

func (t *table) lineH() float64 { return t.size * 0.48 }

func (t *table) header() {
	f := t.d.f
	f.SetFont(fontFamily, "", t.size)
	cells := make([][]string, len(t.cols))
	maxLines := 1
	for i, c := range t.cols {
		cells[i] = t.d.lines(c.title, c.width-2*cellPad)
		maxLines = max(maxLines, len(cells[i]))
	}
	h := float64(maxLines)*t.lineH() + 2*cellPad
	y := f.GetY()
	f.SetFillColor(44, 62, 92)
	f.SetTextColor(255, 255, 255)
	f.Rect(marginX, y, contentW, h, "F")
	x := marginX
	for i, c := range t.cols {
		for j, l := range cells[i] {
			f.SetXY(x+cellPad, y+cellPad+float64(j)*t.lineH())
			t.d.cell(c.width-2*cellPad, t.lineH(), l, c.align, false)
		}
		x += c.width
	}
	f.SetTextColor(0, 0, 0)
	f.SetXY(marginX, y+h)
}

// row draws one row; values are in column order.
func (t *table) row(values ...string) {
	d, f := t.d, t.d.f
	if d.stopped() {
		return
	}
	f.SetFont(fontFamily, "", t.size)
	cells := make([][]string, len(t.cols))
	maxLines := 1
	for i, c := range t.cols {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		if !c.raw {
			v = d.clean(v)
		}
		cells[i] = d.lines(v, c.width-2*cellPad)
		maxLines = max(maxLines, len(cells[i]))
	}
	t.n++
	shade := t.n%2 == 0
	for from := 0; from < maxLines; {
		room := int((bodyBottom - f.GetY() - 2*cellPad) / t.lineH())
		if room < 1 || (from == 0 && room < maxLines && float64(maxLines)*t.lineH() < (bodyBottom-marginTop)/2) {
			// Start a fresh page rather than split a short row.
			d.newPage()
			t.header()
			f.SetFont(fontFamily, "", t.size)
			continue
		}
		to := min(maxLines, from+room)
		h := float64(to-from)*t.lineH() + 2*cellPad
		y := f.GetY()
		if shade {
			f.SetFillColor(244, 246, 249)
			f.Rect(marginX, y, contentW, h, "F")
		}
		f.SetDrawColor(210, 214, 220)
		f.SetLineWidth(0.15)
		f.Line(marginX, y+h, marginX+contentW, y+h)
		x := marginX
		for i, c := range t.cols {
			for j := from; j < to && j < len(cells[i]); j++ {
				f.SetXY(x+cellPad, y+cellPad+float64(j-from)*t.lineH())
				d.cell(c.width-2*cellPad, t.lineH(), cells[i][j], c.align, false)
			}
			x += c.width
		}
		f.SetXY(marginX, y+h)
		from = to
		if from < maxLines {
			d.newPage()
			t.header()
			f.SetFont(fontFamily, "", t.size)
		}
	}
	f.SetFont(fontFamily, "", 10)
}

// end leaves a little space after the table.
func (t *table) end() { t.d.f.Ln(4) }

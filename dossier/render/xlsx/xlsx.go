package xlsx

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
)

// Options adjust the workbook.
type Options struct {
	// Lang is "zh" or "en"; empty means the case language.
	Lang string
	// LinkPrefix is prepended to an original's bag file name (证据001_<name>) in the evidence
	// list's links. Empty means "data/", the payload folder of an unpacked bag seen from the bag's
	// root. A workbook placed inside the bag's data/ folder, beside the originals, wants "./".
	LinkPrefix string
	// TempDir is where the StreamWriter spills rows that do not fit its memory buffer. The rows
	// hold the evidence's text, so callers give a folder inside the case or beside the output;
	// empty means the system temporary folder.
	TempDir string
	// Context, when set, stops the render soon after it is cancelled: the row loops check it.
	Context context.Context
}

// ErrNoBundle is returned when Render is given no bundle.
var ErrNoBundle = errors.New("xlsx: no bundle to render")

// fastDeflateAbove is the timeline length above which the workbook's parts are deflated at the
// fastest level: for a million events, deflate at the default level is a sixth of the render's
// time, the fastest level about a third of that, for a file about a quarter larger. Smaller
// workbooks keep the default level (and their bytes).
var fastDeflateAbove = 50_000 // a variable for the tests

// Widths are capped so a long message does not push the next column off screen.
const (
	maxColWidth = 60
	minColWidth = 6
)

// Render writes the workbook of b and r to w. r may be nil when there are no findings yet.
func Render(w io.Writer, b *evidence.Bundle, r *findings.Report, opt Options) error {
	return RenderScanned(w, b, r, nil, opt)
}

// RenderScanned is Render with the timeline already scanned: s, when not nil, observed every
// event of b's timeline (see Scan), so the timeline is read once more, for the rows.
func RenderScanned(w io.Writer, b *evidence.Bundle, r *findings.Report, s *Scan, opt Options) error {
	if b == nil {
		return ErrNoBundle
	}
	if r == nil {
		r = &findings.Report{}
	}
	rd := newRenderer(b, r, opt)
	f := excelize.NewFile(excelize.Options{TmpDir: opt.TempDir})
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("xlsx: styles: %w", err)
	}
	rd.f, rd.st = f, st
	scan := rd.scan
	if s != nil {
		scan = func() error { return rd.scanned(s) }
	}
	if err := scan(); err != nil {
		return fmt.Errorf("xlsx: timeline: %w", err)
	}

	timeline, found := rd.timelineSheet(), rd.findingsSheet()
	rest := []*sheet{timeline, rd.evidenceSheet(), found, rd.scheduleSheet(), rd.contactsSheet()}
	names := make([]string, len(rest))
	for i, sh := range rest {
		names[i] = sh.name
	}
	sheets := append([]*sheet{rd.summarySheet(names)}, rest...)
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), sh.name)
		} else {
			_, err = f.NewSheet(sh.name)
		}
		if err != nil {
			return fmt.Errorf("xlsx: sheet %s: %w", sh.name, err)
		}
	}
	// Set before streaming: afterwards excelize would parse a streamed sheet back into memory.
	f.SetActiveSheet(0)
	// Every sheet is laid out in order (its filter, formats, chart and column widths, which name
	// parts of the package in the order made), then the rows are streamed with the timeline's
	// last: the findings are let go of once their sheet is written, so a million events' rows
	// are not written beside a hundred thousand findings, nor beside the findings sheet's
	// growing buffer.
	writers := make([]*excelize.StreamWriter, len(sheets))
	for i, sh := range sheets {
		if writers[i], err = rd.prepare(sh); err != nil {
			return fmt.Errorf("xlsx: sheet %s: %w", sh.name, err)
		}
	}
	var order []int
	for i, sh := range sheets {
		if sh != timeline {
			order = append(order, i)
		}
	}
	order = append(order, slices.Index(sheets, timeline))
	for _, i := range order {
		if err := rd.stream(sheets[i], writers[i]); err != nil {
			return fmt.Errorf("xlsx: sheet %s: %w", sheets[i].name, err)
		}
		if sheets[i] == found {
			rd.releaseFindings()
		}
	}
	if err := f.SetDocProps(rd.docProps()); err != nil {
		return fmt.Errorf("xlsx: document properties: %w", err)
	}
	// excelize adds the image content types from a map; sorting them keeps the part stable.
	if ct := f.ContentTypes; ct != nil {
		sort.Slice(ct.Defaults, func(i, j int) bool { return ct.Defaults[i].Extension < ct.Defaults[j].Extension })
	}
	// File.WriteTo assembles the whole package in a bytes.Buffer before copying it out, which for
	// a large timeline costs as much memory as the compressed workbook. A zip writer over w makes
	// excelize stream each part straight out instead; the buffer it hands back stays empty. (The
	// buffer is only post-processed for parts over 4 GiB, which Go's zip writer marks as zip64
	// in the central directory itself.)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		if rd.events > fastDeflateAbove {
			zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
		}
		return zw
	})
	if _, err := f.WriteToBuffer(); err != nil {
		return fmt.Errorf("xlsx: write workbook: %w", err)
	}
	return nil
}

// renderer carries what every sheet needs.
type renderer struct {
	b    *evidence.Bundle
	r    *findings.Report
	lang string
	l    *labels
	loc  *time.Location
	opt  Options
	f    *excelize.File
	st   *styles
	// contacts answers the case's contacts for every row without searching them each time.
	contacts *caseconf.ContactBook

	// What the sheets need of the whole timeline, gathered by scan in one pass.
	events         int
	flags          []uint8
	flagTexts      map[uint8]string
	stats          eventStats
	timelineWidths []float64
}

func newRenderer(b *evidence.Bundle, r *findings.Report, opt Options) *renderer {
	rd := &renderer{b: b, r: r, opt: opt, loc: time.UTC}
	if loc, err := time.LoadLocation(caseconf.DefaultTimezone); err == nil {
		rd.loc = loc
	}
	rd.lang = opt.Lang
	if b.Case != nil {
		if rd.lang == "" {
			rd.lang = b.Case.Language
		}
		rd.loc = b.Case.Location()
	}
	if rd.lang != "en" {
		rd.lang = "zh"
	}
	rd.l = labelsFor(rd.lang)
	rd.contacts = b.Case.ContactBook()
	if rd.opt.LinkPrefix == "" {
		rd.opt.LinkPrefix = "data/"
	}
	return rd
}

func (rd *renderer) docProps() *excelize.DocProperties {
	stamp := rd.b.Stamp.UTC().Truncate(time.Second).Format(time.RFC3339)
	p := &excelize.DocProperties{
		Creator: "dossier", LastModifiedBy: "dossier", Created: stamp, Modified: stamp,
		Identifier: rd.b.CaseID, Language: map[string]string{"zh": "zh-CN", "en": "en"}[rd.lang],
	}
	if rd.b.Case != nil {
		p.Title = rd.b.Case.Title
	}
	return p
}

// A sheet is a vertical run of blocks, each an optional title row, an optional header row and
// data rows produced on demand, so nothing is held per row.
type sheet struct {
	name   string
	blocks []block
	// freeze keeps the first block's header (and everything above it) in view.
	freeze bool
	// chart, when set, is added before streaming, given the laid-out blocks.
	chart func(layout []blockLayout) *excelize.Chart
	// chartCell anchors the chart.
	chartCell string
	// dateAxis turns the chart's category axis into a date axis counted in days.
	dateAxis bool
}

type block struct {
	title string
	heads []string
	n     int
	// fill sets the values of row i; vals arrives cleared and has one slot per column.
	fill func(i int, vals []any)
	// each, set instead of fill, streams the n rows in order: it fills vals (cleared first) for
	// a row and calls row, which writes it. widths are then the widths its rows need, measured
	// in an earlier pass, so the rows are not built to be measured.
	each   func(vals []any, row func() error) error
	widths []float64
	// flagCol is the 1-based column whose non-empty value highlights the row; 0 for none.
	flagCol int
	// filter puts the sheet's auto filter on this block (Excel allows one per sheet).
	filter bool
}

type blockLayout struct {
	titleRow, headRow, first, last int // rows; 0 when absent; last < first when there is no data
}

func (sh *sheet) layout() []blockLayout {
	out := make([]blockLayout, len(sh.blocks))
	row := 1
	for i, bl := range sh.blocks {
		if i > 0 {
			row++ // a blank row between blocks
		}
		if bl.title != "" {
			out[i].titleRow = row
			row++
		}
		if bl.heads != nil {
			out[i].headRow = row
			row++
		}
		out[i].first = row
		out[i].last = row + bl.n - 1
		row += bl.n
	}
	return out
}

func (sh *sheet) columns() int {
	n := 1
	for _, bl := range sh.blocks {
		n = max(n, len(bl.heads))
	}
	return n
}

// prepare lays the sheet out and sets everything the StreamWriter would not keep, returning the
// writer its rows are then streamed into (stream).
func (rd *renderer) prepare(sh *sheet) (*excelize.StreamWriter, error) {
	f := rd.f
	lay := sh.layout()
	ncol := sh.columns()

	for i, bl := range sh.blocks {
		L := lay[i]
		if bl.filter && L.headRow > 0 {
			lastBlockCol, _ := excelize.ColumnNumberToName(len(bl.heads))
			ref := fmt.Sprintf("A%d:%s%d", L.headRow, lastBlockCol, max(L.last, L.headRow))
			if err := f.AutoFilter(sh.name, ref, nil); err != nil {
				return nil, fmt.Errorf("auto filter %s: %w", ref, err)
			}
		}
		if bl.flagCol > 0 && bl.n > 0 {
			flag, _ := excelize.ColumnNumberToName(bl.flagCol)
			lastBlockCol, _ := excelize.ColumnNumberToName(len(bl.heads))
			ref := fmt.Sprintf("A%d:%s%d", L.first, lastBlockCol, L.last)
			style := rd.st.highlight
			err := f.SetConditionalFormat(sh.name, ref, []excelize.ConditionalFormatOptions{{
				Type: "formula", Criteria: fmt.Sprintf("LEN($%s%d)>0", flag, L.first), Format: &style,
			}})
			if err != nil {
				return nil, fmt.Errorf("conditional format %s: %w", ref, err)
			}
		}
	}
	if sh.chart != nil {
		if c := sh.chart(lay); c != nil {
			if err := f.AddChart(sh.name, sh.chartCell, c); err != nil {
				return nil, fmt.Errorf("chart: %w", err)
			}
			if sh.dateAxis {
				if err := dateAxis(f); err != nil {
					return nil, fmt.Errorf("chart: %w", err)
				}
			}
		}
	}

	sw, err := f.NewStreamWriter(sh.name)
	if err != nil {
		return nil, err
	}
	vals := make([]any, ncol)
	widths := make([]float64, ncol)
	for _, bl := range sh.blocks {
		for c, h := range bl.heads {
			// Bold text is wider, and a filtered header also holds the filter button.
			widths[c] = max(widths[c], cellWidth(h)*1.1+2*b2f(bl.filter))
		}
		if bl.each != nil {
			for c, wd := range bl.widths {
				widths[c] = max(widths[c], wd)
			}
			continue
		}
		for i := 0; i < bl.n; i++ {
			clear(vals)
			bl.fill(i, vals)
			for c, v := range vals {
				widths[c] = max(widths[c], rd.cellWidth(v))
			}
		}
	}
	for c, wd := range widths {
		wd = math.Min(math.Max(math.Ceil(wd*widthSlack)+2, minColWidth), maxColWidth)
		if err := sw.SetColWidth(c+1, c+1, wd); err != nil {
			return nil, err
		}
	}
	if sh.freeze && len(lay) > 0 && lay[0].headRow > 0 {
		top := lay[0].headRow + 1
		err := sw.SetPanes(&excelize.Panes{
			Freeze: true, YSplit: lay[0].headRow, TopLeftCell: fmt.Sprintf("A%d", top), ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: fmt.Sprintf("A%d", top), ActiveCell: fmt.Sprintf("A%d", top), Pane: "bottomLeft"}},
		})
		if err != nil {
			return nil, err
		}
	}
	return sw, nil
}

// stream writes the sheet's rows into sw, laid out by prepare, and flushes it.
func (rd *renderer) stream(sh *sheet, sw *excelize.StreamWriter) error {
	lay := sh.layout()
	vals := make([]any, sh.columns())
	for i, bl := range sh.blocks {
		L := lay[i]
		if L.titleRow > 0 {
			if err := sw.SetRow(fmt.Sprintf("A%d", L.titleRow), []any{excelize.Cell{StyleID: rd.st.header, Value: text(bl.title)}}); err != nil {
				return err
			}
		}
		if L.headRow > 0 {
			head := make([]any, len(bl.heads))
			for c, h := range bl.heads {
				head[c] = excelize.Cell{StyleID: rd.st.header, Value: h}
			}
			if err := sw.SetRow(fmt.Sprintf("A%d", L.headRow), head); err != nil {
				return err
			}
		}
		if bl.each != nil {
			j := 0
			err := bl.each(vals, func() error {
				if j >= bl.n {
					return fmt.Errorf("row %d: more rows than the %d counted", L.first+j, bl.n)
				}
				if err := sw.SetRow(fmt.Sprintf("A%d", L.first+j), vals); err != nil {
					return fmt.Errorf("row %d: %w", L.first+j, err)
				}
				j++
				return nil
			})
			if err != nil {
				return err
			}
			continue
		}
		for j := 0; j < bl.n; j++ {
			if j%1024 == 1023 && rd.opt.Context != nil {
				if err := rd.opt.Context.Err(); err != nil {
					return err
				}
			}
			clear(vals)
			bl.fill(j, vals)
			if err := sw.SetRow(fmt.Sprintf("A%d", L.first+j), vals); err != nil {
				return fmt.Errorf("row %d: %w", L.first+j, err)
			}
		}
	}
	return sw.Flush()
}

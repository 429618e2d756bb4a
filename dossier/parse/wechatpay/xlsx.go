package wechatpay

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// Limits for workbooks. A real bill workbook is tens of kilobytes; excelize needs the compressed
// file in memory, so the file itself is capped, and the sum of the sizes the zip's central
// directory declares is capped before anything is inflated. archive/zip refuses an entry that
// inflates beyond its declared size, so the declared sizes are binding.
const (
	maxXLSXBytes    = 32 << 20
	maxInflated     = 200 << 20
	maxSheets       = 16
	maxPeekedString = 4 << 20
)

// xmlInMemory is the largest worksheet excelize inflates in memory; a larger one goes through a
// temporary file in the folder the caller names. A variable so tests can cross it cheaply.
var xmlInMemory int64 = 16 << 20

// ErrTooLarge is returned for a workbook refused before opening because of its size.
var ErrTooLarge = errors.New("workbook too large")

// ReadXLSX parses a bill workbook of size bytes read through r, reading local times in loc. The
// bill is looked for in Sheet1 first, then in the other sheets in order. A worksheet larger than
// xmlInMemory is inflated into a temporary file in tmpDir, a folder inside the case; with no
// tmpDir it is kept in memory (up to maxInflated), never written to the system's temporary
// folder, where the bill's text would outlive the run.
func ReadXLSX(r io.ReaderAt, size int64, loc *time.Location, tmpDir string) (res *parse.Result, err error) {
	if loc == nil {
		loc = time.UTC
	}
	if size > maxXLSXBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than %d MiB", ErrTooLarge, size, maxXLSXBytes>>20)
	}
	if err := checkInflatedSize(r, size); err != nil {
		return nil, err
	}
	// excelize is a large third-party parser of untrusted XML; a panic inside it must not take the
	// whole ingest down, so it becomes this file's error.
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("reading workbook: %v", p)
		}
	}()
	inMemory := xmlInMemory
	if tmpDir == "" {
		inMemory = maxInflated
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    maxInflated,
		UnzipXMLSizeLimit: inMemory,
		TmpDir:            tmpDir,
	})
	if err != nil {
		return nil, fmt.Errorf("opening workbook: %w", err)
	}
	defer f.Close()

	sheets := f.GetSheetList()
	if i := slices.Index(sheets, "Sheet1"); i > 0 {
		sheets = append([]string{"Sheet1"}, slices.Delete(slices.Clone(sheets), i, i+1)...)
	}
	if len(sheets) > maxSheets {
		sheets = sheets[:maxSheets]
	}
	for _, name := range sheets {
		res, err := readSheet(f, name, loc)
		if errors.Is(err, ErrNotBill) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		res.Info["sheet"] = name
		return res, nil
	}
	return nil, ErrNotBill
}

func readSheet(f *excelize.File, name string, loc *time.Location) (*parse.Result, error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return readBill(&sheetSource{rows: rows}, "XLSX", loc)
}

// sheetSource yields worksheet rows. excelize's iterator also yields the rows a sheet leaves out,
// as empty rows, so counting calls gives the spreadsheet's own row numbers.
type sheetSource struct {
	rows *excelize.Rows
	n    int
}

func (s *sheetSource) next() ([]string, string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, fmt.Sprintf("row %d", s.n+1), err
		}
		return nil, "", io.EOF
	}
	s.n++
	where := fmt.Sprintf("row %d", s.n)
	cells, err := s.rows.Columns()
	if err != nil {
		return nil, where, err
	}
	if len(cells) > maxColumns {
		cells = cells[:maxColumns]
	}
	return cells, where, nil
}

// checkInflatedSize refuses a workbook whose parts would inflate beyond maxInflated, reading only
// the zip's central directory.
func checkInflatedSize(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("not a workbook: %w", err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > maxInflated || total > maxInflated {
			return fmt.Errorf("%w: %s would inflate the workbook beyond %d MiB", ErrTooLarge, f.Name, maxInflated>>20)
		}
	}
	return nil
}

// smallWorkbookHasHeader looks inside a workbook that fits entirely in the detection head for
// the WeChat header's distinctive column names, in the shared strings or inline in a sheet.
func smallWorkbookHasHeader(head []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(head), int64(len(head)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name != "xl/sharedStrings.xml" && !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		text, _ := io.ReadAll(io.LimitReader(rc, maxPeekedString))
		rc.Close()
		if bytes.Contains(text, []byte("当前状态")) && bytes.Contains(text, []byte("交易单号")) {
			return true
		}
	}
	return false
}

// Package csvtext reads the comma-separated text that phones, bill exports and chat exporters
// write, on untrusted input: every record has a byte budget, so an unbalanced quote or a
// line without end cannot make a parser hold a whole file in memory.
//
// Two readers serve two kinds of file. LineReader reads bills (Alipay, WeChat Pay) whose preamble
// and footer are free text that may hold stray quotes: it splits one physical line at a time,
// leniently, and lets a quoted cell continue over a few lines only. Budget wraps the reader under
// encoding/csv for well-formed exports (call logs, chat exports) and fails a record that grows
// beyond MaxRecordBytes.
package csvtext

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// Limits on untrusted input. A real bill line is a few hundred bytes and a quoted cell never
// spans more than a couple of lines; anything beyond these is not a bill row.
const (
	MaxLineBytes   = 64 << 10
	MaxRecordLines = 16
)

// ErrLineTooLong marks a physical line longer than MaxLineBytes; the reader skips past it.
var ErrLineTooLong = errors.New("line too long")

// LineReader yields CSV records from decoded text, keeping the physical line number where each
// record starts so that warnings can name it. It is not encoding/csv because the preamble and
// footer of a bill are free text that may hold stray quotes, and one bad line must not swallow
// the rest of the file.
type LineReader struct {
	br   *bufio.Reader
	line int // physical lines consumed so far
}

// NewLineReader reads records from decoded (UTF-8) text.
func NewLineReader(r io.Reader) *LineReader {
	return &LineReader{br: bufio.NewReaderSize(r, 16<<10)}
}

// Line is the number of physical lines consumed so far.
func (lr *LineReader) Line() int { return lr.line }

// physical returns the next line without its line ending. At the end of the input it returns
// io.EOF; a final line without a newline is returned normally first.
func (lr *LineReader) physical() (string, error) {
	var b []byte
	tooLong := false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if !tooLong {
			if len(b)+len(chunk) > MaxLineBytes {
				tooLong, b = true, nil
			} else {
				b = append(b, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(chunk) == 0 && len(b) == 0 && !tooLong {
			return "", io.EOF
		}
		if err != nil && err != io.EOF {
			return "", err
		}
		lr.line++
		if tooLong {
			return "", ErrLineTooLong
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
}

// Record returns the next record's cells and the line it starts on. A quoted cell left open at
// the end of a line continues on the next one, up to MaxRecordLines lines.
func (lr *LineReader) Record() ([]string, int, error) {
	text, err := lr.physical()
	start := lr.line
	if err != nil {
		return nil, start, err
	}
	for n := 1; ; n++ {
		cells, closed := splitCSV(text)
		if closed || n >= MaxRecordLines {
			return cells, start, nil
		}
		more, err := lr.physical()
		if err != nil {
			// The open quote runs to the end of the file (or into an over-long line): return
			// what there is and let the caller judge the cells.
			return cells, start, nil
		}
		text += "\n" + more
	}
}

// splitCSV splits one record. It is lenient the way spreadsheet programs are: a quote inside an
// unquoted cell is kept literally and text after a closing quote is appended to the cell. closed
// is false when a quoted cell is still open at the end of s.
func splitCSV(s string) (cells []string, closed bool) {
	var cell strings.Builder
	inQuotes, quotedCell := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuotes && c == '"':
			if i+1 < len(s) && s[i+1] == '"' {
				cell.WriteByte('"')
				i++
			} else {
				inQuotes = false
			}
		case inQuotes:
			cell.WriteByte(c)
		case c == ',':
			cells = append(cells, cell.String())
			cell.Reset()
			quotedCell = false
		case c == '"' && !quotedCell && strings.TrimSpace(cell.String()) == "":
			cell.Reset()
			inQuotes, quotedCell = true, true
		default:
			cell.WriteByte(c)
		}
	}
	cells = append(cells, cell.String())
	return cells, !inQuotes
}

// Clean trims the padding bills put around cells (spaces, the TAB after order numbers, ideographic
// spaces) and reads the placeholder "/" as empty.
func Clean(s string) string {
	s = strings.TrimSpace(s)
	if s == "/" {
		return ""
	}
	return s
}

// JoinCells turns a free-text line split on commas back into its text, for preamble and footer
// lines such as "起始时间：[2025-01-01 00:00:00]    终止时间：[...]" followed by empty cells.
func JoinCells(cells []string) string {
	var parts []string
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " ")
}

// MaxRecordBytes bounds one CSV record. encoding/csv holds a whole record in memory, and an
// unbalanced quote would otherwise make it swallow the rest of a file of any size.
const MaxRecordBytes = 4 << 20

// ErrRecordTooLong is returned once a record exceeds its budget.
var ErrRecordTooLong = errors.New("record longer than 4 MiB")

// Budget fails once more than limit bytes were read since the last reset. The parser
// resets it after every record, so the budget is per record (plus the csv reader's read-ahead).
type Budget struct {
	r     io.Reader
	left  int64
	limit int64
}

// NewBudget limits each record read through it to limit bytes.
func NewBudget(r io.Reader, limit int64) *Budget {
	return &Budget{r: r, left: limit, limit: limit}
}

// Reset starts the budget of the next record.
func (b *Budget) Reset() { b.left = b.limit }

func (b *Budget) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, ErrRecordTooLong
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// NewReader is an encoding/csv reader as lenient as spreadsheet programs: ragged rows, stray
// quotes. The record it returns is reused by the next Read.
func NewReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return cr
}

// FindInHead reads up to maxLines records from the head of a text file (decoded from whatever
// encoding it has) and returns a copy of the first that match accepts, or nil. A partial last line
// of a head shorter than the file is left out, so a record cut by the head limit is not misread.
// Files that are neither text nor named .csv are not read.
func FindInHead(s *parse.Sniff, maxLines int, match func(rec []string) bool) []string {
	if !strings.HasPrefix(s.MIME, "text/") && s.Ext != ".csv" {
		return nil
	}
	text, ok := s.Lines()
	if !ok {
		return nil
	}
	r := NewReader(strings.NewReader(text))
	for range maxLines {
		rec, err := r.Read()
		if err != nil {
			return nil
		}
		if match(rec) {
			return append([]string(nil), rec...)
		}
	}
	return nil
}

// Capped ends the input after Left bytes and remembers whether anything was cut (Hit), so a
// parser can say a file was cut rather than silently reading a part of it.
type Capped struct {
	R    io.Reader
	Left int64
	Hit  bool
}

func (c *Capped) Read(p []byte) (int, error) {
	if c.Left <= 0 {
		// Only a byte beyond the cap means the input was cut; a file of exactly the cap was not.
		var probe [1]byte
		if n, _ := io.ReadFull(c.R, probe[:]); n > 0 {
			c.Hit = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.Left {
		p = p[:c.Left]
	}
	n, err := c.R.Read(p)
	c.Left -= int64(n)
	return n, err
}

// ErrorLine is the line a failed csv.Reader.Read stopped at. FieldPos is unusable after an error,
// so without a *csv.ParseError the record is taken to begin on the line after the last good one.
func ErrorLine(err error, lastGood int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.StartLine
	}
	return lastGood + 1
}

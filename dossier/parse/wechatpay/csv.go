package wechatpay

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// Limits on untrusted input. A real bill line is a few hundred bytes and a quoted cell never
// spans more than a couple of lines; anything beyond these is not a bill row.
const (
	maxLineBytes   = 64 << 10
	maxRecordLines = 16
)

// errLineTooLong marks a physical line longer than maxLineBytes; the reader skips past it.
var errLineTooLong = errors.New("line too long")

// lineReader yields CSV records from decoded text, keeping the physical line number where each
// record starts so that warnings can name it. It is not encoding/csv because the preamble and
// footer of a bill are free text that may hold stray quotes, and one bad line must not swallow
// the rest of the file.
type lineReader struct {
	br   *bufio.Reader
	line int // physical lines consumed so far
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 16<<10)}
}

// physical returns the next line without its line ending. At the end of the input it returns
// io.EOF; a final line without a newline is returned normally first.
func (lr *lineReader) physical() (string, error) {
	var b []byte
	tooLong := false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if !tooLong {
			if len(b)+len(chunk) > maxLineBytes {
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
			return "", errLineTooLong
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
}

// record returns the next record's cells and the line it starts on. A quoted cell left open at
// the end of a line continues on the next one, up to maxRecordLines lines.
func (lr *lineReader) record() ([]string, int, error) {
	text, err := lr.physical()
	start := lr.line
	if err != nil {
		return nil, start, err
	}
	for n := 1; ; n++ {
		cells, closed := splitCSV(text)
		if closed || n >= maxRecordLines {
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

// clean trims the padding bills put around cells (spaces, the TAB after order numbers, ideographic
// spaces) and reads the placeholder "/" as empty.
func clean(s string) string {
	s = strings.TrimSpace(s)
	if s == "/" {
		return ""
	}
	return s
}

// joinCells turns a free-text line split on commas back into its text, for preamble and footer
// lines such as "起始时间：[2025-01-01 00:00:00]    终止时间：[...]" followed by empty cells.
func joinCells(cells []string) string {
	var parts []string
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " ")
}

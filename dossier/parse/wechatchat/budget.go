package wechatchat

import (
	"errors"
	"io"
)

// maxRecordBytes bounds one CSV record. encoding/csv holds a whole record in memory, and an
// unbalanced quote would otherwise make it swallow the rest of a file of any size.
const maxRecordBytes = 4 << 20

var errRecordTooLong = errors.New("record longer than 4 MiB")

// budgetReader fails once more than limit bytes were read since the last reset. The parser
// resets it after every record, so the budget is per record (plus the csv reader's read-ahead).
type budgetReader struct {
	r     io.Reader
	left  int64
	limit int64
}

func newBudgetReader(r io.Reader, limit int64) *budgetReader {
	return &budgetReader{r: r, left: limit, limit: limit}
}

func (b *budgetReader) reset() { b.left = b.limit }

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errRecordTooLong
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

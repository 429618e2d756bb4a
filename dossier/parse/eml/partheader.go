package eml

import (
	"bufio"
	"bytes"
	"io"
)

// partHeaderFilter sits between a multipart body and mime/multipart. The standard reader refuses
// a part whose header holds a control byte ("malformed MIME header line") and, with it, every
// later part of the message; a NUL or ESC in an attachment's file name is enough. The filter
// follows the boundary lines and, only inside the header block that follows each one, replaces
// control bytes other than tab by U+FFFD, so every part is read and its name is later cleaned
// like any other untrusted name. Part bodies pass through untouched.
type partHeaderFilter struct {
	br       *bufio.Reader
	delim    []byte // "--" + boundary
	inHeader bool
	part     int   // boundary lines seen so far: the number of the part being read
	repaired []int // parts whose header had bytes replaced
	pending  []byte
	err      error
}

func newPartHeaderFilter(r io.Reader, boundary string) *partHeaderFilter {
	return &partHeaderFilter{br: bufio.NewReaderSize(r, 16<<10), delim: []byte("--" + boundary)}
}

func (f *partHeaderFilter) Read(p []byte) (int, error) {
	for len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.next()
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// next reads one line, or the next buffer-full of a line longer than the buffer (only the start
// of a line can be a boundary or end a header block, so a long line's rest is passed as is).
func (f *partHeaderFilter) next() {
	line, err := f.br.ReadSlice('\n')
	if err != nil && err != bufio.ErrBufferFull {
		f.err = err
	}
	line = bytes.Clone(line)
	text := bytes.TrimRight(line, " \t\r\n")
	switch {
	case bytes.HasPrefix(text, f.delim) && !bytes.HasPrefix(text, append(bytes.Clone(f.delim), '-', '-')):
		f.inHeader = true
		f.part++
	case f.inHeader && len(text) == 0 && bytes.HasSuffix(line, []byte("\n")):
		f.inHeader = false
	case f.inHeader:
		line = f.clean(line)
	}
	f.pending = line
}

func (f *partHeaderFilter) clean(line []byte) []byte {
	bad := false
	for _, c := range line[:len(bytes.TrimRight(line, "\r\n"))] {
		if c < 0x20 && c != '\t' || c == 0x7f {
			bad = true
			break
		}
	}
	if !bad {
		return line
	}
	if n := len(f.repaired); n == 0 || f.repaired[n-1] != f.part {
		f.repaired = append(f.repaired, f.part)
	}
	body := bytes.TrimRight(line, "\r\n")
	end := line[len(body):]
	out := make([]byte, 0, len(line)+8)
	for _, c := range body {
		if c < 0x20 && c != '\t' || c == 0x7f {
			out = append(out, "\uFFFD"...)
			continue
		}
		out = append(out, c)
	}
	return append(out, end...)
}

package ziparchive

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/container"
)

// A zip's list of members, the central directory, is written last; a download that did not
// finish loses it, and with it what archive/zip needs to open the file. Every member's data is
// still preceded by its own local header (APPNOTE.TXT 4.3.7: name, method, flags and, unless a
// data descriptor follows the data, its sizes and CRC), so recoverCut walks those headers from
// the start of the file: stored and deflated members (encrypted ones too, with the password)
// whose sizes are in the header are cut out by size; a deflated member followed by a data
// descriptor (bit 3, what streaming zippers write) is inflated to the end of its deflate stream,
// which marks its own end, and checked against the CRC in the descriptor. The member the cut
// falls in is kept with what could be read of it, named as incomplete. A link cannot be told
// from a file without the central directory (its mode is only there): its target path is kept
// as the member's bytes, which is harmless, and never followed.

const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigDescriptor = 0x08074b50
	maxRecovered  = 30 // names listed in the warning
)

type localHeader struct {
	flags, method, dosTime, dosDate uint16
	crc                             uint32
	stored, size                    int64
	zip64                           bool
	name                            string
	extra                           []byte
	data                            int64 // offset of the member's data
}

// readLocal reads the local header at off; ok is false when there is none there, or it is cut.
func readLocal(ra io.ReaderAt, off, size int64) (h localHeader, ok bool) {
	var b [30]byte
	if off+30 > size {
		return h, false
	}
	if _, err := ra.ReadAt(b[:], off); err != nil || binary.LittleEndian.Uint32(b[:]) != sigLocal {
		return h, false
	}
	h.flags = binary.LittleEndian.Uint16(b[6:])
	h.method = binary.LittleEndian.Uint16(b[8:])
	h.dosTime = binary.LittleEndian.Uint16(b[10:])
	h.dosDate = binary.LittleEndian.Uint16(b[12:])
	h.crc = binary.LittleEndian.Uint32(b[14:])
	h.stored = int64(binary.LittleEndian.Uint32(b[18:]))
	h.size = int64(binary.LittleEndian.Uint32(b[22:]))
	nameLen, extraLen := int64(binary.LittleEndian.Uint16(b[26:])), int64(binary.LittleEndian.Uint16(b[28:]))
	h.data = off + 30 + nameLen + extraLen
	if h.data > size {
		return h, false
	}
	rest := make([]byte, nameLen+extraLen)
	if _, err := ra.ReadAt(rest, off+30); err != nil {
		return h, false
	}
	h.name, h.extra = string(rest[:nameLen]), rest[nameLen:]
	for e := h.extra; len(e) >= 4; {
		id, n := binary.LittleEndian.Uint16(e), int(binary.LittleEndian.Uint16(e[2:]))
		if 4+n > len(e) {
			break
		}
		if id == 0x0001 { // zip64: the sizes that are 0xffffffff in the header, in order
			h.zip64 = true
			f := e[4 : 4+n]
			if h.size == 0xffffffff && len(f) >= 8 {
				h.size, f = int64(min(binary.LittleEndian.Uint64(f), 1<<62)), f[8:]
			}
			if h.stored == 0xffffffff && len(f) >= 8 {
				h.stored = int64(min(binary.LittleEndian.Uint64(f), 1<<62))
			}
		}
		e = e[4+n:]
	}
	return h, true
}

// recoverCut reads the members of a zip without its central directory, or returns nil when the
// file does not start with a member.
func recoverCut(in *parse.Input) *parse.Result {
	if _, ok := readLocal(in.Data, 0, in.Size); !ok {
		return nil
	}
	x := container.New(in, "zip")
	var recovered []string
	index := 0
	for off := int64(0); ; {
		h, ok := readLocal(in.Data, off, in.Size)
		if !ok {
			var sig [4]byte
			if n, _ := in.Data.ReadAt(sig[:], off); n == 4 && binary.LittleEndian.Uint32(sig[:]) == sigCentral {
				break // the start of the central directory survived: every member was seen
			}
			break
		}
		index++
		if x.Full(index) {
			break
		}
		// Bit 3 says a data descriptor follows the data; a zipper that could seek back (Info-ZIP
		// encrypting to a file) still wrote the sizes in the header, and they are used.
		hasDescriptor := h.flags&0x8 != 0
		descriptor := hasDescriptor && h.stored == 0
		if descriptor && (h.method != 8 || h.flags&0x1 != 0) {
			// A stored or encrypted member's end can only be found by its size, which only the
			// central directory holds.
			x.Warn(container.Where(index, h.name), "zip-cut-no-size")
			break
		}
		src := &counting{r: bufio.NewReader(io.NewSectionReader(in.Data, h.data, in.Size-h.data))}
		stored := in.Size - h.data
		var raw io.Reader = src
		if !descriptor {
			raw = &exactly{r: io.LimitReader(src, h.stored), left: h.stored}
			stored = h.stored
		}
		m := rawMember{flags: h.flags, method: h.method, crc: h.crc, dosTime: h.dosTime, extra: h.extra, stored: h.stored}
		if hasDescriptor && !descriptor && h.crc == 0 {
			m.crcLater = func() (uint32, bool) {
				crc, _, ok := readDescriptor(in.Data, h.data+h.stored, in.Size, h.zip64)
				return crc, ok
			}
		}
		if descriptor {
			m.crcLater = func() (uint32, bool) {
				crc, _, ok := readDescriptor(in.Data, h.data+src.n, in.Size, h.zip64)
				return crc, ok
			}
		}
		body := &tolerant{}
		size := h.size
		if descriptor {
			size = -1
		}
		err := x.Add(index, container.Member{
			Name:    h.name,
			Size:    size,
			Stored:  stored,
			ModTime: localModTime(h, in.Location()),
			Open: func() (io.Reader, error) {
				r, err := decode(in, raw, m)
				if err != nil {
					return nil, err
				}
				body.r = r
				return body, nil
			},
		})
		if err != nil {
			x.Warn("", "zip-stopped", index, err)
			break
		}
		if body.cut {
			x.Warn(container.Where(index, h.name), "zip-cut-member")
			break
		}
		next := h.data + h.stored
		if hasDescriptor && !descriptor {
			if _, n, ok := readDescriptor(in.Data, next, in.Size, h.zip64); ok {
				next += n
			}
		}
		if descriptor {
			if !body.done {
				break // not read to its end (a cap, a locked member): its end is unknown
			}
			_, n, ok := readDescriptor(in.Data, h.data+src.n, in.Size, h.zip64)
			if !ok {
				break
			}
			next = h.data + src.n + n
		}
		if !strings.HasSuffix(h.name, "/") {
			recovered = append(recovered, h.name)
		}
		off = next
	}
	if index == 0 {
		return nil
	}
	list := recovered
	if len(list) > maxRecovered {
		list = list[:maxRecovered]
	}
	names := strings.Join(list, ", ")
	if len(recovered) > len(list) {
		names += ", …"
	}
	x.Warn("", "zip-cut", len(recovered), names)
	res := x.Finish(index)
	// The archive-wide warning first: it is what the reader must know before the details.
	if n := len(res.Warnings); n > 1 {
		last := res.Warnings[n-1]
		for i, w := range res.Warnings {
			if w.Code == "zip-cut" {
				last = w
				res.Warnings = append(res.Warnings[:i], res.Warnings[i+1:]...)
				break
			}
		}
		res.Warnings = append([]parse.Warning{last}, res.Warnings...)
	}
	return res
}

// readDescriptor reads the data descriptor at off: its CRC and its length.
func readDescriptor(ra io.ReaderAt, off, size int64, zip64 bool) (uint32, int64, bool) {
	var b [24]byte
	n, _ := ra.ReadAt(b[:], off)
	p := b[:n]
	length := int64(12)
	if zip64 {
		length = 20
	}
	if len(p) >= 4 && binary.LittleEndian.Uint32(p) == sigDescriptor {
		p, length = p[4:], length+4
	}
	if off+length > size || len(p) < 4 {
		return 0, 0, false
	}
	return binary.LittleEndian.Uint32(p), length, true
}

// localModTime is the member's time: Info-ZIP's extended timestamp when there is one, else the
// MS-DOS date, read in the case zone (see modTime).
func localModTime(h localHeader, loc *time.Location) time.Time {
	for e := h.extra; len(e) >= 4; {
		id, n := binary.LittleEndian.Uint16(e), int(binary.LittleEndian.Uint16(e[2:]))
		if 4+n > len(e) {
			break
		}
		if id == 0x5455 && n >= 5 && e[4]&1 != 0 {
			return time.Unix(int64(binary.LittleEndian.Uint32(e[5:])), 0)
		}
		e = e[4+n:]
	}
	if h.dosDate == 0 {
		return time.Time{}
	}
	return time.Date(int(h.dosDate>>9)+1980, time.Month(h.dosDate>>5&0xf), int(h.dosDate&0x1f),
		int(h.dosTime>>11), int(h.dosTime>>5&0x3f), int(h.dosTime&0x1f)*2, 0, loc)
}

// counting is a ByteReader, so that flate reads exactly the bytes of its stream and no further,
// and counts them: where the stream ends is where the member's data descriptor starts.
type counting struct {
	r *bufio.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *counting) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// exactly turns an early end of the data into io.ErrUnexpectedEOF.
type exactly struct {
	r    io.Reader
	left int64
}

func (e *exactly) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if errors.Is(err, io.EOF) && e.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// tolerant ends a member cut by the end of the file cleanly, so that what could be read of it is
// kept, and says so.
type tolerant struct {
	r    io.Reader
	cut  bool
	done bool
}

func (t *tolerant) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		t.cut = true
		return n, io.EOF
	case errors.Is(err, io.EOF):
		t.done = true
	}
	return n, err
}

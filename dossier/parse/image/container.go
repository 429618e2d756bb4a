package image

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/dossier-tool/dossier/dossier/parse"
)

func readAt(r io.ReaderAt, off int64, n int) ([]byte, error) {
	b := make([]byte, n)
	got, err := r.ReadAt(b, off)
	if got == n {
		return b, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, err
}

const maxBoxes = 4096

type box struct {
	typ            string
	off, body, end int64
	claimedPastEnd bool
	claimedEnd     int64
}

// boxes lists the ISO-BMFF boxes in [start, end), clamping one that claims to run past end.
func boxes(r io.ReaderAt, start, end int64) ([]box, error) {
	var out []box
	for off := start; off+8 <= end && len(out) < maxBoxes; {
		h, err := readAt(r, off, 8)
		if err != nil {
			return out, parse.Errorf("box-header-unreadable", off, err)
		}
		size, hdr := int64(binary.BigEndian.Uint32(h)), int64(8)
		switch size {
		case 0:
			size = end - off
		case 1:
			ext, err := readAt(r, off+8, 8)
			if err != nil {
				return out, parse.Errorf("box-size64-unreadable", off, err)
			}
			u := binary.BigEndian.Uint64(ext)
			if u > 1<<62 {
				return out, parse.Errorf("box-size-impossible", off, u)
			}
			size, hdr = int64(u), 16
		}
		if size < hdr {
			return out, parse.Errorf("box-size-small", fmt.Sprintf("%q", h[4:8]), off, size)
		}
		b := box{typ: string(h[4:8]), off: off, body: off + hdr, end: off + size}
		if b.end > end {
			b.claimedPastEnd, b.claimedEnd, b.end = true, b.end, end
		}
		out = append(out, b)
		off = b.end
	}
	return out, nil
}

func child(bs []box, typ string) (box, bool) {
	for _, b := range bs {
		if b.typ == typ {
			return b, true
		}
	}
	return box{}, false
}

// heifSize reads meta/iprp/ipco/ispe. Of several image spatial extents (the primary image, its
// tiles, the thumbnail) the largest is the primary image's: tiles and thumbnails are parts or
// reductions of it.
func heifSize(r io.ReaderAt, size int64) (int, int, error) {
	top, err := boxes(r, 0, size)
	meta, ok := child(top, "meta")
	if !ok {
		if err != nil {
			return 0, 0, err
		}
		return 0, 0, errors.New("no meta box")
	}
	level, _ := boxes(r, meta.body+4, meta.end) // meta is a full box: version and flags first
	for _, name := range []string{"iprp", "ipco"} {
		b, ok := child(level, name)
		if !ok {
			return 0, 0, fmt.Errorf("no meta/%s box", name)
		}
		level, _ = boxes(r, b.body, b.end)
	}
	var w, h uint32
	for _, b := range level {
		if b.typ != "ispe" {
			continue
		}
		d, err := readAt(r, b.body, 12)
		if err != nil {
			return 0, 0, fmt.Errorf("ispe at offset %d: %w", b.off, err)
		}
		bw, bh := binary.BigEndian.Uint32(d[4:]), binary.BigEndian.Uint32(d[8:])
		if uint64(bw)*uint64(bh) > uint64(w)*uint64(h) {
			w, h = bw, bh
		}
	}
	if w == 0 || h == 0 || w > 1<<30 || h > 1<<30 {
		return 0, 0, fmt.Errorf("no usable ispe box (%d×%d)", w, h)
	}
	return int(w), int(h), nil
}

// checkComplete looks for the signs of a file cut short, reading only headers and the tail.
func checkComplete(r io.ReaderAt, size int64, format string) []parse.Warning {
	switch format {
	case PNG:
		return checkPNG(r, size)
	case JPEG:
		return checkJPEG(r, size)
	case WebP:
		h, err := readAt(r, 4, 4)
		if err == nil {
			if want := int64(binary.LittleEndian.Uint32(h)) + 8; want > size {
				return []parse.Warning{parse.Warn("RIFF header", "claims-bytes-truncated", want, size)}
			}
		}
	default:
		top, err := boxes(r, 0, size)
		var ws []parse.Warning
		if err != nil {
			ws = append(ws, parse.Warn("", "error", err))
		}
		for _, b := range top {
			if b.claimedPastEnd {
				ws = append(ws, parse.Warn(fmt.Sprintf("box %q at offset %d", b.typ, b.off), "claims-end-truncated", b.claimedEnd, size))
			}
		}
		return ws
	}
	return nil
}

// maxPNGChunks bounds the walk; encoders write IDAT in chunks of 8–64 KiB, so real files stay far below.
const maxPNGChunks = 1 << 20

func checkPNG(r io.ReaderAt, size int64) []parse.Warning {
	off := int64(8)
	for i := 0; i < maxPNGChunks; i++ {
		h, err := readAt(r, off, 8)
		if err != nil {
			return []parse.Warning{parse.Warn(fmt.Sprintf("offset %d", off), "png-no-iend")}
		}
		n, typ := int64(binary.BigEndian.Uint32(h)), string(h[4:8])
		if off+12+n > size {
			return []parse.Warning{parse.Warn(fmt.Sprintf("chunk %q at offset %d", printable(typ), off), "needs-bytes-truncated", 12+n, size-off)}
		}
		if typ == "IEND" {
			return nil
		}
		off += 12 + n
	}
	return []parse.Warning{parse.Warn("", "png-too-many-chunks", maxPNGChunks)}
}

// checkJPEG wants an end-of-image marker; some phones append data after it, so the last 4 KiB
// are searched rather than the last two bytes only.
func checkJPEG(r io.ReaderAt, size int64) []parse.Warning {
	from := max(2, size-4096)
	tail, err := readAt(r, from, int(size-from))
	if err != nil || !bytes.Contains(tail, []byte{0xFF, 0xD9}) {
		return []parse.Warning{parse.Warn(fmt.Sprintf("offset %d", size), "jpeg-no-eoi")}
	}
	return nil
}

func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}

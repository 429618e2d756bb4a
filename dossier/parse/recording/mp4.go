package recording

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

type readerAt = io.ReaderAt

// readAt reads exactly n bytes at off.
func readAt(r readerAt, off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 {
		return nil, io.ErrUnexpectedEOF
	}
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

// Limits on how much of an ISO media file is walked: real recordings have a handful of boxes.
const (
	maxBoxesPerLevel = 4096
)

type box struct {
	typ       string
	off, size int64 // the whole box
	body      int64 // offset of the payload
}

// boxes lists the boxes in [start, end). A box that claims to run past end is clamped with a
// warning, since a recording cut short is still evidence.
func boxes(r readerAt, start, end int64, path string, a *audio) ([]box, error) {
	var out []box
	for off := start; off+8 <= end; {
		if len(out) == maxBoxesPerLevel {
			a.warnf(path, "too-many-boxes", maxBoxesPerLevel)
			break
		}
		h, err := readAt(r, off, 8)
		if err != nil {
			return out, fmt.Errorf("box header at offset %d in %s: %w", off, path, err)
		}
		size, hdr := int64(binary.BigEndian.Uint32(h)), int64(8)
		typ := string(h[4:8])
		switch size {
		case 0: // runs to the end of its parent
			size = end - off
		case 1:
			ext, err := readAt(r, off+8, 8)
			if err != nil {
				return out, fmt.Errorf("64-bit size of box %q at offset %d in %s: %w", typ, off, path, err)
			}
			u := binary.BigEndian.Uint64(ext)
			if u > 1<<62 {
				return out, fmt.Errorf("box %q at offset %d in %s: size %d is impossible", typ, off, path, u)
			}
			size, hdr = int64(u), 16
		}
		if size < hdr {
			return out, fmt.Errorf("box %q at offset %d in %s: size %d is smaller than its header", printable(typ), off, path, size)
		}
		if off+size > end {
			a.warnf(fmt.Sprintf("%s/%s at offset %d", path, printable(typ), off), "box-claims-truncated", size, end-off)
			size = end - off
		}
		out = append(out, box{typ: typ, off: off, size: size, body: off + hdr})
		off += size
	}
	return out, nil
}

func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

func find(bs []box, typ string) (box, bool) {
	for _, b := range bs {
		if b.typ == typ {
			return b, true
		}
	}
	return box{}, false
}

// probeMP4 reads an M4A/3GP file: the brand from ftyp, the length from moov/mvhd and the codec
// from the first audio track's sample description.
func probeMP4(r readerAt, size int64) (*audio, error) {
	a := &audio{Container: "MP4", Codec: "unknown"}
	top, err := boxes(r, 0, size, "", a)
	if err != nil && len(top) == 0 {
		return nil, err
	}
	if err != nil {
		a.warnf("", "error", err)
	}
	if ftyp, ok := find(top, "ftyp"); ok {
		if b, err := readAt(r, ftyp.body, 4); err == nil && strings.HasPrefix(string(b), "3g") {
			a.Container = "3GP"
		}
	}
	moov, ok := find(top, "moov")
	if !ok {
		a.warnf("", "no-moov")
		return a, nil
	}
	inMoov, err := boxes(r, moov.body, moov.off+moov.size, "moov", a)
	if err != nil {
		a.warnf("moov", "error", err)
	}
	if mvhd, ok := find(inMoov, "mvhd"); ok {
		scale, dur, err := readTimeHeader(r, mvhd)
		if err != nil {
			a.warnf(fmt.Sprintf("moov/mvhd at offset %d", mvhd.off), "error", err)
		} else {
			a.Units, a.Scale = dur, uint64(scale)
		}
	} else {
		a.warnf("moov", "no-mvhd")
	}
	var track *soundTrack
	for _, trak := range inMoov {
		if trak.typ != "trak" {
			continue
		}
		if t, ok := audioTrack(r, trak, a); ok {
			track = t
			break
		}
	}
	checkSamples(r, top, track, a)
	if a.Scale != 0 && a.Units != 0 && a.Bitrate == 0 {
		if mdat, ok := find(top, "mdat"); ok {
			a.Bitrate = int(uint64(mdat.size-(mdat.body-mdat.off)) * 8 * a.Scale / max(a.Units, 1))
		}
	}
	return a, nil
}

// readTimeHeader reads timescale and duration from an mvhd or mdhd box, version 0 or 1.
func readTimeHeader(r readerAt, b box) (uint32, uint64, error) {
	v, err := readAt(r, b.body, 1)
	if err != nil {
		return 0, 0, fmt.Errorf("version: %w", err)
	}
	switch v[0] {
	case 0:
		h, err := readAt(r, b.body+4+8, 8)
		if err != nil {
			return 0, 0, fmt.Errorf("timescale and duration: %w", err)
		}
		scale, dur := binary.BigEndian.Uint32(h), uint64(binary.BigEndian.Uint32(h[4:]))
		if dur == 0xFFFFFFFF {
			return 0, 0, errors.New("duration not recorded")
		}
		return scale, dur, checkScale(scale)
	case 1:
		h, err := readAt(r, b.body+4+16, 12)
		if err != nil {
			return 0, 0, fmt.Errorf("timescale and duration: %w", err)
		}
		scale, dur := binary.BigEndian.Uint32(h), binary.BigEndian.Uint64(h[4:])
		if dur == ^uint64(0) {
			return 0, 0, errors.New("duration not recorded")
		}
		return scale, dur, checkScale(scale)
	}
	return 0, 0, fmt.Errorf("unknown version %d", v[0])
}

func checkScale(scale uint32) error {
	if scale == 0 {
		return errors.New("timescale is zero")
	}
	return nil
}

var sampleEntryCodecs = map[string]string{
	"mp4a": "AAC", "samr": "AMR-NB", "sawb": "AMR-WB", "Opus": "Opus", "alac": "ALAC",
	"fLaC": "FLAC", ".mp3": "MP3", "ulaw": "G.711 µ-law", "alaw": "G.711 A-law", "sowt": "PCM", "twos": "PCM",
}

// soundTrack is where a sound track's media header and sample table are.
type soundTrack struct {
	trak, mdia, stbl box
}

// audioTrack fills codec, channels and sample rate from trak/mdia/minf/stbl/stsd when the track
// is a sound track, reporting whether it was one.
func audioTrack(r readerAt, trak box, a *audio) (*soundTrack, bool) {
	path := "moov/trak"
	level := trak
	t := &soundTrack{trak: trak}
	for _, name := range []string{"mdia", "minf", "stbl", "stsd"} {
		kids, err := boxes(r, level.body, level.off+level.size, path, a)
		if err != nil {
			a.warnf(path, "error", err)
		}
		if name == "minf" {
			if hdlr, ok := find(kids, "hdlr"); ok {
				if h, err := readAt(r, hdlr.body+8, 4); err == nil && string(h) != "soun" {
					return nil, false
				}
			}
		}
		next, ok := find(kids, name)
		if !ok {
			return nil, false
		}
		path += "/" + name
		level = next
		switch name {
		case "mdia":
			t.mdia = next
		case "stbl":
			t.stbl = next
		}
	}
	// stsd: version+flags, entry count, then sample entries.
	entry, err := readAt(r, level.body+8, 36)
	if err != nil {
		a.warnf(fmt.Sprintf("%s at offset %d", path, level.off), "sample-description", err)
		return t, true
	}
	fourcc := string(entry[4:8])
	if c, ok := sampleEntryCodecs[fourcc]; ok {
		a.Codec = c
	} else {
		a.Codec = printable(fourcc)
	}
	// The sample entry's channel count is fixed at 2 by ISO/IEC 14496-12 whatever the audio holds,
	// so it is not reported.
	a.SampleRate = int(binary.BigEndian.Uint16(entry[32:34]))
	return t, true
}

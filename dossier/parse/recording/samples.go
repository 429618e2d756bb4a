package recording

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// The length an MP4 header states (moov/mvhd) is written when the recording is finalised and is
// only a claim: a file whose audio was lost (an mdat box cut off or never written, a copy that
// kept the index but not the data) still says "5:15". What counts is the audio present, so the
// sound track's sample table (stts durations, stsz sizes, stsc/stco positions) is walked and
// only samples whose bytes lie inside an mdat box of the file are timed. A header that
// disagrees with that is reported and overruled.

// maxSamples bounds the sample-table walk: a 24-hour AAC recording at 48 kHz has 4 million
// samples; a table claiming more is not believed.
const maxSamples = 1 << 24

// span is a byte range [from, to) of the file holding media data.
type span struct{ from, to int64 }

func checkSamples(r readerAt, top []box, track *soundTrack, a *audio) {
	var data []span
	for _, b := range top {
		if b.typ == "mdat" {
			data = append(data, span{b.body, b.off + b.size})
		}
	}
	_, fragmented := find(top, "moof")
	if fragmented {
		return // fragmented files keep their samples in moof/traf; not walked
	}
	stated, statedOK := a.length()
	if len(data) == 0 {
		if statedOK && stated > 0 {
			a.warnf("", "no-mdat-stated", lengthText(stated))
		} else {
			a.warnf("", "no-mdat")
		}
		a.Units, a.Scale, a.Bitrate = 0, 0, 0
		return
	}
	if track == nil {
		return
	}
	scale, err := mediaScale(r, track.mdia)
	if err != nil {
		a.warnf("moov/trak/mdia/mdhd", "length-from-header", err)
		return
	}
	present, total, err := walkSamples(r, track.stbl, data)
	if err != nil {
		a.warnf("moov/trak/mdia/minf/stbl", "sample-table-length-from-header", err)
		return
	}
	// AAC encoders put priming samples first, which the edit list skips and the header's
	// length leaves out.
	skip := mediaStart(r, track.trak)
	present, total = present-min(present, skip), total-min(total, skip)
	actual := (&audio{Units: present, Scale: uint64(scale)})
	have, ok := actual.length()
	if !ok {
		return
	}
	switch {
	case present < total:
		a.warnf("mdat", "audio-shorter-truncated", lengthText(have), lengthText(stated), lengthText(have))
	case statedOK && absDuration(have-stated) > time.Second:
		a.warnf("moov/mvhd", "header-length-differs", lengthText(stated), lengthText(have), lengthText(have))
	default:
		return
	}
	a.Units, a.Scale = present, uint64(scale)
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// lengthText formats a length for a warning, with milliseconds: 5:15.000.
func lengthText(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}

func mediaScale(r readerAt, mdia box) (uint32, error) {
	kids, err := boxes(r, mdia.body, mdia.off+mdia.size, "moov/trak/mdia", &audio{})
	if err != nil {
		return 0, err
	}
	mdhd, ok := find(kids, "mdhd")
	if !ok {
		return 0, errors.New("no mdhd box")
	}
	scale, _, err := readTimeHeader(r, mdhd)
	return scale, err
}

// table reads a full box's entries one by one: version and flags, a 32-bit count, then entries
// of a fixed size.
type table struct {
	br    *bufio.Reader
	count uint32
	buf   []byte
}

func openTable(r readerAt, b box, skip int64, entry int) (*table, error) {
	sr := io.NewSectionReader(r, b.body, b.off+b.size-b.body)
	head := make([]byte, skip+8)
	if _, err := io.ReadFull(sr, head); err != nil {
		return nil, fmt.Errorf("%s header: %w", b.typ, err)
	}
	t := &table{br: bufio.NewReaderSize(sr, 16<<10), count: binary.BigEndian.Uint32(head[skip+4:]), buf: make([]byte, entry)}
	if int64(t.count)*int64(entry) > b.off+b.size-b.body {
		return nil, fmt.Errorf("%s claims %d entries, more than the box holds", b.typ, t.count)
	}
	return t, nil
}

func (t *table) next() ([]byte, error) {
	if _, err := io.ReadFull(t.br, t.buf); err != nil {
		return nil, err
	}
	return t.buf, nil
}

// walkSamples returns the summed durations (in the track's media timescale) of the samples whose
// bytes lie inside data, and of all the samples the table lists.
func walkSamples(r readerAt, stbl box, data []span) (present, total uint64, err error) {
	kids, err := boxes(r, stbl.body, stbl.off+stbl.size, "moov/trak/mdia/minf/stbl", &audio{})
	if err != nil {
		return 0, 0, err
	}
	get := func(typ string) (box, error) {
		b, ok := find(kids, typ)
		if !ok {
			return box{}, fmt.Errorf("no %s box", typ)
		}
		return b, nil
	}
	sttsBox, err := get("stts")
	if err != nil {
		return 0, 0, err
	}
	stszBox, err := get("stsz")
	if err != nil {
		return 0, 0, err
	}
	stscBox, err := get("stsc")
	if err != nil {
		return 0, 0, err
	}
	offBox, wide := box{}, false
	if b, ok := find(kids, "stco"); ok {
		offBox = b
	} else if b, ok := find(kids, "co64"); ok {
		offBox, wide = b, true
	} else {
		return 0, 0, errors.New("no stco or co64 box")
	}

	stts, err := openTable(r, sttsBox, 0, 8)
	if err != nil {
		return 0, 0, err
	}
	// stsz: version/flags, a uniform sample size (0 when each has its own), the count, the sizes.
	sizes, err := openTable(r, stszBox, 4, 4)
	if err != nil {
		if u, e := readAt(r, stszBox.body+4, 8); e == nil && binary.BigEndian.Uint32(u) != 0 {
			sizes, err = &table{count: binary.BigEndian.Uint32(u[4:])}, nil
		} else {
			return 0, 0, err
		}
	}
	uniform := uint32(0)
	if u, e := readAt(r, stszBox.body+4, 4); e == nil {
		uniform = binary.BigEndian.Uint32(u)
	}
	if sizes.count > maxSamples {
		return 0, 0, fmt.Errorf("%d samples is more than a recording holds", sizes.count)
	}
	stsc, err := openTable(r, stscBox, 0, 12)
	if err != nil {
		return 0, 0, err
	}
	entry := 4
	if wide {
		entry = 8
	}
	chunks, err := openTable(r, offBox, 0, entry)
	if err != nil {
		return 0, 0, err
	}

	// Durations: stts runs of (count, delta).
	var runLeft, delta uint32
	sttsLeft := stts.count
	nextDelta := func() (uint32, error) {
		for runLeft == 0 {
			if sttsLeft == 0 {
				return 0, errors.New("stts lists fewer samples than stsz")
			}
			sttsLeft--
			e, err := stts.next()
			if err != nil {
				return 0, fmt.Errorf("stts: %w", err)
			}
			runLeft, delta = binary.BigEndian.Uint32(e), binary.BigEndian.Uint32(e[4:])
		}
		runLeft--
		return delta, nil
	}
	// Samples per chunk: stsc runs of (first chunk, samples per chunk, description index); the
	// next run is held until its first chunk comes.
	stscLeft := stsc.count
	var nextPer, nextFirst, current uint32
	pending := false
	readRun := func() error {
		pending = false
		if stscLeft == 0 {
			return nil
		}
		stscLeft--
		e, err := stsc.next()
		if err != nil {
			return fmt.Errorf("stsc: %w", err)
		}
		nextFirst, nextPer, pending = binary.BigEndian.Uint32(e), binary.BigEndian.Uint32(e[4:]), true
		return nil
	}
	if err := readRun(); err != nil {
		return 0, 0, err
	}

	inData := func(off, size int64) bool {
		for _, d := range data {
			if off >= d.from && off+size <= d.to {
				return true
			}
		}
		return false
	}
	left := sizes.count
	for c := uint32(1); c <= chunks.count && left > 0; c++ {
		for pending && c >= nextFirst {
			current = nextPer
			if err := readRun(); err != nil {
				return 0, 0, err
			}
		}
		e, err := chunks.next()
		if err != nil {
			return 0, 0, fmt.Errorf("chunk offsets: %w", err)
		}
		off := int64(binary.BigEndian.Uint32(e))
		if wide {
			off = int64(binary.BigEndian.Uint64(e) & (1<<62 - 1))
		}
		for s := uint32(0); s < current && left > 0; s++ {
			left--
			size := int64(uniform)
			if uniform == 0 {
				b, err := sizes.next()
				if err != nil {
					return 0, 0, fmt.Errorf("stsz: %w", err)
				}
				size = int64(binary.BigEndian.Uint32(b))
			}
			d, err := nextDelta()
			if err != nil {
				return 0, 0, err
			}
			total += uint64(d)
			if inData(off, size) {
				present += uint64(d)
			}
			off += size
		}
	}
	if left > 0 {
		return 0, 0, fmt.Errorf("%d samples are in no chunk", left)
	}
	return present, total, nil
}

// mediaStart is where the track's edit list starts playing, in media units: the first edit that
// is not an empty (delay) edit. Zero without an edit list.
func mediaStart(r readerAt, trak box) uint64 {
	kids, err := boxes(r, trak.body, trak.off+trak.size, "moov/trak", &audio{})
	if err != nil {
		return 0
	}
	edts, ok := find(kids, "edts")
	if !ok {
		return 0
	}
	inEdts, err := boxes(r, edts.body, edts.off+edts.size, "moov/trak/edts", &audio{})
	if err != nil {
		return 0
	}
	elst, ok := find(inEdts, "elst")
	if !ok {
		return 0
	}
	v, err := readAt(r, elst.body, 1)
	if err != nil {
		return 0
	}
	entry := 12
	if v[0] == 1 {
		entry = 20
	}
	t, err := openTable(r, elst, 0, entry)
	if err != nil {
		return 0
	}
	for i := uint32(0); i < t.count && i < 16; i++ {
		e, err := t.next()
		if err != nil {
			return 0
		}
		var start int64
		if v[0] == 1 {
			start = int64(binary.BigEndian.Uint64(e[8:]))
		} else {
			start = int64(int32(binary.BigEndian.Uint32(e[4:])))
		}
		if start >= 0 {
			return uint64(start)
		}
	}
	return 0
}

package recording

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// frameReader walks a stream of frames through a small buffer, keeping the absolute offset.
type frameReader struct {
	br  *bufio.Reader
	off int64
	end int64
}

func newFrameReader(r readerAt, start, end int64) *frameReader {
	return &frameReader{br: bufio.NewReaderSize(io.NewSectionReader(r, start, end-start), 32<<10), off: start, end: end}
}

func (f *frameReader) peek(n int) ([]byte, error) { return f.br.Peek(n) }

func (f *frameReader) skip(n int64) error {
	for n > 0 {
		step := min(n, 1<<30)
		d, err := f.br.Discard(int(step))
		f.off += int64(d)
		n -= int64(d)
		if err != nil {
			return err
		}
	}
	return nil
}

// AMR storage format (RFC 4867 section 5): a magic line, then frames of one table-of-contents
// byte and a payload whose size the frame type fixes. Every frame, NO_DATA included, is 20 ms.
var (
	amrNBSizes = [16]int64{13, 14, 16, 18, 20, 21, 27, 32, 6, 1, 1, 1, 1, 1, 1, 1}
	amrWBSizes = [16]int64{18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 1, 1, 1, 1, 1, 1}
	amrNBRates = [8]int{4750, 5150, 5900, 6700, 7400, 7950, 10200, 12200}
	amrWBRates = [9]int{6600, 8850, 12650, 14250, 15850, 18250, 19850, 23050, 23850}
)

func probeAMR(r readerAt, size int64) (*audio, error) {
	head, err := readAt(r, 0, int(min(size, 16)))
	if err != nil {
		return nil, fmt.Errorf("amr header: %w", err)
	}
	a := &audio{Container: "AMR", Channels: 1}
	var sizes *[16]int64
	var start int64
	switch {
	case bytes.HasPrefix(head, []byte("#!AMR-WB\n")):
		a.Codec, a.SampleRate, sizes, start = "AMR-WB", 16000, &amrWBSizes, 9
	case bytes.HasPrefix(head, []byte("#!AMR\n")):
		a.Codec, a.SampleRate, sizes, start = "AMR-NB", 8000, &amrNBSizes, 6
	case bytes.HasPrefix(head, []byte("#!AMR_MC1.0\n")), bytes.HasPrefix(head, []byte("#!AMR-WB_MC1.0\n")):
		a.Codec = "AMR multichannel"
		a.warnf("offset 0", "amr-multichannel")
		return a, nil
	default:
		return nil, errors.New("amr header: bad magic")
	}
	fr := newFrameReader(r, start, size)
	var frames int64
	for fr.off < size {
		toc, err := fr.peek(1)
		if err != nil {
			break
		}
		if toc[0]&0x83 != 0 {
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "bad-frame-header-byte", fmt.Sprintf("0x%02x", toc[0]))
			break
		}
		ft := toc[0] >> 3 & 0x0F
		n := sizes[ft]
		if fr.off+n > size {
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "frame-truncated", n, size-fr.off)
			break
		}
		if a.Bitrate == 0 {
			switch {
			case sizes == &amrNBSizes && int(ft) < len(amrNBRates):
				a.Bitrate = amrNBRates[ft]
			case sizes == &amrWBSizes && int(ft) < len(amrWBRates):
				a.Bitrate = amrWBRates[ft]
			}
		}
		if err := fr.skip(n); err != nil {
			break
		}
		frames++
	}
	a.Units, a.Scale = uint64(frames)*20, 1000
	return a, nil
}

// id3Size returns the length of an ID3v2 tag at the start of b (0 if none).
func id3Size(b []byte) int64 {
	if len(b) < 10 || string(b[:3]) != "ID3" || b[3] == 0xFF || b[4] == 0xFF {
		return 0
	}
	for _, c := range b[6:10] {
		if c&0x80 != 0 {
			return 0
		}
	}
	n := int64(b[6])<<21 | int64(b[7])<<14 | int64(b[8])<<7 | int64(b[9])
	n += 10
	if b[5]&0x10 != 0 {
		n += 10 // footer
	}
	return n
}

// skipID3 returns the offset after any ID3v2 tags at the start of the file.
func skipID3(r readerAt, size int64) int64 {
	var off int64
	for range 8 {
		h, err := readAt(r, off, 10)
		if err != nil {
			return off
		}
		n := id3Size(h)
		if n == 0 || off+n > size {
			return off
		}
		off += n
	}
	return off
}

// MPEG audio frame header tables (ISO 11172-3, ISO 13818-3 and the MPEG 2.5 extension).
var (
	mpegBitrates = [2][3][16]int{ // [MPEG1, MPEG2/2.5][layer I, II, III] in kbit/s
		{{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
			{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
		{{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}},
	}
	mpegRates = map[int][3]int{1: {44100, 48000, 32000}, 2: {22050, 24000, 16000}, 25: {11025, 12000, 8000}}
)

type mp3Header struct {
	version    int // 1, 2 or 25
	layer      int // 1, 2, 3
	bitrate    int // bit/s
	sampleRate int
	samples    int // per frame
	length     int64
	mono       bool
}

func parseMP3Header(b []byte) (mp3Header, bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return mp3Header{}, false
	}
	var h mp3Header
	switch b[1] >> 3 & 3 {
	case 0:
		h.version = 25
	case 2:
		h.version = 2
	case 3:
		h.version = 1
	default:
		return h, false
	}
	h.layer = 4 - int(b[1]>>1&3)
	if h.layer == 4 {
		return h, false
	}
	bi, si := b[2]>>4, b[2]>>2&3
	if bi == 0 || bi == 15 || si == 3 {
		return h, false // free format is not used by recorders; 15 and 3 are reserved
	}
	v := 0
	if h.version != 1 {
		v = 1
	}
	h.bitrate = mpegBitrates[v][h.layer-1][bi] * 1000
	h.sampleRate = mpegRates[h.version][si]
	pad := int64(b[2] >> 1 & 1)
	h.mono = b[3]>>6 == 3
	switch {
	case h.layer == 1:
		h.samples = 384
		h.length = (12*int64(h.bitrate)/int64(h.sampleRate) + pad) * 4
	case h.layer == 3 && h.version != 1:
		h.samples = 576
		h.length = 72*int64(h.bitrate)/int64(h.sampleRate) + pad
	default:
		h.samples = 1152
		h.length = 144*int64(h.bitrate)/int64(h.sampleRate) + pad
	}
	return h, h.length > 4
}

// syncWindow bounds how far the reader searches for the first frame or to regain sync.
const syncWindow = 64 << 10

func probeMP3(r readerAt, size int64) (*audio, error) {
	start := skipID3(r, size)
	fr := newFrameReader(r, start, size)
	first, skipped, ok := resync(fr, size)
	if !ok {
		return nil, fmt.Errorf("mp3: no frame header within %d bytes of offset %d", syncWindow, start)
	}
	a := &audio{Container: "MP3", Codec: fmt.Sprintf("MPEG-%s Layer %s", mpegName(first.version), [4]string{"", "I", "II", "III"}[first.layer]),
		SampleRate: first.sampleRate, Channels: 2}
	if first.mono {
		a.Channels = 1
	}
	if first.layer == 3 {
		a.Codec = "MP3"
	}
	if skipped > 0 {
		a.warnf(fmt.Sprintf("offset %d", start), "garbage-before-frame", skipped)
	}
	firstOff := fr.off

	// A Xing/Info or VBRI header in the first frame gives the frame count directly.
	if frames, ok := vbrFrames(r, firstOff, first); ok {
		a.Units, a.Scale = frames*uint64(first.samples), uint64(first.sampleRate)
		a.Bitrate = first.bitrate
		if frames > 0 {
			a.Bitrate = int(uint64(size-firstOff-first.length) * 8 * uint64(first.sampleRate) / (frames * uint64(first.samples)))
		}
		return a, nil
	}

	var frames, samples, bytesIn uint64
	for fr.off < size {
		b, err := fr.peek(4)
		if err != nil {
			break
		}
		if string(b[:3]) == "TAG" || string(b) == "APET" || string(b) == "LYRI" {
			break // ID3v1, APE or Lyrics3 trailer
		}
		h, ok := parseMP3Header(b)
		if !ok || h.sampleRate != first.sampleRate {
			at := fr.off
			h2, skipped, found := resync(fr, size)
			if !found {
				a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, at), "lost-sync-trailing", size-at)
				break
			}
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, at), "lost-sync-skipped", skipped)
			h = h2
		}
		if fr.off+h.length > size {
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "frame-truncated", h.length, size-fr.off)
			break
		}
		frames++
		samples += uint64(h.samples)
		bytesIn += uint64(h.length)
		if err := fr.skip(h.length); err != nil {
			break
		}
	}
	a.Units, a.Scale = samples, uint64(first.sampleRate)
	if samples > 0 {
		a.Bitrate = int(bytesIn * 8 * uint64(first.sampleRate) / samples)
	}
	return a, nil
}

func mpegName(v int) string {
	if v == 25 {
		return "2.5"
	}
	return fmt.Sprint(v)
}

// resync advances fr to the next offset where two consecutive valid frame headers agree, so that
// a stray 0xFF in the payload is not taken for a frame.
func resync(fr *frameReader, size int64) (mp3Header, int64, bool) {
	var skipped int64
	for skipped < syncWindow && fr.off+4 <= size {
		b, err := fr.peek(4)
		if err != nil {
			return mp3Header{}, skipped, false
		}
		if h, ok := parseMP3Header(b); ok {
			if fr.off+h.length+4 > size {
				return h, skipped, true // the last frame: nothing to confirm it against
			}
			if next, err := fr.peek(int(h.length) + 4); err == nil {
				if h2, ok := parseMP3Header(next[h.length:]); ok && h2.sampleRate == h.sampleRate && h2.layer == h.layer {
					return h, skipped, true
				}
			}
		}
		if err := fr.skip(1); err != nil {
			return mp3Header{}, skipped, false
		}
		skipped++
	}
	return mp3Header{}, skipped, false
}

// vbrFrames reads the frame count of a Xing/Info or VBRI header in the frame at off; the count
// excludes that frame, which holds no audio.
func vbrFrames(r readerAt, off int64, h mp3Header) (uint64, bool) {
	side := 32
	switch {
	case h.version == 1 && h.mono:
		side = 17
	case h.version != 1 && !h.mono:
		side = 17
	case h.version != 1 && h.mono:
		side = 9
	}
	if x, err := readAt(r, off+4+int64(side), 12); err == nil {
		if tag := string(x[:4]); (tag == "Xing" || tag == "Info") && x[7]&1 != 0 {
			return uint64(x[8])<<24 | uint64(x[9])<<16 | uint64(x[10])<<8 | uint64(x[11]), true
		}
	}
	if v, err := readAt(r, off+36, 18); err == nil && string(v[:4]) == "VBRI" {
		return uint64(v[14])<<24 | uint64(v[15])<<16 | uint64(v[16])<<8 | uint64(v[17]), true
	}
	return 0, false
}

// ADTS (raw AAC as some recorders write it): 7- or 9-byte headers, each frame holding one to four
// raw data blocks of 1024 samples.
var adtsRates = [13]int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}

func probeADTS(r readerAt, size int64) (*audio, error) {
	start := skipID3(r, size)
	fr := newFrameReader(r, start, size)
	a := &audio{Container: "AAC", Codec: "AAC"}
	var frames, samples, bytesIn uint64
	for fr.off < size {
		b, err := fr.peek(7)
		if err != nil {
			if fr.off < size {
				a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "truncated-header")
			}
			break
		}
		if string(b[:3]) == "TAG" || string(b[:4]) == "APET" {
			break
		}
		if b[0] != 0xFF || b[1]&0xF6 != 0xF0 {
			if frames == 0 {
				return nil, fmt.Errorf("adts: no frame header at offset %d", fr.off)
			}
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "bad-frame-header")
			break
		}
		ri := int(b[2] >> 2 & 0x0F)
		if ri >= len(adtsRates) {
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "reserved-frequency-index", ri)
			break
		}
		n := int64(b[3]&3)<<11 | int64(b[4])<<3 | int64(b[5]>>5)
		if n < 7 {
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "frame-shorter-than-header", n)
			break
		}
		if fr.off+n > size {
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "frame-truncated", n, size-fr.off)
			break
		}
		if frames == 0 {
			a.SampleRate = adtsRates[ri]
			a.Channels = int(b[2]&1)<<2 | int(b[3]>>6)
		} else if adtsRates[ri] != a.SampleRate {
			a.warnf(fmt.Sprintf("frame %d at offset %d", frames+1, fr.off), "sample-rate-changes", a.SampleRate, adtsRates[ri])
			break
		}
		frames++
		samples += uint64(b[6]&3+1) * 1024
		bytesIn += uint64(n)
		if err := fr.skip(n); err != nil {
			break
		}
	}
	if frames == 0 {
		return nil, errors.New("adts: no complete frame")
	}
	a.Units, a.Scale = samples, uint64(a.SampleRate)
	a.Bitrate = int(bytesIn * 8 * uint64(a.SampleRate) / samples)
	return a, nil
}

package recording

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

var wavFormats = map[uint16]string{1: "PCM", 3: "PCM float", 6: "G.711 A-law", 7: "G.711 µ-law",
	0x11: "IMA ADPCM", 0x31: "GSM 6.10", 0x55: "MP3", 0xFFFE: "PCM"}

const maxChunks = 1024

// probeWAV reads RIFF/WAVE (and RF64) chunk headers: fmt gives the byte rate, data its size.
func probeWAV(r readerAt, size int64) (*audio, error) {
	h, err := readAt(r, 0, 12)
	if err != nil {
		return nil, fmt.Errorf("wav header: %w", err)
	}
	rf64 := string(h[:4]) == "RF64"
	a := &audio{Container: "WAV", Codec: "unknown"}
	var byteRate uint32
	var dataSize, dataOff int64 = -1, 0
	var ds64Data uint64
	off := int64(12)
	for i := 0; i < maxChunks && off+8 <= size; i++ {
		c, err := readAt(r, off, 8)
		if err != nil {
			break
		}
		id, n := string(c[:4]), int64(binary.LittleEndian.Uint32(c[4:]))
		where := fmt.Sprintf("chunk %q at offset %d", printable(id), off)
		switch id {
		case "ds64":
			if d, err := readAt(r, off+8, 16); err == nil {
				ds64Data = binary.LittleEndian.Uint64(d[8:])
			}
		case "fmt ":
			f, err := readAt(r, off+8, 16)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			tag := binary.LittleEndian.Uint16(f)
			if name, ok := wavFormats[tag]; ok {
				a.Codec = name
			} else {
				a.Codec = fmt.Sprintf("format 0x%04x", tag)
			}
			a.Channels = int(binary.LittleEndian.Uint16(f[2:]))
			a.SampleRate = int(binary.LittleEndian.Uint32(f[4:]))
			byteRate = binary.LittleEndian.Uint32(f[8:])
			a.Bitrate = int(byteRate) * 8
		case "data":
			dataOff, dataSize = off+8, n
			if rf64 && n == 0xFFFFFFFF {
				dataSize = int64(min(ds64Data, 1<<62))
			}
			if n == 0xFFFFFFFF && !rf64 || dataOff+dataSize > size {
				if n != 0xFFFFFFFF {
					a.warnf(where, "claims-remain-truncated", dataSize, size-dataOff)
				}
				dataSize = size - dataOff
			}
		}
		if id == "data" {
			break // nothing after the samples matters for the length
		}
		off += 8 + n + n&1
	}
	if byteRate == 0 {
		if a.Codec == "unknown" {
			a.warnf("", "no-fmt-chunk")
		} else {
			a.warnf("", "zero-byte-rate")
		}
		return a, nil
	}
	if dataSize < 0 {
		a.warnf("", "no-data-chunk")
		return a, nil
	}
	a.Units, a.Scale = uint64(dataSize), uint64(byteRate)
	return a, nil
}

// probeFLAC reads STREAMINFO: sample rate and total samples are in its first bytes.
func probeFLAC(r readerAt, size int64) (*audio, error) {
	off := skipID3(r, size)
	h, err := readAt(r, off, 4+4+18)
	if err != nil {
		return nil, fmt.Errorf("flac header at offset %d: %w", off, err)
	}
	if string(h[:4]) != "fLaC" {
		return nil, fmt.Errorf("flac: no fLaC marker at offset %d", off)
	}
	a := &audio{Container: "FLAC", Codec: "FLAC"}
	if h[4]&0x7F != 0 {
		a.warnf(fmt.Sprintf("offset %d", off+4), "no-streaminfo")
		return a, nil
	}
	si := h[8:]
	x := binary.BigEndian.Uint64(si[10:18])
	a.SampleRate = int(x >> 44)
	a.Channels = int(x>>41&7) + 1
	total := x & (1<<36 - 1)
	if a.SampleRate == 0 || total == 0 {
		a.warnf(fmt.Sprintf("STREAMINFO at offset %d", off+8), "no-total-samples")
		return a, nil
	}
	a.Units, a.Scale = total, uint64(a.SampleRate)
	if total > 0 {
		a.Bitrate = int(uint64(size) * 8 * uint64(a.SampleRate) / total)
	}
	return a, nil
}

// probeOgg reads the codec from the first page and the length from the granule position of the
// last page of the same stream, found in the file's last 64 KiB.
func probeOgg(r readerAt, size int64) (*audio, error) {
	p, err := readAt(r, 0, int(min(size, 27+255+64)))
	if err != nil {
		return nil, fmt.Errorf("ogg first page: %w", err)
	}
	if len(p) < 28 || string(p[:4]) != "OggS" {
		return nil, errors.New("ogg first page: bad capture pattern")
	}
	serial := binary.LittleEndian.Uint32(p[14:])
	if 27+int(p[26]) > len(p) {
		return nil, errors.New("ogg first page: segment table runs past the end")
	}
	body := p[27+int(p[26]):]
	a := &audio{Container: "Ogg", Codec: "unknown"}
	var preSkip uint64
	switch {
	case len(body) >= 16 && string(body[:7]) == "\x01vorbis":
		a.Codec, a.Channels = "Vorbis", int(body[11])
		a.SampleRate = int(binary.LittleEndian.Uint32(body[12:]))
		if len(body) >= 24 {
			a.Bitrate = int(int32(binary.LittleEndian.Uint32(body[20:])))
		}
	case len(body) >= 16 && string(body[:8]) == "OpusHead":
		// Opus granules count 48 kHz samples whatever the input rate; the first pre-skip
		// samples are decoder warm-up and not part of the recording.
		a.Codec, a.Channels, a.SampleRate = "Opus", int(body[9]), 48000
		preSkip = uint64(binary.LittleEndian.Uint16(body[10:]))
	case len(body) >= 40 && string(body[:8]) == "Speex   ":
		a.Codec = "Speex"
		a.SampleRate = int(binary.LittleEndian.Uint32(body[36:]))
	default:
		a.warnf("page 0", "unknown-codec")
		return a, nil
	}
	if a.SampleRate <= 0 {
		a.warnf("page 0", "zero-sample-rate")
		return a, nil
	}
	tailOff := max(0, size-64<<10)
	tail, err := readAt(r, tailOff, int(size-tailOff))
	if err != nil {
		return nil, fmt.Errorf("ogg last pages: %w", err)
	}
	for i := bytes.LastIndex(tail, []byte("OggS")); i >= 0; i = bytes.LastIndex(tail[:i], []byte("OggS")) {
		if i+27 > len(tail) || tail[i+4] != 0 || binary.LittleEndian.Uint32(tail[i+14:]) != serial {
			continue
		}
		g := binary.LittleEndian.Uint64(tail[i+6:])
		if g == ^uint64(0) || g == 0 {
			continue // a page on which no packet ends, or a header page
		}
		if g < preSkip {
			g = preSkip
		}
		a.Units, a.Scale = g-preSkip, uint64(a.SampleRate)
		return a, nil
	}
	a.warnf(fmt.Sprintf("offset %d", tailOff), "no-final-page")
	return a, nil
}

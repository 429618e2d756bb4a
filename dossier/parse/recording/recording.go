// Package recording reads call recordings: their exact length from the container, and when the
// call happened and with whom from the file name the recorder app gave it.
//
// A recording's length is evidence (a 3-minute collection call at 23:00), so it is read from the
// container rather than estimated from the bit rate: MP4/M4A/3GP from the movie header (mvhd),
// AMR by counting frames (every frame is 20 ms), MP3 from the Xing/Info/VBRI frame count or, when
// there is none, by walking every frame header, WAV from the data chunk and the byte rate, FLAC
// from STREAMINFO, Ogg from the last page's granule position and raw AAC (ADTS) by counting
// frames. Each reader works through an io.ReaderAt, reads headers only and bounds every loop, so
// a damaged or hostile file costs at most one pass over its bytes and yields a warning naming the
// offset, box or frame where it broke.
//
// Recorder apps write no metadata worth trusting, so the time and the counterpart come from the
// file name (package filetime: MIUI, Samsung/Google, LineageOS, BCR conventions), else from the
// file's modification time; which one was used is recorded. A same-stem .txt transcript, which
// ingest passes in Input.Transcript, becomes the event's text. The event's duration is the
// container length rounded to the nearest second; Info keeps the exact value in milliseconds.
package recording

import (
	"bytes"
	"cmp"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/filetime"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/phone"
)

// Parser reads call recordings in the containers phones write.
type Parser struct{}

// Name implements parse.Parser.
func (Parser) Name() string { return "recording" }

// errNotAudio means the bytes are not a container this package reads.
var errNotAudio = parse.Errorf("not-audio")

// audio is what a container reader learnt about a file.
type audio struct {
	Container  string // MP4, 3GP, AMR, MP3, WAV, FLAC, Ogg, AAC
	Codec      string
	SampleRate int
	Channels   int
	Bitrate    int // bits per second; nominal when the codec has one, else the average
	// The length is Units/Scale seconds, kept as a fraction so that it is exact.
	Units, Scale uint64
	Warnings     []parse.Warning
}

func (a *audio) warnf(where, code string, args ...any) {
	a.Warnings = append(a.Warnings, parse.Warn(where, code, args...))
}

// length converts Units/Scale to a time.Duration, reporting false when unknown or too long.
func (a *audio) length() (time.Duration, bool) {
	if a.Scale == 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(a.Units, uint64(time.Second))
	if hi >= a.Scale {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, a.Scale)
	if q > 1<<62 {
		return 0, false
	}
	return time.Duration(q), true
}

// container identifies a format from its first bytes.
type container int

const (
	unknown container = iota
	isoMedia
	amrFile
	mp3File
	wavFile
	flacFile
	oggFile
	adtsFile
)

// Audio brands of ISO media files. Video brands (isom, mp42, ...) count only with an audio
// extension, so that a screen recording is not taken for a call recording.
var audioBrands = map[string]bool{"M4A ": true, "M4B ": true, "3gp4": true, "3gp5": true, "3gp6": true,
	"3gp7": true, "3ge6": true, "3ge7": true, "3gg6": true, "3g2a": true, "3g2b": true, "3g2c": true}

var audioExts = map[string]bool{".m4a": true, ".3gp": true, ".3ga": true, ".aac": true, ".mp4a": true, ".amr": true,
	".mp3": true, ".wav": true, ".ogg": true, ".oga": true, ".opus": true, ".flac": true}

func identify(head []byte, ext string) container {
	switch {
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		if audioBrands[string(head[8:12])] || audioExts[ext] {
			return isoMedia
		}
	case bytes.HasPrefix(head, []byte("#!AMR")):
		return amrFile
	case len(head) >= 12 && (string(head[:4]) == "RIFF" || string(head[:4]) == "RF64") && string(head[8:12]) == "WAVE":
		return wavFile
	case bytes.HasPrefix(head, []byte("fLaC")):
		return flacFile
	case bytes.HasPrefix(head, []byte("OggS")):
		return oggFile
	}
	// MP3, ADTS and FLAC may start with an ID3v2 tag.
	body := head
	if n := id3Size(head); n > 0 {
		if n >= int64(len(head)) {
			if ext == ".mp3" || ext == ".aac" || ext == ".flac" {
				return map[string]container{".mp3": mp3File, ".aac": adtsFile, ".flac": flacFile}[ext]
			}
			return unknown
		}
		body = head[n:]
	}
	switch {
	case bytes.HasPrefix(body, []byte("fLaC")):
		return flacFile
	case len(body) >= 2 && body[0] == 0xFF && body[1]&0xF6 == 0xF0:
		return adtsFile
	case len(body) >= 4 && body[0] == 0xFF && body[1]&0xE0 == 0xE0:
		if _, ok := parseMP3Header(body); ok {
			return mp3File
		}
	}
	return unknown
}

// Detect implements parse.Parser: by content, never by extension alone.
func (Parser) Detect(s *parse.Sniff) bool {
	return identify(s.Head, strings.ToLower(s.Ext)) != unknown
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	head := make([]byte, 64)
	n, _ := in.Data.ReadAt(head, 0)
	head = head[:n]
	var probe func(r readerAt, size int64) (*audio, error)
	switch identify(head, strings.ToLower(in.Ext)) {
	case isoMedia:
		probe = probeMP4
	case amrFile:
		probe = probeAMR
	case mp3File:
		probe = probeMP3
	case wavFile:
		probe = probeWAV
	case flacFile:
		probe = probeFLAC
	case oggFile:
		probe = probeOgg
	case adtsFile:
		probe = probeADTS
	default:
		return nil, fmt.Errorf("%s: %w", in.Name, errNotAudio)
	}
	a, err := probe(in.Data, in.Size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return describe(in, a), nil
}

func describe(in *parse.Input, a *audio) *parse.Result {
	res := &parse.Result{Kind: parse.KindRecording, Warnings: a.Warnings, Info: map[string]string{
		"container": a.Container,
		"codec":     a.Codec,
	}}
	if a.SampleRate > 0 {
		res.Info["sample_rate"] = strconv.Itoa(a.SampleRate)
	}
	if a.Channels > 0 {
		res.Info["channels"] = strconv.Itoa(a.Channels)
	}
	if a.Bitrate > 0 {
		res.Info["bitrate"] = strconv.Itoa(a.Bitrate)
	}
	ev := event.Event{Channel: event.Recording, Text: strings.TrimSpace(in.Transcript), Locator: "file"}
	length, known := a.length()
	if known {
		secs := int64((length + time.Second/2) / time.Second)
		ev.Duration = event.Seconds(secs)
		res.Info["duration"] = strconv.FormatFloat(length.Seconds(), 'f', 3, 64)
		res.Info["duration_mmss"] = clock(secs)
	} else {
		res.Warnings = append(res.Warnings, parse.Warn("", "length-not-recorded", a.Container))
	}

	ft, named := filetime.Parse(in.Name, in.Location())
	if named {
		ev.Counterpart = phone.Normalize(ft.Number)
		ev.CounterpartName = ft.Name
		if ft.Number != "" {
			res.Info["number"] = ft.Number
		}
		if ft.Name != "" {
			res.Info["name"] = ft.Name
		}
	}
	if problem := in.Implausible(ft.Time); named && problem != nil {
		res.Warnings = append(res.Warnings, parse.Warn("file name", "time-not-used", &parse.Problem{W: *problem}))
		named = false
	}
	if named {
		ev.Time, ev.TimeSource = ft.Time, event.TimeFromFileName
	} else {
		ev.Time, ev.TimeSource = in.FallbackTime()
	}
	if ev.TimeSource != "" {
		res.Info["time_source"] = ev.TimeSource
	}
	if ev.Time.IsZero() {
		res.Warnings = append(res.Warnings, parse.Warn("", "recording-no-time"))
	} else {
		ev.Time = ev.Time.In(in.Location()) // the same instant, shown as the case reads it
		res.Time, res.TimeSource = ev.Time, ev.TimeSource
		res.Events = []event.Event{ev}
	}

	who := cmp.Or(ev.Counterpart, ev.CounterpartName)
	switch {
	case known && who != "":
		res.Summary = parse.Summarize("recording-length-with", clock(*ev.Duration), who)
	case known:
		res.Summary = parse.Summarize("recording-length", clock(*ev.Duration))
	case who != "":
		res.Summary = parse.Summarize("recording-with", who)
	default:
		res.Summary = parse.Summarize("recording")
	}
	return res
}

// clock formats whole seconds as m:ss, or h:mm:ss from an hour on.
func clock(secs int64) string {
	if secs >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	}
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}

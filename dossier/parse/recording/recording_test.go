package recording

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"github.com/dossier-tool/dossier/dossier/vocab"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/parse"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

var modTime = time.Date(2025, 3, 1, 9, 30, 0, 0, shanghai)

const samplesDir = "../../../samples/evidence/recordings"

func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func input(name string, data []byte) *parse.Input {
	return &parse.Input{Name: name, Ext: strings.ToLower(filepath.Ext(name)), Size: int64(len(data)),
		Data: bytes.NewReader(data), ModTime: modTime, Zone: shanghai}
}

// The expected lengths are ffprobe's for these files: format=duration where ffmpeg reads it from
// the container (Xing/Info, mvhd, STREAMINFO, Ogg granule, WAV data), and nb_read_packets × frame
// length (-count_packets) where ffprobe only estimates from the bit rate (raw AMR, raw AAC, MP3
// without a Xing header). Opus is the one deliberate difference: ffprobe reports 2.5065 s, the
// granule count including the 312-sample pre-skip that RFC 7845 says is not output.
func TestProbe(t *testing.T) {
	tests := []struct {
		file       string
		container  string
		codec      string
		sampleRate string
		duration   string
		bitrate    string
	}{
		{"cbr.mp3", "MP3", "MP3", "22050", "3.553", "32000"},      // Info header: 136 frames × 576
		{"noxing.mp3", "MP3", "MP3", "22050", "3.553", "32000"},   // walked: 136 packets × 576
		{"vbr.mp3", "MP3", "MP3", "44100", "4.232", "32738"},      // Xing: 162 frames × 1152
		{"mpeg25.mp3", "MP3", "MP3", "8000", "3.672", "8000"},     // MPEG 2.5: 51 frames × 576
		{"voice.m4a", "MP4", "AAC", "16000", "3.500", "25051"},    // mvhd
		{"voice.3gp", "3GP", "AMR-NB", "8000", "4.500", "11600"},  // mvhd
		{"nb.amr", "AMR", "AMR-NB", "8000", "4.500", "12200"},     // 225 packets × 20 ms
		{"wb.amr", "AMR", "AMR-WB", "16000", "3.200", "12650"},    // 160 packets × 20 ms
		{"voice.wav", "WAV", "PCM", "8000", "2.250", "128000"},    // data 36000 B / 16000 B/s
		{"voice.flac", "FLAC", "FLAC", "8000", "2.500", "59225"},  // STREAMINFO 20000 samples
		{"voice.ogg", "Ogg", "Vorbis", "16000", "2.500", "24000"}, // granule 40000
		{"voice.opus", "Ogg", "Opus", "48000", "2.500", ""},       // granule 120312 − pre-skip 312
		{"voice.aac", "AAC", "AAC", "16000", "3.584", "25339"},    // 56 packets × 1024
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := Parser{}.Parse(input(tt.file, readFixture(t, filepath.Join("testdata", tt.file))))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
			for key, want := range map[string]string{"container": tt.container, "codec": tt.codec,
				"sample_rate": tt.sampleRate, "duration": tt.duration, "bitrate": tt.bitrate} {
				if got := res.Info[key]; got != want {
					t.Errorf("Info[%q] = %q, want %q", key, got, want)
				}
			}
		})
	}
}

func TestDetect(t *testing.T) {
	mp3 := readFixture(t, "testdata/cbr.mp3")
	tests := []struct {
		name string
		ext  string
		head []byte
		want bool
	}{
		{"m4a brand", ".bin", []byte("\x00\x00\x00\x1cftypM4A \x00\x00\x02\x00"), true},
		{"3gp brand", ".bin", []byte("\x00\x00\x00\x1cftyp3gp4\x00\x00\x02\x00"), true},
		{"isom with audio extension", ".m4a", []byte("\x00\x00\x00\x1cftypisom\x00\x00\x02\x00"), true},
		{"isom video", ".mp4", []byte("\x00\x00\x00\x1cftypisom\x00\x00\x02\x00"), false},
		{"heic is not audio", ".heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), false},
		{"amr", ".bin", []byte("#!AMR\n\x3c"), true},
		{"wav", ".bin", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), true},
		{"webp is not wav", ".webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), false},
		{"mp3 with id3", ".bin", mp3[:4096], true},
		{"flac", ".bin", []byte("fLaC\x00\x00\x00\x22"), true},
		{"ogg", ".bin", []byte("OggS\x00\x02"), true},
		{"adts", ".bin", []byte{0xFF, 0xF1, 0x60, 0x40, 0x1C, 0x1F, 0xFC}, true},
		{"png", ".mp3", []byte("\x89PNG\r\n\x1a\n"), false},
		{"text", ".txt", []byte("通话录音"), false},
		{"empty", ".mp3", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Parser{}).Detect(&parse.Sniff{Name: "x" + tt.ext, Ext: tt.ext, Head: tt.head}); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEventFromName(t *testing.T) {
	amr := readFixture(t, "testdata/nb.amr")
	tests := []struct {
		name       string
		file       string
		transcript string
		want       event.Event
		summary    string
	}{
		{"miui collector", "通话录音@某某资产(15900001111)_20250128112000.amr", "",
			event.Event{Time: time.Date(2025, 1, 28, 11, 20, 0, 0, shanghai), TimeSource: event.TimeFromFileName,
				Counterpart: "15900001111", CounterpartName: "某某资产"},
			"通话录音 0:05，对方 15900001111"},
		{"samsung with transcript", "Call recording +86 95188_250129_100000.amr", "  客服：您好  \n",
			event.Event{Time: time.Date(2025, 1, 29, 10, 0, 0, 0, shanghai), TimeSource: event.TimeFromFileName,
				Counterpart: "95188", Text: "客服：您好"},
			"通话录音 0:05，对方 95188"},
		{"samsung contact name only", "Call recording 王经理_250201_223000.amr", "",
			event.Event{Time: time.Date(2025, 2, 1, 22, 30, 0, 0, shanghai), TimeSource: event.TimeFromFileName,
				CounterpartName: "王经理"},
			"通话录音 0:05，对方 王经理"},
		{"unknown name falls back to mod time", "recording-1.amr", "",
			event.Event{Time: modTime, TimeSource: event.TimeFromModTime},
			"通话录音 0:05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(tt.file, amr)
			in.Transcript = tt.transcript
			res, err := Parser{}.Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 1 {
				t.Fatalf("%d events, want 1", len(res.Events))
			}
			tt.want.Channel, tt.want.Duration, tt.want.Locator = event.Recording, event.Seconds(5), "file"
			got := res.Events[0]
			if !got.Time.Equal(tt.want.Time) {
				t.Errorf("time = %v, want %v", got.Time, tt.want.Time)
			}
			got.Time, tt.want.Time = time.Time{}, time.Time{}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tt.want)
			if !bytes.Equal(gj, wj) {
				t.Errorf("event = %s\nwant    %s", gj, wj)
			}
			if got := res.Summary.In(vocab.ZH); got != tt.summary {
				t.Errorf("summary = %q, want %q", got, tt.summary)
			}
			if res.Kind != parse.KindRecording || res.TimeSource != got.TimeSource {
				t.Errorf("kind %q time source %q", res.Kind, res.TimeSource)
			}
		})
	}
}

func TestDamaged(t *testing.T) {
	cut := func(file string, n int) []byte {
		b := readFixture(t, filepath.Join("testdata", file))
		return b[:min(n, len(b))]
	}
	corrupt := func(file string, at int, with string) []byte {
		b := bytes.Clone(readFixture(t, filepath.Join("testdata", file)))
		copy(b[at:], with)
		return b
	}
	tests := []struct {
		name     string
		file     string
		data     []byte
		warning  string // substring of a warning; "" means no warning expected
		duration string // "" means the length must be unknown
		err      bool
	}{
		{"amr cut mid-frame", "x.amr", cut("nb.amr", 6+32*10+5), "frame 11 at offset 326: truncated", "0.200", false},
		{"amr bad toc", "x.amr", corrupt("nb.amr", 6+32*3, "\xff"), "frame 4 at offset 102: bad frame header", "0.060", false},
		{"amr header only", "x.amr", []byte("#!AMR\n"), "", "0.000", false},
		{"amr multichannel", "x.amr", []byte("#!AMR_MC1.0\n\x00\x00\x00\x01"), "multichannel", "", false},
		{"mp3 walk cut mid-frame", "x.mp3", cut("noxing.mp3", 2930), "frame 29 at offset 2926: truncated", "0.731", false},
		{"mp3 garbage in the middle", "x.mp3", corrupt("noxing.mp3", 3000, strings.Repeat("\x00", 300)), "lost sync", "", false},
		{"mp3 no frames", "x.mp3", []byte("ID3\x03\x00\x00\x00\x00\x00\x00" + strings.Repeat("\x00", 100)), "", "", true},
		{"m4a cut before moov", "x.m4a", cut("voice.m4a", 2000), "no moov box", "", false},
		{"m4a box past the end", "x.m4a", cut("voice.m4a", len(readFixture(t, "testdata/voice.m4a"))-10), "file truncated", "3.500", false},
		{"m4a with a header of 5:15 but no mdat", "x.m4a", withoutMdat(t, statedLength(t, 315000)), "no mdat box: the file holds no audio, although its header gives a length of 5:15.000", "", false},
		{"m4a whose mdat lost its second half", "x.m4a", shortMdat(t, 5000), "the audio present lasts 0:01.536 of the 0:03.500 the header states", "1.536", false},
		{"m4a whose header claims 5:15 over 3.5 s of audio", "x.m4a", statedLength(t, 315000), "the header states a length of 5:15.000 but the audio lasts 0:03.500", "3.500", false},
		{"m4a mvhd timescale zero", "x.m4a", zeroTimescale(t), "timescale is zero", "", false},
		{"m4a impossible box size", "x.m4a", []byte("\x00\x00\x00\x03ftypM4A \x00\x00\x00\x00"), "", "", true},
		{"wav data past the end", "x.wav", cut("voice.wav", 1044), "file truncated", "0.062", false},
		{"wav without fmt", "x.wav", []byte("RIFF\x04\x00\x00\x00WAVEdata\x00\x00\x00\x00"), "no fmt chunk", "", false},
		{"flac without total", "x.flac", corrupt("voice.flac", 8+13, "\x00\x00\x00\x00\x00"), "total samples not recorded", "", false},
		{"ogg cut to first page", "x.ogg", cut("voice.ogg", 58), "no final page", "", false},
		{"aac cut mid-frame", "x.aac", cut("voice.aac", 1000), "truncated", "", false},
		{"garbage", "x.mp3", []byte("this is not audio at all"), "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parser{}.Parse(input(tt.file, tt.data))
			if tt.err {
				if err == nil {
					t.Fatalf("want an error, got %+v", res)
				}
				if !strings.Contains(err.Error(), tt.file) {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, w := range res.Warnings {
				all = append(all, w.String())
			}
			joined := strings.Join(all, "; ")
			if tt.warning != "" && !strings.Contains(joined, tt.warning) {
				t.Errorf("warnings %q lack %q", joined, tt.warning)
			}
			if tt.warning == "" && tt.duration != "" && len(all) > 0 {
				t.Errorf("unexpected warnings %q", joined)
			}
			if tt.duration != "" && res.Info["duration"] != tt.duration {
				t.Errorf("duration = %q, want %q", res.Info["duration"], tt.duration)
			}
			if tt.duration == "" && tt.name != "mp3 garbage in the middle" && tt.name != "aac cut mid-frame" && res.Info["duration"] != "" {
				t.Errorf("duration = %q, want unknown", res.Info["duration"])
			}
			if len(res.Events) != 1 {
				t.Errorf("a damaged recording still gives its event; got %d", len(res.Events))
			}
		})
	}
}

// zeroTimescale returns voice.m4a with the mvhd timescale overwritten.
func zeroTimescale(t *testing.T) []byte {
	b := bytes.Clone(readFixture(t, "testdata/voice.m4a"))
	i := bytes.Index(b, []byte("mvhd"))
	if i < 0 {
		t.Fatal("no mvhd in voice.m4a")
	}
	copy(b[i+4+4+8:], "\x00\x00\x00\x00")
	return b
}

// TestGolden runs every fixture and the sample case's recordings through Parse and compares the
// whole result with testdata/golden.
func TestGolden(t *testing.T) {
	fixtures, _ := filepath.Glob("testdata/*.*")
	samples, _ := filepath.Glob(filepath.Join(samplesDir, "*"))
	for _, path := range append(fixtures, samples...) {
		ext := strings.ToLower(filepath.Ext(path))
		if ext == ".sh" || ext == ".txt" {
			continue
		}
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			in := input(name, readFixture(t, path))
			if tr, err := os.ReadFile(strings.TrimSuffix(path, filepath.Ext(path)) + ".txt"); err == nil {
				in.Transcript = string(tr)
			}
			res, err := Parser{}.Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", "golden", name+".json"), res)
		})
	}
}

// TestSampleCase checks the sample recordings against the story in samples/case.yaml.
func TestSampleCase(t *testing.T) {
	tests := []struct {
		file        string
		time        time.Time
		counterpart string
		duration    int64
		text        string
	}{
		{"通话录音@某某资产(15900001111)_20250128112000.mp3", time.Date(2025, 1, 28, 11, 20, 0, 0, shanghai), "15900001111", 20, ""},
		{"Call recording 95188_250129_100000.m4a", time.Date(2025, 1, 29, 10, 0, 0, 0, shanghai), "95188", 15, "HB2025012900321"},
		{"@17700002222(17700002222)_20250215224000.amr", time.Date(2025, 2, 15, 22, 40, 0, 0, shanghai), "17700002222", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(samplesDir, tt.file)
			in := input(tt.file, readFixture(t, path))
			if tr, err := os.ReadFile(strings.TrimSuffix(path, filepath.Ext(path)) + ".txt"); err == nil {
				in.Transcript = string(tr)
			}
			res, err := Parser{}.Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			ev := res.Events[0]
			if !ev.Time.Equal(tt.time) || ev.Counterpart != tt.counterpart || ev.DurationOr(-1) != tt.duration {
				t.Errorf("got %v %q %ds, want %v %q %ds", ev.Time, ev.Counterpart, ev.DurationOr(-1), tt.time, tt.counterpart, tt.duration)
			}
			if !strings.Contains(ev.Text, tt.text) {
				t.Errorf("transcript %q lacks %q", ev.Text, tt.text)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, file := range []string{"noxing.mp3", "vbr.mp3", "voice.m4a", "nb.amr", "voice.wav", "voice.aac"} {
		data := readFixture(b, filepath.Join("testdata", file))
		b.Run(file, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := (Parser{}).Parse(input(file, data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// m4aBoxes returns voice.m4a and the offset of its top-level mdat and moov boxes (ffmpeg writes
// ftyp, free, mdat, moov).
func m4aBoxes(t *testing.T, b []byte) (mdat, moov int) {
	mdat, moov = bytes.Index(b, []byte("mdat"))-4, bytes.Index(b, []byte("moov"))-4
	if mdat < 0 || moov < mdat {
		t.Fatal("voice.m4a is not laid out as ftyp, free, mdat, moov")
	}
	return mdat, moov
}

// withoutMdat drops the media data and keeps the index, as a copy that lost the audio does.
func withoutMdat(t *testing.T, b []byte) []byte {
	mdat, moov := m4aBoxes(t, b)
	return append(bytes.Clone(b[:mdat]), b[moov:]...)
}

// shortMdat keeps only the first keep bytes of the audio and the whole index after it.
func shortMdat(t *testing.T, keep int) []byte {
	b := readFixture(t, "testdata/voice.m4a")
	mdat, moov := m4aBoxes(t, b)
	out := bytes.Clone(b[:mdat+8+keep])
	binary.BigEndian.PutUint32(out[mdat:], uint32(8+keep))
	return append(out, b[moov:]...)
}

// statedLength returns voice.m4a (3.5 s of audio) whose mvhd states ms milliseconds.
func statedLength(t *testing.T, ms uint32) []byte {
	b := bytes.Clone(readFixture(t, "testdata/voice.m4a"))
	i := bytes.Index(b, []byte("mvhd"))
	if i < 0 || binary.BigEndian.Uint32(b[i+4+4+8:]) != 1000 {
		t.Fatal("voice.m4a's mvhd timescale is not 1000")
	}
	binary.BigEndian.PutUint32(b[i+4+4+8+4:], ms)
	return b
}

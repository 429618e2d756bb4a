package recording

import (
	"bytes"
	"path/filepath"
	"testing"
)

// fuzzProbe runs one container reader on arbitrary bytes: it must not panic, an error must come
// without a result, and a known length must be a real fraction.
func fuzzProbe(f *testing.F, probe func(readerAt, int64) (*audio, error), seeds ...string) {
	for _, s := range seeds {
		f.Add(readFixture(f, filepath.Join("testdata", s)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := probe(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if a != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		if a.Units != 0 && a.Scale == 0 {
			t.Fatalf("length %d/0", a.Units)
		}
		a.length()
	})
}

func FuzzMP4(f *testing.F)  { fuzzProbe(f, probeMP4, "voice.m4a", "voice.3gp") }
func FuzzAMR(f *testing.F)  { fuzzProbe(f, probeAMR, "nb.amr", "wb.amr") }
func FuzzMP3(f *testing.F)  { fuzzProbe(f, probeMP3, "cbr.mp3", "noxing.mp3", "vbr.mp3", "mpeg25.mp3") }
func FuzzWAV(f *testing.F)  { fuzzProbe(f, probeWAV, "voice.wav") }
func FuzzFLAC(f *testing.F) { fuzzProbe(f, probeFLAC, "voice.flac") }
func FuzzOgg(f *testing.F)  { fuzzProbe(f, probeOgg, "voice.ogg", "voice.opus") }
func FuzzADTS(f *testing.F) { fuzzProbe(f, probeADTS, "voice.aac") }

// FuzzParse drives detection and parsing together, as ingest does.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, file := range files {
		if filepath.Ext(file) != ".sh" {
			f.Add(filepath.Base(file), readFixture(f, file))
		}
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		res, err := Parser{}.Parse(input(name, data))
		if err != nil {
			if res != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		if len(res.Events) > 1 {
			t.Fatalf("%d events from one recording", len(res.Events))
		}
		for _, ev := range res.Events {
			if ev.DurationOr(0) < 0 {
				t.Fatalf("negative duration %d", *ev.Duration)
			}
		}
	})
}

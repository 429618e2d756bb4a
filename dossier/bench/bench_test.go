package bench

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/smsbackup"
)

const timeReport = `	Command being timed: "sha256sum -c sums"
	User time (seconds): 5.10
	System time (seconds): 0.31
	Percent of CPU this job got: 99%
	Elapsed (wall clock) time (h:mm:ss or m:ss): 0:05.43
	Average shared text size (kbytes): 0
	Maximum resident set size (kbytes): 2304
	Exit status: 0
`

func TestParseTimeV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Sample
		wantErr string
	}{
		{"minutes and seconds", timeReport, Sample{Wall: 5430 * time.Millisecond, MaxRSS: 2304 * 1024}, ""},
		{"hours", strings.Replace(timeReport, "0:05.43", "1:02:03", 1), Sample{Wall: time.Hour + 2*time.Minute + 3*time.Second, MaxRSS: 2304 * 1024}, ""},
		{"no memory line", strings.Replace(timeReport, "Maximum resident", "Minimum resident", 1), Sample{}, "no wall clock or resident set size"},
		{"garbled clock", strings.Replace(timeReport, "0:05.43", "soon", 1), Sample{}, "line 5"},
		{"garbled memory", strings.Replace(timeReport, "2304", "lots", 1), Sample{}, "line 7"},
		{"negative memory", strings.Replace(timeReport, "2304", "-2304", 1), Sample{}, "out of range"},
		{"infinite clock", strings.Replace(timeReport, "0:05.43", "0:Inf", 1), Sample{}, "line 5"},
		{"empty", "", Sample{}, "no wall clock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTimeV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Wall.Round(time.Millisecond) != tt.want.Wall || got.MaxRSS != tt.want.MaxRSS {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseTimeV(f *testing.F) {
	f.Add(timeReport)
	f.Add(strings.Replace(timeReport, "0:05.43", "1:02:03", 1))
	f.Add("Elapsed (wall clock) time (h:mm:ss or m:ss): NaN:1\nMaximum resident set size (kbytes): -1\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseTimeV(strings.NewReader(in))
		if err == nil && (s.Wall < 0 || s.MaxRSS < 0) {
			t.Fatalf("accepted a negative measurement: %+v", s)
		}
	})
}

func TestMedian(t *testing.T) {
	s := func(ms int, mb int64) Sample {
		return Sample{Wall: time.Duration(ms) * time.Millisecond, MaxRSS: mb << 20}
	}
	tests := []struct {
		name string
		in   []Sample
		want Sample
	}{
		{"none", nil, Sample{}},
		{"odd, each measure on its own", []Sample{s(300, 1), s(100, 9), s(200, 5)}, s(200, 5)},
		{"outlier does not move it", []Sample{s(100, 10), s(9000, 10), s(110, 10)}, s(110, 10)},
		{"even averages the middle two", []Sample{s(100, 2), s(400, 8), s(200, 4), s(300, 6)}, s(250, 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Median(tt.in); got != tt.want {
				t.Errorf("Median = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBigCount(t *testing.T) {
	tests := []struct {
		name string
		spec MixedSpec
		want int
	}{
		{"the benchmark's gigabyte", MixedSpec{Files: 2000, Big: 20 << 20, Small: 50 << 10, Total: 1 << 30}, 46},
		{"all small", MixedSpec{Files: 10, Big: 1 << 20, Small: 1 << 10, Total: 10 << 10}, 0},
		{"more than fits", MixedSpec{Files: 10, Big: 1 << 20, Small: 1 << 10, Total: 1 << 40}, 10},
		{"big not bigger", MixedSpec{Files: 10, Big: 1, Small: 1, Total: 100}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.spec.BigCount(); got != tt.want {
				t.Errorf("BigCount = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestWriteMixedSizes(t *testing.T) {
	dir := t.TempDir()
	spec := MixedSpec{Files: 50, Big: 64 << 10, Small: 1 << 10, Total: 300 << 10, Seed: 9}
	tree, err := WriteMixed(dir, spec)
	if err != nil {
		t.Fatal(err)
	}
	var files, big int
	var total int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, _ := d.Info()
		files++
		total += info.Size()
		if info.Size() == spec.Big {
			big++
		}
		return nil
	})
	if files != 50 || big != spec.BigCount() || total != tree.Bytes || tree.Files != files {
		t.Errorf("wrote %d files (%d big, %d bytes), tree says %+v; want 50 files, %d big", files, big, total, tree, spec.BigCount())
	}
}

// Generated inputs must be the same bytes on every run, or two tables compare different work.
func TestGeneratorsAreDeterministic(t *testing.T) {
	gens := []struct {
		name string
		gen  func(*bytes.Buffer, uint64) error
	}{
		{"random", func(b *bytes.Buffer, s uint64) error { return WriteRandom(b, 100_000, s) }},
		{"calls.xml", func(b *bytes.Buffer, s uint64) error { return WriteCallsXML(b, 500, s) }},
		{"sms.xml", func(b *bytes.Buffer, s uint64) error { return WriteSMSXML(b, 500, 10, 1000, s) }},
	}
	for _, g := range gens {
		t.Run(g.name, func(t *testing.T) {
			var a, b, c bytes.Buffer
			if err := g.gen(&a, 1); err != nil {
				t.Fatal(err)
			}
			g.gen(&b, 1)
			g.gen(&c, 2)
			if sha256.Sum256(a.Bytes()) != sha256.Sum256(b.Bytes()) {
				t.Error("same seed, different bytes")
			}
			if bytes.Equal(a.Bytes(), c.Bytes()) {
				t.Error("different seeds, same bytes")
			}
		})
	}
	t.Run("screenshots", func(t *testing.T) {
		d1, d2 := t.TempDir(), t.TempDir()
		p1, err := WriteScreenshots(d1, 2, 108, 240, 3)
		if err != nil {
			t.Fatal(err)
		}
		p2, _ := WriteScreenshots(d2, 2, 108, 240, 3)
		for i := range p1 {
			a, _ := os.ReadFile(p1[i])
			b, _ := os.ReadFile(p2[i])
			if filepath.Base(p1[i]) != filepath.Base(p2[i]) || !bytes.Equal(a, b) {
				t.Errorf("screenshot %d differs between runs", i)
			}
		}
		if !strings.HasSuffix(p1[0], ".png") || !strings.HasSuffix(p1[1], ".jpg") {
			t.Errorf("want a PNG then a JPEG, got %v", p1)
		}
	})
}

// The generated exports must be what the real app writes, or the parse being measured is not
// dossier's real work: every call and message must come out as an event, every MMS picture as a
// derived file.
func TestExportsParseAsTheAppsOwn(t *testing.T) {
	tests := []struct {
		name     string
		parser   parse.Parser
		write    func(*bytes.Buffer) error
		events   int
		pictures int
	}{
		{"calls", smsbackup.Calls, func(b *bytes.Buffer) error { return WriteCallsXML(b, 300, 1) }, 300, 0},
		{"messages", smsbackup.Messages, func(b *bytes.Buffer) error { return WriteSMSXML(b, 40, 10, 300, 1) }, 40, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b); err != nil {
				t.Fatal(err)
			}
			head := b.Bytes()[:min(b.Len(), parse.HeadSize)]
			if !tt.parser.Detect(&parse.Sniff{Name: tt.name + "-20250415.xml", Ext: ".xml", MIME: "text/xml; charset=utf-8", Head: head, Size: int64(b.Len())}) {
				t.Fatal("the parser does not recognise the export")
			}
			pictures := 0
			derive := func(e parse.Embedded, r io.Reader) (parse.Derived, error) {
				n, err := io.Copy(io.Discard, r)
				if n != 300 {
					t.Errorf("picture %s has %d bytes, want 300", e.Name, n)
				}
				pictures++
				return parse.Derived{Exhibit: 100 + pictures, Name: e.Name}, err
			}
			res, err := tt.parser.Parse(&parse.Input{Name: tt.name + ".xml", Ext: ".xml", Size: int64(b.Len()), Data: bytes.NewReader(b.Bytes()),
				Zone: shanghai, Derive: derive})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != tt.events || pictures != tt.pictures || len(res.Warnings) != 0 {
				t.Errorf("%d events, %d pictures, warnings %v; want %d events, %d pictures, no warnings", len(res.Events), pictures, res.Warnings, tt.events, tt.pictures)
			}
		})
	}
}

func TestRunMeasuresTheChild(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	s, err := Run(Command{Name: "sleep", Argv: []string{"/bin/sh", "-c", "sleep 0.2"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Wall < 200*time.Millisecond || s.Wall > 5*time.Second || s.MaxRSS <= 0 {
		t.Errorf("sample %+v: want about 0.2 s and a positive peak memory", s)
	}
	_, err = Run(Command{Name: "failing", Argv: []string{"/bin/sh", "-c", "echo broken >&2; exit 3"}})
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("error %v, want the command's stderr in it", err)
	}
}

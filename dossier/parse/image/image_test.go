package image

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	stdimage "image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
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

const samplesDir = "../../../samples/evidence/screenshots"

func input(name string, data []byte) *parse.Input {
	return &parse.Input{Name: name, Ext: strings.ToLower(filepath.Ext(name)), Size: int64(len(data)),
		Data: bytes.NewReader(data), ModTime: modTime, Zone: shanghai}
}

func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pngOf(t testing.TB, w, h int) []byte {
	img := stdimage.NewGray(stdimage.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i % 251)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegOf(t testing.TB, w, h int, tags ...exifTag) []byte {
	img := stdimage.NewRGBA(stdimage.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 50}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if len(tags) == 0 {
		return b
	}
	app1 := exifSegment(tags)
	return append(append(append([]byte{}, b[:2]...), app1...), b[2:]...)
}

// exifTag is one ASCII or RATIONAL tag for exifSegment; ifd0 tags go in IFD0, the rest in the
// Exif sub-IFD, as cameras write them.
type exifTag struct {
	id    uint16
	ascii string
	rat   [2]uint32
	ifd0  bool
}

var (
	tagMake     = func(s string) exifTag { return exifTag{id: 0x010F, ascii: s, ifd0: true} }
	tagModel    = func(s string) exifTag { return exifTag{id: 0x0110, ascii: s, ifd0: true} }
	tagOriginal = func(s string) exifTag { return exifTag{id: 0x9003, ascii: s} }
	tagOffset   = func(s string) exifTag { return exifTag{id: 0x9011, ascii: s} }
	tagExposure = exifTag{id: 0x829A, rat: [2]uint32{1, 50}}
)

// exifSegment builds a big-endian APP1 Exif segment by hand, so that tests can vary each tag.
func exifSegment(tags []exifTag) []byte {
	var ifd0, sub []exifTag
	for _, tg := range tags {
		if tg.ifd0 {
			ifd0 = append(ifd0, tg)
		} else {
			sub = append(sub, tg)
		}
	}
	be := binary.BigEndian
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8}
	ifdLen := func(n int) int { return 2 + 12*n + 4 }
	ifd0Off := 8
	subOff := ifd0Off + ifdLen(len(ifd0)+1)
	dataOff := subOff + ifdLen(len(sub))
	var data []byte
	entry := func(tg exifTag) []byte {
		e := make([]byte, 12)
		be.PutUint16(e, tg.id)
		var val []byte
		if tg.ascii != "" {
			be.PutUint16(e[2:], 2)
			val = append([]byte(tg.ascii), 0)
		} else {
			be.PutUint16(e[2:], 5)
			val = be.AppendUint32(be.AppendUint32(nil, tg.rat[0]), tg.rat[1])
		}
		count := len(val)
		if tg.ascii == "" {
			count = 1
		}
		be.PutUint32(e[4:], uint32(count))
		if len(val) <= 4 {
			copy(e[8:], val)
		} else {
			be.PutUint32(e[8:], uint32(dataOff+len(data)))
			data = append(data, val...)
			if len(data)%2 == 1 {
				data = append(data, 0)
			}
		}
		return e
	}
	var ifds []byte
	ifds = be.AppendUint16(ifds, uint16(len(ifd0)+1))
	for _, tg := range ifd0 {
		ifds = append(ifds, entry(tg)...)
	}
	ptr := make([]byte, 12)
	be.PutUint16(ptr, 0x8769)
	be.PutUint16(ptr[2:], 4)
	be.PutUint32(ptr[4:], 1)
	be.PutUint32(ptr[8:], uint32(subOff))
	ifds = append(ifds, ptr...)
	ifds = be.AppendUint32(ifds, 0)
	ifds = be.AppendUint16(ifds, uint16(len(sub)))
	for _, tg := range sub {
		ifds = append(ifds, entry(tg)...)
	}
	ifds = be.AppendUint32(ifds, 0)
	payload := append(append(append([]byte("Exif\x00\x00"), tiff...), ifds...), data...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// pngHeaderOnly is a PNG whose IHDR claims w×h and that has no image data at all.
func pngHeaderOnly(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	b := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	return append(b, chunk("IEND", nil)...)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		data       []byte
		kind       string
		width      string
		height     string
		format     string
		time       time.Time
		timeSource string
		app        string
		text       string
		warning    string
	}{
		{"android screenshot png", "Screenshot_20250128-233252.png", pngOf(t, 108, 240),
			parse.KindScreenshot, "108", "240", PNG, time.Date(2025, 1, 28, 23, 32, 52, 0, shanghai), event.TimeFromFileName, "", "", ""},
		{"miui wechat screenshot", "Screenshot_2025-01-30-22-45-10-123_com.tencent.mm.jpg", jpegOf(t, 90, 195),
			parse.KindScreenshot, "90", "195", JPEG, time.Date(2025, 1, 30, 22, 45, 10, 123e6, shanghai), event.TimeFromFileName, "微信", "微信截图", ""},
		{"exif with offset wins over name", "Screenshot_20250101-000000.jpg",
			jpegOf(t, 64, 48, tagOriginal("2025:01:29 10:15:00"), tagOffset("+08:00")),
			parse.KindScreenshot, "64", "48", JPEG, time.Date(2025, 1, 29, 10, 15, 0, 0, shanghai), event.TimeFromMetadata, "", "", ""},
		{"exif with foreign offset", "IMG_1234.jpg",
			jpegOf(t, 64, 48, tagOriginal("2025:01:20 21:15:30"), tagOffset("-05:00"), tagMake("Apple"), tagExposure),
			parse.KindPhoto, "64", "48", JPEG, time.Date(2025, 1, 21, 10, 15, 30, 0, shanghai), event.TimeFromMetadata, "", "", ""},
		{"exif without offset is case zone", "IMG_1234.jpg",
			jpegOf(t, 64, 48, tagOriginal("2025:02:03 07:10:00"), tagMake("HUAWEI"), tagModel("ELE-AL00")),
			parse.KindPhoto, "64", "48", JPEG, time.Date(2025, 2, 3, 7, 10, 0, 0, shanghai), event.TimeFromMetadata, "", "", ""},
		{"zero exif date falls back to name", "mmexport1738763400000.jpg",
			jpegOf(t, 45, 97, tagOriginal("0000:00:00 00:00:00")),
			parse.KindScreenshot, "45", "97", JPEG, time.UnixMilli(1738763400000), event.TimeFromFileName, "微信", "微信图片", "EXIF DateTimeOriginal: unreadable value"},
		{"camera make on a phone-shaped image is a screenshot", "x.jpg",
			jpegOf(t, 90, 200, tagMake("Xiaomi")),
			parse.KindScreenshot, "90", "200", JPEG, modTime, event.TimeFromModTime, "", "", ""},
		{"exposure on a phone-shaped image is a photo", "x.jpg",
			jpegOf(t, 90, 160, tagMake("Xiaomi"), tagExposure),
			parse.KindPhoto, "90", "160", JPEG, modTime, event.TimeFromModTime, "", "", ""},
		{"no metadata at all", "download.png", pngOf(t, 40, 30),
			parse.KindScreenshot, "40", "30", PNG, modTime, event.TimeFromModTime, "", "", ""},
		{"pc wechat name", "微信图片_20250205231000.png", pngOf(t, 48, 104),
			parse.KindScreenshot, "48", "104", PNG, time.Date(2025, 2, 5, 23, 10, 0, 0, shanghai), event.TimeFromFileName, "微信", "微信图片", ""},
		{"huge claim reads the header only", "Screenshot_20250128-233252.png", pngHeaderOnly(60000, 60000),
			parse.KindScreenshot, "60000", "60000", PNG, time.Date(2025, 1, 28, 23, 32, 52, 0, shanghai), event.TimeFromFileName, "", "", ""},
		{"truncated png", "a.png", pngOf(t, 200, 200)[:300],
			parse.KindScreenshot, "200", "200", PNG, modTime, event.TimeFromModTime, "", "", `chunk "IDAT" at offset`},
		{"truncated jpeg", "a.jpg", jpegOf(t, 256, 256)[:1000],
			parse.KindScreenshot, "256", "256", JPEG, modTime, event.TimeFromModTime, "", "", "no end-of-image marker"},
		{"webp fixture", "call.webp", readFixture(t, "testdata/call.webp"),
			parse.KindScreenshot, "270", "600", WebP, modTime, event.TimeFromModTime, "", "", ""},
		{"truncated webp", "call.webp", readFixture(t, "testdata/call.webp")[:800],
			parse.KindScreenshot, "270", "600", WebP, modTime, event.TimeFromModTime, "", "", "RIFF header: claims 1342 bytes"},
		{"heic ispe", "IMG_0001.HEIC", readFixture(t, "testdata/call.heic"),
			parse.KindScreenshot, "136", "300", HEIC, modTime, event.TimeFromModTime, "", "", ""},
		{"heic exif", "IMG_0002.HEIC", readFixture(t, "testdata/exif.heic"),
			parse.KindScreenshot, "136", "300", HEIC, time.Date(2025, 2, 10, 8, 30, 0, 0, shanghai), event.TimeFromMetadata, "", "", ""},
		{"heic cut short", "IMG_0001.HEIC", readFixture(t, "testdata/call.heic")[:900],
			parse.KindScreenshot, "136", "300", HEIC, modTime, event.TimeFromModTime, "", "", "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parser{}.Parse(input(tt.file, tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if res.Kind != tt.kind || res.Info["width"] != tt.width || res.Info["height"] != tt.height || res.Info["format"] != tt.format {
				t.Errorf("got %s %s×%s %s, want %s %s×%s %s", res.Kind, res.Info["width"], res.Info["height"], res.Info["format"],
					tt.kind, tt.width, tt.height, tt.format)
			}
			if len(res.Events) != 1 {
				t.Fatalf("%d events, want 1", len(res.Events))
			}
			ev := res.Events[0]
			if !ev.Time.Equal(tt.time) || ev.TimeSource != tt.timeSource || res.TimeSource != tt.timeSource {
				t.Errorf("time %v from %q, want %v from %q", ev.Time, ev.TimeSource, tt.time, tt.timeSource)
			}
			if ev.Channel != event.Screenshot || ev.Kind != tt.kind || ev.App != tt.app || ev.Text != tt.text {
				t.Errorf("event %s/%s app %q text %q, want screenshot/%s app %q text %q", ev.Channel, ev.Kind, ev.App, ev.Text, tt.kind, tt.app, tt.text)
			}
			var ws []string
			for _, w := range res.Warnings {
				ws = append(ws, w.String())
			}
			joined := strings.Join(ws, "; ")
			if tt.warning == "" && joined != "" {
				t.Errorf("unexpected warnings: %s", joined)
			}
			if !strings.Contains(joined, tt.warning) {
				t.Errorf("warnings %q lack %q", joined, tt.warning)
			}
		})
	}
}

func TestUnreadable(t *testing.T) {
	png := pngOf(t, 10, 10)
	tests := []struct {
		name string
		data []byte
	}{
		{"png signature only", png[:8]},
		{"png with corrupt ihdr length", append(append([]byte{}, png[:8]...), 0xFF, 0xFF, 0xFF, 0xFF, 'I', 'H', 'D', 'R')},
		{"jpeg marker only", []byte{0xFF, 0xD8, 0xFF}},
		{"webp riff only", []byte("RIFF\x10\x00\x00\x00WEBPVP8 ")},
		{"heic without meta", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")},
		{"not an image", []byte("hello")},
		{"png zero size", pngHeaderOnly(0, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parser{}.Parse(input("x.img", tt.data))
			if err == nil {
				t.Fatalf("want an error, got %+v", res)
			}
			if !strings.HasPrefix(err.Error(), "x.img: ") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"png", pngOf(t, 2, 2), true},
		{"jpeg", jpegOf(t, 2, 2), true},
		{"webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), true},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), true},
		{"mif1 with heic compatible", []byte("\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic"), true},
		{"avif", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), true},
		{"m4a is not an image", []byte("\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isom"), false},
		{"wav is not an image", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), false},
		{"gif", []byte("GIF89a"), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Parser{}).Detect(&parse.Sniff{Head: tt.head}); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

// The header-only read must not scale with the size the file claims.
func TestHugeClaimDoesNotAllocate(t *testing.T) {
	data := pngHeaderOnly(60000, 60000)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := (Parser{}).Parse(input("big.png", data)); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	// Decoding would need 60000×60000×4 bytes; the header read needs a few buffers.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Errorf("parsing a 60000×60000 claim allocated %d bytes", grew)
	}
}

// TestGolden compares the full result for the fixtures and the sample case's screenshots.
func TestGolden(t *testing.T) {
	fixtures, _ := filepath.Glob("testdata/*.*")
	samples, _ := filepath.Glob(filepath.Join(samplesDir, "*"))
	for _, path := range append(fixtures, samples...) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			res, err := Parser{}.Parse(input(name, readFixture(t, path)))
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", "golden", name+".json"), res)
		})
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, file := range files {
		f.Add(filepath.Base(file), readFixture(f, file))
	}
	f.Add("Screenshot_20250128-233252.png", pngHeaderOnly(60000, 60000))
	f.Add("x.jpg", jpegOf(f, 8, 8, tagOriginal("2025:01:29 10:15:00"), tagOffset("+08:00"), tagMake("Apple")))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		res, err := Parser{}.Parse(input(name, data))
		if err != nil {
			if res != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		if res.Kind != parse.KindScreenshot && res.Kind != parse.KindPhoto {
			t.Fatalf("kind %q", res.Kind)
		}
		if len(res.Events) != 1 || res.Events[0].TimeSource == "" {
			t.Fatalf("want one dated event, got %+v", res.Events)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, file := range []string{"camera.jpg", "call.webp", "call.heic"} {
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

func TestPictureInAMessageTakesItsTime(t *testing.T) {
	sent := time.Date(2025, 4, 10, 22, 31, 5, 0, shanghai)
	in := input("part-2.jpg", jpegOf(t, 90, 200))
	in.ModTime, in.MessageTime = time.Time{}, sent
	res, err := Parser{}.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 || !res.Events[0].Time.Equal(sent) || res.TimeSource != event.TimeFromMessage {
		t.Fatalf("time %v from %q, events %+v; want the message's time", res.Time, res.TimeSource, res.Events)
	}
	for _, w := range res.Warnings {
		if strings.Contains(w.Message("en"), "no time") {
			t.Errorf("warning %q", w)
		}
	}
}

func TestImpossibleCaptureTimes(t *testing.T) {
	added := time.Date(2025, 4, 15, 12, 0, 0, 0, shanghai)
	tests := []struct {
		name, file, exif string
		want             time.Time
		source           string
	}{
		{"year 0 falls back to the file name", "Screenshot_20250128-233252.jpg", "0000:01:01 00:00:43",
			time.Date(2025, 1, 28, 23, 32, 52, 0, shanghai), event.TimeFromFileName},
		{"year 1600 falls back to the file name", "mmexport1738763400000.jpg", "1600:01:01 00:00:00",
			time.UnixMilli(1738763400000), event.TimeFromFileName},
		{"year 9999 falls back to the modification time", "IMG_1234.jpg", "9999:12:31 23:59:59", modTime, event.TimeFromModTime},
		{"the unix epoch of an unset clock", "IMG_1234.jpg", "1970:01:01 08:00:00", modTime, event.TimeFromModTime},
		{"two days after it was added", "IMG_1234.jpg", "2025:04:17 12:00:00", modTime, event.TimeFromModTime},
		{"a name naming next year falls to the modification time", "Screenshot_20260128-233252.jpg", "", modTime, event.TimeFromModTime},
		{"the evening it was added is believed", "IMG_1234.jpg", "2025:04:15 21:00:00", time.Date(2025, 4, 15, 21, 0, 0, 0, shanghai), event.TimeFromMetadata},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tags []exifTag
			if tt.exif != "" {
				tags = append(tags, tagOriginal(tt.exif))
			}
			in := input(tt.file, jpegOf(t, 64, 48, tags...))
			in.Latest = added.Add(24 * time.Hour)
			res, err := Parser{}.Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Time.Equal(tt.want) || res.TimeSource != tt.source {
				t.Fatalf("time %v from %q, want %v from %q; warnings %v", res.Time, res.TimeSource, tt.want, tt.source, res.Warnings)
			}
			if tt.source != event.TimeFromMetadata && len(res.Warnings) == 0 {
				t.Errorf("an impossible time was dropped without a warning")
			}
		})
	}
}

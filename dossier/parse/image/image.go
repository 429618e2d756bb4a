// Package image reads screenshots and photos (PNG, JPEG, WebP, HEIC/HEIF): their size, when they
// were taken and, where the file reveals it, the app on screen. Pixels are never decoded.
//
// The format is recognised from the bytes, not the extension. Dimensions come from the header
// alone (image.DecodeConfig for PNG, JPEG and WebP; the ispe property box for HEIF), so a file
// that claims to be 60000×60000 costs a few hundred bytes of reading and no allocation. EXIF is
// read with github.com/bep/imagemeta, which streams through the file and caps tag count and size.
//
// The capture time is taken from the best source available, and the source is recorded because a
// court weighs them differently: EXIF DateTimeOriginal with OffsetTimeOriginal (without an offset
// the case zone is assumed), else a naming convention of the app that saved the file (package
// filetime, which also names the app), else the file's modification time.
//
// Screenshot or photo: a file named as a screenshot, or one whose EXIF says it is one (iOS writes
// UserComment "Screenshot"), is a screenshot. Otherwise exposure data (ExposureTime, FNumber,
// ISO, FocalLength) means a camera took it: a photo. A camera maker and model without exposure
// data make a photo unless the image has a phone screen's shape (long side 16:9 to 21:9 of the
// short side). An image with no camera metadata at all is a screenshot or an app's rendering of
// one, which is what phones save when a chat picture is downloaded; the user can override the
// kind when they know better.
//
// A file whose header cannot be read is not an image this package can vouch for and is an error
// (ingest keeps it as a plain document). A file whose header is fine but whose data is cut short
// or damaged still yields its event, with a warning naming the chunk, box or marker.
package image

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/vocab"
	stdimage "image"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/bep/imagemeta"
	"golang.org/x/image/webp"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/filetime"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// Parser reads PNG, JPEG, WebP and HEIF images.
type Parser struct{}

// Name implements parse.Parser.
func (Parser) Name() string { return "image" }

// Format names as reported in Info["format"] and the summary.
const (
	PNG  = "PNG"
	JPEG = "JPEG"
	WebP = "WebP"
	HEIC = "HEIC"
	HEIF = "HEIF"
	AVIF = "AVIF"
)

var heifBrands = map[string]string{"heic": HEIC, "heix": HEIC, "heim": HEIC, "heis": HEIC, "hevc": HEIC,
	"hevx": HEIC, "mif1": HEIF, "msf1": HEIF, "avif": AVIF, "avis": AVIF}

// formatOf identifies the format from the first bytes.
func formatOf(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return WebP
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		if f, ok := heifBrands[string(head[8:12])]; ok {
			return f
		}
		// The major brand may be generic with the image brand among the compatible ones.
		size := min(int(binary.BigEndian.Uint32(head)), len(head), 256)
		for i := 16; i+4 <= size; i += 4 {
			if f, ok := heifBrands[string(head[i:i+4])]; ok && f != HEIF {
				return f
			}
		}
	}
	return ""
}

// Detect implements parse.Parser.
func (Parser) Detect(s *parse.Sniff) bool { return formatOf(s.Head) != "" }

// exif holds the tags this package uses.
type exif struct {
	dateTimeOriginal, offsetTimeOriginal string
	make, model, userComment             string
	exposure                             bool
}

var wantedTags = map[string]bool{"DateTimeOriginal": true, "OffsetTimeOriginal": true, "Make": true,
	"Model": true, "UserComment": true, "ExposureTime": true, "FNumber": true, "ISO": true,
	"ISOSpeedRatings": true, "FocalLength": true}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	head := make([]byte, 512)
	n, _ := in.Data.ReadAt(head, 0)
	format := formatOf(head[:n])
	if format == "" {
		return nil, parse.FileErrorf(in.Name, "not-an-image")
	}
	res := &parse.Result{Info: map[string]string{"format": format}}
	warn := func(where, code string, args ...any) {
		res.Warnings = append(res.Warnings, parse.Warn(where, code, args...))
	}

	w, h, err := dimensions(in, format)
	if err != nil {
		return nil, imageHeaderError(in.Name, format, err)
	}
	res.Info["width"], res.Info["height"] = strconv.Itoa(w), strconv.Itoa(h)
	for _, wn := range checkComplete(in.Data, in.Size, format) {
		res.Warnings = append(res.Warnings, wn)
	}

	x := readEXIF(in, format, warn)
	if x.make != "" {
		res.Info["make"] = x.make
	}
	if x.model != "" {
		res.Info["model"] = x.model
	}

	ev := event.Event{Channel: event.Screenshot, Locator: "file"}
	name, named := filetime.Parse(in.Name, in.Location())
	if named {
		if problem := in.Implausible(name.Time); problem != nil {
			warn("file name", "time-not-used", &parse.Problem{W: *problem})
			named = false
		}
	}
	t, ok, problem := x.captureTime(in.Location())
	if ok {
		if p := in.Implausible(t); p != nil {
			ok = false
			problem = parse.Errorf("time-next-source", &parse.Problem{W: *p})
		}
	}
	if ok {
		ev.Time, ev.TimeSource = t, event.TimeFromMetadata
	} else {
		if problem != nil {
			warn("EXIF DateTimeOriginal", "error", problem)
		}
		if named {
			ev.Time, ev.TimeSource = name.Time, event.TimeFromFileName
		} else {
			ev.Time, ev.TimeSource = in.FallbackTime()
		}
	}
	if named {
		ev.App = name.App
		if name.App != "" {
			res.Info["app"] = name.App
		}
		if name.Package != "" {
			res.Info["package"] = name.Package
		}
	}

	res.Kind = kindOf(in.Name, name, x, w, h)
	ev.Kind = res.Kind
	switch {
	case ev.App == "":
	case res.Kind == parse.KindScreenshot && name.IsScreenshot():
		ev.Text = ev.App + "截图"
	default:
		ev.Text = ev.App + "图片"
	}

	if ev.TimeSource != "" {
		ev.Time = ev.Time.In(in.Location()) // the same instant, shown as the case reads it
		res.Info["time_source"] = ev.TimeSource
		res.Time, res.TimeSource = ev.Time, ev.TimeSource
		res.Events = []event.Event{ev}
	} else {
		warn("", "image-no-time")
	}
	res.Summary = summary(w, h, format, ev, in.Location())
	return res, nil
}

// imageHeaderError says a header could not be read. The decoders' own words (image/png's
// "invalid format: invalid checksum") are English only and name nothing a reader can act on,
// so only a coded cause is kept.
func imageHeaderError(name, format string, err error) error {
	var p *parse.Problem
	if errors.As(err, &p) {
		return parse.FileErrorf(name, "image-header-unreadable", format, err)
	}
	w := parse.Warn("", "image-header-damaged", format)
	w.File = name
	return &parse.Problem{W: w, Err: err}
}

func summary(w, h int, format string, ev event.Event, loc *time.Location) vocab.Summary {
	if ev.TimeSource == "" {
		return parse.Summarize("image", strconv.Itoa(w), strconv.Itoa(h), format)
	}
	s := parse.Summarize("image-timed", strconv.Itoa(w), strconv.Itoa(h), format, ev.Time.In(loc).Format("2006-01-02 15:04:05"))
	s.Terms = []string{"timesource." + ev.TimeSource}
	return s
}

// kindOf applies the rule in the package documentation.
func kindOf(fileName string, name filetime.Result, x exif, w, h int) string {
	lower := strings.ToLower(fileName)
	switch {
	case name.IsScreenshot(), strings.Contains(lower, "screenshot"), strings.Contains(lower, "截屏"),
		strings.Contains(lower, "截图"), strings.EqualFold(strings.TrimSpace(x.userComment), "screenshot"):
		return parse.KindScreenshot
	case x.exposure:
		return parse.KindPhoto
	case (x.make != "" || x.model != "") && !phoneScreen(w, h):
		return parse.KindPhoto
	}
	return parse.KindScreenshot
}

// phoneScreen reports whether the image has the shape of a phone screen, 16:9 to 21:9.
func phoneScreen(w, h int) bool {
	long, short := max(w, h), min(w, h)
	if short <= 0 {
		return false
	}
	return long*9 >= short*16-short/20 && long*9 <= short*21+short/20
}

// captureTime reads DateTimeOriginal, in its own offset or else in loc. problem explains a value
// that is present but unusable.
func (x exif) captureTime(loc *time.Location) (t time.Time, ok bool, problem error) {
	s := strings.TrimRight(x.dateTimeOriginal, "\x00 ")
	if s == "" {
		return time.Time{}, false, nil
	}
	if off := strings.TrimRight(x.offsetTimeOriginal, "\x00 "); off != "" {
		if t, err := time.Parse("2006:01:02 15:04:05-07:00", s+off); err == nil {
			return t, true, nil
		}
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", s, loc)
	if err != nil {
		return time.Time{}, false, parse.Errorf("unreadable-value", s)
	}
	return t, true, nil
}

// readEXIF collects the wanted tags. imagemeta reports problems through Warnf and errors; both
// become warnings, because a damaged EXIF block does not make the picture less of an image.
func readEXIF(in *parse.Input, format string, warn func(string, string, ...any)) (x exif) {
	var imf imagemeta.ImageFormat
	switch format {
	case PNG:
		imf = imagemeta.PNG
	case JPEG:
		imf = imagemeta.JPEG
	case WebP:
		imf = imagemeta.WebP
	case AVIF:
		imf = imagemeta.AVIF
	default:
		imf = imagemeta.HEIF
	}
	defer func() {
		// The decoder is fuzzed upstream; this keeps an unforeseen input from taking ingest down.
		if r := recover(); r != nil {
			warn("EXIF", "metadata-reader-failed", fmt.Sprint(r))
		}
	}()
	_, err := imagemeta.Decode(imagemeta.Options{
		R:               io.NewSectionReader(in.Data, 0, in.Size),
		ImageFormat:     imf,
		Sources:         imagemeta.EXIF,
		ShouldHandleTag: func(ti imagemeta.TagInfo) bool { return wantedTags[ti.Tag] },
		HandleTag: func(ti imagemeta.TagInfo) error {
			str, _ := ti.Value.(string)
			switch ti.Tag {
			case "DateTimeOriginal":
				x.dateTimeOriginal = str
			case "OffsetTimeOriginal":
				x.offsetTimeOriginal = str
			case "Make":
				x.make = strings.TrimRight(str, "\x00 ")
			case "Model":
				x.model = strings.TrimRight(str, "\x00 ")
			case "UserComment":
				x.userComment = strings.Trim(str, "\x00 ")
			default:
				x.exposure = true
			}
			return nil
		},
		Warnf:        func(f string, args ...any) { warn("EXIF", "library-note", fmt.Sprintf(f, args...)) },
		LimitNumTags: 2000,
	})
	if err != nil && !errors.Is(err, io.EOF) {
		warn("EXIF", "error", err)
	}
	return x
}

// dimensions reads the size from the header only.
func dimensions(in *parse.Input, format string) (int, int, error) {
	var cfg stdimage.Config
	var err error
	r := io.NewSectionReader(in.Data, 0, in.Size)
	switch format {
	case PNG:
		cfg, err = png.DecodeConfig(r)
	case JPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case WebP:
		cfg, err = webp.DecodeConfig(r)
	default:
		return heifSize(in.Data, in.Size)
	}
	if err != nil {
		return 0, 0, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, fmt.Errorf("size %d×%d", cfg.Width, cfg.Height)
	}
	return cfg.Width, cfg.Height, nil
}

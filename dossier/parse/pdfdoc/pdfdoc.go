// Package pdfdoc reads what a complaint packet needs to know about a PDF document — the number
// of pages, the document information dictionary (title, author, creator, producer, creation and
// modification dates) and whether it is encrypted — and turns an agreement PDF into one
// agreement event on the timeline.
//
// The reader is small and tolerant rather than complete: it never renders page content, and of
// a page's content it reads only enough to find a scanned page's image (scan.go). It follows the file's own cross-reference data (classic xref tables, PDF 1.5 xref
// streams and object streams, hybrid files, incremental updates through /Prev) and, when that
// data is missing or points to the wrong place — a truncated download, a file edited by a tool
// that did not rewrite the table — it scans the file for "n g obj" headers the way PDF viewers
// repair files, and as a last resort counts the page objects it saw. The file is read through
// io.ReaderAt in bounded windows; every loop, stream and table is capped, so a hostile file
// costs bounded time and memory.
//
// Encrypted files are recognised (/Encrypt in the trailer) but not decrypted: their page count
// is read when the page tree is stored outside object streams (which are encrypted), the info
// strings are not shown (they are encrypted too), and a warning says that the pages cannot be
// imported into the packet and the original is attached instead.
//
// An agreement (the user gave the kind "agreement") becomes an event.Agreement event at the
// document's CreationDate. That time is embedded metadata, recorded as such; the user can
// override it with --time when the date the parties agreed differs from when the file was made.
// Other PDFs produce no event: a PDF by itself says nothing about contact with the collector.
package pdfdoc

import (
	"fmt"
	"github.com/dossier-tool/dossier/dossier/vocab"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// Parser reads PDF documents.
type Parser struct{}

// Name implements parse.Parser.
func (Parser) Name() string { return "pdf" }

// Detect implements parse.Parser: a PDF header in the first KiB (the standard tolerates junk
// before it), or the MIME type detected from the bytes.
func (Parser) Detect(s *parse.Sniff) bool {
	head := s.Head
	if len(head) > 1024 {
		head = head[:1024]
	}
	return strings.Contains(string(head), "%PDF-") || strings.HasPrefix(s.MIME, "application/pdf")
}

// Info describes a PDF document.
type Info struct {
	Version   string
	Pages     int // -1 when unknown
	Encrypted bool
	Title     string
	Author    string
	Subject   string
	Creator   string
	Producer  string
	Created   time.Time
	Modified  time.Time
	Warnings  []parse.Warning
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (res *parse.Result, err error) {
	defer func() {
		// The reader is written not to panic; this guard keeps a bug from taking the program
		// down with evidence half-ingested.
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("%s: unreadable PDF: %v", in.Name, r)
		}
	}()
	info, err := Read(in.Data, in.Size, in.Location())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	if info.Pages < 0 && !info.Encrypted && info.Title == "" && info.Created.IsZero() {
		return nil, parse.FileErrorf(in.Name, "pdf-unreadable")
	}

	kind := parse.KindDocument
	if in.Kind != "" {
		kind = in.Kind
	}
	res = &parse.Result{Kind: kind, Warnings: info.Warnings, Info: infoMap(info)}
	if !info.Created.IsZero() {
		res.Time, res.TimeSource = info.Created, event.TimeFromMetadata
	}
	res.Summary = summary(kind, info)
	if info.Encrypted {
		res.Warnings = append(res.Warnings, parse.Warn("", "pdf-encrypted"))
	}
	if kind == parse.KindAgreement {
		res.Events = []event.Event{agreementEvent(in, info, res)}
	}
	return res, nil
}

func agreementEvent(in *parse.Input, info *Info, res *parse.Result) event.Event {
	ev := event.Event{Channel: event.Agreement, Locator: "document info"}
	switch {
	case !info.Created.IsZero():
		ev.Time, ev.TimeSource = info.Created, event.TimeFromMetadata
	case !info.Modified.IsZero():
		ev.Time, ev.TimeSource = info.Modified, event.TimeFromMetadata
		res.Warnings = append(res.Warnings, parse.Warn("document info", "pdf-dated-by-moddate"))
	case !in.MessageTime.IsZero():
		ev.Time, ev.TimeSource = in.MessageTime, event.TimeFromMessage
		res.Warnings = append(res.Warnings, parse.Warn("document info", "pdf-dated-by-message"))
	default:
		ev.Time, ev.TimeSource = in.ModTime, event.TimeFromModTime
		res.Warnings = append(res.Warnings, parse.Warn("document info", "pdf-dated-by-modtime"))
	}
	title := info.Title
	if title == "" {
		title = strings.TrimSuffix(in.Name, in.Ext)
	}
	ev.Subject = title
	if info.Pages >= 0 {
		ev.Text = fmt.Sprintf("%s（%d页）", title, info.Pages)
	} else {
		ev.Text = title
	}
	return ev
}

func summary(kind string, info *Info) vocab.Summary {
	var s vocab.Summary
	typed := kind != parse.KindDocument
	switch {
	case info.Pages < 0 && info.Encrypted && typed:
		s = parse.Summarize("pdf-encrypted-kind-unknown")
	case info.Pages < 0 && info.Encrypted:
		s = parse.Summarize("pdf-encrypted-unknown")
	case info.Pages < 0 && typed:
		s = parse.Summarize("pdf-kind-unknown")
	case info.Pages < 0:
		s = parse.Summarize("pdf-unknown")
	case info.Encrypted && typed:
		s = parse.Summarize("pdf-encrypted-kind", info.Pages)
	case info.Encrypted:
		s = parse.Summarize("pdf-encrypted", info.Pages)
	case typed:
		s = parse.Summarize("pdf-kind", info.Pages)
	default:
		s = parse.Summarize("pdf", info.Pages)
	}
	if typed {
		s.Terms = []string{"kind." + kind}
	}
	return s
}

func infoMap(info *Info) map[string]string {
	m := map[string]string{"encrypted": strconv.FormatBool(info.Encrypted)}
	if info.Pages >= 0 {
		m["pages"] = strconv.Itoa(info.Pages)
	}
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put("version", info.Version)
	put("title", info.Title)
	put("author", info.Author)
	put("subject", info.Subject)
	put("creator", info.Creator)
	put("producer", info.Producer)
	if !info.Created.IsZero() {
		m["created"] = info.Created.Format(time.RFC3339)
	}
	if !info.Modified.IsZero() {
		m["modified"] = info.Modified.Format(time.RFC3339)
	}
	return m
}

// Read reads the page count, document information and encryption flag of the PDF in r. Dates
// without an offset are read in loc. It fails only when r is not a PDF at all; damage is
// reported in Info.Warnings.
func Read(r io.ReaderAt, size int64, loc *time.Location) (*Info, error) {
	if loc == nil {
		loc = time.UTC
	}
	d, err := open(r, size)
	if err != nil {
		return nil, err
	}
	info := &Info{Version: d.version, Pages: -1}
	_, info.Encrypted = d.trailer["Encrypt"]
	if n, ok := d.pageCount(); ok {
		info.Pages = n
	} else {
		d.warn("page tree", "pdf-no-pages")
	}
	if infoDict, ok := d.resolve(d.trailer["Info"]).(dict); ok && !info.Encrypted {
		text := func(key string) string {
			s, _ := d.resolve(infoDict[key]).(pdfString)
			return decodeText(s)
		}
		date := func(key string) time.Time {
			s, ok := d.resolve(infoDict[key]).(pdfString)
			if !ok {
				return time.Time{}
			}
			t, err := parseDate(decodeText(s), loc)
			if err != nil {
				d.warn("document info", "pdf-info-unreadable", key, clip(decodeText(s)), err)
			}
			return t
		}
		info.Title, info.Author, info.Subject = text("Title"), text("Author"), text("Subject")
		info.Creator, info.Producer = text("Creator"), text("Producer")
		info.Created, info.Modified = date("CreationDate"), date("ModDate")
	}
	info.Warnings = d.warnings
	return info, nil
}

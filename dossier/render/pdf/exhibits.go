package pdf

import (
	"errors"
	"fmt"
	_ "image/gif" // decoders for image.Decode
	"io"
	"strconv"
	"strings"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// MaxImage caps how much of one image original is read to embed it.
const MaxImage = 64 << 20

// MaxPixels caps the canvas of an image that has to be decoded to be embedded (16.7 million
// pixels: a 300 dpi scan of an A3 page; a phone screenshot has under 5 million).
const MaxPixels = 1 << 24

// MaxText caps how much of a transcript or text original is printed.
const MaxText = 1 << 20

// notShown is why an exhibit has no drawing of its own; the page says so instead.
type notShown struct{ why string }

func (n *notShown) Error() string { return n.why }

func (d *doc) exhibits() {
	d.sectionTitle = d.t("exhibits")
	for i := range d.b.Items {
		if d.polls = 31; d.stopped() { // every exhibit looks: one may take long (its images)
			return
		}
		it := &d.b.Items[i]
		d.exhibit, d.exhibitPage = it.Exhibit, 0
		d.newPage()
		if i == 0 {
			d.f.Bookmark(d.t("exhibits"), 0, -1)
		}
		d.f.Bookmark(bmpOnly(d.clean(evidence.Label(d.lang, it.Exhibit)+" "+d.title(it))), 1, -1)
		d.exhibitHead(it)
		if err := d.exhibitBody(it); err != nil {
			var ns *notShown
			if !errors.As(err, &ns) {
				ns = &notShown{why: err.Error()}
			}
			d.notShownBox(it, ns.why)
		}
	}
}

// exhibitHead prints what the exhibit is: title, file, type, size, time and digest.
func (d *doc) exhibitHead(it *evidence.Item) {
	f := d.f
	f.SetFont(fontFamily, "", 12)
	for _, l := range d.lines(d.clean(d.title(it)), contentW) {
		f.SetX(marginX)
		d.cell(contentW, 6, l, "L", true)
	}
	f.SetTextColor(90, 90, 90)
	meta := []string{it.Name, vocab.MIME(d.lang, it.MIME), humanSize(it.Size)}
	if it.Time != nil {
		meta = append(meta, d.localTime(*it.Time))
	}
	if it.Holder != "" {
		meta = append(meta, d.t("holder")+": "+d.source(it))
	}
	d.paragraph(strings.Join(nonEmpty(meta), " · "), 8, 0, "L")
	f.SetTextColor(90, 90, 90)
	d.raw("SHA-256 "+it.SHA256, 7.5)
	if it.SM3 != "" {
		d.raw("SM3 "+it.SM3, 7.5)
	}
	f.SetTextColor(0, 0, 0)
	f.SetDrawColor(200, 200, 200)
	f.SetLineWidth(0.2)
	f.Line(marginX, f.GetY()+1.5, pageW-marginX, f.GetY()+1.5)
	f.Ln(4)
}

func (d *doc) exhibitBody(it *evidence.Item) error {
	mime := mimeBase(it.MIME)
	events := d.eventsOf(it.Exhibit)
	switch {
	case mime == "image/heic" || mime == "image/heif" || mime == "image/avif":
		return &notShown{why: d.t("why.heic")}
	case isImageMIME(mime):
		return d.image(it)
	case mime == "application/pdf":
		return d.importPDF(it)
	case it.Kind == parse.KindRecording || strings.HasPrefix(mime, "audio/"):
		return d.recording(it, events)
	case it.Kind == parse.KindEmail:
		return d.email(it, events)
	case it.Kind == parse.KindTranscript || (mime == "text/plain" && len(events) == 0):
		return d.textFile(it)
	case len(events) > 0:
		d.eventTable(it, events)
		return nil
	}
	return &notShown{why: fmt.Sprintf(d.t("why.type"), vocab.MIME(d.lang, it.MIME))}
}

// mimeBase is a MIME type without its parameters, in lower case.
func mimeBase(mime string) string {
	if i := strings.IndexByte(mime, ';'); i >= 0 {
		mime = mime[:i]
	}
	return strings.ToLower(strings.TrimSpace(mime))
}

// isImageMIME reports whether an exhibit of this type is drawn as a picture.
func isImageMIME(mime string) bool {
	switch mimeBase(mime) {
	case "image/jpeg", "image/png", "image/webp", "image/gif":
		return true
	}
	return false
}

// eventsOf returns the timeline events read from an exhibit, in timeline order.
func (d *doc) eventsOf(n int) []*event.Event {
	if d.big != nil {
		events, _, _, _ := d.big.exhibit(n)
		return events
	}
	var out []*event.Event
	for i := range d.b.Events {
		e := &d.b.Events[i]
		for _, x := range exhibitsOf(e) {
			if x == n {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

// open reads at most limit bytes of an original.
func (d *doc) open(it *evidence.Item, limit int64) ([]byte, error) {
	if d.b.Open == nil {
		return nil, &notShown{why: fmt.Sprintf(d.t("why.open"), "no store")}
	}
	rc, err := d.b.Open(it.SHA256)
	if err != nil {
		return nil, &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, &notShown{why: fmt.Sprintf(d.t("why.open"), err)}
	}
	if int64(len(data)) > limit {
		return nil, &notShown{why: fmt.Sprintf(d.t("why.large"), it.Size)}
	}
	return data, nil
}

// image draws a picture fitted into the rest of the page at its own resolution. The picture is
// written after the library's output (see images.go); here it is only inspected and placed.
func (d *doc) image(it *evidence.Item) error {
	p := d.plan(it)
	if p.why != "" {
		return &notShown{why: p.why}
	}
	if d.unchecked(it) {
		return &notShown{why: d.t("why.unchecked")}
	}
	if r := d.redaction(it, p.w, p.h); r != nil && len(r.masks) > 0 && int64(p.w)*int64(p.h) > MaxPixels {
		// Painting over means decoding, and a JPEG passed through as it is was never checked
		// for that; it is not shown rather than shown unmasked.
		return &notShown{why: fmt.Sprintf(d.t("why.redact.large"), p.w, p.h)}
	}
	// Natural size at 96 dpi, shrunk to fit the space left on the page, never enlarged.
	f := d.f
	w, h := float64(p.w)*25.4/96, float64(p.h)*25.4/96
	boxW, boxH := contentW, bodyBottom-f.GetY()
	scale := min(1, boxW/w, boxH/h)
	w, h = w*scale, h*scale
	x, y := marginX+(contentW-w)/2, f.GetY()
	d.drawImage(it, x, y, w, h)
	d.textLayer(it, p.w, p.h, x, y, w, h)
	f.SetDrawColor(190, 190, 190)
	f.SetLineWidth(0.2)
	f.Rect(x, y, w, h, "D")
	return nil
}

// notShownBox tells the reader an exhibit exists, what it is and why it is not drawn.
func (d *doc) notShownBox(it *evidence.Item, why string) {
	f := d.f
	d.ensure(40)
	f.Ln(6)
	y := f.GetY()
	f.SetFillColor(250, 246, 235)
	f.SetDrawColor(220, 200, 150)
	f.SetLineWidth(0.3)
	start := y
	f.SetXY(marginX, y+4)
	f.SetFont(fontFamily, "", 12)
	f.SetTextColor(120, 80, 0)
	f.SetX(marginX + 5)
	d.cell(contentW-10, 7, d.t("not.shown"), "L", true)
	f.SetTextColor(0, 0, 0)
	f.Ln(1)
	d.paragraph(d.t("not.shown.file")+": "+it.Name, 10, 5, "L")
	d.paragraph(d.t("not.shown.why")+": "+why, 10, 5, "L")
	f.SetX(marginX + 5)
	f.SetFont(fontFamily, "", 8.5)
	d.cell(contentW-10, 5, "SHA-256 "+it.SHA256, "L", true)
	note := d.t("not.shown.note")
	if d.opt.NoAttach || d.opt.Redact {
		note = d.t("not.shown.noatt")
	}
	d.paragraph(note, 9, 5, "L")
	end := f.GetY() + 3
	if end > start {
		f.Rect(marginX, start, contentW, end-start, "D")
	}
	f.SetY(end + 2)
}

// eventTable lists an exhibit's events. Like the timeline, it leaves out the holder's private
// life (ordinary purchases and income, calls and messages with family and friends) and says how
// many rows it left out; the original is attached whole.
func (d *doc) eventTable(it *evidence.Item, all []*event.Event) {
	var events []*event.Event
	bills, private := 0, 0
	for _, e := range all {
		switch d.shown(e) {
		case omitBill:
			bills++
		case omitPrivate:
			private++
		default:
			events = append(events, e)
		}
	}
	more := 0
	if d.big != nil {
		_, bills, private, more = d.big.exhibit(it.Exhibit)
	}
	defer func() {
		if more > 0 {
			d.paragraph(fmt.Sprintf(d.t("exhibit.more"), len(events)+more, len(events), d.workbookSheet(vocab.SheetTimeline)), 9, 0, "L")
		}
		if bills > 0 {
			d.paragraph(fmt.Sprintf(d.t("omitted.bill.rows"), bills), 9, 0, "L")
		}
		if private > 0 {
			d.paragraph(fmt.Sprintf(d.t("omitted.rows"), private), 9, 0, "L")
		}
	}()
	switch it.Kind {
	case parse.KindCallLog:
		t := d.table(8.5, column{title: d.t("time"), width: 30}, column{title: d.t("direction"), width: 10},
			column{title: d.t("counterpart"), width: 48}, column{title: d.t("status"), width: 18}, column{title: d.t("duration"), width: 16, align: "R"})
		for _, e := range events {
			t.row(d.localTime(e.Time), d.direction(e), d.counterpart(e), vocab.Status(d.lang, e.Status), d.duration(e))
		}
		t.end()
	case parse.KindBill:
		t := d.table(8, column{title: d.t("time"), width: 26}, column{title: d.t("category"), width: 18},
			column{title: d.t("counterpart"), width: 30}, column{title: d.t("amount"), width: 16, align: "R"},
			column{title: d.t("status"), width: 16}, column{title: d.t("content"), width: 40})
		for _, e := range events {
			amount := ""
			if e.Amount != nil {
				amount = e.Amount.String()
			}
			content := strings.TrimSpace(strings.Join(nonEmpty([]string{e.Text, e.Method, e.Order}), " · "))
			t.row(d.localTime(e.Time), e.Category, d.counterpart(e), amount, e.Status, content)
		}
		t.end()
	default:
		t := d.table(8.5, column{title: d.t("time"), width: 28}, column{title: d.t("direction"), width: 9},
			column{title: d.t("counterpart"), width: 34}, column{title: d.t("content"), width: 75})
		for _, e := range events {
			t.row(d.localTime(e.Time), d.direction(e), d.counterpart(e), d.content(e))
		}
		t.end()
	}
}

// recording prints the duration and the transcript: the event's text, or the transcript item
// derived from the recording.
func (d *doc) recording(it *evidence.Item, events []*event.Event) error {
	dur := it.Info["duration"]
	if s, err := strconv.ParseFloat(dur, 64); err == nil && s >= 0 && s < 1e9 { // seconds, maybe fractional
		secs := int64(s + 0.5)
		dur = d.duration(&event.Event{Duration: &secs})
	}
	for _, e := range events {
		if dur == "" && e.Duration != nil {
			dur = d.duration(e)
		}
	}
	d.fieldLine(d.t("duration"), dur)
	for _, e := range events {
		if e.Counterpart != "" {
			d.fieldLine(d.t("counterpart"), d.counterpart(e))
			break
		}
	}
	d.f.Ln(3)
	d.heading(d.t("transcript"), 12)
	transcript := ""
	for _, e := range events {
		if e.Text != "" {
			transcript = e.Text
			break
		}
	}
	if transcript == "" {
		for i := range d.b.Items {
			t := &d.b.Items[i]
			if t.DerivedFrom == it.ID && t.Kind == parse.KindTranscript {
				if data, err := d.open(t, MaxText); err == nil {
					transcript = strings.ToValidUTF8(string(data), "\uFFFD")
				}
				break
			}
		}
	}
	if transcript == "" {
		transcript = d.t("transcript.none")
	}
	for _, p := range strings.Split(transcript, "\n") {
		d.paragraph(p, 10, 0, "L")
	}
	return nil
}

func (d *doc) email(it *evidence.Item, events []*event.Event) error {
	for _, k := range []string{"from", "to", "subject", "date"} {
		v := it.Info[k]
		if v == "" && len(events) > 0 {
			switch k {
			case "from":
				v = events[0].Counterpart
			case "subject":
				v = events[0].Subject
			case "date":
				v = d.localTime(events[0].Time)
			}
		}
		d.fieldLine(d.t("email."+k), v)
	}
	d.f.Ln(3)
	d.heading(d.t("email.body"), 12)
	for _, e := range events {
		for _, p := range strings.Split(e.Text, "\n") {
			d.paragraph(p, 10, 0, "L")
		}
	}
	return nil
}

func (d *doc) textFile(it *evidence.Item) error {
	data, err := d.open(it, MaxText)
	if err != nil {
		return err
	}
	for _, p := range strings.Split(strings.ToValidUTF8(string(data), "\uFFFD"), "\n") {
		d.paragraph(strings.TrimRight(p, "\r"), 10, 0, "L")
	}
	return nil
}

func (d *doc) fieldLine(label, value string) {
	f := d.f
	d.ensure(6)
	y := f.GetY()
	f.SetFont(fontFamily, "", 10)
	f.SetTextColor(100, 100, 100)
	f.SetXY(marginX, y)
	d.cell(24, 5.5, label, "L", false)
	f.SetTextColor(0, 0, 0)
	f.SetXY(marginX, y)
	d.paragraph(value, 10, 26, "L")
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

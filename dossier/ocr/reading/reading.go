// Package reading runs OCR over the screenshots and photos of a case, and the scanned pages of
// its PDFs (pdf.go), keeps what it read beside each item (casefolder's readings), and brings
// those readings into the timeline.
//
// A reading holds the lines of text with their boxes and confidences and the digest of the
// original it was read from. The timeline loader applies the corrections case.yaml gives
// (ocr_corrections, by exhibit and line), gives the item's screenshot event the text of the
// whole screen, so the workbook and the packet's timeline can show and search it, and adds the
// events recognised on the screen (package ocr/screen: chat messages, calls) with time source
// "ocr". Recognition runs when the timeline is built, not when the image is read, so a
// correction or a better recogniser applies to readings already made. A reading that does not
// belong to the item's bytes is ignored.
//
// Reading is the slow part of an add (about a second a screenshot), so images are decoded and
// read by as many workers as there are cores, each capped in pixels (ocr.MaxPixels), and written
// in exhibit order under the case's lock, in batches made durable together (see Run).
package reading

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/filetime"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/ocr/screen"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// Reading is the stored result of reading one item.
type Reading struct {
	Item    string `json:"item"`
	Exhibit int    `json:"exhibit"`
	SHA256  string `json:"sha256"` // of the original that was read
	Engine  string `json:"engine"`
	ocr.Page
	// Pages are the scanned pages of a PDF, each read as an image; the reading of a PDF has no
	// Lines of its own.
	Pages []ScanPage `json:"pages,omitempty"`
	// Warning is in English; WarningCode is the same as a code, for readers to word in the case
	// language (absent from readings stored before).
	Warning     string         `json:"warning,omitempty"`
	WarningCode *vocab.Warning `json:"warning_code,omitempty"`
}

// Text is the screen's text (or a scanned PDF's, page after page), one line of OCR a line.
func (r *Reading) Text() string {
	var b strings.Builder
	for i, l := range r.AllLines() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Text)
	}
	return b.String()
}

// AllLines are the lines of the reading in order, a PDF's page after page: what case.yaml's
// ocr_corrections number from 1.
func (r *Reading) AllLines() []ocr.Line {
	if len(r.Pages) == 0 {
		return r.Lines
	}
	var out []ocr.Line
	for _, p := range r.Pages {
		out = append(out, p.Lines...)
	}
	return out
}

// Engine names the models and runtime in every reading.
func Engine() string {
	var parts []string
	for _, a := range ocr.Assets {
		parts = append(parts, a.Spec())
	}
	return "PP-OCRv4 (" + strings.Join(parts, ", ") + ")"
}

// Eligible reports whether OCR may read an item: screenshots and photos in a format it decodes,
// and PDFs (of which only scanned pages are read: see Wants).
func Eligible(it *evidence.Item) bool {
	if isPDF(it) {
		return true
	}
	if it.Kind != parse.KindScreenshot && it.Kind != parse.KindPhoto {
		return false
	}
	for _, m := range []string{"image/png", "image/jpeg", "image/webp"} {
		if strings.HasPrefix(it.MIME, m) {
			return true
		}
	}
	return false
}

// Options control a run.
type Options struct {
	Engine *ocr.Engine
	Case   *caseconf.Case
	// Progress is told how many of the total items are read, after each one.
	Progress func(done, total int)
	Now      func() time.Time
	Workers  int
	// Stop, when set, is asked before each image is handed to a worker; once it returns an
	// error no more are read, what was read is stored, and Run returns that error.
	Stop func() error
}

// Result is what a run did with one item.
type Result struct {
	Exhibit int    `json:"exhibit"`
	Name    string `json:"name"`
	Lines   int    `json:"lines"`
	Events  int    `json:"events"`
	Warning string `json:"warning,omitempty"`
	// WarningCode is Warning as a code (see Reading).
	WarningCode *vocab.Warning `json:"-"`
}

// Wants reports whether OCR has something to read on an item: an eligible image, or a PDF with
// a scanned page.
func Wants(f *casefolder.Folder, it *evidence.Item) bool {
	if !Eligible(it) {
		return false
	}
	return !isPDF(it) || hasScans(f.Store.Path(it.SHA256))
}

// Readings are stored in batches, durable together (casefolder.WriteReadings): a batch is written
// when it holds batchReadings readings or its first has waited batchWait, so an interrupted run
// loses at most that much reading, which dossier ocr redoes.
const (
	batchReadings = 64
	batchWait     = 10 * time.Second
)

// Run reads every item of items that OCR wants and stores its reading. The caller holds the lock.
func Run(f *casefolder.Folder, items []evidence.Item, opt Options) ([]Result, []*Reading, error) {
	var todo []*evidence.Item
	for i := range items {
		if Wants(f, &items[i]) {
			todo = append(todo, &items[i])
		}
	}
	if len(todo) == 0 {
		return nil, nil, nil
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	// Each worker holds one decoded image and its tensors; results wait in order for the writer.
	slots := make([]chan *Reading, len(todo))
	for i := range slots {
		slots[i] = make(chan *Reading, 1)
	}
	next := make(chan int)
	// Once Stop says so, no image is started: the feeder closes the slots of the images it did
	// not hand out and a worker fills the slot of one it was handed with nil, and either ends the
	// writer's loop below at that image.
	var stopMu sync.Mutex
	var stopErr error
	stopping := func() bool {
		if opt.Stop == nil {
			return false
		}
		stopMu.Lock()
		defer stopMu.Unlock()
		if stopErr == nil {
			stopErr = opt.Stop()
		}
		return stopErr != nil
	}
	var wg sync.WaitGroup
	for range min(workers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if stopping() {
					slots[i] <- nil
					continue
				}
				slots[i] <- readOne(f, todo[i], opt)
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range todo {
			if stopping() {
				for _, s := range slots[i:] {
					close(s)
				}
				return
			}
			next <- i
		}
	}()
	var results []Result
	var readings []*Reading
	var err error
	var batch []casefolder.ReadingFile
	var since time.Time
	flush := func() {
		if len(batch) > 0 && err == nil {
			err = f.WriteReadings(batch, now())
		}
		batch = batch[:0]
	}
	for i, it := range todo {
		r, ok := <-slots[i]
		if !ok || r == nil {
			break
		}
		if err == nil {
			data, merr := json.Marshal(r)
			if merr != nil {
				err = fmt.Errorf("%s: %w", evidence.Label("en", it.Exhibit), merr)
			} else {
				if len(batch) == 0 {
					since = time.Now()
				}
				batch = append(batch, casefolder.ReadingFile{ItemID: it.ID, Exhibit: it.Exhibit, Data: append(data, '\n')})
			}
		}
		if len(batch) >= batchReadings || (len(batch) > 0 && time.Since(since) >= batchWait) {
			flush()
		}
		results = append(results, Result{Exhibit: it.Exhibit, Name: it.Name, Lines: len(r.AllLines()), Events: len(Events(opt.Case, it, r)), Warning: r.Warning, WarningCode: r.WarningCode})
		readings = append(readings, r)
		if opt.Progress != nil {
			opt.Progress(i+1, len(todo))
		}
	}
	flush()
	wg.Wait()
	stopMu.Lock()
	if err == nil {
		err = stopErr
	}
	stopMu.Unlock()
	return results, readings, err
}

// warn records why an item was not read, as a code with the engine's own words as its cause.
func (r *Reading) warn(code, cause string) {
	w := vocab.Warning{Code: code, Cause: &vocab.Warning{What: cause}}
	r.Warning, r.WarningCode = w.String(), &w
}

func readOne(f *casefolder.Folder, it *evidence.Item, opt Options) (r *Reading) {
	r = &Reading{Item: it.ID, Exhibit: it.Exhibit, SHA256: it.SHA256, Engine: Engine()}
	r.Lines = []ocr.Line{}
	defer func() {
		// The engine is ours and tested, but the image decoders and the runtime read untrusted
		// pixels: one bad screenshot must not take the whole add down.
		if p := recover(); p != nil {
			r.Lines = []ocr.Line{}
			r.warn("ocr-failed", fmt.Sprint(p))
		}
	}()
	if isPDF(it) {
		readPDF(f.Store.Path(it.SHA256), opt.Engine, r)
		return r
	}
	rc, err := f.Store.Open(it.SHA256)
	if err != nil {
		r.warn("ocr-cannot-open", err.Error())
		return r
	}
	defer rc.Close()
	page, err := opt.Engine.ReadImage(rc)
	if err != nil {
		r.warn("ocr-not-read", err.Error())
		return r
	}
	r.Page = *page
	return r
}

// Load returns the reading stored for an item, or nil when it has none or the one stored does
// not belong to the item's original.
func Load(f *casefolder.Folder, it *evidence.Item) (*Reading, error) {
	b, err := f.Reading(it.ID)
	if err != nil || b == nil {
		return nil, err
	}
	var r Reading
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("reading of %s: %w", evidence.Label("en", it.Exhibit), err)
	}
	if r.Item != it.ID || r.SHA256 != it.SHA256 {
		return nil, fmt.Errorf("reading of %s: made from other bytes", evidence.Label("en", it.Exhibit))
	}
	return &r, nil
}

// Corrected returns the reading with case.yaml's corrections for its exhibit applied.
func Corrected(c *caseconf.Case, r *Reading) *Reading {
	if c == nil || len(c.OCRFixes) == 0 {
		return r
	}
	out := *r
	out.Lines = append([]ocr.Line(nil), r.Lines...)
	lines := [][]ocr.Line{out.Lines}
	if len(r.Pages) > 0 {
		// A PDF's lines are numbered on from page to page.
		out.Pages = append([]ScanPage(nil), r.Pages...)
		lines = lines[:0]
		for i := range out.Pages {
			out.Pages[i].Lines = append([]ocr.Line(nil), r.Pages[i].Lines...)
			lines = append(lines, out.Pages[i].Lines)
		}
	}
	for _, f := range c.OCRFixes {
		if f.Exhibit != r.Exhibit || f.Line < 1 {
			continue
		}
		n := f.Line
		for _, ls := range lines {
			if n <= len(ls) {
				ls[n-1].Text = f.Text
				ls[n-1].Confidence = 1 // the user read it
				break
			}
			n -= len(ls)
		}
	}
	return &out
}

// Events recognises the events on a reading of it, corrections applied.
func Events(c *caseconf.Case, it *evidence.Item, r *Reading) []event.Event {
	if r == nil || it.Time == nil {
		return nil
	}
	loc := time.UTC
	if c != nil {
		loc = c.Location()
	}
	r = Corrected(c, r)
	return screen.Extract(&r.Page, screen.Shot{Time: it.Time.In(loc), App: screenApp(it, loc)})
}

// screenApp is the app whose screen a screenshot shows, when its file name says so
// (Screenshot_…_com.android.mms.jpg). An image WeChat saved (mmexport…) may show any screen:
// the app that saved it is not the app it shows.
func screenApp(it *evidence.Item, loc *time.Location) string {
	if n, ok := filetime.Parse(it.Name, loc); ok && n.IsScreenshot() {
		return n.App
	}
	return ""
}

// Loader wraps an events loader (casefolder's Events) so that each read item's screenshot event
// carries the screen's text and the events recognised on it follow.
func Loader(f *casefolder.Folder, c *caseconf.Case, base func(*evidence.Item) ([]event.Event, error)) func(*evidence.Item) ([]event.Event, error) {
	return func(it *evidence.Item) ([]event.Event, error) {
		evs, err := base(it)
		if err != nil || !Eligible(it) {
			return evs, err
		}
		r, err := Load(f, it)
		if err != nil || r == nil {
			// verify reports a damaged reading; the timeline goes on with what the parser found.
			return evs, nil
		}
		if text := Corrected(c, r).Text(); text != "" {
			for i := range evs {
				if evs[i].Channel == event.Screenshot {
					if evs[i].Text != "" {
						text = evs[i].Text + "\n" + text
					}
					evs[i].Text = text
					break
				}
			}
		}
		return append(evs, Events(c, it, r)...), nil
	}
}

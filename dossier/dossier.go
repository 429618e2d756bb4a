// Package dossier turns the evidence of a debt-collection dispute into a complaint packet that
// holds up: every original preserved and hashed, numbered, placed on one timeline, the collector's
// rule breaches counted, and documents anyone can verify.
//
// This package is the small surface the command line uses; the work is done in its
// sub-packages, in pipeline order:
//
//	caseconf    case.yaml: parties, contacts and their roles, the agreement, the rules
//	store       content-addressed, read-only originals
//	casefolder  the case folder: index, custody log, journaled commits, lock
//	parse/...   one package per input format, each turning an original into events
//	ingest      detect, hash, store, parse, number
//	timeline    one merged, de-duplicated timeline
//	findings    rule checks and the agreement schedule
//	render/...  the PDF packet and the Excel workbook
//	bag         the BagIt bag
//	verify      re-checks a case, a bag or a packet
package dossier

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/classify"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/ocr/reading"
	"github.com/dossier-tool/dossier/dossier/parse/formats"
	"github.com/dossier-tool/dossier/dossier/sign"
	"github.com/dossier-tool/dossier/dossier/timeline"
)

// InitOptions describe a new case.
type InitOptions = casefolder.InitOptions

// Init creates a case folder with a commented case.yaml and the case's signing key.
func Init(dir string, opt InitOptions) (*Case, error) {
	f, err := casefolder.Init(dir, opt)
	if err != nil {
		return nil, err
	}
	c := &Case{Folder: f}
	if _, err := sign.CreateKey(c.signingDir()); err != nil {
		return nil, fmt.Errorf("make the case's signing key: %w", err)
	}
	return c, nil
}

// Case is an open case folder.
type Case struct {
	Folder *casefolder.Folder
	// Warn, when set, is told what the user should know about the case while it is read: a
	// class override in case.yaml that no longer names its message.
	Warn func(msg string)
	// Context, when set, stops reading the case's events, merging the timeline and evaluating the
	// findings soon after it is cancelled (Ctrl-C), before any document is laid out; the call
	// returns its error.
	Context context.Context
}

// stop is the error of the case's context, checked by every long loop over its events.
func (c *Case) stop() error {
	if c.Context == nil {
		return nil
	}
	return c.Context.Err()
}

// Open opens the case in dir.
func Open(dir string) (*Case, error) {
	f, err := casefolder.Open(dir)
	if err != nil {
		return nil, err
	}
	return &Case{Folder: f}, nil
}

// LockOptions say how long to wait for another process writing the same case.
type LockOptions struct {
	Wait    time.Duration
	Command string
	// Waiting is called once when another process holds the lock, with its description.
	Waiting func(holder string)
}

// Write runs fn holding the case's writer lock, after finishing or rolling back anything a
// crashed run left behind. notes receives what the recovery did.
func (c *Case) Write(ctx context.Context, lo LockOptions, notes func(string), fn func() error) error {
	if lo.Wait == 0 {
		lo.Wait = 10 * time.Minute
	}
	unlock, err := c.Folder.Lock(ctx, lo.Wait, lo.Command, lo.Waiting)
	if err != nil {
		return err
	}
	defer unlock()
	done, err := c.Folder.Recover()
	for _, n := range done {
		if notes != nil {
			notes(n)
		}
	}
	if err != nil {
		return fmt.Errorf("recover interrupted work: %w", err)
	}
	return fn()
}

// AddOptions control an add.
type AddOptions struct {
	ingest.Describe
	Lock     LockOptions
	Progress ingest.Progress
	Notes    func(string)
	// ShowFrom: see ingest.Options.
	ShowFrom string
	// OCR, when set, reads the text of the screenshots and photos added (see ReadText).
	OCR *OCROptions
}

// OCROptions control reading the text of screenshots and photos.
type OCROptions struct {
	// Engine opens the engine; it is called only when there is an image to read. An error
	// wrapping ocr.ErrUnavailable leaves the images unread and is given to Off.
	Engine func() (*ocr.Engine, error)
	Off    func(error)
	// Progress is told how many of the total images are read.
	Progress func(done, total int)
	// Done, when set, is given what an add read.
	Done func([]reading.Result)
}

// Add ingests files and folders into the case.
func (c *Case) Add(ctx context.Context, paths []string, opt AddOptions) (*ingest.Report, error) {
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, err
	}
	var rep *ingest.Report
	err = c.Write(ctx, opt.Lock, opt.Notes, func() error {
		var err error
		var readable []evidence.Item // what OCR may read of the items added
		iopt := ingest.Options{Describe: opt.Describe, Parsers: formats.All(), Progress: opt.Progress, ShowFrom: opt.ShowFrom}
		if opt.OCR != nil {
			iopt.Added = func(it evidence.Item) {
				if reading.Eligible(&it) {
					readable = append(readable, it)
				}
			}
		}
		rep, err = ingest.Add(c.Folder, conf, paths, iopt)
		if err != nil || opt.OCR == nil || rep == nil {
			return err
		}
		read, err := c.readText(ctx, readable, opt.OCR)
		if opt.OCR.Done != nil {
			opt.OCR.Done(read)
		}
		return err
	})
	return rep, err
}

// ReadTextOptions control ReadText.
type ReadTextOptions struct {
	OCROptions
	Lock  LockOptions
	Notes func(string)
}

// ErrNoSuchExhibit is returned by ReadText for an exhibit number the case does not have.
var ErrNoSuchExhibit = casefolder.ErrNoExhibit

// ReadText (re)reads the text of the given exhibits (all screenshots and photos when none are
// given) and stores it beside them. Exhibits that are not images are reported, not read.
func (c *Case) ReadText(ctx context.Context, exhibits []int, opt ReadTextOptions) ([]reading.Result, error) {
	var res []reading.Result
	err := c.Write(ctx, opt.Lock, opt.Notes, func() error {
		items, err := c.Folder.Items()
		if err != nil {
			return err
		}
		want := map[int]bool{}
		for _, n := range exhibits {
			want[n] = true
		}
		found := map[int]bool{}
		for _, it := range items {
			found[it.Exhibit] = true
		}
		for _, n := range exhibits {
			if !found[n] {
				return fmt.Errorf("%w: %d", ErrNoSuchExhibit, n)
			}
		}
		if len(exhibits) == 0 {
			want = found
		}
		var sel []evidence.Item
		for _, it := range items {
			if want[it.Exhibit] {
				sel = append(sel, it)
			}
		}
		res, err = c.readText(ctx, sel, &opt.OCROptions)
		return err
	})
	return res, err
}

// readText reads the text of the items of sel OCR wants. The caller holds the lock.
func (c *Case) readText(ctx context.Context, sel []evidence.Item, opt *OCROptions) ([]reading.Result, error) {
	if !slices.ContainsFunc(sel, func(it evidence.Item) bool { return reading.Wants(c.Folder, &it) }) {
		return nil, nil
	}
	eng, err := opt.Engine()
	if errors.Is(err, ocr.ErrUnavailable) {
		if opt.Off != nil {
			opt.Off(err)
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, err
	}
	// Ctrl-C stops the reading between images; what was read is kept.
	stop := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return c.stop()
	}
	res, _, err := reading.Run(c.Folder, sel, reading.Options{Engine: eng, Case: conf, Progress: opt.Progress, Stop: stop})
	return res, err
}

// Reading returns the stored reading of an exhibit, or nil.
func (c *Case) Reading(it *evidence.Item) (*reading.Reading, error) {
	return reading.Load(c.Folder, it)
}

// events loads an item's events with what OCR read from it.
func (c *Case) events(conf *caseconf.Case) func(*evidence.Item) ([]event.Event, error) {
	return reading.Loader(c.Folder, conf, func(it *evidence.Item) ([]event.Event, error) {
		if err := c.stop(); err != nil {
			return nil, err
		}
		return c.Folder.EventsUntil(it, c.stop)
	})
}

// EditOptions control an edit.
type EditOptions struct {
	ingest.EditOptions
	Lock  LockOptions
	Notes func(string)
}

// Edit changes the description of one exhibit (never its bytes), custody-logged.
func (c *Case) Edit(ctx context.Context, exhibit int, opt EditOptions) (*ingest.EditResult, error) {
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, err
	}
	var res *ingest.EditResult
	err = c.Write(ctx, opt.Lock, opt.Notes, func() error {
		var err error
		res, err = ingest.Edit(c.Folder, conf, exhibit, opt.EditOptions)
		return err
	})
	return res, err
}

// Items lists the items by exhibit number.
func (c *Case) Items() ([]evidence.Item, error) { return c.Folder.Items() }

// Timeline returns case.yaml and the merged timeline.
func (c *Case) Timeline() (*caseconf.Case, []event.Event, error) {
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, nil, err
	}
	items, err := c.Folder.Items()
	if err != nil {
		return nil, nil, err
	}
	evs, err := timeline.Build(conf, items, c.events(conf))
	if err != nil {
		return nil, nil, err
	}
	c.classify(conf, evs)
	return conf, evs, nil
}

// classify gives every message its class (package classify) and warns of stale overrides.
func (c *Case) classify(conf *caseconf.Case, evs []event.Event) {
	for _, p := range classify.Apply(conf, evs) {
		if c.Warn != nil {
			c.Warn(p)
		}
	}
}

// Merged returns case.yaml and the merged timeline as a stream read from the case on every pass,
// for callers that must not hold a timeline of a million events (events --json, findings, the
// workbook).
func (c *Case) Merged() (*caseconf.Case, *timeline.Merged, error) {
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, nil, err
	}
	items, err := c.Folder.Items()
	if err != nil {
		return nil, nil, err
	}
	m, err := c.openMerged(conf, items)
	if err != nil {
		return nil, nil, err
	}
	return conf, m, nil
}

// openMerged opens the streamed timeline with every event classified as it passes (package
// classify), case.yaml's classes: applied and the stale ones warned of.
func (c *Case) openMerged(conf *caseconf.Case, items []evidence.Item) (*timeline.Merged, error) {
	m, err := timeline.Open(conf, items, c.eventSource(conf))
	if err != nil {
		return nil, err
	}
	tightenGC(items)
	tagger := classify.NewTagger(conf, c.Warn)
	m.Classify = tagger.Tag
	if len(conf.Classes) > 0 {
		n, err := m.Len()
		if err != nil {
			return nil, err
		}
		tagger.Missing(n)
	}
	return m, nil
}

// eventSource streams an item's events from its events file, except where OCR layers a reading
// over them: those items (screenshots and photos, a few events each) are read whole.
func (c *Case) eventSource(conf *caseconf.Case) timeline.Source {
	return timeline.Source{Load: c.events(conf), Stop: c.stop, File: func(it *evidence.Item) string {
		if reading.Eligible(it) {
			return ""
		}
		return c.Folder.EventsPath(it.ID)
	}}
}

// Findings evaluates the rules over the timeline; now decides as_of when case.yaml does not.
func (c *Case) Findings(now time.Time) (*caseconf.Case, *findings.Report, error) {
	conf, m, err := c.Merged()
	if err != nil {
		return nil, nil, err
	}
	rep, err := findings.EvaluateEach(conf, m.Each, now)
	return conf, rep, err
}

// Bundle reads everything the renderers need, with the merged timeline.
func (c *Case) Bundle() (*evidence.Bundle, error) {
	b, err := c.Folder.Bundle()
	if err != nil {
		return nil, err
	}
	evs, err := timeline.Build(b.Case, b.Items, c.events(b.Case))
	if err != nil {
		return nil, err
	}
	c.classify(b.Case, evs)
	b.Events = evs
	c.addReadings(b)
	return b, nil
}

// addReadings gives the bundle what OCR read on its images, for the packet's text layer and its
// redaction: the lines of every image read, and which images were read at all (a reading that
// failed, or was made from other bytes, does not count).
func (c *Case) addReadings(b *evidence.Bundle) {
	b.Text, b.Read = map[string][]evidence.TextLine{}, map[string]bool{}
	for i := range b.Items {
		it := &b.Items[i]
		if !reading.Eligible(it) {
			continue
		}
		r, err := reading.Load(c.Folder, it)
		if err != nil || r == nil {
			continue
		}
		if r.Warning == "" {
			b.Read[it.ID] = true
		}
		fixed := reading.Corrected(b.Case, r)
		for k, l := range fixed.Lines {
			x0, y0, x1, y1 := l.Bounds()
			b.Text[it.ID] = append(b.Text[it.ID], evidence.TextLine{Text: l.Text, X0: x0, Y0: y0, X1: x1, Y1: y1,
				Corrected: l.Text != r.Lines[k].Text})
		}
		// A scanned page's lines, from the image's pixels to where the image lies on the page.
		all := r.AllLines()
		k := 0
		for _, p := range fixed.Pages {
			if p.Width <= 0 || p.Height <= 0 {
				k += len(p.Lines)
				continue
			}
			sx, sy := (p.Box[2]-p.Box[0])/float64(p.Width), (p.Box[3]-p.Box[1])/float64(p.Height)
			at := func(v, scale, origin float64) int { return int((origin + v*scale) * evidence.PageUnits) }
			for _, l := range p.Lines {
				x0, y0, x1, y1 := l.Bounds()
				b.Text[it.ID] = append(b.Text[it.ID], evidence.TextLine{Text: l.Text, Page: p.Number,
					X0: at(float64(x0), sx, p.Box[0]), Y0: at(float64(y0), sy, p.Box[1]),
					X1: at(float64(x1), sx, p.Box[0]), Y1: at(float64(y1), sy, p.Box[1]),
					Corrected: l.Text != all[k].Text})
				k++
			}
		}
	}
}

// gcTightAbove is the number of events above which the process collects garbage when the heap
// has grown by 40% (GOGC 40) instead of doubled. Streaming a timeline of a million events keeps
// 75-110 MB live (the sort keys, the findings, the workbook writer's 16 MiB row buffers) and
// makes garbage at every event decoded; at the default the heap peaks near twice the live size,
// past the 250 MB such a render is allowed. The collector's share of the CPU stays a few
// percent. It is a setting of the process and stays for its life (a command renders one case).
//
// The heap is also given a soft limit of memLimitPerEvent bytes per event (never under
// memLimitFloor): the collector then returns what the passes left free instead of keeping it
// for later, so the peak stays near the live set plus the 40% (a million events: 186 MB for
// the workbook instead of 203 MB, at 2% of the CPU for the collector). It scales with the
// timeline, as the live set does, so a larger case is not made to collect without end.
const (
	gcTightAbove     = 250_000
	gcPercent        = 40
	memLimitPerEvent = 160
	memLimitFloor    = 150 << 20
)

func tightenGC(items []evidence.Item) {
	n := 0
	for i := range items {
		n += max(items[i].Events, 0)
	}
	if n <= gcTightAbove {
		return
	}
	if old := debug.SetGCPercent(gcPercent); old < gcPercent {
		debug.SetGCPercent(old) // set lower (or off) by the user: theirs
	}
	limit := max(int64(n)*memLimitPerEvent, memLimitFloor)
	if old := debug.SetMemoryLimit(limit); old < limit {
		debug.SetMemoryLimit(old) // GOMEMLIMIT set lower by the user: theirs
	}
}

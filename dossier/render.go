package dossier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
	"github.com/dossier-tool/dossier/dossier/bag"
	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/render/pdf"
	"github.com/dossier-tool/dossier/dossier/render/xlsx"
)

// Default output names inside the case's out/ folder.
const (
	PacketName   = "packet.pdf"
	WorkbookName = "workbook.xlsx"
	BagName      = "bag"
)

// documentInputs reads the bundle and evaluates the findings the documents print. Installments
// are judged at case.yaml's as_of or, when it is not set, on the day of the case's last change,
// so the same case renders to the same bytes whenever it is rendered. The bundle's originals are
// read through a guard: the caller runs its check before putting anything in place.
// lang, when set, is the language the findings are worded in (a packet rendered with --lang en
// for a Chinese case states its findings in English); the counts do not depend on it.
func (c *Case) documentInputs(lang string) (*evidence.Bundle, *findings.Report, *guard, error) {
	b, err := c.Bundle()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := c.stop(); err != nil {
		return nil, nil, nil, err
	}
	g := c.guardStore(b)
	r := findings.Evaluate(wordedIn(b.Case, lang), b.Events, b.Stamp)
	if err := c.stop(); err != nil {
		return nil, nil, nil, err
	}
	return b, r, g, nil
}

// wordedIn is the case as findings see it when a document is rendered in lang: the same facts and
// thresholds, the findings' text in that language.
func wordedIn(conf *caseconf.Case, lang string) *caseconf.Case {
	if lang == "" || lang == conf.Language {
		return conf
	}
	worded := *conf
	worded.Language = lang
	return &worded
}

// streamedInputs is documentInputs with the timeline streamed from the case instead of loaded,
// for the documents, which take events one at a time (the packet collects a small case's
// timeline and summarises a large one): findings are evaluated in one pass over it.
// also, when set, is given the bundle and returns what else sees every event of that pass (the
// workbook's scan), so the documents read the timeline once less.
func (c *Case) streamedInputs(lang string, also func(b *evidence.Bundle) func(*event.Event)) (*evidence.Bundle, *findings.Report, *guard, error) {
	b, err := c.Folder.Bundle()
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := c.openMerged(b.Case, b.Items)
	if err != nil {
		return nil, nil, nil, err
	}
	b.Timeline = m
	c.addReadings(b)
	each := m.Each
	if also != nil {
		observe := also(b)
		each = func(fn func(*event.Event) error) error {
			return m.Each(func(e *event.Event) error {
				observe(e)
				return fn(e)
			})
		}
	}
	r, err := findings.EvaluateEach(wordedIn(b.Case, lang), each, b.Stamp)
	if err != nil {
		return nil, nil, nil, err
	}
	return b, r, c.guardStore(b), nil
}

// checked runs a renderer and then the guard's check: a changed original is the error, whatever
// else the renderer made of it.
func (g *guard) checked(render func() error) error {
	if err := render(); err != nil {
		if bad := g.failed(); bad != nil {
			return bad
		}
		return err
	}
	return g.check()
}

// PDF writes the complaint packet to w. It fails with ErrTampered, before the caller commits w,
// when an original or its events no longer match their digests. opt.Context, when set, stops it.
func (c *Case) PDF(w io.Writer, opt pdf.Options) error {
	b, r, g, err := c.streamedInputs(opt.Lang, nil)
	if err != nil {
		return err
	}
	done, err := c.scratchUnlessSet(&opt.TempDir)
	if err != nil {
		return err
	}
	defer done()
	return g.checked(func() error { return pdf.Render(w, b, r, opt) })
}

// XLSX writes the timeline workbook to w, failing like PDF on a changed store. Unless opt names
// one, the workbook's temporary files go into a scratch folder in the case's out/ folder.
func (c *Case) XLSX(w io.Writer, opt xlsx.Options) error {
	var scan *xlsx.Scan
	b, r, g, err := c.streamedInputs(opt.Lang, func(b *evidence.Bundle) func(*event.Event) {
		scan = xlsx.NewScan(b, opt)
		return scan.Observe
	})
	if err != nil {
		return err
	}
	done, err := c.scratchUnlessSet(&opt.TempDir)
	if err != nil {
		return err
	}
	defer done()
	return g.checked(func() error { return xlsx.RenderScanned(w, b, r, scan, opt) })
}

// scratchUnlessSet points an empty *dir at a new scratch folder in the case's out/ folder, for a
// renderer's temporary files; done removes it (and nothing when *dir was set).
func (c *Case) scratchUnlessSet(dir *string) (done func(), err error) {
	if *dir != "" {
		return func() {}, nil
	}
	tmp, done, err := scratchDir(c.OutPath(""), scratchPrefix)
	if err != nil {
		return nil, err
	}
	*dir = tmp
	return done, nil
}

// OutPath is a path inside the case's out/ folder.
func (c *Case) OutPath(name string) string { return filepath.Join(c.Folder.Dir, "out", name) }

// WriteFileAtomic runs render into a temporary file that takes the name path only when render
// succeeds, so an interrupted or failed run never leaves a half-written document behind.
func WriteFileAtomic(path string, render func(w io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	p, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	defer p.Abort()
	if err := render(p); err != nil {
		return err
	}
	return p.Commit()
}

// BagOptions control a bag.
type BagOptions struct {
	PDF  pdf.Options
	XLSX xlsx.Options
	// Docs are already rendered documents to place in the bag; when nil, the packet and the
	// workbook are rendered for it.
	Docs []bag.File
}

// Bag writes a BagIt bag of the originals and the rendered documents to target: a folder, or a
// zip file when target ends in .zip.
func (c *Case) Bag(ctx context.Context, target string, opt BagOptions) error {
	opt.PDF.Context, opt.XLSX.Context = orCtx(opt.PDF.Context, ctx), orCtx(opt.XLSX.Context, ctx)
	b, r, g, err := c.streamedInputs(opt.PDF.Lang, nil)
	if err != nil {
		return err
	}
	return c.writeBag(target, b, r, g, opt)
}

func (c *Case) writeBag(target string, b *evidence.Bundle, r *findings.Report, g *guard, opt BagOptions) error {
	files := opt.Docs
	if files == nil {
		// The documents are staged beside the bag, so its folder must exist first (a fresh
		// case has no out/ yet).
		if err := os.MkdirAll(filepath.Dir(absOr(target)), 0o755); err != nil {
			return err
		}
		tmp, done, err := scratchDir(filepath.Dir(absOr(target)), docsPrefix)
		if err != nil {
			return err
		}
		defer done()
		opt.XLSX.TempDir, opt.PDF.TempDir = tmp, tmp
		pdfPath, xlsxPath := filepath.Join(tmp, PacketName), filepath.Join(tmp, WorkbookName)
		if err := WriteFileAtomic(pdfPath, func(w io.Writer) error { return g.checked(func() error { return pdf.Render(w, b, r, opt.PDF) }) }); err != nil {
			return fmt.Errorf("render the packet for the bag: %w", err)
		}
		opt.XLSX.LinkPrefix = "./"
		if err := WriteFileAtomic(xlsxPath, func(w io.Writer) error { return xlsx.Render(w, b, r, opt.XLSX) }); err != nil {
			return fmt.Errorf("render the workbook for the bag: %w", err)
		}
		files = []bag.File{docFile(PacketName, pdfPath), docFile(WorkbookName, xlsxPath)}
	}
	if strings.EqualFold(filepath.Ext(target), ".zip") {
		return WriteFileAtomic(target, func(w io.Writer) error {
			tokens, err := c.timestampTags()
			if err != nil {
				return err
			}
			return g.checked(func() error { return bag.WriteZip(w, b, files, bag.Options{Name: bagFolderName(b), TagFiles: tokens}) })
		})
	}
	overwrite := false
	if _, err := os.Stat(filepath.Join(target, bag.BagitTxt)); err == nil {
		overwrite = true // a bag this command wrote before
	}
	if err := os.MkdirAll(filepath.Dir(absOr(target)), 0o755); err != nil {
		return err
	}
	tokens, err := c.timestampTags()
	if err != nil {
		return err
	}
	err = bag.Write(target, b, files, bag.Options{Overwrite: overwrite, BeforeCommit: g.check, TagFiles: tokens})
	if errors.Is(err, bag.ErrExists) {
		return fmt.Errorf("%s exists and is not a bag; choose another folder with -o", target)
	}
	if bad := g.failed(); bad != nil {
		return bad
	}
	return err
}

// docFile is a rendered document for the bag, read from path under the name it has in the bag.
func docFile(name, path string) bag.File {
	return bag.File{Name: name, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func bagFolderName(b *evidence.Bundle) string { return "dossier-" + b.CaseID }

func absOr(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// BuildOptions control build.
type BuildOptions struct {
	PDF  pdf.Options
	XLSX xlsx.Options
	// Step is told each step as it starts, for a progress display.
	Step func(step, of int, what string)
}

// BuildResult names what build wrote.
type BuildResult struct {
	Packet, Workbook, Bag string
	Took                  time.Duration
}

// Build renders the packet, the workbook and the bag into dir (default: the case's out/). Nothing
// in dir is replaced until all three are made and every original has been checked against its
// digest: on a changed store dir stays exactly as it was.
func (c *Case) Build(ctx context.Context, dir string, opt BuildOptions) (*BuildResult, error) {
	start := time.Now()
	opt.PDF.Context, opt.XLSX.Context = orCtx(opt.PDF.Context, ctx), orCtx(opt.XLSX.Context, ctx)
	if dir == "" {
		dir = c.OutPath("")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	removeStale(dir)
	step := func(n int, what string) {
		if opt.Step != nil {
			opt.Step(n, 3, what)
		}
	}
	// The findings' pass over the timeline also scans it for both workbooks, which then read it
	// only to write their rows.
	var scan *xlsx.Scan
	b, r, g, err := c.streamedInputs(opt.PDF.Lang, func(b *evidence.Bundle) func(*event.Event) {
		scan = xlsx.NewScan(b, opt.XLSX)
		return scan.Observe
	})
	if err != nil {
		return nil, err
	}
	res := &BuildResult{Packet: filepath.Join(dir, PacketName), Workbook: filepath.Join(dir, WorkbookName), Bag: filepath.Join(dir, BagName)}
	tmp, done, err := scratchDir(dir, docsPrefix)
	if err != nil {
		return nil, err
	}
	defer done()
	opt.PDF.TempDir = tmp
	step(1, "packet")
	packet, err := stage(res.Packet, func(w io.Writer) error { return g.checked(func() error { return pdf.Render(w, b, r, opt.PDF) }) })
	if errors.Is(err, ErrTampered) {
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("packet: %w", err)
	}
	defer packet.Abort()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	step(2, "workbook")
	// The workbook in out/ links to the originals in out/bag/data/; the copy inside the bag sits
	// beside them.
	outXLSX := opt.XLSX
	outXLSX.LinkPrefix = BagName + "/data/"
	outXLSX.TempDir = tmp
	workbook, err := stage(res.Workbook, func(w io.Writer) error { return xlsx.RenderScanned(w, b, r, scan, outXLSX) })
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	defer workbook.Abort()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	step(3, "bag")
	bagXLSX := opt.XLSX
	bagXLSX.LinkPrefix = "./"
	bagXLSX.TempDir = tmp
	inBag := filepath.Join(tmp, WorkbookName)
	if err := WriteFileAtomic(inBag, func(w io.Writer) error { return xlsx.RenderScanned(w, b, r, scan, bagXLSX) }); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	docs := []bag.File{docFile(PacketName, packet.Name()), docFile(WorkbookName, inBag)}
	if err := c.writeBag(res.Bag, b, r, g, BagOptions{Docs: docs}); err != nil {
		if errors.Is(err, ErrTampered) {
			return nil, err
		}
		return nil, fmt.Errorf("bag: %w", err)
	}
	if err := packet.Commit(); err != nil {
		return nil, fmt.Errorf("packet: %w", err)
	}
	if err := workbook.Commit(); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	res.Took = time.Since(start)
	return res, nil
}

// stage renders into a file that takes the name path only when committed; on error nothing is
// left behind.
func stage(path string, render func(w io.Writer) error) (*atomicfile.Pending, error) {
	p, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, err
	}
	if err := render(p); err != nil {
		p.Abort()
		return nil, err
	}
	return p, nil
}

// removeStale deletes what an interrupted build left beside its outputs: temporary files and
// folders never got their final names, so nobody can mistake them for documents, but they take
// space. Only names this package and the bag writer make are touched.
func removeStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if _, scratch := staleScratch(e); scratch {
			continue // removeStaleScratch knows which are abandoned
		}
		stale := strings.HasPrefix(n, "."+PacketName+".tmp-") || strings.HasPrefix(n, "."+WorkbookName+".tmp-") ||
			strings.HasPrefix(n, "."+BagName+".tmp-")
		if stale {
			os.RemoveAll(filepath.Join(dir, n))
		}
	}
}

// orCtx is the context a caller set on a renderer's options, else the command's.
func orCtx(set, ctx context.Context) context.Context {
	if set != nil {
		return set
	}
	return ctx
}

// TemplatesDir opens a folder of letter templates that override the embedded ones.
func TemplatesDir(dir string) (fs.FS, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--templates %s: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("--templates %s: not a folder", dir)
	}
	return os.DirFS(dir), nil
}

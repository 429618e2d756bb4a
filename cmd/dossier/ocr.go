package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/ocr/reading"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// ocrJSON is the stable shape of `dossier ocr --json`: one entry per image read.
type ocrJSON struct {
	Exhibit int        `json:"exhibit"`
	Name    string     `json:"name"`
	Warning string     `json:"warning,omitempty"`
	Width   int        `json:"width"`
	Height  int        `json:"height"`
	Lines   []ocr.Line `json:"lines"`
	// Pages are the scanned pages of a PDF, each with its lines.
	Pages  []reading.ScanPage `json:"pages,omitempty"`
	Events int                `json:"events"`
}

func ocrCmd(e *env) *cobra.Command {
	var asJSON bool
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "ocr [EXHIBIT...]",
		Short: "Read the text of screenshots, photos and scanned PDF pages again (all of them when no exhibit is named)",
		Long: `ocr reads the text on the case's screenshots and photos with the PP-OCRv4 Chinese models and
keeps it beside each item, with each line's box and confidence; chat and call-history screens
become events, and a PDF's scanned pages (pictures of a page, no text of their own) are read
page by page so the packet can be searched. add does this by itself when the models are
installed (make ocr); run ocr after installing them, or to read named exhibits again.
Originals are never changed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var exhibits []int
			for _, a := range args {
				n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(a, "证据"), "Exhibit"))
				if err != nil || n <= 0 {
					return usageError{fmt.Errorf("%q is not an exhibit number", a)}
				}
				exhibits = append(exhibits, n)
			}
			c, err := e.open()
			if err != nil {
				return err
			}
			lo, notes := e.writer("dossier ocr", wait)
			var off error
			lang := ""
			if conf, err := c.Folder.Case(); err == nil {
				lang = conf.Language
			}
			opt := dossier.ReadTextOptions{Lock: lo, Notes: notes, OCROptions: *e.ocrOptions(lang)}
			opt.Off = func(err error) { off = err }
			bar := newCounter(e, "reading")
			if bar != nil {
				opt.Progress = bar.set
			}
			res, err := c.ReadText(e.ctx, exhibits, opt)
			bar.finish()
			if err != nil {
				return err
			}
			if off != nil {
				return fmt.Errorf("%v; to turn OCR on, %s", off, ocr.HowToEnable)
			}
			items, err := c.Items()
			if err != nil {
				return err
			}
			if asJSON {
				out := []ocrJSON{}
				for _, r := range res {
					it := itemByExhibit(items, r.Exhibit)
					j := ocrJSON{Exhibit: r.Exhibit, Name: r.Name, Warning: r.Warning, Lines: []ocr.Line{}, Events: r.Events}
					if rd, err := c.Reading(it); err == nil && rd != nil {
						j.Width, j.Height, j.Lines, j.Pages = rd.Width, rd.Height, rd.Lines, rd.Pages
					}
					out = append(out, j)
				}
				return writeJSON(e.stdout, out)
			}
			conf, err := c.Folder.Case()
			if err != nil {
				return err
			}
			printRead(e, conf.Language, res)
			if len(res) == 0 {
				e.msg("%s", vocab.Term(conf.Language, "cli.ocr.none"))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print each image's lines with their boxes and confidences as JSON")
	cmd.Flags().DurationVar(&wait, "wait", 10*time.Minute, "how long to wait for another dossier process writing this case")
	return cmd
}

func itemByExhibit(items []evidence.Item, n int) *evidence.Item {
	for i := range items {
		if items[i].Exhibit == n {
			return &items[i]
		}
	}
	return &evidence.Item{}
}

func printRead(e *env, lang string, res []reading.Result) {
	lines := 0
	for _, r := range res {
		what := fmt.Sprintf(vocab.Term(lang, "cli.ocr.lines"), r.Lines)
		if r.Events > 0 {
			what += fmt.Sprintf(vocab.Term(lang, "cli.ocr.events"), r.Events)
		}
		switch {
		case r.WarningCode != nil:
			what = vocab.Term(lang, vocab.WarningLabel) + r.WarningCode.In(lang)
		case r.Warning != "":
			what = vocab.Term(lang, vocab.WarningLabel) + r.Warning
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", evidence.Label(lang, r.Exhibit), r.Name, what)
		lines += r.Lines
	}
	if len(res) > 0 {
		e.msg(vocab.Term(lang, "cli.ocr.done"), len(res), lines)
	}
}

// ocrOptions opens the engine when the first image needs it and says once per run when OCR is
// off and how to turn it on.
func (e *env) ocrOptions(lang string) *dossier.OCROptions {
	return &dossier.OCROptions{
		Engine: func() (*ocr.Engine, error) {
			if e.engine == nil && e.engineErr == nil {
				e.engine, e.engineErr = ocr.Open(ocr.Dir())
			}
			return e.engine, e.engineErr
		},
		Off: func(err error) {
			if !e.ocrOffSaid {
				e.ocrOffSaid = true
				if vocab.Lang(lang) == vocab.EN {
					e.msg("OCR is off, screenshots are kept without their text (%s); to turn it on, %s", strings.TrimPrefix(err.Error(), ocr.ErrUnavailable.Error()+": "), ocr.HowToEnable)
				} else {
					// The reason names a missing file in the engine's English; the remedy is the same.
					e.msg(vocab.Term(lang, "ocr.off"), ocr.EnvDir)
				}
			}
		},
	}
}

// closeEngine releases the OCR engine at the end of a command.
func (e *env) closeEngine() {
	if e.engine != nil {
		_ = e.engine.Close()
		e.engine = nil
	}
}

// counter shows how many of a number of things are done, on a terminal only.
type counter struct {
	bar *progressbar.ProgressBar
	e   *env
	msg string
}

func newCounter(e *env, msg string) *counter {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("CI") != "" {
		return nil
	}
	return &counter{e: e, msg: vocab.Term(e.language(), "cli.progress."+msg)}
}

func (c *counter) set(done, total int) {
	if c.bar == nil {
		c.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(c.e.stderr),
			progressbar.OptionSetDescription(c.msg), progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
	}
	_ = c.bar.Set(done)
}

func (c *counter) finish() {
	if c != nil && c.bar != nil {
		_ = c.bar.Finish()
	}
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/ocr/reading"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

var kinds = ingest.Kinds

func addCmd(e *env) *cobra.Command {
	var opt dossier.AddOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add PATH...",
		Short: "Store files and folders as evidence, numbered and hashed",
		Long: `add copies each file into the case's read-only store, hashes it, detects its type from its
bytes, extracts its events and numbers it as the next exhibit. Folders are added recursively.
A sidecar <file>.meta.yaml (keys: title, purpose, source, time, kind, holder, holder_role)
describes one file and is not itself evidence. The same bytes added twice stay one item.`,
		Args: argsRange(1, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opt.Kind != "" && !contains(kinds, opt.Kind) {
				return usageError{fmt.Errorf("--kind %q: use one of %s", opt.Kind, strings.Join(kinds, ", "))}
			}
			if opt.HolderRole != "" && opt.HolderRole != ingest.HolderFamily && opt.HolderRole != ingest.HolderThirdParty {
				return usageError{fmt.Errorf("--holder-role %q: use family or third-party", opt.HolderRole)}
			}
			if opt.HolderRole != "" && opt.Holder == "" {
				return usageError{fmt.Errorf("--holder-role needs --holder NAME")}
			}
			c, conf, err := e.openCase()
			if err != nil {
				return err
			}
			opt.Lock, opt.Notes = e.writer("dossier add", opt.Lock.Wait)
			opt.OCR = e.ocrOptions(conf.Language)
			var read []reading.Result
			opt.OCR.Done = func(r []reading.Result) { read = r }
			ocrBar := newCounter(e, "reading")
			if ocrBar != nil {
				opt.OCR.Progress = ocrBar.set
			}
			bar := newProgress(e, "adding")
			if bar != nil {
				opt.Progress = bar
			}
			rep, err := c.Add(e.ctx, args, opt)
			if bar != nil {
				bar.finish()
			}
			ocrBar.finish()
			if rep != nil {
				if asJSON {
					enc := json.NewEncoder(e.stdout)
					enc.SetEscapeHTML(false)
					enc.SetIndent("", "  ")
					if jerr := enc.Encode(rep); jerr != nil {
						return jerr
					}
				} else {
					printAdd(e, conf.Language, rep)
					printRead(e, conf.Language, read)
				}
			}
			if err != nil {
				return err
			}
			if rep.Failed > 0 {
				return failedPaths(conf.Language, rep)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Title, "title", "", "title of the items (证据名称)")
	f.StringVar(&opt.Purpose, "purpose", "", "what the items prove (证明目的)")
	f.StringVar(&opt.Source, "source", "", "where the items came from (证据来源)")
	f.StringVar(&opt.Time, "time", "", "the time the evidence shows, e.g. '2025-01-28 23:32' (case zone) or RFC 3339")
	f.StringVar(&opt.Kind, "kind", "", "override the detected kind: "+strings.Join(kinds, ", "))
	f.StringVar(&opt.Holder, "holder", "", "`NAME` of the person whose device the evidence came from, if not yours")
	f.StringVar(&opt.HolderRole, "holder-role", "", "family or third-party (with --holder)")
	f.StringVar(&opt.Password, "password", "", "`PASSWORD` that opens password-protected zip archives (bill exports e-mailed by Alipay or WeChat Pay); used for this add only, never stored")
	f.DurationVar(&opt.Lock.Wait, "wait", 10*time.Minute, "how long to wait for another dossier process writing this case")
	f.BoolVar(&asJSON, "json", false, "print the results as JSON")
	return cmd
}

func printAdd(e *env, lang string, rep *ingest.Report) {
	for _, r := range rep.Results {
		switch {
		case r.Err != "":
			e.msg("%s: %s", r.Path, r.ErrText(lang))
		case r.Skipped != "":
			e.msg("%s: %s", r.Path, r.SkippedText(lang))
		case r.DuplicateOf > 0:
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", evidence.Label(lang, r.DuplicateOf), vocab.Kind(lang, r.Kind), r.Path, vocab.Term(lang, "add.duplicate"))
		default:
			what := r.SummaryText(lang)
			if what == "" {
				what = fmt.Sprintf(vocab.Term(lang, "add.events"), r.Events)
			}
			if r.DerivedFrom > 0 {
				what += fmt.Sprintf(vocab.Term(lang, "add.from"), evidence.Label(lang, r.DerivedFrom))
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", evidence.Label(lang, r.Exhibit), vocab.Kind(lang, r.Kind), r.Path, what)
			for _, w := range r.WarningTexts(lang) {
				fmt.Fprintf(e.stdout, "\t%s%s\n", vocab.Term(lang, vocab.WarningLabel), w)
			}
		}
	}
	e.msg(vocab.Term(lang, "add.summary"), rep.Added, rep.Dups, rep.Failed)
}

// failedPaths is the error of an add where some paths could not be read: it says whether
// anything else was added, and how to fix a permission problem.
func failedPaths(lang string, rep *ingest.Report) error {
	key := "add.failed-all"
	switch {
	case rep.Added > 0:
		key = "add.failed-added"
	case rep.Dups > 0:
		key = "add.failed-dups"
	}
	msg := fmt.Sprintf(vocab.Term(lang, key), rep.Failed)
	for _, r := range rep.Results {
		if r.Denied {
			msg += vocab.Term(lang, "add.denied-advice")
			break
		}
	}
	return errors.New(msg)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// progress shows a bar with bytes/s and an ETA on a terminal, and nothing in CI or a pipe.
type progress struct {
	bar *progressbar.ProgressBar
	e   *env
	msg string
}

func newProgress(e *env, msg string) *progress {
	f, ok := e.stderr.(*os.File)
	if !ok || !showProgress(term.IsTerminal(int(f.Fd())), os.Getenv) {
		return nil
	}
	return &progress{e: e, msg: vocab.Term(e.language(), "cli.progress."+msg)}
}

// showProgress says whether a bar that redraws its line makes sense: on a terminal that can move
// the cursor (not TERM=dumb, as in Emacs shells and some IDE consoles) and not in CI logs.
func showProgress(isTerminal bool, getenv func(string) string) bool {
	return isTerminal && getenv("CI") == "" && getenv("TERM") != "dumb"
}

func (p *progress) Total(files int, bytes int64) {
	p.bar = progressbar.NewOptions64(bytes,
		progressbar.OptionSetWriter(p.e.stderr),
		progressbar.OptionSetDescription(fmt.Sprintf("%s %d files", p.msg, files)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *progress) Advance(n int64) {
	if p.bar != nil {
		_ = p.bar.Add64(n)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

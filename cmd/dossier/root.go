package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitProblems = 3
)

// env is what every command shares: the streams and the global flags.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	dir    string
	debug  bool
	// lang is the language of the case the command works on, for its messages ("" until a case
	// is opened: zh).
	lang string
	// The OCR engine, opened by the first image that needs it (see ocrOptions).
	engine     *ocr.Engine
	engineErr  error
	ocrOffSaid bool
}

func (e *env) msg(format string, args ...any) {
	fmt.Fprintf(e.stderr, "dossier: "+format+"\n", args...)
}

// open opens the case that holds the working folder: the folder itself or the nearest one above
// it, as git finds its repository.
func (e *env) open() (*dossier.Case, error) {
	dir, err := casefolder.Find(e.dir)
	if err != nil {
		return nil, err
	}
	c, err := dossier.Open(dir)
	if c != nil {
		if conf, cerr := c.Folder.Case(); cerr == nil {
			e.lang = conf.Language
		}
		c.Warn = func(msg string) { e.msg("%s", msg) }
		c.Context = e.ctx
	}
	return c, err
}

// openCase opens the case and reads its case.yaml.
func (e *env) openCase() (*dossier.Case, *caseconf.Case, error) {
	c, err := e.open()
	if err != nil {
		return nil, nil, err
	}
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, nil, err
	}
	// Values written in another form than the documented one were read; say how, so a mistake
	// in reading them is seen before it reaches a document.
	for _, n := range conf.Notes {
		e.msg("%s", n)
	}
	return c, conf, nil
}

// writer is how a command that writes the case waits for another one and tells what recovery did.
func (e *env) writer(command string, wait time.Duration) (dossier.LockOptions, func(string)) {
	return dossier.LockOptions{Wait: wait, Command: command, Waiting: func(holder string) {
		e.msg(vocab.Term(e.language(), "cli.waiting"), holder)
	}}, func(n string) { e.msg("%s", n) }
}

// usageError marks errors that exit with 2.
type usageError struct{ error }

// words is the usage error in lang: a worded one in the vocabulary's, any other as it is.
func (u usageError) words(lang string) string {
	if w, ok := u.error.(wordedError); ok {
		return fmt.Sprintf(vocab.Term(lang, w.key), w.args...)
	}
	return u.Error()
}

// wordedError is an error the command line words from the vocabulary; its Error is the English.
type wordedError struct {
	key  string
	args []any
}

func (w wordedError) Error() string { return fmt.Sprintf(vocab.Term(vocab.EN, w.key), w.args...) }

// problemsError marks a verification that found problems (exit 3); its report is already out.
type problemsError struct{ n int }

func (p problemsError) Error() string { return fmt.Sprintf("%d problem(s) found", p.n) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Ctrl-C and the SIGTERM a service manager or `kill` sends both cancel the command's context:
	// every long loop checks it and removes what it had half-written. A second signal is not
	// caught, so it stops a command that does not react at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); stop() }()
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "dossier",
		Short: "Turn the evidence of a debt-collection dispute into a complaint packet that holds up",
		Long: `dossier preserves every original (hashed, read-only), numbers it as an exhibit, puts all
events on one timeline, counts the collectors' rule breaches, and renders a PDF packet, an Excel
workbook and a BagIt bag that anyone can verify. 整理催收纠纷证据，生成可核验的投诉材料。`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		Args:          unknownCommand,
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(stderr)
			_ = cmd.Help()
			return errHelpShown
		},
	}
	root.SetVersionTemplate("dossier {{.Version}}\n")
	root.SuggestionsMinimumDistance = 2
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVarP(&e.dir, "directory", "C", ".", "run as if started in `DIR` (the case folder)")
	root.PersistentFlags().BoolVar(&e.debug, "debug", false, "show the full detail of errors")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if e.dir == "" || e.dir == "." {
			e.dir = "."
			return nil
		}
		// As git -C and make -C: paths on the command line are relative to DIR too.
		if cmd.Name() == "init" {
			if err := os.MkdirAll(e.dir, 0o755); err != nil {
				return err
			}
		}
		if err := os.Chdir(e.dir); err != nil {
			return fmt.Errorf("-C %s: %w", e.dir, err)
		}
		e.dir = "."
		return nil
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(initCmd(e), addCmd(e), editCmd(e), listCmd(e), serveCmd(e), eventsCmd(e), findingsCmd(e), verifyCmd(e), ocrCmd(e))
	root.AddCommand(renderCmds(e)...)
	root.AddCommand(timestampCmd(e))
	root.AddCommand(manCmd(root))
	registerCompletions(e, root)

	err := root.Execute()
	e.closeEngine()
	if err == nil {
		return exitOK
	}
	var pe problemsError
	if errors.As(err, &pe) {
		return exitProblems
	}
	if errors.Is(err, dossier.ErrTampered) {
		// A render refused because the store was changed: a verification finding, not a fault.
		e.msg("%s", e.describe(err))
		return exitProblems
	}
	if errors.Is(err, errHelpShown) {
		return exitUsage
	}
	var ue usageError
	if errors.As(err, &ue) {
		e.msg("%s", ue.words(e.language()))
		e.msg("%s", vocab.Term(e.language(), "cli.usage.see"))
		return exitUsage
	}
	e.msg("%s", e.describe(err))
	return exitError
}

// argsRange returns usage errors for a wrong number of arguments.
func argsRange(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || (max >= 0 && len(args) > max) {
			switch {
			case max == 0:
				return usageError{wordedError{"cli.usage.noargs", []any{cmd.Name()}}}
			case min > 0 && len(args) < min:
				need := cmd.Use[len(cmd.Name())+1:]
				return usageError{wordedError{"cli.usage.needs", []any{cmd.Name(), need}}}
			default:
				return usageError{wordedError{"cli.usage.atmost", []any{cmd.Name(), max}}}
			}
		}
		return nil
	}
}

// flagChanged reports whether a flag was given.
func flagChanged(fs *pflag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	return f != nil && f.Changed
}

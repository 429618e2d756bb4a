package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/render/pdf"
	"github.com/dossier-tool/dossier/dossier/render/xlsx"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// pdfFlags are the packet's options, shared by pdf, bag and build.
type pdfFlags struct {
	letter, lang, templates, signTime string
	redact, noAttach, strict, noSign  bool
}

func (p *pdfFlags) register(f *pflag.FlagSet) {
	f.StringVar(&p.letter, "letter", "complaint", "the letter: complaint (to the platform), mediation (to a consumer association) or regulator")
	f.StringVar(&p.lang, "lang", "", "language of the documents: zh or en (default: case.yaml's)")
	f.StringVar(&p.templates, "templates", "", "`DIR` of letter templates overriding the built-in ones")
	f.BoolVar(&p.redact, "redact", false, "mask ID-card, bank-card and your own and your family's phone numbers in printed text")
	f.BoolVar(&p.noAttach, "no-attach", false, "do not embed the originals in the PDF (for platforms that cap upload size)")
	f.BoolVar(&p.strict, "strict", false, "refuse to write a letter that lacks the complainant's name, the respondent or the demands")
	f.BoolVar(&p.noSign, "no-sign", false, "do not sign the packet with the case's key")
	f.StringVar(&p.signTime, "sign-time", "", "the signing `TIME` the packet states (RFC 3339; default: now, or SOURCE_DATE_EPOCH)")
}

// signingTime is --sign-time, else SOURCE_DATE_EPOCH (reproducible builds' convention), else now.
func (p *pdfFlags) signingTime() (time.Time, error) {
	if p.signTime != "" {
		t, err := time.Parse(time.RFC3339, p.signTime)
		if err != nil {
			return t, usageError{fmt.Errorf("--sign-time %q: use RFC 3339, e.g. 2025-04-15T20:30:00+08:00", p.signTime)}
		}
		return t, nil
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds", s)
		}
		return time.Unix(n, 0), nil
	}
	return time.Now(), nil
}

func (p *pdfFlags) options(e *env) (pdf.Options, error) {
	switch p.letter {
	case "complaint", "mediation", "regulator":
	default:
		return pdf.Options{}, usageError{fmt.Errorf("--letter %q: use complaint, mediation or regulator", p.letter)}
	}
	if p.lang != "" && p.lang != "zh" && p.lang != "en" {
		return pdf.Options{}, usageError{fmt.Errorf("--lang %q: use zh or en", p.lang)}
	}
	opt := pdf.Options{Letter: p.letter, Lang: p.lang, Redact: p.redact, NoAttach: p.noAttach, Context: e.ctx}
	opt.Check = func(ch pdf.Check) error { return tellPacket(e, ch, p.strict) }
	if p.templates != "" {
		fsys, err := dossier.TemplatesDir(p.templates)
		if err != nil {
			return opt, usageError{err}
		}
		opt.Templates = fsys
	}
	return opt, nil
}

// open checks the packet flags, then opens the case: a usage error is reported before anything
// else is looked at.
func (p *pdfFlags) open(e *env) (pdf.Options, *dossier.Case, error) {
	opt, err := p.options(e)
	if err != nil {
		return opt, nil, err
	}
	at, err := p.signingTime()
	if err != nil {
		return opt, nil, err
	}
	c, err := e.open()
	if err != nil || p.noSign {
		return opt, c, err
	}
	opt.Sign, err = c.Signer(at, func(s string) { e.msg("%s", s) })
	return opt, c, err
}

func renderCmds(e *env) []*cobra.Command {
	return []*cobra.Command{pdfCmd(e), xlsxCmd(e), bagCmd(e), buildCmd(e)}
}

func pdfCmd(e *env) *cobra.Command {
	var pf pdfFlags
	var out string
	cmd := &cobra.Command{
		Use:   "pdf [-o FILE]",
		Short: "Write the complaint packet (PDF): letter, findings, timeline, evidence list, exhibits, integrity appendix",
		Args:  argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt, c, err := pf.open(e)
			if err != nil {
				return err
			}
			if out == "" {
				out = c.OutPath(dossier.PacketName)
			}
			return writeOut(e, out, func(w io.Writer) error { return c.PDF(w, opt) })
		},
	}
	pf.register(cmd.Flags())
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to `FILE` (default out/packet.pdf; - for standard output)")
	return cmd
}

func xlsxCmd(e *env) *cobra.Command {
	var out, lang string
	cmd := &cobra.Command{
		Use:   "xlsx [-o FILE]",
		Short: "Write the timeline workbook (Excel): timeline, evidence list, findings, schedule, contacts per day",
		Args:  argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if lang != "" && lang != "zh" && lang != "en" {
				return usageError{fmt.Errorf("--lang %q: use zh or en", lang)}
			}
			c, err := e.open()
			if err != nil {
				return err
			}
			if out == "" {
				out = c.OutPath(dossier.WorkbookName)
			}
			opt := xlsx.Options{Lang: lang, LinkPrefix: dossier.BagName + "/data/", Context: e.ctx}
			return writeOut(e, out, func(w io.Writer) error { return c.XLSX(w, opt) })
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to `FILE` (default out/workbook.xlsx; - for standard output)")
	cmd.Flags().StringVar(&lang, "lang", "", "language of the sheets: zh or en (default: case.yaml's)")
	return cmd
}

// writeOut writes a document atomically to a file, or to standard output for "-".
func writeOut(e *env, out string, render func(io.Writer) error) error {
	if out == "-" {
		return render(e.stdout)
	}
	if err := dossier.WriteFileAtomic(out, render); err != nil {
		return err
	}
	info, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, out)
	e.msg(vocab.Term(e.lang, "cli.wrote"), out, humanSize(info.Size()))
	return nil
}

func bagCmd(e *env) *cobra.Command {
	var pf pdfFlags
	var out string
	cmd := &cobra.Command{
		Use:   "bag [-o DIR|FILE.zip]",
		Short: "Write a BagIt (RFC 8493) bag of the originals and the rendered documents",
		Args:  argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt, c, err := pf.open(e)
			if err != nil {
				return err
			}
			if out == "" {
				out = c.OutPath(dossier.BagName)
			}
			if err := c.Bag(e.ctx, out, dossier.BagOptions{PDF: opt, XLSX: xlsx.Options{Lang: pf.lang}}); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, out)
			e.msg(vocab.Term(e.lang, "cli.bag.done"), out, out)
			return nil
		},
	}
	pf.register(cmd.Flags())
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to `DIR`, or to a zip when it ends in .zip (default out/bag)")
	return cmd
}

func buildCmd(e *env) *cobra.Command {
	var pf pdfFlags
	var out string
	cmd := &cobra.Command{
		Use:   "build [-o DIR]",
		Short: "Write the packet, the workbook and the bag in one go",
		Args:  argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt, c, err := pf.open(e)
			if err != nil {
				return err
			}
			bar := newSteps(e)
			res, err := c.Build(e.ctx, out, dossier.BuildOptions{PDF: opt, XLSX: xlsx.Options{Lang: pf.lang}, Step: bar.step})
			bar.done()
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\n%s\n%s\n", res.Packet, res.Workbook, res.Bag)
			e.msg(vocab.Term(e.lang, "cli.build.done"), res.Took.Round(1e7))
			return nil
		},
	}
	pf.register(cmd.Flags())
	cmd.Flags().StringVarP(&out, "output", "o", "", "write into `DIR` (default out/)")
	return cmd
}

// steps shows one line of progress on a terminal, nothing in CI or a pipe.
type steps struct {
	e  *env
	on bool
}

func newSteps(e *env) *steps { return &steps{e: e, on: newProgress(e, "") != nil} }

func (s *steps) step(n, of int, what string) {
	if s.on {
		fmt.Fprintf(s.e.stderr, "\r\033[Kbuilding [%d/%d] %s…", n, of, what)
	}
}

func (s *steps) done() {
	if s.on {
		fmt.Fprint(s.e.stderr, "\r\033[K")
	}
}

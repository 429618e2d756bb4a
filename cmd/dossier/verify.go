package main

import (
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/spf13/cobra"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/verify"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

func verifyCmd(e *env) *cobra.Command {
	var asJSON, allDigests bool
	var lang, tsaCA string
	cmd := &cobra.Command{
		Use:   "verify [PATH]",
		Short: "Check that nothing changed: a case (default), a bag folder or zip, or a packet PDF",
		Long: `verify re-hashes every original and checks every record against it. PATH may be a case
folder (the default: the current one), a BagIt bag folder or .zip, or a packet PDF. Every
problem is listed with the exhibit it concerns. Exit status 3 means problems were found.

By default the SHA-256 of every original is recomputed (on every core) and every record is
checked: the index against the custody log and its chain, a bag's tag manifests, a packet's
manifest against its cover. The SM3 digests recorded when the originals were added (and a bag's
SHA-512 manifest) are then vouched for by those records, not recomputed; --all-digests
recomputes them too, at several times the cost. The report says which digests were recomputed.

默认重新计算每个原件的 SHA-256（使用全部处理器核心），并核对全部记录；添加时记录的 SM3 摘要
（以及证据包的 SHA-512 清单）由这些记录担保、不重新计算。加 --all-digests 重新计算全部摘要。
核验结果会写明重新计算了哪些摘要。`,
		Args: argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := e.dir
			if len(args) == 1 {
				target = args[0]
			} else if dir, err := casefolder.Find(e.dir); err == nil {
				target = dir // the case holding the working folder, as every other command finds it
			}
			var prog verify.Progress // stays a nil interface off a terminal
			if bar := newProgress(e, "verifying"); bar != nil {
				prog = bar
				defer bar.finish()
			}
			opt := verify.Options{Progress: prog, AllDigests: allDigests}
			if tsaCA != "" {
				roots, err := dossier.TSARoots(tsaCA)
				if err != nil {
					return usageError{err}
				}
				opt.TSARoots = roots
			}
			rep, err := dossier.VerifyWith(target, opt)
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(e.stdout, rep); err != nil {
					return err
				}
			} else {
				l := lang
				if l == "" {
					l = rep.Language
				}
				if err := rep.WriteText(e.stdout, l); err != nil {
					return err
				}
			}
			if !rep.OK() {
				return problemsError{len(rep.Problems)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().BoolVar(&allDigests, "all-digests", false, vocab.Term(vocab.EN, "cli.verify.all-digests")+" / "+vocab.Term(vocab.ZH, "cli.verify.all-digests"))
	cmd.Flags().StringVar(&lang, "lang", "", "language of the report: zh or en (default: the case's)")
	cmd.Flags().StringVar(&tsaCA, "tsa-ca", "", "PEM `FILE` of the authorities time-stamping authorities must chain to")
	return cmd
}

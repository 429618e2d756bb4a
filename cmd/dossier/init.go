package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

func initCmd(e *env) *cobra.Command {
	var opt dossier.InitOptions
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a case folder with a commented case.yaml",
		Args:  argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := e.dir
			if len(args) == 1 {
				dir = args[0]
			}
			if opt.Language != "zh" && opt.Language != "en" {
				return usageError{fmt.Errorf("--lang %q: use zh or en", opt.Language)}
			}
			if _, err := time.LoadLocation(opt.Timezone); err != nil {
				return usageError{fmt.Errorf("--tz %q is not a known time zone (e.g. Asia/Shanghai)", opt.Timezone)}
			}
			c, err := dossier.Init(dir, opt)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s\t%s\n", c.Folder.Meta.ID, dir)
			e.msg(vocab.Term(opt.Language, "cli.init.done"), dir, dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&opt.Title, "title", "", "the case title")
	cmd.Flags().StringVar(&opt.Language, "lang", "zh", "language of the documents: zh or en")
	cmd.Flags().StringVar(&opt.Timezone, "tz", "Asia/Shanghai", "time `ZONE` every local time is shown and judged in")
	return cmd
}

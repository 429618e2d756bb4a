package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dossier-tool/dossier/dossier/vocab"
)

func timestampCmd(e *env) *cobra.Command {
	var urls []string
	cmd := &cobra.Command{
		Use:   "timestamp [--tsa URL]...",
		Short: "Get RFC 3161 time-stamp tokens over the manifest digest and keep them in the case",
		Long: `timestamp asks one or more time-stamping authorities (RFC 3161) to sign the digest of the
case's manifest together with the time, and keeps each token in the case (store/timestamps/).
A token proves that the evidence, exactly as the manifest lists it, existed at that time. The
authorities default to case.yaml's tsa: list. Tokens go into every bag; verify checks them.`,
		Args: argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.open()
			if err != nil {
				return err
			}
			digest, got, err := c.Timestamp(e.ctx, urls)
			for _, s := range got {
				fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", s.Stamp.Time.Format("2006-01-02T15:04:05Z07:00"), s.URL, s.File)
			}
			if err != nil {
				return err
			}
			e.msg(vocab.Term(e.lang, "cli.timestamp.done"), digest, len(got))
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&urls, "tsa", nil, "`URL` of a time-stamping authority (repeat for several; default: case.yaml's tsa:)")
	return cmd
}

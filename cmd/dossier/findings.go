package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/dossier-tool/dossier/dossier/findings"
)

func findingsCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "findings",
		Short: "Count the collection-rule breaches and check the agreement schedule",
		Args:  argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.open()
			if err != nil {
				return err
			}
			conf, rep, err := c.Findings(time.Now())
			if err != nil {
				return err
			}
			if asJSON {
				return findings.WriteJSON(e.stdout, rep)
			}
			return findings.WriteText(e.stdout, rep, conf)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON")
	return cmd
}

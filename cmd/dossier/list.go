package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// listJSON is the stable shape of `dossier list --json`.
type listJSON struct {
	CaseID string          `json:"case_id"`
	Items  []evidence.Item `json:"items"`
}

func listCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the items: exhibit number, kind, name, size, time, digest",
		Args:  argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, conf, err := e.openCase()
			if err != nil {
				return err
			}
			items, err := c.Items()
			if err != nil {
				return err
			}
			if items == nil {
				items = []evidence.Item{}
			}
			if asJSON {
				return writeJSON(e.stdout, listJSON{CaseID: c.Folder.Meta.ID, Items: items})
			}
			var tw table
			lang := conf.Language
			if len(items) > 0 {
				tw.heading(lang, "exhibit", "kind", "name", "size", "time-source", "events", "sha256", "summary")
			}
			loc := conf.Location()
			for _, it := range items {
				when := ""
				if it.Time != nil {
					when = it.Time.In(loc).Format("2006-01-02 15:04:05") + " (" + vocab.TimeSource(conf.Language, it.TimeSource) + ")"
				}
				name := it.Name
				if it.DerivedFrom != "" {
					name = "  └ " + name
				}
				tw.add(evidence.Label(conf.Language, it.Exhibit), vocab.Kind(conf.Language, it.Kind), name, humanSize(it.Size), when, fmt.Sprint(it.Events), shortDigest(it.SHA256), it.SummaryText(conf.Language))
				for _, w := range it.WarningTexts(conf.Language) {
					tw.note(vocab.Term(conf.Language, vocab.WarningLabel) + w)
				}
			}
			if err := tw.write(e.stdout); err != nil {
				return err
			}
			e.msg(vocab.Term(lang, "list.count"), len(items))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the items as JSON")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func shortDigest(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

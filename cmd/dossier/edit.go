package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

func editCmd(e *env) *cobra.Command {
	var opt dossier.EditOptions
	var title, purpose, source, when, kind string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "edit EXHIBIT",
		Short: "Change an item's description (title, purpose, source, time, kind), never its bytes",
		Long: `edit changes what the case says of one item: its title (证据名称), what it proves (证明目的),
where it came from (证据来源), the time it shows, or its kind. The original's bytes are never
touched. Each change is recorded in the custody log with the old and the new value; list, the
packet and the workbook show the current values. EXHIBIT is the number (3, 证据3 or "Exhibit 3").`,
		Args: argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, ok := parseExhibit(args[0])
			if !ok {
				return usageError{fmt.Errorf("exhibit %q: give its number, e.g. 3 or 证据3", args[0])}
			}
			fs := cmd.Flags()
			set := func(name string, v *string, dst **string) {
				if flagChanged(fs, name) {
					*dst = v
				}
			}
			set("title", &title, &opt.Title)
			set("purpose", &purpose, &opt.Purpose)
			set("source", &source, &opt.Source)
			set("time", &when, &opt.Time)
			set("kind", &kind, &opt.Kind)
			if opt.Title == nil && opt.Purpose == nil && opt.Source == nil && opt.Time == nil && opt.Kind == nil {
				return usageError{fmt.Errorf("edit needs at least one of --title, --purpose, --source, --time, --kind")}
			}
			if opt.Kind != nil {
				if err := (&ingest.Describe{Kind: kind}).Check(time.UTC); err != nil || kind == "" {
					return usageError{fmt.Errorf("--kind %q: use one of %s", kind, strings.Join(ingest.Kinds, ", "))}
				}
			}
			c, conf, err := e.openCase()
			if err != nil {
				return err
			}
			if opt.Time != nil {
				if _, err := ingest.ParseUserTime(when, conf.Location()); err != nil {
					return usageError{fmt.Errorf("--%w", err)}
				}
			}
			opt.Lock, opt.Notes = e.writer("dossier edit", opt.Lock.Wait)
			res, err := c.Edit(e.ctx, n, opt)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e.stdout, res)
			}
			label := evidence.Label(conf.Language, n)
			for _, ch := range res.Changes {
				fmt.Fprintf(e.stdout, "%s\t%s\t%q → %q\n", label, ch.Field, ch.Old, ch.New)
			}
			if len(res.Changes) == 0 {
				e.msg(vocab.Term(conf.Language, "cli.edit.same"), label)
			} else {
				e.msg(vocab.Term(conf.Language, "cli.edit.done"), label, len(res.Changes))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&title, "title", "", "title of the item (证据名称); empty to show the file name")
	f.StringVar(&purpose, "purpose", "", "what the item proves (证明目的); empty for the default of its kind")
	f.StringVar(&source, "source", "", "where the item came from (证据来源)")
	f.StringVar(&when, "time", "", "the time the evidence shows, e.g. '2025-01-28 23:32' (case zone) or RFC 3339")
	f.StringVar(&kind, "kind", "", "the kind: "+strings.Join(ingest.Kinds, ", "))
	f.DurationVar(&opt.Lock.Wait, "wait", 10*time.Minute, "how long to wait for another dossier process writing this case")
	f.BoolVar(&asJSON, "json", false, "print the item after the edit and the changes as JSON")
	return cmd
}

// parseExhibit reads "3", "证据3", "Exhibit 3" or "exhibit3".
func parseExhibit(s string) (int, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "证据")
	if len(s) >= 7 && strings.EqualFold(s[:7], "exhibit") {
		s = strings.TrimSpace(s[7:])
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

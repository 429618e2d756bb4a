package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// eventsJSON is the stable shape of `dossier events --json`.
type eventsJSON struct {
	Timezone string        `json:"timezone"`
	Events   []event.Event `json:"events"`
}

func eventsCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Show the merged timeline of every item",
		Args:  argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := e.open()
			if err != nil {
				return err
			}
			conf, evs, err := c.Timeline()
			if err != nil {
				return err
			}
			if evs == nil {
				evs = []event.Event{}
			}
			if asJSON {
				return writeJSON(e.stdout, eventsJSON{Timezone: conf.Timezone, Events: evs})
			}
			var tw table
			if len(evs) > 0 {
				tw.heading(conf.Language, "time", "channel", "direction", "status", "counterpart", "role", "duration", "exhibits", "text")
			}
			for _, ev := range evs {
				who := ev.Counterpart
				if ev.CounterpartName != "" && ev.CounterpartName != ev.Counterpart {
					who = strings.TrimSpace(ev.Counterpart + " " + ev.CounterpartName)
				}
				dur := ""
				if ev.Duration != nil {
					dur = fmt.Sprintf("%ds", *ev.Duration)
				}
				text := ev.Text
				if ev.Amount != nil {
					text = strings.TrimSpace(ev.Amount.String() + " " + text)
				}
				if r := []rune(text); len(r) > 60 {
					text = string(r[:60]) + "…"
				}
				text = strings.ReplaceAll(text, "\n", " ")
				lang := conf.Language
				tw.add(ev.Time.Format("2006-01-02 15:04:05"), vocab.Channel(lang, ev.Channel), vocab.Direction(lang, ev.Direction, ev.Channel == event.Call),
					vocab.Status(lang, ev.Status), who, vocab.Role(lang, ev.Role), dur,
					exhibits(ev.Exhibit, ev.Exhibits), text)
			}
			if err := tw.write(e.stdout); err != nil {
				return err
			}
			e.msg("%d events, times in %s", len(evs), conf.Timezone)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the timeline as JSON")
	return cmd
}

func exhibits(one int, ns []int) string {
	if len(ns) == 0 && one > 0 {
		ns = []int{one}
	}
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprintf("#%d", n)
	}
	return strings.Join(parts, ",")
}

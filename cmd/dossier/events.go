package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
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
			conf, m, err := c.Merged()
			if err != nil {
				return err
			}
			if asJSON {
				return writeEventsJSON(e.stdout, conf.Timezone, m.Each)
			}
			var tw table
			n := 0
			err = m.Each(func(ev *event.Event) error {
				if n == 0 {
					tw.heading(conf.Language, "seq", "time", "channel", "direction", "status", "counterpart", "role", "duration", "class", "exhibits", "text")
				}
				n++
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
				class := ""
				if ev.Class != "" {
					class = vocab.Term(lang, "class."+ev.Class)
					if ev.ClassByUser {
						class += "*"
					}
				}
				tw.add(strconv.Itoa(ev.Seq), ev.Time.Format("2006-01-02 15:04:05"), vocab.Channel(lang, ev.Channel), vocab.Direction(lang, ev.Direction, ev.Channel == event.Call),
					vocab.Status(lang, ev.Status), who, vocab.Role(lang, ev.Role), dur, class,
					exhibits(ev.Exhibit, ev.Exhibits), text)
				return nil
			})
			if err != nil {
				return err
			}
			if err := tw.write(e.stdout); err != nil {
				return err
			}
			e.msg(vocab.Term(conf.Language, "cli.events.count"), n, conf.Timezone)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the timeline as JSON")
	return cmd
}

// writeEventsJSON writes what writeJSON writes for eventsJSON, byte for byte, one event at a
// time as the timeline streams by: a million events never sit in memory as one document.
func writeEventsJSON(w io.Writer, timezone string, each func(func(*event.Event) error) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	tz, err := json.Marshal(timezone)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	bw.WriteString("{\n  \"timezone\": ")
	bw.Write(tz)
	bw.WriteString(",\n  \"events\": [")
	n := 0
	err = each(func(ev *event.Event) error {
		buf.Reset()
		if err := enc.Encode(ev); err != nil {
			return err
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if n > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
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

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
			n, err := writeEventsText(e.stdout, conf.Language, m.Each, eventRowsHeld)
			if err != nil {
				return err
			}
			e.msg(vocab.Term(conf.Language, "cli.events.count"), n, conf.Timezone)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the timeline as JSON")
	return cmd
}

// eventRowsHeld is how many rows of the timeline events holds to align its columns; a longer
// timeline is read twice (widths, then rows) instead of held (a million rows are 450 MB).
const eventRowsHeld = 20_000

// writeEventsText prints the timeline as an aligned table, holding at most limit rows: a longer
// timeline is read twice by each. It returns the number of events.
func writeEventsText(w io.Writer, lang string, each func(func(*event.Event) error) error, limit int) (int, error) {
	tw := newStreamedTable(headingCells(lang, "seq", "time", "channel", "direction", "status", "counterpart", "role", "duration", "class", "exhibits", "text"), limit)
	n := 0
	err := each(func(ev *event.Event) error {
		n++
		tw.measure(eventCells(lang, ev))
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, tw.write(w, n, func(print func([]string) error) error {
		return each(func(ev *event.Event) error { return print(eventCells(lang, ev)) })
	})
}

// eventCells is the row events prints for one event.
func eventCells(lang string, ev *event.Event) []string {
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
	class := ""
	if ev.Class != "" {
		class = vocab.Term(lang, "class."+ev.Class)
		if ev.ClassByUser {
			class += "*"
		}
	}
	return []string{strconv.Itoa(ev.Seq), ev.Time.Format("2006-01-02 15:04:05"), vocab.Channel(lang, ev.Channel), vocab.Direction(lang, ev.Direction, ev.Channel == event.Call),
		vocab.Status(lang, ev.Status), who, vocab.Role(lang, ev.Role), dur, class,
		exhibits(ev.Exhibit, ev.Exhibits), text}
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

package smsbackup

import (
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/phone"
)

// Calls reads calls-<stamp>.xml.
var Calls parse.Parser = callsParser{}

type callsParser struct{}

func (callsParser) Name() string { return "smsbackup-calls" }

func (callsParser) Detect(s *parse.Sniff) bool { return s != nil && rootName(s.Head) == "calls" }

// callTypes maps the phone's call type (android.provider.CallLog.Calls.TYPE) to an outcome.
// Every kind but outgoing reached the holder, so its direction is In.
//
// Type 1 is "incoming" whatever its duration: the phone logs it as picked up even when the line
// dropped at once (duration 0). It stays answered here; findings count a connected call only
// when its duration is positive.
var callTypes = map[int]struct {
	dir    event.Direction
	status string
}{
	1: {event.In, event.StatusAnswered},
	2: {event.Out, event.StatusOutgoing},
	3: {event.In, event.StatusMissed},
	4: {event.In, event.StatusVoicemail},
	5: {event.In, event.StatusRejected},
	6: {event.In, event.StatusBlocked},
	7: {event.In, event.StatusAnsweredExternal},
}

// withheldPresentation lists the presentation values (android.provider.CallLog.Calls
// PRESENTATION_*) under which the network did not give the caller's number.
var withheldPresentation = map[string]bool{"2": true, "3": true, "4": true}

func (callsParser) Parse(in *parse.Input) (*parse.Result, error) {
	x, err := openExport(in, "calls", parse.KindCallLog)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	read := 0
	x.children(func(se xml.StartElement) {
		defer x.skip()
		if se.Name.Local != "call" {
			x.ignore(se)
			return
		}
		read++
		ev, ok := x.call(attrs(se.Attr))
		if !ok {
			return
		}
		if ev.Status != "" {
			counts[ev.Status]++
		}
		if ev.Direction == event.In {
			counts["incoming"]++
		}
		if ev.Kind == kindWithheld {
			counts["withheld"]++
		}
		x.keep(ev)
	})
	if x.emitErr != nil {
		return nil, x.emitErr
	}
	x.finish(read)

	n := x.kept
	x.res.Info["calls"] = strconv.Itoa(n)
	for k, v := range counts {
		x.res.Info[k] = strconv.Itoa(v)
	}
	var parts []string
	for _, s := range []string{event.StatusMissed, event.StatusRejected, event.StatusBlocked, event.StatusVoicemail} {
		if counts[s] > 0 {
			parts = append(parts, strconv.Itoa(counts[s])+" "+s)
		}
	}
	x.res.Summary = plural(n, "call", "calls")
	if len(parts) > 0 {
		x.res.Summary += " (" + strings.Join(parts, ", ") + ")"
	}
	return x.res, nil
}

const kindWithheld = "withheld"

// call turns one <call> into an event, or warns and reports false when its date or type is
// unusable.
func (x *export) call(a attrs) (event.Event, bool) {
	ms, ok := epochMillis(a.get("date"))
	if !ok {
		x.warn(x.line, "<call> skipped: unusable date %q", a.raw("date"))
		return event.Event{}, false
	}
	code, err := strconv.Atoi(strings.TrimSpace(a.get("type")))
	if err != nil {
		x.warn(x.line, "<call> skipped: unusable type %q", a.raw("type"))
		return event.Event{}, false
	}
	ev := event.Event{
		Time:       x.at(ms),
		TimeSource: event.TimeFromContent,
		Channel:    event.Call,
		Locator:    x.locator(),
	}
	if t, known := callTypes[code]; known {
		ev.Direction, ev.Status = t.dir, t.status
	} else {
		// Some vendors add their own codes; the call is still evidence that contact happened,
		// but nothing says who called whom.
		ev.Kind = "type-" + strconv.Itoa(code)
		x.warn(x.line, "<call> has unknown type %d, kept without direction", code)
	}
	if d := strings.TrimSpace(a.get("duration")); d != "" {
		if secs, err := strconv.ParseInt(d, 10, 64); err == nil && secs >= 0 {
			ev.Duration = event.Seconds(secs)
		} else {
			x.warn(x.line, "<call> has unusable duration %q, kept without it", d)
		}
	}
	raw := a.get("number")
	if phone.Withheld(raw) || withheldPresentation[strings.TrimSpace(a.get("presentation"))] {
		ev.Kind = kindWithheld
		return ev, true
	}
	ev.Counterpart = strings.Join(numbers(raw), "~")
	ev.CounterpartName = contactName(a.get("contact_name"))
	return ev, true
}

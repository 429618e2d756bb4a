package smsbackup

import (
	"encoding/xml"
	"github.com/dossier-tool/dossier/dossier/vocab"
	"strconv"
	"strings"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/phone"
)

// Calls reads calls-<stamp>.xml.
var Calls parse.Parser = callsParser{name: "smsbackup-calls", root: "calls", element: "call", nameAttr: "contact_name"}

// ColorOSCalls reads the call log that the backup app of OPPO, realme and OnePlus phones (ColorOS,
// 备份与恢复 / 手机搬家) writes. Its composer (com.customize.contacts.backupandrestore.plugin
// CallLogXMLComposer) serialises the phone's call-log rows with Android's XmlSerializer, all on one
// line:
//
//	<?xml version='1.0' standalone='no' ?><CallLog><CALL_RECORDS _id="12" number="15900001111"
//	duration="0" type="3" date="1744295465000" name="" numbertype="0" numberlabel="" ring_time="15"
//	new="1" features="0" virtual_call_type="0" countryiso="CN" />...</CallLog>
//
// date is epoch milliseconds, duration seconds, type android.provider.CallLog.Calls.TYPE (ColorOS
// adds codes of its own, from 19 up, which are kept without a direction and named in a warning),
// name the contact name at backup time. Attributes the composer adds only sometimes
// (virtual_call_id, countryiso, classify, is_manual, data_type, operation_type, uploaded,
// ted_query_number) are ignored. It shares the SMS Backup & Restore reader and its guarantees.
var ColorOSCalls parse.Parser = callsParser{name: "coloros-calls", root: "CallLog", element: "CALL_RECORDS", nameAttr: "name"}

// callsParser reads a call-log XML of one root holding one element per call with the Android
// call-log columns as attributes.
type callsParser struct {
	name, root, element string
	nameAttr            string // the attribute holding the contact's name
}

func (p callsParser) Name() string { return p.name }

func (p callsParser) Detect(s *parse.Sniff) bool { return s != nil && rootName(s.Head) == p.root }

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

func (p callsParser) Parse(in *parse.Input) (*parse.Result, error) {
	x, err := openExport(in, p.root, parse.KindCallLog)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	read := 0
	x.children(func(se xml.StartElement) {
		defer x.skip()
		if se.Name.Local != p.element {
			x.ignore(se)
			return
		}
		read++
		ev, ok := x.call(p.element, p.nameAttr, attrs(se.Attr))
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
	var parts []vocab.Summary
	for _, p := range []struct {
		n int
		s vocab.Summary
	}{
		{counts[event.StatusMissed], parse.Summarize("calls-missed", counts[event.StatusMissed])},
		{counts[event.StatusRejected], parse.Summarize("calls-rejected", counts[event.StatusRejected])},
		{counts[event.StatusBlocked], parse.Summarize("calls-blocked", counts[event.StatusBlocked])},
		{counts[event.StatusVoicemail], parse.Summarize("calls-voicemail", counts[event.StatusVoicemail])},
	} {
		if p.n > 0 {
			parts = append(parts, p.s)
		}
	}
	x.res.Summary = parse.Summarize("calls", n)
	if len(parts) > 0 {
		x.res.Summary = parse.Summarize("calls-detail", n)
		x.res.Summary.Parts = parts
	}
	return x.res, nil
}

const kindWithheld = "withheld"

// call turns one <call> into an event, or warns and reports false when its date or type is
// unusable.
func (x *export) call(element, nameAttr string, a attrs) (event.Event, bool) {
	ms, ok := epochMillis(a.get("date"))
	if !ok {
		x.warn(x.line, "element-bad-date", element, a.raw("date"))
		return event.Event{}, false
	}
	code, err := strconv.Atoi(strings.TrimSpace(a.get("type")))
	if err != nil {
		x.warn(x.line, "element-bad-type", element, a.raw("type"))
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
		x.warn(x.line, "element-unknown-type", element, code)
	}
	if d := strings.TrimSpace(a.get("duration")); d != "" {
		if secs, err := strconv.ParseInt(d, 10, 64); err == nil && secs >= 0 {
			ev.Duration = event.Seconds(secs)
		} else {
			x.warn(x.line, "element-bad-duration", element, d)
		}
	}
	raw := a.get("number")
	if phone.Withheld(raw) || withheldPresentation[strings.TrimSpace(a.get("presentation"))] {
		ev.Kind = kindWithheld
		return ev, true
	}
	ev.Counterpart = strings.Join(numbers(raw), "~")
	ev.CounterpartName = contactName(a.get(nameAttr))
	return ev, true
}

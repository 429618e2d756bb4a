package smsbackup

import (
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
)

// Messages reads sms-<stamp>.xml with its <sms> and <mms> elements.
var Messages parse.Parser = messagesParser{}

type messagesParser struct{}

func (messagesParser) Name() string { return "smsbackup-messages" }

func (messagesParser) Detect(s *parse.Sniff) bool { return s != nil && rootName(s.Head) == "smses" }

type messageType struct {
	dir    event.Direction
	status string
}

// smsTypes maps <sms type> (android.provider.Telephony.TextBasedSmsColumns.TYPE_*) and
// mmsBoxes maps <mms msg_box> (Telephony.BaseMmsColumns.MESSAGE_BOX_*).
var (
	smsTypes = map[int]messageType{
		1: {event.In, event.StatusReceived},
		2: {event.Out, event.StatusSent},
		3: {event.Out, event.StatusDraft},
		4: {event.Out, event.StatusOutbox},
		5: {event.Out, event.StatusFailed},
		6: {event.Out, event.StatusQueued},
	}
	mmsBoxes = map[int]messageType{
		1: {event.In, event.StatusReceived},
		2: {event.Out, event.StatusSent},
		3: {event.Out, event.StatusDraft},
		4: {event.Out, event.StatusOutbox},
	}
)

// messageTally counts what Messages read, for Info and Summary.
type messageTally struct {
	elements    int // <sms> and <mms> elements, kept or not
	sms, mms    int
	attachments int
	status      map[string]int
}

func (t *messageTally) count(ev event.Event) {
	if ev.Status != "" {
		t.status[ev.Status]++
	}
}

func (messagesParser) Parse(in *parse.Input) (*parse.Result, error) {
	x, err := openExport(in, "smses", parse.KindSMS)
	if err != nil {
		return nil, err
	}
	t := &messageTally{status: map[string]int{}}
	x.children(func(se xml.StartElement) {
		switch se.Name.Local {
		case "sms":
			t.elements++
			if ev, ok := x.sms(attrs(se.Attr)); ok {
				t.sms++
				t.count(ev)
				x.keep(ev)
			}
			x.skip()
		case "mms":
			t.elements++
			if ev, ok := x.mms(se, t); ok {
				t.mms++
				t.count(ev)
				x.keep(ev)
			}
		default:
			x.ignore(se)
			x.skip()
		}
	})
	if x.emitErr != nil {
		return nil, x.emitErr
	}
	x.finish(t.elements)

	x.res.Info["sms"] = strconv.Itoa(t.sms)
	x.res.Info["mms"] = strconv.Itoa(t.mms)
	x.res.Info["attachments"] = strconv.Itoa(t.attachments)
	for k, v := range t.status {
		x.res.Info[k] = strconv.Itoa(v)
	}
	x.res.Summary = parse.Summarize("sms-mms", t.attachments, t.sms, t.mms)
	return x.res, nil
}

// messageHead reads the date and type every message needs; ok is false, with a warning, when
// the element must be skipped.
func (x *export) messageHead(elem, typeAttr string, a attrs, types map[int]messageType) (event.Event, bool) {
	ms, ok := epochMillis(a.get("date"))
	if !ok {
		x.warn(x.line, "element-bad-date", elem, a.raw("date"))
		return event.Event{}, false
	}
	// Android stores MMS dates in seconds and the app converts them; a value below 1e11 (early
	// 1973 in milliseconds) can only be seconds left unconverted.
	if elem == "mms" && ms < 1e11 {
		ms *= 1000
	}
	code, err := strconv.Atoi(strings.TrimSpace(a.get(typeAttr)))
	if err != nil {
		x.warn(x.line, "element-bad-attr", elem, typeAttr, a.raw(typeAttr))
		return event.Event{}, false
	}
	ev := event.Event{
		Time:            x.at(ms),
		TimeSource:      event.TimeFromContent,
		Locator:         x.locator(),
		Subject:         a.get("subject"),
		CounterpartName: contactName(a.get("contact_name")),
	}
	if t, known := types[code]; known {
		ev.Direction, ev.Status = t.dir, t.status
	} else {
		ev.Kind = typeAttr + "-" + strconv.Itoa(code)
		x.warn(x.line, "element-unknown-attr", elem, typeAttr, code)
	}
	return ev, true
}

func (x *export) sms(a attrs) (event.Event, bool) {
	ev, ok := x.messageHead("sms", "type", a, smsTypes)
	if !ok {
		return ev, false
	}
	ev.Channel = event.SMS
	ev.Counterpart = strings.Join(numbers(a.get("address")), "~")
	ev.Text = a.get("body")
	return ev, true
}

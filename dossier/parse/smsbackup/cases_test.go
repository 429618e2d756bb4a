package smsbackup

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
)

const decl = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"

func callsDoc(calls ...string) []byte {
	return []byte(decl + `<calls count="` + fmt.Sprint(len(calls)) + `" backup_date="1744689600000" type="full">` + "\n  " +
		strings.Join(calls, "\n  ") + "\n</calls>\n")
}

func smsDoc(body ...string) []byte {
	return []byte(decl + `<smses count="` + fmt.Sprint(len(body)) + `" backup_date="1744689600000" type="full">` + "\n  " +
		strings.Join(body, "\n  ") + "\n</smses>\n")
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name string
		head string
		want string // parser name, "" for none
	}{
		{"calls with stylesheet", decl + "<!--File Created By SMS Backup & Restore-->\n<?xml-stylesheet type=\"text/xsl\" href=\"calls.xsl\"?>\n<calls count=\"0\">", "smsbackup-calls"},
		{"smses with comment", decl + "<!-- c -->\n<smses count=\"1\"><sms", "smsbackup-messages"},
		{"byte order mark", "\xEF\xBB\xBF" + decl + "<smses count=\"0\"/>", "smsbackup-messages"},
		{"no declaration", "<calls count=\"0\"></calls>", "smsbackup-calls"},
		{"other root", decl + "<html><body>calls</body></html>", ""},
		{"root name inside a comment only", decl + "<!-- <calls> --><plist>", ""},
		{"text before root", "calls <calls/>", ""},
		{"csv", "号码,时间,类型\n15900001111,2025-01-20,呼入\n", ""},
		{"empty", "", ""},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			for _, p := range []parse.Parser{Calls, Messages} {
				// The name suggests a calls backup; detection must not care.
				if p.Detect(sniff("calls-20250415120000.xml", []byte(tc.head))) {
					if got != "" {
						t.Fatalf("both parsers claim the file")
					}
					got = p.Name()
				}
			}
			if got != tc.want {
				t.Errorf("detected %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		parser parse.Parser
		data   string
		want   string
	}{
		{"messages given to Calls", Calls, string(smsDoc()), "root element is <smses>, not <calls>"},
		{"calls given to Messages", Messages, string(callsDoc()), "root element is <calls>, not <smses>"},
		{"not xml", Calls, "number,date\n1,2\n", "no <calls> root element"},
		{"empty", Messages, "", "no <smses> root element"},
		{"broken before root", Calls, decl + "<!-- unterminated", "no <calls> root element"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.parser.Parse(input("export.xml", []byte(tc.data), nil))
			if err == nil {
				t.Fatalf("no error, result %+v", res)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "export.xml: line ") {
				t.Errorf("error %q, want it to name the file, the line and %q", err, tc.want)
			}
		})
	}
}

func TestCallTypes(t *testing.T) {
	for _, tc := range []struct {
		typ       string
		dir       event.Direction
		status    string
		connected bool
	}{
		{"1", event.In, event.StatusAnswered, true},
		{"2", event.Out, event.StatusOutgoing, true},
		{"3", event.In, event.StatusMissed, false},
		{"4", event.In, event.StatusVoicemail, true},
		{"5", event.In, event.StatusRejected, false},
		{"6", event.In, event.StatusBlocked, false},
		{"7", event.In, event.StatusAnsweredExternal, true},
	} {
		t.Run("type "+tc.typ, func(t *testing.T) {
			res, err := Calls.Parse(input("c.xml", callsDoc(`<call number="15900001111" duration="30" date="1737335700000" type="`+tc.typ+`" presentation="1" contact_name="(Unknown)" />`), nil))
			if err != nil || len(res.Events) != 1 || len(res.Warnings) != 0 {
				t.Fatalf("err %v, events %d, warnings %v", err, len(res.Events), res.Warnings)
			}
			ev := res.Events[0]
			if ev.Direction != tc.dir || ev.Status != tc.status || ev.Connected() != tc.connected {
				t.Errorf("got %s/%s connected=%v", ev.Direction, ev.Status, ev.Connected())
			}
			if ev.DurationOr(-1) != 30 || ev.Counterpart != "15900001111" || ev.CounterpartName != "" || ev.Locator != "line 3" {
				t.Errorf("got %+v", ev)
			}
			if got := ev.Time.UTC().Format("2006-01-02 15:04:05"); got != "2025-01-20 01:15:00" {
				t.Errorf("time %s", got)
			}
		})
	}
}

func TestWithheld(t *testing.T) {
	for _, tc := range []struct {
		name, number, presentation string
		withheld                   bool
	}{
		{"minus one", "-1", "1", true},
		{"minus two", "-2", "null", true},
		{"empty", "", "1", true},
		{"null", "null", "1", true},
		{"restricted presentation", "15900001111", "2", true},
		{"unknown presentation", "15900001111", "3", true},
		{"payphone presentation", "15900001111", "4", true},
		{"missing presentation", "15900001111", "", false},
		{"allowed", "+86 159 0000 1111", "1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pres := ""
			if tc.presentation != "" {
				pres = ` presentation="` + tc.presentation + `"`
			}
			res, err := Calls.Parse(input("c.xml", callsDoc(`<call number="`+tc.number+`" duration="0" date="1737335700000" type="3"`+pres+` contact_name="催收" />`), nil))
			if err != nil || len(res.Events) != 1 {
				t.Fatalf("err %v, events %d", err, len(res.Events))
			}
			ev := res.Events[0]
			if got := ev.Kind == kindWithheld && ev.Counterpart == "" && ev.CounterpartName == ""; got != tc.withheld {
				t.Errorf("withheld=%v, event %+v", got, ev)
			}
			if !tc.withheld && (ev.Counterpart != "15900001111" || ev.CounterpartName != "催收") {
				t.Errorf("counterpart %q %q", ev.Counterpart, ev.CounterpartName)
			}
			if want := map[bool]string{true: "1", false: ""}[tc.withheld]; res.Info["withheld"] != want {
				t.Errorf("info withheld %q", res.Info["withheld"])
			}
		})
	}
}

func TestBadAttributes(t *testing.T) {
	good := `<sms address="15900001111" date="1737335700000" type="1" body="ok" />`
	for _, tc := range []struct {
		name    string
		doc     []byte
		parser  parse.Parser
		warning string
	}{
		{"call date text", callsDoc(`<call number="1" date="yesterday" type="1" />`), Calls, `line 3: <call> skipped: unusable date "yesterday"`},
		{"call date missing", callsDoc(`<call number="1" type="1" />`), Calls, `line 3: <call> skipped: unusable date ""`},
		{"call date negative", callsDoc(`<call number="1" date="-5" type="1" />`), Calls, `line 3: <call> skipped: unusable date "-5"`},
		{"call date overflow", callsDoc(`<call number="1" date="99999999999999999999" type="1" />`), Calls, `line 3: <call> skipped: unusable date "99999999999999999999"`},
		{"call type null", callsDoc(`<call number="1" date="1737335700000" type="null" />`), Calls, `line 3: <call> skipped: unusable type "null"`},
		{"sms type text", smsDoc(good, `<sms address="1" date="1737335700000" type="inbox" />`), Messages, `line 4: <sms> skipped: unusable type "inbox"`},
		{"mms box missing", smsDoc(good, `<mms date="1737335700000"><parts><part ct="text/plain" text="x"/></parts></mms>`), Messages, `line 4: <mms> skipped: unusable msg_box ""`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.parser.Parse(input("x.xml", tc.doc, nil))
			if err != nil {
				t.Fatal(err)
			}
			var ws []string
			for _, w := range res.Warnings {
				ws = append(ws, w.String())
			}
			if len(ws) == 0 || ws[0] != tc.warning {
				t.Errorf("warnings %q, want first %q", ws, tc.warning)
			}
			for _, ev := range res.Events {
				if ev.Text != "ok" {
					t.Errorf("the bad element became an event: %+v", ev)
				}
			}
		})
	}
}

func TestMMSParts(t *testing.T) {
	payloads := [][]byte{[]byte("\x89PNG\r\n\x1a\nfirst picture"), bytes.Repeat([]byte{0, 1, 2, 250}, 300), []byte("BEGIN:VCARD\r\nFN:王\r\nEND:VCARD\r\n")}
	names := []string{"../../../../etc/cron.d/evil", `..\..\Windows\System32\drivers\etc\hosts`, "/absolute/contact.vcf"}
	var parts []string
	for i, p := range payloads {
		enc := base64.StdEncoding.EncodeToString(p)
		if i == 1 { // line breaks inside the value, raw and as references
			enc = enc[:40] + "\n" + enc[40:80] + "&#13;&#10;" + enc[80:]
		}
		attr := "name"
		if i == 2 {
			attr = "cl"
		}
		parts = append(parts, fmt.Sprintf(`<part seq="0" ct="application/octet-stream" %s="%s" text="null" data="%s" />`, attr, escapeAttr(names[i]), enc))
	}
	doc := smsDoc(`<mms date="1740051000000" msg_box="1" address="17700002222"><parts>` +
		`<part seq="-1" ct="application/smil" name="smil.xml" text="&lt;smil/&gt;" />` +
		`<part seq="0" ct="text/plain" text="看附件" />` + strings.Join(parts, "") +
		`</parts><addrs><addr address="17700002222" type="137" /><addr address="13900001234" type="151" /></addrs></mms>`)

	t.Run("derive gets the decoded bytes under the untrusted names", func(t *testing.T) {
		stub := &deriveStub{}
		res, err := Messages.Parse(input("sms.xml", doc, stub.derive))
		if err != nil || len(res.Warnings) != 0 || len(res.Events) != 1 {
			t.Fatalf("err %v, warnings %v", err, res.Warnings)
		}
		if strings.Join(stub.names, "|") != strings.Join(names, "|") {
			t.Errorf("names %q", stub.names)
		}
		for i := range payloads {
			if i >= len(stub.data) || !bytes.Equal(stub.data[i], payloads[i]) {
				t.Errorf("part %d: bytes differ", i)
			}
		}
		want := "看附件\n[application/octet-stream: 证据101]\n[application/octet-stream: 证据102]\n[application/octet-stream: 证据103]"
		if ev := res.Events[0]; ev.Text != want || ev.Counterpart != "17700002222" || ev.Channel != event.MMS {
			t.Errorf("event %+v", ev)
		}
		if res.Summary.String() != "0 SMS, 1 MMS (3 attachments)" {
			t.Errorf("summary %q", res.Summary.String())
		}
		for i, at := range stub.sent {
			if !at.Equal(time.UnixMilli(1740051000000)) {
				t.Errorf("part %d is handed the message time %v, want the MMS date", i, at)
			}
		}
		if len(stub.sent) != len(names) {
			t.Errorf("%d message times for %d parts", len(stub.sent), len(names))
		}
	})
	t.Run("without derive the parts are only named", func(t *testing.T) {
		res, err := Messages.Parse(input("sms.xml", doc, nil))
		if err != nil || len(res.Events) != 1 {
			t.Fatal(err)
		}
		if !strings.Contains(res.Events[0].Text, "[application/octet-stream: "+names[0]+"]") {
			t.Errorf("text %q", res.Events[0].Text)
		}
	})
	t.Run("a failing store is a warning", func(t *testing.T) {
		stub := &deriveStub{fail: true}
		res, err := Messages.Parse(input("sms.xml", doc, stub.derive))
		if err != nil || len(res.Events) != 1 || len(res.Warnings) != 3 {
			t.Fatalf("err %v, warnings %v", err, res.Warnings)
		}
		if !strings.Contains(res.Warnings[0].String(), "not stored: disk full") {
			t.Errorf("warning %v", res.Warnings[0])
		}
	})
}

func escapeAttr(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&', '<', '"':
			fmt.Fprintf(&b, "&#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestTruncatedAnywhere cuts a real-structure export at many points: each cut after the root
// gives a result, never an error or a panic, and the events read never decrease as the cut
// moves later.
func TestTruncatedAnywhere(t *testing.T) {
	for _, file := range []string{"testdata/sms.xml", "testdata/calls.xml"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p := detect(t, file, data)
			rootEnd := bytes.Index(data, []byte("type=\"full\">")) + len("type=\"full\">")
			prev := 0
			for cut := rootEnd; cut < len(data)-len("</smses>\n"); cut += 37 {
				res, err := p.Parse(input("x.xml", data[:cut], (&deriveStub{}).derive))
				if err != nil {
					t.Fatalf("cut at %d: %v", cut, err)
				}
				if len(res.Events) < prev {
					t.Fatalf("cut at %d: %d events, fewer than %d before", cut, len(res.Events), prev)
				}
				prev = len(res.Events)
				found := false
				for _, w := range res.Warnings {
					found = found || strings.HasSuffix(w.String(), "unexpected EOF, export is truncated") && strings.HasPrefix(w.Where, "line ")
				}
				if !found {
					t.Fatalf("cut at %d: no truncation warning in %v", cut, res.Warnings)
				}
			}
		})
	}
}

func TestGuardLimits(t *testing.T) {
	long := strings.Repeat("催", maxValue) // three bytes each: three times the limit
	for _, tc := range []struct {
		name    string
		doc     []byte
		events  int
		warning string
		check   func(t *testing.T, res *parse.Result)
	}{
		{"long body is cut at a character boundary",
			smsDoc(`<sms address="1" date="1737335700000" type="1" body="` + long + `" />`), 1,
			"line 3: value of attribute body cut at 262144 bytes",
			func(t *testing.T, res *parse.Result) {
				if txt := res.Events[0].Text; len(txt) < maxValue || len(txt) > maxValue+3 || strings.Trim(txt, "催") != "" {
					t.Errorf("kept %d bytes", len(txt))
				}
			}},
		{"long comment between elements",
			smsDoc(`<sms address="1" date="1737335700000" type="1" body="a" />`, `<!--`+long+`-->`, `<sms address="1" date="1737335700000" type="1" body="b" />`), 2,
			"line 4: markup cut at 262144 bytes", nil},
		{"line numbers survive a cut value with line breaks",
			smsDoc(`<sms address="1" date="1737335700000" type="1" body="`+long+"\n\n"+`" />`, `<sms address="1" date="bad" type="1" />`), 1,
			"line 3: value of attribute body cut at 262144 bytes",
			func(t *testing.T, res *parse.Result) {
				if w := res.Warnings[0].String(); w != `line 6: <sms> skipped: unusable date "bad"` {
					t.Errorf("warning %q", w)
				}
			}},
		{"huge element name stops reading",
			smsDoc(`<sms address="1" date="1737335700000" type="1" body="a" />`, `<`+strings.Repeat("x", maxName+1)+` />`), 1,
			"stopped reading: line 4: element name longer than 256 bytes", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Messages.Parse(input("sms.xml", tc.doc, nil))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != tc.events {
				t.Errorf("%d events", len(res.Events))
			}
			found := false
			for _, w := range res.Warnings {
				found = found || w.String() == tc.warning
			}
			if !found {
				t.Errorf("warnings %v, want %q", res.Warnings, tc.warning)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

func FuzzCalls(f *testing.F)        { fuzzParser(f, Calls) }
func FuzzMessages(f *testing.F)     { fuzzParser(f, Messages) }
func FuzzColorOSCalls(f *testing.F) { fuzzParser(f, ColorOSCalls) }

func fuzzParser(f *testing.F, p parse.Parser) {
	files, _ := os.ReadDir("testdata")
	for _, e := range files {
		if !strings.HasSuffix(e.Name(), ".golden.json") {
			data, err := os.ReadFile("testdata/" + e.Name())
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p.Detect(sniff("f.xml", data))
		stub := &deriveStub{}
		res, err := p.Parse(input("f.xml", data, stub.derive))
		if err != nil {
			if res != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		for _, ev := range res.Events {
			if ev.Time.IsZero() || ev.Channel == "" || ev.Locator == "" {
				t.Fatalf("incomplete event %+v", ev)
			}
		}
		sameAsSlice(t, p, "f.xml", data)
	})
}

// TestInvalidUTF8Body checks that bytes that are not UTF-8 in one message cost only those bytes:
// the message is kept with U+FFFD, a warning names its line, and every later message is read.
func TestInvalidUTF8Body(t *testing.T) {
	sms := func(date, body string) string {
		return `<sms protocol="0" address="15900001111" date="` + date + `" type="1" subject="null" body="` + body +
			`" toa="null" sc_toa="null" service_center="+8613800100500" read="1" status="-1" locked="0" date_sent="` + date +
			`" sub_id="1" readable_date="2025年1月20日 上午9:15:00" contact_name="(Unknown)" />`
	}
	for _, tc := range []struct {
		name, body, want string
	}{
		{"raw byte", "请还款\xff今天", "请还款\uFFFD今天"},
		{"gbk bytes in a utf-8 file", "\xc4\xe3\xba\xc3", "\uFFFD\uFFFD\uFFFD"},
		{"cesu-8 surrogates", "笑\xed\xa0\xbd\xed\xb8\x80", "笑\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"overlong slash", "a\xc0\xafb", "a\uFFFD\uFFFDb"},
		{"sequence cut by the quote", "到期\xe4\xbd", "到期\uFFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := smsDoc(sms("1737335700000", "第一条"), sms("1737335760000", tc.body), sms("1737335820000", "第三条"), sms("1737335880000", "第四条"))
			res, err := Messages.Parse(input("sms-20250415.xml", doc, nil))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 4 {
				t.Fatalf("%d events, want 4; warnings %v", len(res.Events), res.Warnings)
			}
			if got := res.Events[1].Text; got != tc.want {
				t.Errorf("text %q, want %q", got, tc.want)
			}
			if res.Events[3].Text != "第四条" {
				t.Errorf("last message %+v", res.Events[3])
			}
			found := false
			for _, w := range res.Warnings {
				if w.Where == "line 4" && strings.Contains(w.Message("en"), "not UTF-8") {
					found = true
				}
			}
			if !found {
				t.Errorf("no warning names line 4: %v", res.Warnings)
			}
		})
	}
}

// TestColorOSCut cuts the one-line ColorOS call log at several points: the calls before the cut
// are kept, the cut is reported, nothing is invented.
func TestColorOSCut(t *testing.T) {
	data, err := os.ReadFile("testdata/CallLog.xml")
	if err != nil {
		t.Fatal(err)
	}
	whole, err := ColorOSCalls.Parse(input("CallLog.xml", data, nil))
	if err != nil || len(whole.Events) != 7 {
		t.Fatalf("whole file: %v, %d events", err, len(whole.Events))
	}
	for _, at := range []int{len(data) / 4, len(data) / 2, len(data) - 40, len(data) - 5} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			res, err := ColorOSCalls.Parse(input("CallLog.xml", data[:at], nil))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) > len(whole.Events) || !strings.Contains(fmt.Sprint(res.Warnings), "truncated") {
				t.Fatalf("%d events, warnings %v", len(res.Events), res.Warnings)
			}
			for i, ev := range res.Events {
				if !ev.Time.Equal(whole.Events[i].Time) || ev.Counterpart != whole.Events[i].Counterpart {
					t.Errorf("event %d = %+v", i, ev)
				}
			}
		})
	}
}

package vmessage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/internal/parsetest"
	"github.com/dossier-tool/dossier/dossier/parse"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGolden(t *testing.T) {
	loc := parsetest.Shanghai(t)
	for _, name := range []string{"colorOS_sms.vmsg", "nokia.vmg"} {
		t.Run(name, func(t *testing.T) {
			data := fixture(t, name)
			if !(Parser{}).Detect(parsetest.Sniff(name, "text/plain; charset=utf-8", data)) {
				t.Fatal("not detected")
			}
			res, err := Parser{}.Parse(parsetest.Input(name, "text/plain; charset=utf-8", data, loc))
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", strings.TrimSuffix(name, filepath.Ext(name))+".golden.json"), res)
		})
	}
}

func TestWhatTheMessagesSay(t *testing.T) {
	loc := parsetest.Shanghai(t)
	res, err := Parser{}.Parse(parsetest.Input("sms.vmsg", "text/plain", fixture(t, "colorOS_sms.vmsg"), loc))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 5 || len(res.Warnings) != 0 {
		t.Fatalf("%d events, warnings %v", len(res.Events), res.Warnings)
	}
	tests := []struct {
		i                 int
		dir               event.Direction
		counterpart, time string
		text              string
	}{
		{0, event.In, "15900001111", "2025-04-10 22:31:05", "【某某资产】张先生，您的花呗已逾期15天，请于今日22:00前处理，否则我们将联系您的紧急联系人。"},
		{1, event.Out, "15900001111", "2025-04-10 22:35:40", "我已经和平台协商了分期，协议号HB2025012900321，请不要再打电话。"},
		{2, event.In, "10690000123456", "2025-04-11 08:00:00", "【支付宝】您本期花呗账单1000.00元，还款日4月10日。"},
		{3, event.In, "15900001111", "2025-04-11 23:10:00", "第一行\nEND:VBODY 不是结尾\n第三行"},
		{4, event.In, "95188", "2025-04-12 09:00:00", "您好，验证码123456。"},
	}
	for _, tt := range tests {
		ev := res.Events[tt.i]
		if ev.Direction != tt.dir || ev.Counterpart != tt.counterpart || ev.Time.In(loc).Format("2006-01-02 15:04:05") != tt.time || ev.Text != tt.text || ev.Channel != event.SMS {
			t.Errorf("message %d = %+v", tt.i, ev)
		}
	}
}

// TestCut cuts the files at several points: every message before the cut is read as in the whole
// file, the cut is reported, and the parse never fails once a block has begun.
func TestCut(t *testing.T) {
	loc := parsetest.Shanghai(t)
	for _, name := range []string{"colorOS_sms.vmsg", "nokia.vmg"} {
		data := fixture(t, name)
		whole, err := Parser{}.Parse(parsetest.Input(name, "text/plain", data, loc))
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []int{len(data) / 5, len(data) / 3, len(data) / 2, len(data) - 12} {
			t.Run(fmt.Sprintf("%s at %d", name, at), func(t *testing.T) {
				res, err := Parser{}.Parse(parsetest.Input(name, "text/plain", data[:at], loc))
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Events) > len(whole.Events) || !strings.Contains(fmt.Sprint(res.Warnings), "truncated") {
					t.Fatalf("%d events, warnings %v", len(res.Events), res.Warnings)
				}
				for i := range res.Events {
					if !res.Events[i].Time.Equal(whole.Events[i].Time) {
						t.Errorf("event %d at %v, want %v", i, res.Events[i].Time, whole.Events[i].Time)
					}
				}
			})
		}
	}
}

func TestBadBlocks(t *testing.T) {
	loc := parsetest.Shanghai(t)
	doc := "BEGIN:VMSG\r\nBEGIN:VCARD\r\nTEL:1\r\nEND:VCARD\r\nBEGIN:VBODY\r\nX-BOX:INBOX\r\nDate:昨天\r\nSubject:x\r\nEND:VBODY\r\nEND:VMSG\r\n" +
		"BEGIN:VMSG\r\nBEGIN:VCARD\r\nTEL:15900001111\r\nEND:VCARD\r\nBEGIN:VBODY\r\nX-BOX:TRASH\r\nDate:2025/04/10 22:31:05\r\nSubject:还款\r\nEND:VBODY\r\nEND:VMSG\r\n"
	res, err := Parser{}.Parse(parsetest.Input("x.vmsg", "text/plain", []byte(doc), loc))
	if err != nil {
		t.Fatal(err)
	}
	ws := fmt.Sprint(res.Warnings)
	if len(res.Events) != 1 || res.Events[0].Direction != "" || !strings.Contains(ws, "line 1: message skipped: unreadable date") || !strings.Contains(ws, "TRASH") {
		t.Fatalf("events %+v, warnings %s", res.Events, ws)
	}
}

func TestNotVMessage(t *testing.T) {
	for _, text := range []string{"", "hello\nworld\n", strings.Repeat("x\n", 100) + "BEGIN:VMSG\n"} {
		if (Parser{}).Detect(parsetest.Sniff("a.txt", "text/plain", []byte(text))) {
			t.Errorf("Detect(%q) = true", text[:min(len(text), 20)])
		}
	}
	if _, err := (Parser{}).Parse(parsetest.Input("a.txt", "text/plain", []byte("just text\n"), nil)); err == nil {
		t.Error("plain text parsed as vMessage")
	}
}

func TestEmit(t *testing.T) {
	var got []event.Event
	in := parsetest.Input("sms.vmsg", "text/plain", fixture(t, "colorOS_sms.vmsg"), nil)
	in.Emit = func(e event.Event) error { got = append(got, e); return nil }
	res, err := Parser{}.Parse(in)
	if err != nil || len(got) != 5 || len(res.Events) != 0 {
		t.Fatalf("err %v, %d emitted, %d returned", err, len(got), len(res.Events))
	}
}

func FuzzParse(f *testing.F) {
	f.Add(fixture(f, "colorOS_sms.vmsg"))
	f.Add(fixture(f, "nokia.vmg"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := parsetest.Sniff("f.vmsg", "text/plain", data)
		(Parser{}).Detect(s)
		res, err := Parser{}.Parse(parsetest.Input("f.vmsg", "text/plain", data, nil))
		if err == nil && res == nil {
			t.Fatal("nil result without an error")
		}
		if err == nil && bytes.Count(data, []byte("BEGIN:VMSG")) < len(res.Events) {
			t.Fatalf("%d events from %d blocks", len(res.Events), bytes.Count(data, []byte("BEGIN:VMSG")))
		}
	})
}

var _ = parse.KindSMS

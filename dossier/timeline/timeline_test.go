package timeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

func testCase(t *testing.T) *caseconf.Case {
	t.Helper()
	c, err := caseconf.Parse(strings.NewReader(`timezone: Asia/Shanghai
complainant: {name: 张三}
contacts:
  - {number: "+86 159-0000-1111", name: 催收员, role: collector}
`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var t0 = time.Date(2025, 1, 27, 1, 0, 0, 0, time.UTC)

func call(at time.Duration, number, status string, dur int64) event.Event {
	return event.Event{Time: t0.Add(at), Channel: event.Call, Direction: event.In, Counterpart: number, Status: status, Duration: event.Seconds(dur)}
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name  string
		items map[int][]event.Event // exhibit → events
		holds map[int]string        // exhibit → holder
		check func(t *testing.T, evs []event.Event)
	}{
		{name: "same call in two exports is listed once citing both",
			items: map[int][]event.Event{1: {call(0, "15900001111", event.StatusMissed, 0)}, 2: {call(time.Second, "15900001111", event.StatusMissed, 0)}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 1 || fmt.Sprint(evs[0].Exhibits) != "[1 2]" || evs[0].Exhibit != 1 {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "more than two seconds apart are two calls",
			items: map[int][]event.Event{1: {call(0, "15900001111", event.StatusMissed, 0)}, 2: {call(3*time.Second, "15900001111", event.StatusMissed, 0)}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 2 {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "different durations are two calls",
			items: map[int][]event.Event{1: {call(0, "15900001111", event.StatusAnswered, 30)}, 2: {call(0, "15900001111", event.StatusAnswered, 31)}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 2 {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "two rows of one export are never folded",
			items: map[int][]event.Event{1: {call(0, "15900001111", event.StatusMissed, 0), call(0, "15900001111", event.StatusMissed, 0)}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 2 {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "the same call on two people's phones stays two",
			items: map[int][]event.Event{1: {call(0, "15900001111", event.StatusMissed, 0)}, 2: {call(0, "15900001111", event.StatusMissed, 0)}},
			holds: map[int]string{2: "李四"},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 2 || evs[1].Holder != "李四" || evs[0].Holder != "张三" || evs[0].HolderRole != caseconf.RoleSelf {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "roles and names from case.yaml after normalisation; times in the case zone; seq",
			items: map[int][]event.Event{1: {call(time.Hour, "008615900001111", event.StatusMissed, 0), call(0, "13800000000", event.StatusAnswered, 5)}},
			check: func(t *testing.T, evs []event.Event) {
				if evs[0].Counterpart != "13800000000" || evs[1].Role != caseconf.RoleCollector || evs[1].CounterpartName != "催收员" {
					t.Fatalf("%+v", evs)
				}
				if evs[0].Time.Location().String() != "Asia/Shanghai" || evs[0].Seq != 1 || evs[1].Seq != 2 {
					t.Fatalf("zone/seq: %+v", evs)
				}
			}},
		{name: "three screenshots taken within two seconds are three events",
			items: map[int][]event.Event{
				1: {{Time: t0.Add(123 * time.Millisecond), TimeSource: event.TimeFromFileName, Channel: event.Screenshot, App: "支付宝", Locator: "file"}},
				2: {{Time: t0.Add(876 * time.Millisecond), TimeSource: event.TimeFromFileName, Channel: event.Screenshot, App: "支付宝", Locator: "file"}},
				3: {{Time: t0.Add(1010 * time.Millisecond), TimeSource: event.TimeFromFileName, Channel: event.Screenshot, App: "支付宝", Locator: "file"}}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 3 {
					t.Fatalf("%d events: %+v", len(evs), evs)
				}
			}},
		{name: "two photos timed by modification time under two seconds apart stay two",
			items: map[int][]event.Event{
				1: {{Time: t0, TimeSource: event.TimeFromModTime, Channel: event.Screenshot, Locator: "file"}},
				2: {{Time: t0.Add(1500 * time.Millisecond), TimeSource: event.TimeFromModTime, Channel: event.Screenshot, Locator: "file"}}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 2 {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "a flac and an ogg recording of the same minute stay two",
			items: map[int][]event.Event{
				1: {{Time: t0, TimeSource: event.TimeFromFileName, Channel: event.Recording, Counterpart: "15900001111", Duration: event.Seconds(60), Locator: "file"}},
				2: {{Time: t0, TimeSource: event.TimeFromFileName, Channel: event.Recording, Counterpart: "15900001111", Duration: event.Seconds(60), Locator: "file"}}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 2 {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "two e-mails and two documents of one second stay apart",
			items: map[int][]event.Event{
				1: {{Time: t0, Channel: event.Email, Direction: event.In, Counterpart: "a@b.cn", Locator: "message"}},
				2: {{Time: t0, Channel: event.Email, Direction: event.In, Counterpart: "a@b.cn", Locator: "message"}},
				3: {{Time: t0, Channel: event.Agreement, Locator: "document info"}},
				4: {{Time: t0, Channel: event.Agreement, Locator: "document info"}}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 4 {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "one sms in two backups is listed once; a different text is another message",
			items: map[int][]event.Event{
				1: {{Time: t0, Channel: event.SMS, Direction: event.In, Counterpart: "15900001111", Status: event.StatusReceived, Text: "请尽快还款"}},
				2: {{Time: t0, Channel: event.SMS, Direction: event.In, Counterpart: "15900001111", Status: event.StatusReceived, Text: "请尽快还款"},
					{Time: t0, Channel: event.SMS, Direction: event.In, Counterpart: "15900001111", Status: event.StatusReceived, Text: "最后通知"}}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 2 || fmt.Sprint(evs[0].Exhibits) != "[1 2]" || evs[1].Text != "最后通知" {
					t.Fatalf("%+v", evs)
				}
			}},
		{name: "events without a time are left out",
			items: map[int][]event.Event{1: {{Channel: event.Note, Text: "no time"}, call(0, "1", event.StatusMissed, 0)}},
			check: func(t *testing.T, evs []event.Event) {
				if len(evs) != 1 {
					t.Fatalf("%+v", evs)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var items []evidence.Item
			for ex := 1; ex <= len(tt.items); ex++ {
				items = append(items, evidence.Item{Exhibit: ex, ID: fmt.Sprint(ex), Holder: tt.holds[ex]})
			}
			evs, err := Build(testCase(t), items, func(it *evidence.Item) ([]event.Event, error) {
				return tt.items[it.Exhibit], nil
			})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, evs)
		})
	}
}

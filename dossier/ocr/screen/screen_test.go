package screen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/ocr"
)

var zone, _ = time.LoadLocation("Asia/Shanghai")

// shot is when the fixture screens were taken: Wednesday 5 February 2025, 23:32.
var shot = time.Date(2025, 2, 5, 23, 32, 0, 0, zone)

// page reads a fixture: what the engine read from a screen rendered by package screens.
func page(t *testing.T, name string) *ocr.Page {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var p ocr.Page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func at(m time.Month, d, h, mi int) time.Time { return time.Date(2025, m, d, h, mi, 0, 0, zone) }

func TestChat(t *testing.T) {
	evs := Extract(page(t, "chat_wechat_light"), Shot{Time: shot, App: "微信"})
	want := []struct {
		dir  event.Direction
		at   time.Time
		text string
	}{
		{event.In, at(2, 4, 22, 32), "您好，我是某某资产的工作人员，关于您的花呗欠款12000元，请今天务必处理。"},
		{event.Out, at(2, 4, 22, 32), "我已经和支付宝协商了分期，协议号HB2025012900321"},
		{event.In, at(2, 5, 23, 12), "协商没用，再不还款就联系你的家人和单位"},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		e := evs[i]
		if e.Direction != w.dir || !e.Time.Equal(w.at) || e.Text != w.text {
			t.Errorf("message %d: %s %v %q, want %s %v %q", i+1, e.Direction, e.Time, e.Text, w.dir, w.at, w.text)
		}
		if e.Channel != event.Chat || e.TimeSource != event.TimeFromOCR || e.CounterpartName != "某某资产催收员" || e.Confidence < 0.9 || e.Locator == "" {
			t.Errorf("message %d: %+v", i+1, e)
		}
	}
}

func TestCallHistory(t *testing.T) {
	evs := Extract(page(t, "calls_dark"), Shot{Time: shot})
	type row struct {
		number, name, status string
		dir                  event.Direction
		at                   time.Time
		repeat               int
		dur                  int64
	}
	want := []row{
		{"15900001111", "", event.StatusMissed, event.In, at(2, 5, 23, 10), 8, 0},
		{"支付宝客服", "支付宝客服", event.StatusAnswered, event.In, at(2, 4, 22, 41), 0, 133},
		{"02160888888", "", event.StatusOutgoing, event.Out, at(2, 3, 9, 15), 0, 35},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i, w := range want {
		e := evs[i]
		got := row{e.Counterpart, e.CounterpartName, e.Status, e.Direction, e.Time, e.Repeat, e.DurationOr(-1)}
		if got.number != w.number || got.name != w.name || got.status != w.status || got.dir != w.dir || !got.at.Equal(w.at) || got.repeat != w.repeat || got.dur != w.dur {
			t.Errorf("row %d: %+v, want %+v", i+1, got, w)
		}
		if e.Channel != event.Call || e.TimeSource != event.TimeFromOCR || !strings.HasPrefix(e.Locator, "line ") {
			t.Errorf("row %d: %+v", i+1, e)
		}
	}
}

func TestNoTimeNoEvents(t *testing.T) {
	if evs := Extract(page(t, "calls_dark"), Shot{}); evs != nil {
		t.Errorf("events from a screenshot without a time: %+v", evs)
	}
	if evs := Extract(&ocr.Page{Width: 1080, Height: 2400}, Shot{Time: shot}); evs != nil {
		t.Errorf("events from an empty page: %+v", evs)
	}
}

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

// The sample case's screenshots (samples/evidence/screenshots, made by cmd/samplescreens), as
// the engine read them.
func TestSampleScreens(t *testing.T) {
	type msg struct {
		dir  event.Direction
		at   time.Time
		text string
	}
	for _, tc := range []struct {
		name string
		shot time.Time
		app  string
		want []msg
	}{
		{"sample_wechat", at(1, 30, 22, 45), "微信", []msg{
			{event.In, at(1, 29, 21, 3), "张先生，您的花呗已逾期，今天必须还清全部欠款12000元"},
			{event.Out, at(1, 29, 21, 3), "我昨天已经和支付宝协商好了分期，协议编号HB2025012900321"},
			{event.In, at(1, 30, 22, 31), "协商的不算数，明天中午前不还，我们就联系你的家人和单位"},
			{event.In, at(1, 30, 22, 31), "再不处理就上门找你，后果自负"},
			{event.Out, at(1, 30, 22, 31), "现在是晚上十点半了，请不要再骚扰我"},
		}},
		{"sample_sms", at(2, 5, 23, 10), "", []msg{
			{event.In, at(2, 4, 23, 5), "【某某资产】您的欠款已转交法务部门处理，请尽快联系"},
			{event.In, at(2, 5, 22, 58), "今晚不回电话将视为恶意拖欠，我们将联系您的通讯录好友"},
			{event.Out, at(2, 5, 22, 58), "已按协议还款，请停止联系"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			evs := Extract(page(t, tc.name), Shot{Time: tc.shot, App: tc.app})
			var got []msg
			for _, e := range evs {
				got = append(got, msg{e.Direction, e.Time, e.Text})
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
			for i := range got {
				if got[i].dir != tc.want[i].dir || !got[i].at.Equal(tc.want[i].at) || got[i].text != tc.want[i].text {
					t.Errorf("message %d: %+v, want %+v", i+1, got[i], tc.want[i])
				}
			}
		})
	}
	t.Run("sample_calls", func(t *testing.T) {
		evs := Extract(page(t, "sample_calls"), Shot{Time: at(1, 28, 23, 32)})
		var got []string
		for _, e := range evs {
			got = append(got, strings.Join([]string{e.Time.Format("01-02 15:04"), e.Counterpart, e.Status, itoa(max(e.Repeat, 1)), itoa(int(e.DurationOr(0)))}, " "))
		}
		want := []string{
			"01-28 23:10 15900001111 missed 8 0",
			"01-28 22:47 某某律所催收专员 missed 3 0",
			"01-28 22:15 15900001111 answered 1 94",
			"01-28 16:02 支付宝客服 outgoing 1 412",
			"01-27 21:05 李四（配偶） answered 1 185",
			"01-26 09:41 17700002222 missed 2 0",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// A call row's type from its detail words, as OCR reads them on a shrunken screenshot too.
func TestCallType(t *testing.T) {
	grey := ocr.Colour{0xa2, 0xa2, 0xa2}
	for _, tc := range []struct{ detail, want string }{
		{"北京呼入13分55秒", event.StatusAnswered},
		{"北京呼人8分30秒", event.StatusAnswered}, // 入 read as 人
		{"浙江杭州 呼出 35秒", event.StatusOutgoing},
		{"广东深圳 未接", event.StatusMissed},
		{"上海", ""},
		{"四川成都 未知末接", event.StatusMissed}, // 未 read as 末
	} {
		if got := callType(tc.detail, grey); got != tc.want {
			t.Errorf("callType(%q) = %q, want %q", tc.detail, got, tc.want)
		}
	}
	// A missed call's red name, paled by shrinking and compression, still says missed; grey,
	// black and the white of dark mode do not.
	for _, tc := range []struct {
		ink  ocr.Colour
		want string
	}{
		{ocr.Colour{0xad, 0x79, 0x7b}, event.StatusMissed},
		{ocr.Colour{0xe6, 0x3b, 0x3b}, event.StatusMissed},
		{ocr.Colour{0x30, 0x30, 0x30}, ""},
		{ocr.Colour{0xe0, 0xe0, 0xe0}, ""},
		{ocr.Colour{0xa2, 0xa2, 0xa2}, ""},
	} {
		if got := callType("浙江杭州·未推", tc.ink); got != tc.want {
			t.Errorf("callType with ink %v = %q, want %q", tc.ink, got, tc.want)
		}
	}
}

// A separator OCR misread ("晚上11:12" as "晚上1最1下2") dates nothing: the bubble after it is
// not given the time of the separator before it, which would be a time the screen never showed.
func TestMisreadSeparatorDatesNothing(t *testing.T) {
	p := page(t, "chat_wechat_light")
	p.Lines[10].Text = "晚上1最1下2"
	evs := Extract(p, Shot{Time: shot, App: "微信"})
	if len(evs) != 2 {
		t.Fatalf("%d events, want the two before the misread separator: %+v", len(evs), evs)
	}
	for _, e := range evs {
		if strings.Contains(e.Text, "协商没用") {
			t.Errorf("the message after the misread separator got a time: %+v", e)
		}
	}
	// A system notice with no time in it leaves the time as it was.
	p = page(t, "chat_wechat_light")
	p.Lines[10].Text = "以下是新消息"
	if evs := Extract(p, Shot{Time: shot, App: "微信"}); len(evs) != 3 || !evs[2].Time.Equal(evs[1].Time) {
		t.Errorf("after a notice: %+v", evs)
	}
}

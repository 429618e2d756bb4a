package timeline

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
)

// The SMS of 23:10:37 Shanghai time as sms.xml holds it, and the same message as a screenshot of
// the SMS app shows it: the minute, the words as OCR read them (wrapped, a full-width digit).
var (
	smsAt   = time.Date(2025, 2, 5, 23, 10, 37, 0, shanghai)
	minute  = time.Date(2025, 2, 5, 23, 10, 0, 0, shanghai)
	smsText = "今晚不回电话将视为恶意拖欠，我们将联系您的通讯录好友。欠款12000元"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func backupSMS(at time.Time, text string) event.Event {
	return event.Event{Time: at, TimeSource: event.TimeFromContent, Channel: event.SMS, Direction: event.In, Status: event.StatusReceived,
		Counterpart: "15900001111", Text: text, Locator: "sms[12]"}
}

func screenMsg(at time.Time, counterpart, app, text string) event.Event {
	ch := event.Chat
	if app == "短信" {
		ch = event.SMS
	}
	return event.Event{Time: at, TimeSource: event.TimeFromOCR, Channel: ch, Direction: event.In, Status: event.StatusReceived,
		Counterpart: counterpart, CounterpartName: counterpart, Text: text, App: app, Kind: "text", Locator: "line 7-8", Confidence: 0.97}
}

func screenCall(at time.Time, status string, repeat int) event.Event {
	return event.Event{Time: at, TimeSource: event.TimeFromOCR, Channel: event.Call, Direction: event.In, Status: status,
		Counterpart: "15900001111", Duration: event.Seconds(0), Repeat: repeat, Locator: "line 9-10", Confidence: 0.98}
}

func TestScreenReadingsFoldIntoRecords(t *testing.T) {
	// As OCR reads it: a full-width digit, a half-width comma; the bubble's lines joined.
	read := strings.NewReplacer("12000", "12０00", "，", ",").Replace(smsText)
	wrapped := strings.Replace(smsText, "我们", "\n我们", 1) // a backup keeps the sender's line break
	tests := []struct {
		name  string
		items map[int][]event.Event
		want  []string // time, time source, exhibits, text of each event
	}{
		{"an sms in a backup and in a screenshot of the sms app is one event, the backup's", map[int][]event.Event{
			1: {backupSMS(smsAt, smsText)},
			2: {screenMsg(minute, "15900001111", "短信", read)},
		}, []string{"23:10:37 content [1 2] " + smsText}},
		{"the screenshot first in exhibit order, the backup still kept", map[int][]event.Event{
			1: {screenMsg(minute, "15900001111", "短信", read)},
			2: {backupSMS(smsAt, smsText)},
		}, []string{"23:10:37 content [1 2] " + smsText}},
		{"the title shows the contact's name the backup gives", map[int][]event.Event{
			1: {func() event.Event { e := backupSMS(smsAt, smsText); e.CounterpartName = "催收员"; return e }()},
			2: {screenMsg(minute, "催收员", "短信", smsText)},
		}, []string{"23:10:37 content [1 2] " + smsText}},
		{"a chat screen of an app the file name does not say", map[int][]event.Event{
			1: {backupSMS(smsAt, wrapped)},
			2: {screenMsg(minute, "15900001111", "", read)},
		}, []string{"23:10:37 content [1 2] " + wrapped}},
		{"a WeChat screen is not the sms", map[int][]event.Event{
			1: {backupSMS(smsAt, smsText)},
			2: {screenMsg(minute, "15900001111", "微信", smsText)},
		}, []string{"23:10:00 ocr [2] " + smsText, "23:10:37 content [1] " + smsText}},
		{"the same words at another minute are another message", map[int][]event.Event{
			1: {backupSMS(minute.Add(2*time.Minute+5*time.Second), smsText)},
			2: {screenMsg(minute, "15900001111", "短信", smsText)},
		}, []string{"23:10:00 ocr [2] " + smsText, "23:12:05 content [1] " + smsText}},
		{"the minute before the screen's is another message", map[int][]event.Event{
			1: {backupSMS(minute.Add(-time.Second), smsText)},
			2: {screenMsg(minute, "15900001111", "短信", smsText)},
		}, []string{"23:09:59 content [1] " + smsText, "23:10:00 ocr [2] " + smsText}},
		{"two messages of the same words in one minute: the bubble folds into one of them", map[int][]event.Event{
			1: {backupSMS(minute.Add(5*time.Second), smsText), backupSMS(minute.Add(40*time.Second), smsText)},
			2: {screenMsg(minute, "15900001111", "短信", smsText)},
		}, []string{"23:10:05 content [1 2] " + smsText, "23:10:40 content [1] " + smsText}},
		{"two bubbles of the same words and two messages: two events, each citing both", map[int][]event.Event{
			1: {backupSMS(minute.Add(5*time.Second), smsText), backupSMS(minute.Add(40*time.Second), smsText)},
			2: {screenMsg(minute, "15900001111", "短信", smsText), screenMsg(minute, "15900001111", "短信", smsText)},
		}, []string{"23:10:05 content [1 2] " + smsText, "23:10:40 content [1 2] " + smsText}},
		{"other words in the same minute stay apart", map[int][]event.Event{
			1: {backupSMS(smsAt, smsText)},
			2: {screenMsg(minute, "15900001111", "短信", strings.Replace(smsText, "12000", "13000", 1))},
		}, []string{"23:10:00 ocr [2] " + strings.Replace(smsText, "12000", "13000", 1), "23:10:37 content [1] " + smsText}},
		{"another number stays apart", map[int][]event.Event{
			1: {backupSMS(smsAt, smsText)},
			2: {screenMsg(minute, "17700002222", "短信", smsText)},
		}, []string{"23:10:00 ocr [2] " + smsText, "23:10:37 content [1] " + smsText}},
		{"the backup's record at the screen's very minute", map[int][]event.Event{
			1: {backupSMS(minute, smsText)},
			2: {screenMsg(minute, "15900001111", "短信", read)},
		}, []string{"23:10:00 content [1 2] " + smsText}},
		{"a call row folds into the call log's call, whose other calls the log lists", map[int][]event.Event{
			1: {call(minute.Sub(t0)-2*time.Minute, "15900001111", event.StatusMissed, 0), call(smsAt.Sub(t0)-17*time.Second, "15900001111", event.StatusMissed, 0)},
			2: {screenCall(minute, event.StatusMissed, 2)},
		}, []string{"23:08:00 content [1] ", "23:10:20 content [1 2] "}},
		{"an answered call is not the missed row", map[int][]event.Event{
			1: {call(smsAt.Sub(t0), "15900001111", event.StatusAnswered, 40)},
			2: {screenCall(minute, event.StatusMissed, 0)},
		}, []string{"23:10:00 ocr [2] ", "23:10:37 content [1] "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for ex := range tt.items {
				for i := range tt.items[ex] {
					if tt.items[ex][i].TimeSource == "" {
						tt.items[ex][i].TimeSource = event.TimeFromContent
					}
				}
			}
			var items []evidence.Item
			for ex := 1; ex <= len(tt.items); ex++ {
				items = append(items, evidence.Item{Exhibit: ex, ID: fmt.Sprint(ex), Events: len(tt.items[ex])})
			}
			c := testCase(t)
			evs, err := Build(c, items, func(it *evidence.Item) ([]event.Event, error) {
				return append([]event.Event(nil), tt.items[it.Exhibit]...), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range evs {
				got = append(got, fmt.Sprintf("%s %s %v %s", e.Time.Format("15:04:05"), e.TimeSource, e.Exhibits, e.Text))
				if e.TimeSource == event.TimeFromContent && (e.Confidence != 0 || e.Repeat != 0 || e.Locator == "line 7-8") {
					t.Errorf("the record kept carries the screen's fields: %+v", e)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("timeline\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			// The streamed timeline folds the same way, screens read whole as the case does.
			perItem := map[int][]event.Event{}
			for ex, evs := range tt.items {
				perItem[ex] = evs
			}
			items, src, _ := streamCase(t, perItem, 2)
			m, err := Open(c, items, src)
			if err != nil {
				t.Fatal(err)
			}
			streamed, err := m.Events()
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Build(c, items, src.Load)
			if !reflect.DeepEqual(streamed, want) {
				t.Errorf("streamed\n%+v\nbuilt\n%+v", streamed, want)
			}
		})
	}
}

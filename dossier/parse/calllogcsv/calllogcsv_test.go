package calllogcsv

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/internal/parsetest"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/csvtext"
)

// sniff and input describe a file the way ingest would for this parser's exports.
func sniff(name string, data []byte) *parse.Sniff {
	return parsetest.Sniff(name, "text/plain; charset=utf-8", data)
}

func input(name string, data []byte, loc *time.Location) *parse.Input {
	return parsetest.Input(name, "text/csv", data, loc)
}

// gbkSource is the UTF-8 text of testdata/gbk_phone_manager.csv, which Excel on Chinese Windows
// would have saved in GBK.
const gbkSource = "\"手机管家通话记录\"\r\n" +
	"导出日期,2025年4月15日\r\n" +
	"\r\n" +
	"序号,对方号码,联系人,通话类型,起始时间,时长\r\n" +
	"1,15900001111,某某资产催收员,未接来电,2025/1/27 09:00,0秒\r\n" +
	"2,15900001111,某某资产催收员,未接来电,2025/1/27 09:20,0秒\r\n" +
	"3,17700002222,某某律所催收专员,已接来电,2025/1/27 23:10,2分30秒\r\n" +
	"4,95188,支付宝客服,呼出,2025/1/29 10:00,12分0秒\r\n" +
	"5,13800138000,李四（配偶）,被叫,2025/1/29 21:00,1小时0分5秒\r\n"

func TestGBKFixture(t *testing.T) {
	want, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(gbkSource))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "gbk_phone_manager.csv")
	// The fixture is the GBK encoding of gbkSource; -update regenerates it from there.
	golden.Check(t, path, want)
}

// snapshot is what a golden file records of a parse.
type snapshot struct {
	Kind     string            `json:"kind"`
	Time     string            `json:"time,omitempty"`
	Summary  string            `json:"summary"`
	Info     map[string]string `json:"info"`
	Events   []snapshotEvent   `json:"events"`
	Warnings []string          `json:"warnings"`
}

// snapshotEvent shows the time in the case zone so that the files can be checked by eye.
type snapshotEvent struct {
	Local string `json:"local"`
	event.Event
}

func toSnapshot(res *parse.Result, loc *time.Location) snapshot {
	g := snapshot{Kind: res.Kind, Summary: res.Summary.String(), Info: res.Info, Events: []snapshotEvent{}, Warnings: []string{}}
	if !res.Time.IsZero() {
		g.Time = res.Time.In(loc).Format(time.RFC3339) + " (" + res.TimeSource + ")"
	}
	for _, e := range res.Events {
		g.Events = append(g.Events, snapshotEvent{Local: e.Time.In(loc).Format("2006-01-02 15:04:05"), Event: e})
	}
	for _, w := range res.Warnings {
		g.Warnings = append(g.Warnings, w.String())
	}
	return g
}

func TestGolden(t *testing.T) {
	loc := parsetest.Shanghai(t)
	for _, name := range []string{"utf8_bom.csv", "preamble.csv", "english.csv", "date_time_split.csv", "gbk_phone_manager.csv"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if !(Parser{}).Detect(sniff(name, data)) {
				t.Fatal("not detected")
			}
			res, err := Parser{}.Parse(input(name, data, loc))
			if err != nil {
				t.Fatal(err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", strings.TrimSuffix(name, ".csv")+".golden.json"), toSnapshot(res, loc))
		})
	}
}

func TestDetect(t *testing.T) {
	gbkUnknown, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("订单号,商品,金额\n1,花呗还款,1000.00\n"))
	tests := []struct {
		name string
		mime string
		data string
		want bool
	}{
		{"plain utf-8 header", "text/csv", "号码,时间,类型\n15900001111,2025-01-27 09:00:00,未接\n", true},
		{"english upper case with spaces", "text/plain", " PHONE NUMBER , Start Time ,DURATION\n1,2,3\n", true},
		{"bom before header", "text/plain", "\ufeff电话号码,通话时间\n", true},
		{"split date and time", "text/csv", "日期,时间,号码\n", true},
		{"number without time", "text/csv", "姓名,号码,归属地\n", false},
		{"time without number", "text/csv", "时间,金额\n", false},
		{"message export", "text/csv", "号码,时间,类型,内容\n", false},
		{"unknown headers", "text/csv", "订单号,商品,金额\n", false},
		{"gbk unknown headers", "text/plain", string(gbkUnknown), false},
		{"binary", "application/octet-stream", "号码,时间\n", false},
		{"header after 50 lines", "text/plain", strings.Repeat("说明\n", 60) + "号码,时间\n", false},
		{"header after preamble", "text/plain", strings.Repeat("说明\n", 10) + "号码,时间\n", true},
		{"empty", "text/plain", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sniff("x.csv", []byte(tc.data))
			s.Ext, s.MIME = ".dat", tc.mime
			if got := (Parser{}).Detect(s); got != tc.want {
				t.Errorf("Detect = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseNotCallLog(t *testing.T) {
	for _, name := range []string{"unknown_headers.csv", "sms_like.csv"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if (Parser{}).Detect(sniff(name, data)) {
				t.Error("detected")
			}
			res, err := Parser{}.Parse(input(name, data, time.UTC))
			if err == nil || res != nil {
				t.Fatalf("Parse = %v, %v; want an error and no result", res, err)
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestWrongEncoding(t *testing.T) {
	// GBK bytes that happen to start with an ASCII-only prefix longer than the detection window
	// are still decoded as GB18030 because the window covers the first Chinese character.
	src := "号码,时间,类型,时长\n15900001111,2025-01-27 09:00:00,未接,0秒\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		data       []byte
		wantEvents int
		wantStatus string
	}{
		{"gbk", gbk, 1, event.StatusMissed},
		// Latin-1 noise where the header should be: not a call log.
		{"latin-1 garbage", []byte("\xe9\xe8\xff,\xfe\n1,2\n"), 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parser{}.Parse(input("x.csv", tc.data, time.UTC))
			if tc.wantEvents == 0 {
				if err == nil {
					t.Fatalf("want an error, got %d events", len(res.Events))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != tc.wantEvents || res.Events[0].Status != tc.wantStatus {
				t.Fatalf("events = %+v", res.Events)
			}
			if res.Info["encoding"] != "GB18030" {
				t.Errorf("encoding = %q", res.Info["encoding"])
			}
		})
	}
}

func TestRows(t *testing.T) {
	loc := parsetest.Shanghai(t)
	const header = "号码,类型,时间,时长\n"
	tests := []struct {
		name        string
		row         string
		wantEvents  int
		wantWarning string // substring; "" means no warning
		check       func(t *testing.T, e event.Event)
	}{
		{"missed", "15900001111,未接,2025-01-27 09:00:00,0秒", 1, "", func(t *testing.T, e event.Event) {
			if e.Direction != event.In || e.Status != event.StatusMissed || e.DurationOr(-1) != 0 || !e.Unanswered() {
				t.Errorf("%+v", e)
			}
		}},
		{"connected", "15900001111,呼入,2025-01-27 09:00:00,1分1秒", 1, "", func(t *testing.T, e event.Event) {
			if !e.Connected() || e.DurationOr(0) != 61 {
				t.Errorf("%+v", e)
			}
		}},
		{"incoming never connected", "15900001111,来电,2025-01-27 09:00:00,未接通", 1, "", func(t *testing.T, e event.Event) {
			if e.Status != event.StatusMissed {
				t.Errorf("status %q", e.Status)
			}
		}},
		{"local time in case zone", "15900001111,呼入,2025-01-27 23:30:00,1", 1, "", func(t *testing.T, e event.Event) {
			if !e.Time.Equal(time.Date(2025, 1, 27, 15, 30, 0, 0, time.UTC)) {
				t.Errorf("time %v", e.Time)
			}
		}},
		{"epoch seconds", "15900001111,呼入,1737991800,1", 1, "", func(t *testing.T, e event.Event) {
			if !e.Time.Equal(time.Date(2025, 1, 27, 15, 30, 0, 0, time.UTC)) {
				t.Errorf("time %v", e.Time)
			}
		}},
		{"normalised number", "+86 159-0000-1111,呼入,2025-01-27 09:00:00,1", 1, "", func(t *testing.T, e event.Event) {
			if e.Counterpart != "15900001111" {
				t.Errorf("counterpart %q", e.Counterpart)
			}
		}},
		{"bad date", "15900001111,呼入,2025-02-30 09:00:00,1", 0, "line 2: unreadable time", nil},
		{"empty date", "15900001111,呼入,,1", 0, "line 2: unreadable time", nil},
		{"year no phone wrote", "15900001111,呼入,0001/1/1 0:00,1", 0, "line 2: unreadable time", nil},
		{"ragged short", "15900001111,呼入", 0, "line 2: row has 2 cells", nil},
		{"ragged long", "15900001111,呼入,2025-01-27 09:00:00,1,x", 0, "line 2: row has 5 cells", nil},
		{"unknown type", "15900001111,视频,2025-01-27 09:00:00,1", 1, "line 2: unknown call type", func(t *testing.T, e event.Event) {
			if e.Direction != event.None || e.Status != "" {
				t.Errorf("%+v", e)
			}
		}},
		{"bad duration", "15900001111,呼入,2025-01-27 09:00:00,很久", 1, "line 2: unreadable duration", func(t *testing.T, e event.Event) {
			if e.Duration != nil {
				t.Errorf("duration %v", *e.Duration)
			}
		}},
		{"empty duration is unknown", "15900001111,呼入,2025-01-27 09:00:00,", 1, "", func(t *testing.T, e event.Event) {
			if e.Duration != nil {
				t.Errorf("duration %v", *e.Duration)
			}
		}},
		{"spreadsheet number", "1.59E+10,呼入,2025-01-27 09:00:00,1", 1, "scientific notation", func(t *testing.T, e event.Event) {
			if e.Counterpart != "" {
				t.Errorf("counterpart %q", e.Counterpart)
			}
		}},
		{"blank row", ",,,", 0, "", nil},
		{"repeated header", "号码,类型,时间,时长", 0, "", nil},
		{"unterminated quote", "\"15900001111,呼入,2025-01-27 09:00:00,1", 0, "line 2", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(header + tc.row + "\n")
			res, err := Parser{}.Parse(input("x.csv", data, loc))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != tc.wantEvents {
				t.Fatalf("%d events, want %d: %+v %v", len(res.Events), tc.wantEvents, res.Events, res.Warnings)
			}
			var warnings []string
			for _, w := range res.Warnings {
				warnings = append(warnings, w.String())
			}
			all := strings.Join(warnings, "\n")
			if tc.wantWarning == "" && all != "" {
				t.Errorf("unexpected warnings: %s", all)
			}
			if tc.wantWarning != "" && !strings.Contains(all, tc.wantWarning) {
				t.Errorf("warnings %q lack %q", all, tc.wantWarning)
			}
			if tc.check != nil && len(res.Events) > 0 {
				tc.check(t, res.Events[0])
			}
		})
	}
}

func TestDurations(t *testing.T) {
	tests := []struct {
		in        string
		want      int64
		connected bool
		bad       bool
	}{
		{"0", 0, true, false},
		{"95", 95, true, false},
		{"95.0", 95, true, false},
		{"1:35", 95, true, false},
		{"00:01:35", 95, true, false},
		{"1:02:03", 3723, true, false},
		{"1分35秒", 95, true, false},
		{"1小时2分3秒", 3723, true, false},
		{"2分钟", 120, true, false},
		{"0秒", 0, true, false},
		{"95s", 95, true, false},
		{"1h 2m 3s", 3723, true, false},
		{"2 min 5 sec", 125, true, false},
		{"未接通", 0, false, false},
		{"-", 0, false, false},
		{"1:75", 0, false, true},
		{"abc", 0, false, true},
		{"5天", 0, false, true},
		{"99999999", 0, false, true},
		{"1:2:3:4", 0, false, true},
		{"", 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, connected, err := parseDuration(tc.in)
			if (err != nil) != tc.bad {
				t.Fatalf("err = %v", err)
			}
			if got != tc.want || connected != tc.connected {
				t.Errorf("= %d, %v; want %d, %v", got, connected, tc.want, tc.connected)
			}
		})
	}
}

func TestTypes(t *testing.T) {
	tests := []struct {
		in   string
		dir  event.Direction
		stat string
	}{
		{"呼入", event.In, event.StatusAnswered},
		{"已接来电", event.In, event.StatusAnswered},
		{"被叫", event.In, event.StatusAnswered},
		{"Incoming", event.In, event.StatusAnswered},
		{"去电", event.Out, event.StatusOutgoing},
		{"主叫", event.Out, event.StatusOutgoing},
		{"OUTGOING", event.Out, event.StatusOutgoing},
		{"未接来电", event.In, event.StatusMissed},
		{"呼入未接", event.In, event.StatusMissed},
		{"拒接", event.In, event.StatusRejected},
		{"来电(已拦截)", event.In, event.StatusBlocked},
		{"1", event.In, event.StatusAnswered},
		{"2", event.Out, event.StatusOutgoing},
		{"3", event.In, event.StatusMissed},
		{"4", event.In, event.StatusVoicemail},
		{"5", event.In, event.StatusRejected},
		{"6", event.In, event.StatusBlocked},
		{"7", event.In, event.StatusAnsweredExternal},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			o, ok := parseType(tc.in)
			if !ok || o.direction != tc.dir || o.status != tc.stat {
				t.Errorf("= %+v, %v; want %s %s", o, ok, tc.dir, tc.stat)
			}
		})
	}
	for _, bad := range []string{"", "8", "视频", "unknown"} {
		t.Run("unknown "+bad, func(t *testing.T) {
			if o, ok := parseType(bad); ok {
				t.Errorf("= %+v", o)
			}
		})
	}
}

func TestRecordCap(t *testing.T) {
	// An unbalanced quote would make encoding/csv read to the end of the file into one record.
	var b bytes.Buffer
	b.WriteString("号码,时间,类型\n15900001111,2025-01-27 09:00:00,未接\n\"")
	b.Write(bytes.Repeat([]byte("x,"), csvtext.MaxRecordBytes))
	res, err := Parser{}.Parse(input("big.csv", b.Bytes(), time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Message("en"), "4 MiB") {
		t.Fatalf("events %d, warnings %v", len(res.Events), res.Warnings)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = (Parser{}).Detect(sniff("f.csv", data))
		res, err := Parser{}.Parse(input("f.csv", data, time.UTC))
		if err != nil {
			if res != nil {
				t.Fatalf("error %v with a result", err)
			}
			return
		}
		for _, e := range res.Events {
			if e.Channel != event.Call || e.Time.IsZero() || !strings.HasPrefix(e.Locator, "line ") {
				t.Fatalf("bad event %+v", e)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("联系人,号码,类型,通话时间,通话时长\n")
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	types := []string{"呼入", "呼出", "未接", "拒接", "3"}
	for i := range 10000 {
		fmt.Fprintf(&buf, "某某,1590000%04d,%s,%s,%d分%d秒\n", i%10000, types[i%len(types)],
			start.Add(time.Duration(i)*time.Minute).Format("2006-01-02 15:04:05"), i%60, i%60)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		res, err := Parser{}.Parse(input("bench.csv", data, time.UTC))
		if err != nil || len(res.Events) != 10000 {
			b.Fatal(err, len(res.Events))
		}
	}
}

// TestSample checks the sample case's phone-manager export against the story it must tell: three
// of the 2025-01-27 missed calls that the phone's own backup also holds, and four calls it lacks.
func TestSample(t *testing.T) {
	const path = "../../../samples/evidence/phone/通话记录_导出.csv"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("sample not present: %v", err)
	}
	loc := parsetest.Shanghai(t)
	if !(Parser{}).Detect(sniff(filepath.Base(path), data)) {
		t.Fatal("sample not detected")
	}
	res, err := Parser{}.Parse(input(filepath.Base(path), data, loc))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 || res.Info["encoding"] != "GB18030" {
		t.Errorf("warnings %v, encoding %q", res.Warnings, res.Info["encoding"])
	}
	if !res.Time.Equal(time.Date(2025, 4, 15, 12, 30, 0, 0, loc)) {
		t.Errorf("export time %v", res.Time)
	}
	want := []string{
		"2025-01-27 09:12:00 in missed 15900001111 0",
		"2025-01-27 10:30:00 in missed 15900001111 0",
		"2025-01-27 11:45:00 in missed 15900001111 0",
		"2025-02-20 10:15:00 in answered 17700002222 150",
		"2025-03-05 21:30:00 in missed 17700002222 0",
		"2025-03-05 23:50:00 in rejected 17700002222 0",
		"2025-03-18 07:40:00 in missed 15900001111 0",
	}
	var got []string
	for _, e := range res.Events {
		got = append(got, fmt.Sprintf("%s %s %s %s %d", e.Time.In(loc).Format(time.DateTime), e.Direction, e.Status, e.Counterpart, e.DurationOr(-1)))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sample events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

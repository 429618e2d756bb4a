package wechatchat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

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
	return parsetest.Input(name, "text/plain", data, loc)
}

// snapshot is what a golden file records of a parse.
type snapshot struct {
	Kind     string            `json:"kind"`
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

// render keeps json.MarshalIndent's escaping of <, > and &, which the golden files were written
// with, rather than golden.CheckJSON's literal form.
func render(t *testing.T, res *parse.Result, loc *time.Location) []byte {
	t.Helper()
	g := snapshot{Kind: res.Kind, Summary: res.Summary.String(), Info: res.Info, Events: []snapshotEvent{}, Warnings: []string{}}
	for _, e := range res.Events {
		g.Events = append(g.Events, snapshotEvent{Local: e.Time.In(loc).Format(time.DateTime), Event: e})
	}
	for _, w := range res.Warnings {
		g.Warnings = append(g.Warnings, w.String())
	}
	out, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestGolden(t *testing.T) {
	loc := parsetest.Shanghai(t)
	tests := []struct {
		file   string
		parser parse.Parser
	}{
		{"wechatmsg_private.csv", CSV{}},
		{"wechatmsg_numeric_talker.csv", CSV{}},
		{"wechatmsg_group.csv", CSV{}},
		{"与催收王经理的聊天记录.txt", TXT{}},
		{"chat.txt", TXT{}},
		{"wechat_me.txt", TXT{}},
		{"memotrace-csv/王经理.csv", MemoTraceCSV{}},
		{"memotrace-txt/王经理.txt", TXT{}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.parser.Detect(sniff(tc.file, data)) {
				t.Fatal("not detected")
			}
			res, err := tc.parser.Parse(input(tc.file, data, loc))
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, res, loc)
			path := filepath.Join("testdata", strings.TrimSuffix(tc.file, filepath.Ext(tc.file))+".golden.json")
			golden.Check(t, path, got)
		})
	}
}

func TestDetect(t *testing.T) {
	const header = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"
	tests := []struct {
		name    string
		parser  parse.Parser
		file    string
		mime    string
		data    string
		wantHit bool
	}{
		{"csv with bom", CSV{}, "a.csv", "text/csv", "\ufeff" + header, true},
		{"csv columns reordered", CSV{}, "a.csv", "text/csv", "StrContent,Type,IsSender,StrTime\n", true},
		{"csv without content column", CSV{}, "a.csv", "text/csv", "Type,IsSender,CreateTime\n", false},
		{"call log is not chat", CSV{}, "a.csv", "text/csv", "号码,时间,类型\n", false},
		{"csv as binary", CSV{}, "a.bin", "application/octet-stream", header, false},
		{"txt messages", TXT{}, "a.txt", "text/plain", "2025-03-20 21:05:00 王经理\n你好\n\n2025-03-20 21:06:00 张三\n好\n", true},
		{"txt after a title", TXT{}, "a.txt", "text/plain", "聊天记录\n\n2025-03-20 21:05:00 王经理\n你好\n2025-03-20 21:06:00 张三\n好\n", true},
		{"txt single message, whole file", TXT{}, "a.txt", "text/plain", "2025-03-20 21:05:00 王经理\n你好\n", true},
		{"txt timestamp without name", TXT{}, "a.txt", "text/plain", "2025-03-20 21:05:00\n你好\n2025-03-20 21:06:00\n", false},
		{"txt first message too late", TXT{}, "a.txt", "text/plain", strings.Repeat("说明\n", 11) + "2025-03-20 21:05:00 王经理\n2025-03-20 21:06:00 王经理\n", false},
		{"txt transcript", TXT{}, "a.txt", "text/plain", "说话人1：你好\n说话人2：你好\n", false},
		{"txt empty", TXT{}, "a.txt", "text/plain", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sniff(tc.file, []byte(tc.data))
			s.MIME = tc.mime
			if got := tc.parser.Detect(s); got != tc.wantHit {
				t.Errorf("Detect = %v, want %v", got, tc.wantHit)
			}
		})
	}
}

func TestNotTheFormat(t *testing.T) {
	tests := []struct {
		name   string
		parser parse.Parser
		data   string
	}{
		{"csv call log", CSV{}, "号码,时间,类型\n15900001111,2025-01-27 09:00:00,未接\n"},
		{"csv empty", CSV{}, ""},
		{"txt transcript", TXT{}, mustRead(t, "not_chat.txt")},
		{"txt empty", TXT{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.parser.Parse(input("x", []byte(tc.data), time.UTC))
			if err == nil || res != nil {
				t.Fatalf("Parse = %v, %v; want an error and no result", res, err)
			}
			if !strings.HasPrefix(err.Error(), "x: ") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func mustRead(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDescribe(t *testing.T) {
	long := "<msg><appmsg><title>" + strings.Repeat("长", 500) + "</title></appmsg></msg>"
	tests := []struct {
		name     string
		typ, sub int
		content  string
		kind     string
		text     string
	}{
		{"text", 1, 0, " 你好 ", KindText, "你好"},
		{"image xml", 3, 0, `<?xml version="1.0"?><msg><img/></msg>`, KindImage, "[图片]"},
		{"image empty", 3, 0, "", KindImage, "[图片]"},
		{"voice rounds to seconds", 34, 0, `<msg><voicemsg voicelength="1499"/></msg>`, KindVoice, "[语音] 1秒"},
		{"voice without length", 34, 0, "", KindVoice, "[语音]"},
		{"video", 43, 0, `<msg><videomsg playlength="7"/></msg>`, KindVideo, "[视频] 7秒"},
		{"sticker", 47, 0, `<msg><emoji/></msg>`, KindSticker, "[表情包]"},
		{"file", 49, 6, `<msg><appmsg><title>a&amp;b.pdf</title></appmsg></msg>`, KindApp, "[文件] a&b.pdf"},
		{"link", 49, 5, `<msg><appmsg><title><![CDATA[还款通知]]></title></appmsg></msg>`, KindApp, "[链接] 还款通知"},
		{"quote is text", 49, 57, `<msg><appmsg><title>好的</title></appmsg></msg>`, KindText, "好的"},
		{"app without title", 49, 999, `<msg/>`, KindApp, "[应用消息]"},
		{"title capped", 49, 5, long, KindApp, "[链接] " + strings.Repeat("长", 66) + "…"},
		{"markup title dropped", 49, 6, `<msg><appmsg><title><b>x</b></title></appmsg></msg>`, KindApp, "[文件]"},
		{"system text", 10000, 0, "你已添加了王经理", KindSystem, "你已添加了王经理"},
		{"system xml", 10000, 0, `<sysmsg><x/></sysmsg>`, KindSystem, "[系统消息]"},
		{"revoke", 10002, 0, `<sysmsg><revokemsg><replacemsg><![CDATA["王" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>`, KindSystem, `[系统消息] "王" 撤回了一条消息`},
		{"unknown", 12345, 0, "<msg/>", KindOther, "[消息类型 12345]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kind, text := describe(tc.typ, tc.sub, tc.content)
			if kind != tc.kind || text != tc.text {
				t.Errorf("= %q %q, want %q %q", kind, text, tc.kind, tc.text)
			}
		})
	}
}

func TestTXTDirections(t *testing.T) {
	const two = "2025-03-20 21:05:00 催收王经理\n你好\n\n2025-03-20 21:06:00 张三\n你好\n"
	const three = two + "\n2025-03-20 21:07:00 李助理\n收到\n"
	tests := []struct {
		name      string
		file      string
		data      string
		want      []event.Direction
		wantParty string
	}{
		{"party in name", "与催收王经理的聊天记录.txt", two, []event.Direction{event.In, event.Out}, "催收王经理"},
		{"party as stem", "催收王经理.txt", two, []event.Direction{event.In, event.Out}, "催收王经理"},
		{"party with suffix", "催收王经理_聊天记录.txt", two, []event.Direction{event.In, event.Out}, "催收王经理"},
		{"name not a speaker", "与李四的聊天记录.txt", two, []event.Direction{event.None, event.None}, ""},
		{"three speakers", "与催收王经理的聊天记录.txt", three, []event.Direction{event.In, event.None, event.None}, "催收王经理"},
		{"no party", "export.txt", two, []event.Direction{event.None, event.None}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := TXT{}.Parse(input(tc.file, []byte(tc.data), time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			var got []event.Direction
			for _, e := range res.Events {
				got = append(got, e.Direction)
				if e.Direction == event.Out && e.Counterpart != tc.wantParty {
					t.Errorf("outgoing counterpart %q", e.Counterpart)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("directions %v, want %v", got, tc.want)
			}
			if res.Info["party"] != tc.wantParty {
				t.Errorf("party %q", res.Info["party"])
			}
		})
	}
}

func TestTXTLimits(t *testing.T) {
	tests := []struct {
		name        string
		data        string
		wantEvents  int
		wantWarning string
		wantLen     int // bytes of the first event's text, 0 to skip
	}{
		{"long message cut", "2025-03-20 21:05:00 王经理\n" + strings.Repeat("长", maxText) + "\n", 1, "line 1: message longer", maxText/3*3 + len("…")}, // cut on a rune boundary,
		{"overlong line skipped", "2025-03-20 21:05:00 王经理\n" + strings.Repeat("x", maxLine+10) + "\n短\n", 1, "line 2: line longer", len("短")},
		{"crlf", "2025-03-20 21:05:00 王经理\r\n你好\r\n", 1, "", len("你好")},
		{"bad time", "2025-03-20 21:05:00 王经理\n你好\n2025-02-30 21:05:00 王经理\n跳过\n", 1, "line 3: unreadable time", len("你好")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := TXT{}.Parse(input("王经理.txt", []byte(tc.data), time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != tc.wantEvents {
				t.Fatalf("%d events", len(res.Events))
			}
			var all []string
			for _, w := range res.Warnings {
				all = append(all, w.String())
			}
			joined := strings.Join(all, "\n")
			if tc.wantWarning == "" && joined != "" || !strings.Contains(joined, tc.wantWarning) {
				t.Errorf("warnings %q, want %q", joined, tc.wantWarning)
			}
			if tc.wantLen > 0 && len(res.Events[0].Text) != tc.wantLen {
				t.Errorf("text length %d, want %d", len(res.Events[0].Text), tc.wantLen)
			}
		})
	}
}

func TestCSVRecordCap(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("Type,IsSender,CreateTime,StrContent\n1,0,1742475900,你好\n1,0,1742475901,\"")
	b.Write(bytes.Repeat([]byte("x\n"), csvtext.MaxRecordBytes))
	res, err := CSV{}.Parse(input("big.csv", b.Bytes(), time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].String(), "line 3: stopped reading") {
		t.Fatalf("events %d, warnings %v", len(res.Events), res.Warnings)
	}
}

func fuzzSeeds(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func fuzzParser(t *testing.T, p parse.Parser, name string, data []byte) {
	_ = p.Detect(sniff(name, data))
	res, err := p.Parse(input(name, data, time.UTC))
	if err != nil {
		if res != nil {
			t.Fatalf("error %v with a result", err)
		}
		return
	}
	for _, e := range res.Events {
		if e.Channel != event.Chat || e.Time.IsZero() || e.Kind == "" || len(e.Text) > maxText+len("…") {
			t.Fatalf("bad event %+v", e)
		}
	}
}

func FuzzCSV(f *testing.F) {
	fuzzSeeds(f, "*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParser(t, CSV{}, "f.csv", data) })
}

func FuzzMemoTraceCSV(f *testing.F) {
	fuzzSeeds(f, "memotrace-csv/*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParser(t, MemoTraceCSV{}, "王经理.csv", data) })
}

func FuzzTXT(f *testing.F) {
	fuzzSeeds(f, "*.txt")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParser(t, TXT{}, "与王经理的聊天记录.txt", data) })
}

func BenchmarkCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n")
	for i := range 10000 {
		ts := int64(1737856800 + i*60)
		fmt.Fprintf(&buf, "%d,wxid_collector01,1,0,%d,%d,2,\"第%d条消息，内容\"\"引用\"\"\",%s,催收王经理,王经理,wxid_collector01\n",
			i, i%2, ts, i, time.Unix(ts, 0).UTC().Format(time.DateTime))
	}
	bench(b, CSV{}, "bench.csv", buf.Bytes())
}

func BenchmarkTXT(b *testing.B) {
	var buf bytes.Buffer
	for i := range 10000 {
		name := []string{"催收王经理", "张三"}[i%2]
		fmt.Fprintf(&buf, "%s %s\n第%d条消息\n\n", time.Unix(int64(1737856800+i*60), 0).UTC().Format(time.DateTime), name, i)
	}
	bench(b, TXT{}, "与催收王经理的聊天记录.txt", buf.Bytes())
}

func bench(b *testing.B, p parse.Parser, name string, data []byte) {
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := p.Parse(input(name, data, time.UTC))
		if err != nil || len(res.Events) != 10000 {
			b.Fatal(err, len(res.Events))
		}
	}
}

// TestSamples checks the sample case's chat exports against the story they must tell.
func TestSamples(t *testing.T) {
	loc := parsetest.Shanghai(t)
	tests := []struct {
		file   string
		parser parse.Parser
		want   []string
	}{
		{"wechat_催收王经理.csv", CSV{}, []string{
			"2025-01-26 10:00:00  system wxid_collector01",
			"2025-01-26 10:05:12 in text wxid_collector01",
			"2025-01-26 10:30:40 out text wxid_collector01",
			"2025-01-26 22:41:05 in text wxid_collector01",
			"2025-01-28 09:12:30 in image wxid_collector01",
			"2025-01-29 15:20:00 out text wxid_collector01",
			"2025-02-03 11:00:00 in text wxid_collector01",
			"2025-02-03 11:05:30 out text wxid_collector01",
			"2025-02-14 23:15:00 in voice wxid_collector01",
			"2025-02-15 08:30:00 out text wxid_collector01",
			"2025-03-01 10:00:00 in text wxid_collector01",
			"2025-03-15 14:00:00 in text wxid_collector01",
			"2025-03-15 14:10:00 out text wxid_collector01",
		}},
		{"与催收王经理的聊天记录.txt", TXT{}, []string{
			"2025-03-20 21:05:00 in text 催收王经理",
			"2025-03-20 21:10:00 out text 催收王经理",
			"2025-03-22 22:30:00 in voice 催收王经理",
			"2025-03-25 09:00:00 in image 催收王经理",
			"2025-03-25 09:02:00 in text 催收王经理",
			"2025-03-25 09:30:00 out text 催收王经理",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("../../../samples/evidence/chat", tc.file))
			if err != nil {
				t.Skipf("sample not present: %v", err)
			}
			if !tc.parser.Detect(sniff(tc.file, data)) {
				t.Fatal("sample not detected")
			}
			res, err := tc.parser.Parse(input(tc.file, data, loc))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings %v", res.Warnings)
			}
			var got []string
			for _, e := range res.Events {
				got = append(got, fmt.Sprintf("%s %s %s %s", e.Time.In(loc).Format(time.DateTime), e.Direction, e.Kind, e.Counterpart))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("sample events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestMemoTraceCut cuts the MemoTrace exports at several points: every message before the cut
// is kept, none is invented, and the parse never fails.
func TestMemoTraceCut(t *testing.T) {
	loc := parsetest.Shanghai(t)
	for _, tc := range []struct {
		file   string
		parser parse.Parser
	}{{"memotrace-csv/王经理.csv", MemoTraceCSV{}}, {"memotrace-txt/王经理.txt", TXT{}}} {
		data, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		whole, err := tc.parser.Parse(input(tc.file, data, loc))
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []int{len(data) / 5, len(data) / 3, len(data) / 2, len(data) - 7} {
			t.Run(fmt.Sprintf("%s cut at %d", tc.file, at), func(t *testing.T) {
				res, err := tc.parser.Parse(input(tc.file, data[:at], loc))
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Events) == 0 || len(res.Events) > len(whole.Events) {
					t.Fatalf("%d events of %d", len(res.Events), len(whole.Events))
				}
				for i, ev := range res.Events[:len(res.Events)-1] {
					if w := whole.Events[i]; ev.Text != w.Text || !ev.Time.Equal(w.Time) || ev.Kind != w.Kind {
						t.Errorf("event %d = %+v, want %+v", i, ev, w)
					}
				}
			})
		}
	}
}

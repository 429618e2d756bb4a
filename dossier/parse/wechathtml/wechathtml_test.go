package wechathtml

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
	"github.com/dossier-tool/dossier/dossier/parse/wechatchat"
)

var fixtures = []string{"wechatmsg-1x/王经理.html", "wechatmsg-1x/某某催收群.html", "memotrace-2x/王经理_0.html", "memotrace-2x/王经理_0.html.json"}

func input(name string, data []byte, loc *time.Location) *parse.Input {
	return parsetest.Input(filepath.Base(name), "text/html; charset=utf-8", data, loc)
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type snapshotEvent struct {
	Local string `json:"local"`
	event.Event
}

func TestGolden(t *testing.T) {
	loc := parsetest.Shanghai(t)
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			data := read(t, name)
			if !(Parser{}).Detect(parsetest.Sniff(filepath.Base(name), "text/html; charset=utf-8", data)) {
				t.Fatal("not detected")
			}
			res, err := Parser{}.Parse(input(name, data, loc))
			if err != nil {
				t.Fatal(err)
			}
			g := struct {
				Kind     string            `json:"kind"`
				Summary  string            `json:"summary"`
				Info     map[string]string `json:"info"`
				Events   []snapshotEvent   `json:"events"`
				Warnings []string          `json:"warnings"`
			}{Kind: res.Kind, Summary: res.Summary.String(), Info: res.Info, Events: []snapshotEvent{}, Warnings: []string{}}
			for _, e := range res.Events {
				g.Events = append(g.Events, snapshotEvent{Local: e.Time.In(loc).Format(time.DateTime), Event: e})
			}
			for _, w := range res.Warnings {
				g.Warnings = append(g.Warnings, w.String())
			}
			golden.CheckJSON(t, filepath.Join("testdata", strings.TrimSuffix(name, ".html")+".golden.json"), g)
		})
	}
}

// TestStory checks what a reader of the packet must see from each export: who said what, when,
// in which direction, with the markup gone.
func TestStory(t *testing.T) {
	loc := parsetest.Shanghai(t)
	tests := []struct {
		file string
		want []string
	}{
		{"wechatmsg-1x/王经理.html", []string{
			"2025-01-26 10:00:00 in text 王经理 您好，我是某某资产的王经理，关于您的花呗逾期[微笑]",
			"2025-01-26 10:05:00 out text 王经理 我下周还，别再打给我家人了",
			"2025-01-26 10:30:00 in text 王经理 今天不还就上门，<逾期>记录已报送'征信'\n请尽快处理",
			"2025-01-26 10:33:20 in voice 王经理 [语音] 再不还款我们就起诉你",
			"2025-01-26 10:35:00 in image 王经理 [图片]",
			"2025-01-26 10:40:00 out text 王经理 收到，别催了",
			"2025-01-26 10:41:40 in app 王经理 [文件] 还款协议.pdf",
			"2025-01-26 11:00:00 out app 王经理 [转账] ￥500.00 发起转账",
			"2025-01-26 11:03:20  call 王经理 [通话] 通话时长 00:35",
			"2025-01-26 11:05:00  system  \"王经理\" 撤回了一条消息",
			"2025-01-26 11:06:40 out text 王经理 好的[抱拳]",
		}},
		{"wechatmsg-1x/某某催收群.html", []string{
			"2025-03-27 21:00:00 in text 催收专员小李 @张三 你的欠款已经逾期90天",
			"2025-03-27 21:01:00 in text 法务-陈律师 群里的各位都是他的亲友，请督促他还款",
			"2025-03-27 21:02:00 out text 某某催收群 你们无权把我拉进这个群",
			"2025-03-27 21:03:00  system  \"催收专员小李\"邀请\"张三的妹妹\"加入了群聊",
		}},
		{"memotrace-2x/王经理_0.html", []string{
			"2025-04-02 18:59:00  system  你已添加了王经理，现在可以开始聊天了。",
			"2025-04-02 19:00:00 in text 王经理 张先生，您的借呗已逾期，今天<必须>处理 & 回复",
			"2025-04-02 19:02:00 out text 王经理 我在筹钱，请不要联系我的同事",
			"2025-04-02 19:03:00 in image 王经理 [图片]",
			"2025-04-02 19:04:00 in voice 王经理 [语音] 6秒 你再不接电话我就打给你单位",
			"2025-04-02 19:05:00 out text 王经理 这是威胁吗？",
			"2025-04-02 19:06:40 out app 王经理 [转账] ￥300.00 发起转账 先还一部分",
			"2025-04-02 19:08:20 in app 王经理 [链接] 关于恶意逃废债的法律后果",
			"2025-04-02 19:10:00 in call 王经理 [通话] 对方已取消",
			"2025-04-02 19:11:00  system  \"王经理\" 拍了拍我",
			"2025-04-02 19:11:40 in app 王经理 [文件] 催收函.pdf",
		}},
		{"memotrace-2x/王经理_0.html.json", []string{
			"2025-04-02 18:59:00  system  你已添加了王经理，现在可以开始聊天了。",
			"2025-04-02 19:00:00 in text 王经理 张先生，您的借呗已逾期，今天<必须>处理 & 回复",
			"2025-04-02 19:02:00 out text 王经理 我在筹钱，请不要联系我的同事",
			"2025-04-02 19:03:00 in image 王经理 [图片]",
			"2025-04-02 19:04:00 in voice 王经理 [语音] 6秒 你再不接电话我就打给你单位",
			"2025-04-02 19:05:00 out text 王经理 这是威胁吗？",
			"2025-04-02 19:06:40 out app 王经理 [转账] ￥300.00 发起转账 先还一部分",
			"2025-04-02 19:08:20 in app 王经理 [链接] 关于恶意逃废债的法律后果",
			"2025-04-02 19:10:00 in call 王经理 [通话] 对方已取消",
			"2025-04-02 19:11:00  system  \"王经理\" 拍了拍我",
			"2025-04-02 19:11:40 in app 王经理 [文件] 催收函.pdf",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			res, err := Parser{}.Parse(input(tc.file, read(t, tc.file), loc))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range res.Events {
				if e.Channel != event.Chat || e.App != wechatchat.App || e.TimeSource != event.TimeFromContent {
					t.Errorf("event %+v", e)
				}
				got = append(got, fmt.Sprintf("%s %s %s %s %s", e.Time.In(loc).Format(time.DateTime), e.Direction, e.Kind, e.Counterpart, e.Text))
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tc.want, "\n"); g != w {
				t.Errorf("events:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}

// TestUnescapedField: 1.x writes a share card's title without escaping it, so a quote in the
// title breaks the literal; that message is skipped with a warning and the ones after are read.
func TestUnescapedField(t *testing.T) {
	res, err := Parser{}.Parse(input("王经理.html", read(t, "wechatmsg-1x/王经理.html"), time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].String(), "message 10") || !strings.Contains(res.Warnings[0].Message("en"), "skipped") {
		t.Fatalf("warnings %v", res.Warnings)
	}
	if n := len(res.Events); n != 11 {
		t.Errorf("%d events, want 11", n)
	}
}

// TestCut cuts every fixture at several points: the messages before the cut are kept exactly,
// none is invented, the cut is reported, and the parse never fails once the list has begun.
func TestCut(t *testing.T) {
	for _, name := range fixtures {
		data := read(t, name)
		whole, err := Parser{}.Parse(input(name, data, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		start := bytes.Index(data, []byte("chatMessages = ")) + len("chatMessages = [")
		if !bytes.Contains(data, []byte("chatMessages = ")) {
			start = bytes.Index(data, []byte(`"type"`)) + 3 // the companion .json is the list alone
		}
		for _, at := range []int{start + 3, start + (len(data)-start)/4, start + (len(data)-start)/2, len(data) * 9 / 10, len(data) - 40} {
			t.Run(fmt.Sprintf("%s at %d", name, at), func(t *testing.T) {
				res, err := Parser{}.Parse(input(name, data[:at], time.UTC))
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Events) > len(whole.Events) {
					t.Fatalf("%d events of %d", len(res.Events), len(whole.Events))
				}
				for i, ev := range res.Events {
					if w := whole.Events[i]; ev.Text != w.Text || !ev.Time.Equal(w.Time) || ev.Kind != w.Kind || ev.Direction != w.Direction {
						t.Errorf("event %d = %+v, want %+v", i, ev, w)
					}
				}
				cutSaid := false
				for _, w := range res.Warnings {
					cutSaid = cutSaid || strings.Contains(w.Message("en"), "cut short")
				}
				if !cutSaid && at < start+bytes.Index(data[start:], []byte("\n]")) {
					t.Errorf("cut not reported: %v", res.Warnings)
				}
			})
		}
		if !bytes.Contains(data, []byte("chatMessages = ")) {
			continue
		}
		t.Run(name+" before the list", func(t *testing.T) {
			if _, err := (Parser{}).Parse(input(name, data[:start-20], time.UTC)); err == nil {
				t.Error("a page cut before its message list parsed")
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, file, mime string
		data             string
		want             bool
	}{
		{"1.x page", "王经理.html", "text/html; charset=utf-8", string(read(t, "wechatmsg-1x/王经理.html")), true},
		{"2.x page", "王经理_0.html", "text/html; charset=utf-8", string(read(t, "memotrace-2x/王经理_0.html")), true},
		{"2.x companion json", "王经理_0.html.json", "application/json", string(read(t, "memotrace-2x/王经理_0.html.json")), true},
		{"other json", "data.json", "application/json", `[{"type": "1", "text": "x"}]`, false},
		{"other page", "index.html", "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>x</title></head><body>hello</body></html>", false},
		{"not html", "notes.txt", "text/plain; charset=utf-8", "const chatMessages = [", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Parser{}).Detect(parsetest.Sniff(tt.file, tt.mime, []byte(tt.data))); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHostile(t *testing.T) {
	pre := "<html><head><title>x</title></head><body><script>\nconst chatMessages = [\n"
	deep := strings.Repeat("[", 10000)
	tests := []struct {
		name, body string
		events     int
		warn       string
	}{
		{"deep nesting", "{ type:1, text:'a', x:" + deep + "},{ type:1, text: 'after',is_send:0,timestamp:1737856800,displayname:'王'},];", 1, "nested deeper"},
		{"huge element", "{ type:1, text:'" + strings.Repeat("啊", maxElement/3+10) + "',is_send:0,timestamp:1737856800},{ type:1, text: 'after',is_send:0,timestamp:1737856800,displayname:'王'},];", 1, "longer than"},
		{"long text", "{ type:1, text:'" + strings.Repeat("a", maxText*2) + "',is_send:0,timestamp:1737856800,displayname:'王'},];", 1, "text cut"},
		{"no time", "{ type:1, text:'a',is_send:0},];", 0, "no readable time"},
		{"garbage", "]]]]{{{{ type:", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parser{}.Parse(input("x.html", []byte(pre+tt.body), time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != tt.events {
				t.Errorf("%d events, want %d (%v)", len(res.Events), tt.events, res.Warnings)
			}
			if tt.warn != "" && !strings.Contains(fmt.Sprint(res.Warnings), tt.warn) {
				t.Errorf("warnings %v, want %q", res.Warnings, tt.warn)
			}
			for _, e := range res.Events {
				if len(e.Text) > maxText+len("…") {
					t.Errorf("text of %d bytes", len(e.Text))
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range fixtures {
		f.Add(read(f, name))
	}
	f.Add([]byte("<title>a</title>chatMessages = [{ type:'1',text:\"\\ud83d\\ude00\",timestamp:1737856800,is_send:true}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := Parser{}
		_ = p.Detect(parsetest.Sniff("f.html", "text/html", data))
		res, err := p.Parse(input("f.html", data, time.UTC))
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
		if _, err := json.Marshal(res); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkParse reads a 1.x page of 10,000 messages, all on one line as the exporter writes them.
func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("<html><head><title>王经理</title></head><body><script>\nconst chatMessages = [\n")
	for i := range 10000 {
		fmt.Fprintf(&buf, "{ type:1, text: '第%d条消息，您的花呗已逾期，请尽快处理\\n谢谢',is_send:%d,avatar_path:'./avatar/wxid_collector01.png',timestamp:%d,is_chatroom:0,displayname:'王经理'},", i, i%2, 1737856800+i*60)
	}
	buf.WriteString("\n];\n</script></body></html>\n")
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := Parser{}.Parse(input("王经理.html", data, time.UTC))
		if err != nil || len(res.Events) != 10000 {
			b.Fatal(err, len(res.Events))
		}
	}
}

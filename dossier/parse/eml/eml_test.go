package eml

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/parse"
)

var shanghai = time.FixedZone("CST", 8*3600)

// modTime is what the tests pretend the file system says; only a message without any usable
// date falls back to it.
var modTime = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// derived records what the parser handed to Input.Derive.
type derived struct {
	Name   string `json:"name"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
	// Sent is the message time handed with the attachment.
	Sent time.Time `json:"sent"`
	data []byte
}

// run parses one fixture with a recording Derive and returns the result and the derived files.
func run(t testing.TB, name string, data []byte) (*parse.Result, []derived, error) {
	t.Helper()
	var got []derived
	in := &parse.Input{
		Name: name, Ext: filepath.Ext(name), MIME: "message/rfc822", Size: int64(len(data)),
		Data: bytes.NewReader(data), ModTime: modTime, Zone: shanghai,
		Derive: func(e parse.Embedded, r io.Reader) (parse.Derived, error) {
			b, err := io.ReadAll(r)
			if err != nil {
				return parse.Derived{}, err
			}
			sum := sha256.Sum256(b)
			got = append(got, derived{Name: e.Name, Size: len(b), SHA256: hex.EncodeToString(sum[:]), Sent: e.MessageTime, data: b})
			return parse.Derived{Exhibit: 10 + len(got), Name: e.Name}, nil
		},
	}
	res, err := Parser{}.Parse(in)
	return res, got, err
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if !(Parser{}).Detect(&parse.Sniff{Name: filepath.Base(file), Head: head(data)}) {
				t.Errorf("Detect rejected %s", file)
			}
			res, derivedFiles, err := run(t, filepath.Base(file), data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			golden.CheckJSON(t, filepath.Join("testdata", name+".golden.json"), struct {
				Result  *parse.Result `json:"result"`
				Derived []derived     `json:"derived"`
			}{res, derivedFiles})
		})
	}
}

func head(b []byte) []byte {
	if len(b) > parse.HeadSize {
		return b[:parse.HeadSize]
	}
	return b
}

// TestFields checks the facts each fixture exists for, independently of the golden files.
func TestFields(t *testing.T) {
	tests := []struct {
		file        string
		subject     string
		counterpart string
		name        string
		time        string
		timeSource  string
		textHas     []string
		textLacks   []string
		warnHas     string
	}{
		{file: "utf8_base64.eml", subject: "关于您花呗欠款的催收通知", counterpart: "notice@cuishou-agency.example",
			name: "某某资产管理有限公司", time: "2025-02-20T22:30:00+08:00", timeSource: "content",
			textHas: []string{"张三先生：", "我们将联系您的家人。"}},
		{file: "gbk_qp.eml", subject: "律师函：限期还款通知（最后通知）", counterpart: "collect@lawfirm.example",
			name: "某某律所", time: "2025-03-03T07:15:00+08:00", timeSource: "content",
			textHas: []string{"您的账户已转入我司处理，请尽快还款，否则将上门催收。", "王经理 17700002222"}},
		{file: "html_only.eml", subject: "还款提醒", counterpart: "notice@cuishou-agency.example",
			name: "某某资产", time: "2025-03-05T23:40:00+08:00", timeSource: "content",
			textHas:   []string{"尊敬的客户 张三：", "您的欠款<3000.00元>已逾期&请尽快处理。", "应还 3000.00", "某某资产管理有限公司\n2025-03-05"},
			textLacks: []string{"<p>", "not text", "color:red", "tracking", "通知\n"}},
		{file: "nested.eml", subject: "催收函及附件", counterpart: "wang@cuishou-agency.example",
			name: "催收王经理", time: "2025-03-14T21:05:00+08:00", timeSource: "content",
			textHas: []string{"请查收附件中的催收函，并于三日内联系我们。", "[附件: ../../evil.sh → 证据12]",
				"[附件: 催收函.pdf → 证据13]", "[附件: 还款计划.txt → 证据14]", "[附件: part-1.2.2.png → 证据11]"},
			textLacks: []string{"<b>"}},
		{file: "missing_date.eml", subject: "reminder", counterpart: "notice@cuishou-agency.example",
			time: "2025-02-22T07:59:58+08:00", timeSource: "content", textHas: []string{"Please repay today."},
			warnHas: "header Date: missing"},
		{file: "damaged.eml", counterpart: "x@cuishou-agency.example", name: "催收",
			time: modTime.Format(time.RFC3339), timeSource: "mod-time", textHas: []string{"body before damage", "[附件: photo.jpg → 证据11]"},
			warnHas: "header line 2: not a header line; skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			res, _, err := run(t, tt.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if res.Kind != parse.KindEmail || len(res.Events) != 1 {
				t.Fatalf("kind %q, %d events", res.Kind, len(res.Events))
			}
			ev := res.Events[0]
			if tt.subject != "" && ev.Subject != tt.subject {
				t.Errorf("subject %q, want %q", ev.Subject, tt.subject)
			}
			if ev.Counterpart != tt.counterpart || ev.CounterpartName != tt.name {
				t.Errorf("counterpart %q %q, want %q %q", ev.Counterpart, ev.CounterpartName, tt.counterpart, tt.name)
			}
			if got := ev.Time.Format(time.RFC3339); got != tt.time || ev.TimeSource != tt.timeSource {
				t.Errorf("time %s (%s), want %s (%s)", got, ev.TimeSource, tt.time, tt.timeSource)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(ev.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, ev.Text)
				}
			}
			for _, s := range tt.textLacks {
				if strings.Contains(ev.Text, s) {
					t.Errorf("text has %q:\n%s", s, ev.Text)
				}
			}
			if tt.warnHas != "" {
				found := false
				for _, w := range res.Warnings {
					found = found || strings.Contains(w.String(), tt.warnHas)
				}
				if !found {
					t.Errorf("no warning %q in %v", tt.warnHas, res.Warnings)
				}
			}
		})
	}
}

// TestAttachmentBytes checks that attachments reach Derive decoded, byte for byte, under their
// untrusted names.
func TestAttachmentBytes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "nested.eml"))
	if err != nil {
		t.Fatal(err)
	}
	res, got, err := run(t, "nested.eml", data)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name   string
		prefix []byte
		size   int
	}{
		{"part-1.2.2.png", []byte("\x89PNG\r\n\x1a\n"), 29},
		{"../../evil.sh", []byte("#!/bin/sh\necho pwned\n"), 21},
		{"催收函.pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), 83},
		{"还款计划.txt", []byte("\xb5\xda1\xc6\xda 2025-02-10 1000.00\n"), 25},
	}
	if len(got) != len(want) {
		t.Fatalf("%d attachments, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		t.Run(w.name, func(t *testing.T) {
			if got[i].Name != w.name {
				t.Errorf("name %q, want %q", got[i].Name, w.name)
			}
			if !bytes.HasPrefix(got[i].data, w.prefix) || got[i].Size != w.size {
				t.Errorf("bytes %q (%d), want prefix %q (%d)", got[i].data, got[i].Size, w.prefix, w.size)
			}
		})
	}
	if res.Info["attachments"] != "4" {
		t.Errorf("info attachments = %q", res.Info["attachments"])
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"minimal", "From: a@b.example\r\nSubject: x\r\n\r\nbody", true},
		{"mbox separator", "From a@b.example Thu Feb 20 22:30:00 2025\nFrom: a@b.example\nDate: Thu, 20 Feb 2025 22:30:00 +0800\n\n", true},
		{"folded header", "Received: from x\n\tby y; Thu, 20 Feb 2025 22:30:00 +0800\nFrom: a@b.example\n\n", true},
		{"from only", "From: a@b.example\n\nhello", false},
		{"no from", "Subject: x\nDate: Thu, 20 Feb 2025 22:30:00 +0800\n\n", false},
		{"prose", "Dear sir,\nFrom: me\nSubject: you\n", false},
		{"csv", "号码,时间\n13900001234,2025-01-20\n", false},
		{"leading continuation", " From: a@b.example\nSubject: x\n\n", false},
		{"empty", "", false},
		{"xml", "<?xml version='1.0'?>\n<calls count=\"1\"/>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Parser{}).Detect(&parse.Sniff{Head: []byte(tt.head)}); got != tt.want {
				t.Errorf("Detect = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNotAMessage(t *testing.T) {
	tests := []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"blank first line", "\r\nFrom: a@b.example\r\n"},
		{"no key headers", "X-Foo: bar\r\n\r\nbody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := run(t, "x.eml", []byte(tt.data))
			if err == nil {
				t.Errorf("Parse succeeded: %+v", res)
			}
		})
	}
}

func TestCaps(t *testing.T) {
	t.Run("deep nesting", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("From: a@b.example\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
		for i := 0; i < 20; i++ {
			fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
		}
		b.WriteString("--b20\r\nContent-Type: text/plain\r\n\r\ntoo deep\r\n")
		res, _, err := run(t, "deep.eml", []byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(res.Events[0].Text, "too deep") {
			t.Error("text from beyond the depth cap was read")
		}
		if !hasWarning(res, "nested deeper than") {
			t.Errorf("no depth warning: %v", res.Warnings)
		}
	})
	t.Run("many parts", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("From: a@b.example\r\nSubject: many\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n")
		for i := 0; i < maxParts+10; i++ {
			fmt.Fprintf(&b, "--m\r\nContent-Type: text/plain\r\n\r\nline %d\r\n", i)
		}
		b.WriteString("--m--\r\n")
		res, _, err := run(t, "many.eml", []byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if !hasWarning(res, "more than 256 parts") {
			t.Errorf("no part cap warning: %v", res.Warnings)
		}
	})
	t.Run("long body", func(t *testing.T) {
		data := "From: a@b.example\r\nSubject: long\r\n\r\n" + strings.Repeat("催", maxBodyBytes)
		res, _, err := run(t, "long.eml", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(res.Events[0].Text); n > maxBodyBytes {
			t.Errorf("text is %d bytes", n)
		}
		if !hasWarning(res, "truncated") {
			t.Errorf("no truncation warning: %v", res.Warnings)
		}
	})
	t.Run("huge header", func(t *testing.T) {
		data := "From: a@b.example\r\nSubject: big\r\n" + strings.Repeat("X-Pad: "+strings.Repeat("a", 1000)+"\r\n", 400) + "\r\nbody text"
		res, _, err := run(t, "big.eml", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if res.Events[0].Text != "body text" || !hasWarning(res, "header block larger than") {
			t.Errorf("text %q, warnings %v", res.Events[0].Text, res.Warnings)
		}
	})
}

func TestNoDerive(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "nested.eml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Parser{}.Parse(&parse.Input{Name: "nested.eml", Size: int64(len(data)), Data: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Events[0].Text, "[附件: 催收函.pdf, 83 bytes]") {
		t.Errorf("text: %s", res.Events[0].Text)
	}
}

func hasWarning(res *parse.Result, s string) bool {
	for _, w := range res.Warnings {
		if strings.Contains(w.String(), s) {
			return true
		}
	}
	return false
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		(Parser{}).Detect(&parse.Sniff{Head: head(data)})
		res, _, err := run(t, "fuzz.eml", data)
		if err != nil {
			if res != nil {
				t.Fatalf("error with a result: %v", err)
			}
			return
		}
		if len(res.Events) != 1 {
			t.Fatalf("%d events", len(res.Events))
		}
	})
}

// TestSample checks the sample case's collection notice against the story: sent by the agency
// after the agreement, at night, with the PDF notice attached.
func TestSample(t *testing.T) {
	path := filepath.Join("..", "..", "..", "samples", "evidence", "email", "催收通知.eml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("sample missing: %v", err)
	}
	if !(Parser{}).Detect(&parse.Sniff{Head: head(data)}) {
		t.Error("Detect rejected the sample")
	}
	res, got, err := run(t, filepath.Base(path), data)
	if err != nil {
		t.Fatal(err)
	}
	ev := res.Events[0]
	if ev.Subject != "关于您花呗欠款的催收通知" || ev.Counterpart != "notice@cuishou-agency.example" ||
		ev.CounterpartName != "某某资产管理有限公司" || ev.Time.Format(time.RFC3339) != "2025-02-20T22:30:00+08:00" {
		t.Errorf("event %+v", ev)
	}
	if !strings.Contains(ev.Text, "联系您的家属") || !strings.Contains(ev.Text, "[附件: 催收函.pdf → 证据11]") {
		t.Errorf("text %s", ev.Text)
	}
	if len(got) != 1 || got[0].Name != "催收函.pdf" || !bytes.HasPrefix(got[0].data, []byte("%PDF-1.")) ||
		!bytes.HasSuffix(bytes.TrimSpace(got[0].data), []byte("%%EOF")) {
		t.Errorf("attachments %+v", got)
	}
	if len(res.Warnings) != 0 || res.Info["to"] != "张三 <zhangsan@example.com>" {
		t.Errorf("warnings %v info %v", res.Warnings, res.Info)
	}
}

func TestDeriveFailure(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "nested.eml"))
	if err != nil {
		t.Fatal(err)
	}
	in := &parse.Input{Name: "nested.eml", Size: int64(len(data)), Data: bytes.NewReader(data),
		Derive: func(parse.Embedded, io.Reader) (parse.Derived, error) {
			return parse.Derived{}, fmt.Errorf("disk full")
		}}
	res, err := Parser{}.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Events[0].Text, "[附件: 催收函.pdf, not stored]") ||
		!hasWarning(res, `part 3: attachment "催收函.pdf" not stored: disk full`) {
		t.Errorf("text %q warnings %v", res.Events[0].Text, res.Warnings)
	}
}

func TestForwardedMessage(t *testing.T) {
	msg := "From: a@b.example\r\nSubject: fwd\r\nContent-Type: multipart/mixed; boundary=f\r\n\r\n" +
		"--f\r\nContent-Type: text/plain\r\n\r\nsee below\r\n" +
		"--f\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d.example\r\nSubject: inner\r\n\r\ninner body\r\n--f--\r\n"
	res, got, err := run(t, "fwd.eml", []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "part-2.eml" || !bytes.Contains(got[0].data, []byte("Subject: inner")) {
		t.Errorf("derived %+v", got)
	}
	if strings.Contains(res.Events[0].Text, "inner body") {
		t.Errorf("the forwarded message leaked into the body: %q", res.Events[0].Text)
	}
}

func TestUnlabelledGBKBody(t *testing.T) {
	gbk := []byte{0xC7, 0xEB, 0xBB, 0xB9, 0xBF, 0xEE} // 请还款
	msg := append([]byte("From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n"), gbk...)
	res, _, err := run(t, "gbk.eml", msg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Events[0].Text != "请还款" {
		t.Errorf("text %q", res.Events[0].Text)
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct{ name, html, want string }{
		{"quoted > in an attribute", `<p>请<a title="a>b" href="x">点击这里</a>还款</p>`, "请点击这里还款"},
		{"single-quoted > in an attribute", `<img alt='x > y' src="a.png">逾期通知`, "逾期通知"},
		{"comment holding a tag", `<!-- <p>hidden</p> -->您好`, "您好"},
		{"script with a closing-tag lookalike", `<script>var s = "</p>";</script>正文`, "正文"},
		{"style and title skipped", `<html><head><title>标题</title><style>p{color:red}</style></head><body><p>第一行</p><p>第二行</p></body></html>`, "第一行\n\n第二行"},
		{"head without its end keeps the body", `<head><meta charset="utf-8"><p>催收通知</p>`, "催收通知"},
		{"entities", `金额&nbsp;&yen;1,000&#x3002;&lt;b&gt;`, "金额 ¥1,000。<b>"},
		{"br and table cells", `一<br>二<table><tr><td>甲</td><td>乙</td></tr></table>`, "一\n二\n\n甲 乙"},
		{"unclosed tag at the end", `正文<a href="x`, "正文"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlToText(tt.html); got != tt.want {
				t.Errorf("htmlToText(%q) = %q, want %q", tt.html, got, tt.want)
			}
		})
	}
}

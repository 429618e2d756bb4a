// Command samplescreens renders the sample case's screenshots (samples/evidence/screenshots) with
// headless Chromium: the collector's WeChat chat, the call history of the night of 28 January,
// a chat saved from WeChat and an SMS thread, each taken at the time its file name says. The
// content is invented and matches samples/case.yaml's contacts and agreement.
//
//	go run ./dossier/ocr/cmd/samplescreens -o samples/evidence/screenshots
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dossier-tool/dossier/dossier/ocr/screens"
)

var zone, _ = time.LoadLocation("Asia/Shanghai")

func at(m time.Month, d, h, mi int) time.Time { return time.Date(2025, m, d, h, mi, 0, 0, zone) }

type sample struct {
	name  string
	html  func(screens.Style) string
	style screens.Style
}

func chat(app, title string, shot time.Time, twelve bool, items ...any) func(screens.Style) string {
	c := &screens.Chat{App: app, Title: title, Shot: shot}
	for _, it := range items {
		switch v := it.(type) {
		case time.Time:
			c.Entries = append(c.Entries, screens.Entry{Separator: screens.Stamp(v, shot, twelve), At: v})
		case string:
			c.Entries = append(c.Entries, screens.Entry{Text: v})
		case out:
			c.Entries = append(c.Entries, screens.Entry{Text: string(v), Out: true})
		}
	}
	return c.HTML
}

type out string

func main() {
	dir := flag.String("o", "samples/evidence/screenshots", "folder to write into")
	flag.Parse()
	callShot := at(1, 28, 23, 32)
	calls := &screens.Calls{Title: "通话记录", Shot: callShot}
	for _, r := range []screens.Call{
		{Number: "159 0000 1111", Place: "广东深圳", Type: "missed", Count: 8, At: at(1, 28, 23, 10)},
		{Name: "某某律所催收专员", Number: "17700002222", Place: "湖南长沙", Type: "missed", Count: 3, At: at(1, 28, 22, 47)},
		{Number: "159 0000 1111", Place: "广东深圳", Type: "incoming", Count: 1, At: at(1, 28, 22, 15), Duration: 94},
		{Name: "支付宝客服", Number: "95188", Place: "浙江杭州", Type: "outgoing", Count: 1, At: at(1, 28, 16, 2), Duration: 412},
		{Name: "李四（配偶）", Number: "13800138000", Place: "北京", Type: "incoming", Count: 1, At: at(1, 27, 21, 5), Duration: 185},
		{Number: "177 0000 2222", Place: "湖南长沙", Type: "missed", Count: 2, At: at(1, 26, 9, 41)},
	} {
		r.Stamp = screens.Stamp(r.At, callShot, false)
		calls.Rows = append(calls.Rows, r)
	}
	samples := []sample{
		{"Screenshot_2025-01-30-22-45-10-123_com.tencent.mm.jpg", chat("wechat", "催收王经理", at(1, 30, 22, 45), true,
			at(1, 29, 21, 3), "张先生，您的花呗已逾期，今天必须还清全部欠款12000元",
			out("我昨天已经和支付宝协商好了分期，协议编号HB2025012900321"),
			at(1, 30, 22, 31), "协商的不算数，明天中午前不还，我们就联系你的家人和单位",
			"再不处理就上门找你，后果自负", out("现在是晚上十点半了，请不要再骚扰我"),
		), screens.Style{Width: 360, Height: 780, Scale: 3, JPEG: 88}},
		{"Screenshot_20250128-233252.png", calls.HTML, screens.Style{Width: 360, Height: 800, Scale: 2}},
		{"mmexport1738763400000.jpg", chat("wechat", "某某资产催收员", at(2, 5, 21, 50), false,
			at(2, 5, 21, 42), "你好，这里是某某资产，关于你的花呗账单需要核实",
			out("我每月按协议还款1000元，2月10日是第一期"),
			"系统显示你还欠款，可以先在别的平台借钱还上",
		), screens.Style{Width: 360, Height: 780, Scale: 2, JPEG: 80}},
		{"微信图片_20250205231000.jpg", chat("sms", "15900001111", at(2, 5, 23, 10), false,
			at(2, 4, 23, 5), "【某某资产】您的欠款已转交法务部门处理，请尽快联系",
			at(2, 5, 22, 58), "今晚不回电话将视为恶意拖欠，我们将联系您的通讯录好友",
			out("已按协议还款，请停止联系"),
		), screens.Style{Width: 360, Height: 780, Scale: 2, JPEG: 75}},
	}
	var pages []string
	var styles []screens.Style
	for _, s := range samples {
		pages = append(pages, s.html(s.style))
		styles = append(styles, s.style)
	}
	imgs, err := screens.Render(context.Background(), pages, styles)
	if err != nil {
		fmt.Fprintln(os.Stderr, "samplescreens:", err)
		os.Exit(1)
	}
	for i, s := range samples {
		b, err := screens.Encode(imgs[i], s.style)
		if err == nil {
			err = os.WriteFile(filepath.Join(*dir, s.name), b, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "samplescreens:", err)
			os.Exit(1)
		}
		fmt.Println(s.name, imgs[i].Bounds().Dx(), "×", imgs[i].Bounds().Dy())
	}
}

package pdf

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/money"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/templates"
)

// store is an in-memory object store keyed by SHA-256.
type store map[string][]byte

func (s store) put(data []byte) string {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	s[h] = data
	return h
}

func (s store) open(sha string) (io.ReadCloser, error) {
	data, ok := s[sha]
	if !ok {
		return nil, fmt.Errorf("object %s not found", sha)
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func loadCase(t testing.TB) *caseconf.Case {
	t.Helper()
	f, err := os.Open("../../../samples/case.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := caseconf.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// screenshot draws a phone-sized picture with some structure so it compresses like a real one.
func screenshot(w, h int, seed int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		band := uint8((y/120 + seed) % 5 * 40)
		for x := 0; x < w; x++ {
			c := color.RGBA{245, 245, 245, 255}
			if (y/120)%2 == 0 && x > 60 && x < w-200 {
				c = color.RGBA{band, 180, 120, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func encodeJPEG(img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// agreementPDF writes a two-page PDF like a downloaded agreement; encrypt protects it.
func agreementPDF(t testing.TB, encrypt bool) []byte {
	t.Helper()
	if b, ok := agreementPDFs.Load(encrypt); ok {
		return bytes.Clone(b.([]byte))
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("cjk", "", templates.Font())
	if encrypt {
		f.SetProtection(fpdf.CnProtectPrint, "user", "owner")
	}
	f.SetCreationDate(time.Date(2025, 1, 29, 10, 0, 0, 0, time.UTC))
	f.SetModificationDate(time.Date(2025, 1, 29, 10, 0, 0, 0, time.UTC))
	for p := 1; p <= 2; p++ {
		f.AddPage()
		f.SetFont("cjk", "", 16)
		f.Text(20, 30, fmt.Sprintf("分期还款协议 第%d页", p))
		f.SetFont("cjk", "", 11)
		f.Text(20, 45, "协议编号 HB2025012900321 甲方：重庆蚂蚁消费金融有限公司 乙方：张三")
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	agreementPDFs.Store(encrypt, bytes.Clone(b.Bytes()))
	return b.Bytes()
}

// agreementPDFs holds the two documents agreementPDF makes, by encrypt: every fixture has both,
// and making one parses the whole CJK font again (a third of a small render test's time).
var agreementPDFs sync.Map

// longParagraph is text that wraps over many lines, with punctuation at every kind of position.
const longParagraph = "2025年1月因收入下降无法按期偿还花呗欠款。1月20日起，催收人员每天多次来电，包括夜间十点以后，" +
	"并联系我的配偶。1月29日我与支付宝客服协商达成分期还款协议（12期，每期1000元，首期2月10日），" +
	"此后我按协议还款，但催收电话、短信和微信仍未停止。《金融机构个人消费类贷款催收工作指引（试行）》规定，" +
	"催收不得在22:00至次日08:00之间进行；“当天不宜超过6次”。"

type fixture struct {
	bundle *evidence.Bundle
	report *findings.Report
	store  store
	// strings that must come back out of the PDF's text unchanged
	texts []string
}

type itemSpec struct {
	name, mime, kind, title, purpose string
	data                             []byte
	info                             map[string]string
	holder, holderRole               string
}

// newFixture builds a case with one exhibit of every kind the packet draws.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	st := store{}
	c := loadCase(t)
	c.Narrative = longParagraph
	specs := []itemSpec{
		{name: "calls.xml", mime: "text/xml", kind: parse.KindCallLog, title: "通话记录导出", purpose: "证明催收方在协议后仍频繁来电、夜间来电"},
		{name: "sms.xml", mime: "text/xml", kind: parse.KindSMS, title: "短信备份", purpose: "证明催收短信内容"},
		{name: "Screenshot_20250127-231500.png", mime: "image/png", kind: parse.KindScreenshot, title: "未接来电截图", purpose: "证明1月27日8次未接来电",
			data: encodePNG(screenshot(270, 600, 1))},
		{name: "IMG_20250205_221030.jpg", mime: "image/jpeg", kind: parse.KindScreenshot, title: "微信聊天截图",
			data: encodeJPEG(screenshot(270, 600, 2))},
		{name: "协议.pdf", mime: "application/pdf", kind: parse.KindAgreement, title: "分期还款协议", purpose: "证明双方于1月29日达成分期还款协议",
			data: agreementPDF(t, false)},
		{name: "加密协议.pdf", mime: "application/pdf", kind: parse.KindAgreement, title: "加密的协议副本", data: agreementPDF(t, true)},
		{name: "broken.jpg", mime: "image/jpeg", kind: parse.KindScreenshot, title: "损坏的图片",
			data: append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10}, bytes.Repeat([]byte{0x42}, 300)...)},
		{name: "IMG_0001.HEIC", mime: "image/heic", kind: parse.KindPhoto, title: "苹果手机照片",
			data: append([]byte("\x00\x00\x00\x18ftypheic"), bytes.Repeat([]byte{7}, 100)...)},
		{name: "录音_15900001111_20250203.m4a", mime: "audio/mp4", kind: parse.KindRecording, title: "催收电话录音",
			data: []byte("\x00\x00\x00\x20ftypM4A recording bytes"), info: map[string]string{"duration": "95"}},
		{name: "notice.eml", mime: "message/rfc822", kind: parse.KindEmail, title: "催收邮件",
			data: []byte("From: notice@cuishou-agency.example\r\n\r\nbody"),
			info: map[string]string{"from": "notice@cuishou-agency.example", "to": "zhangsan@example.com", "subject": "关于您花呗欠款的催收通知", "date": "2025-02-20 09:15"}},
		{name: "alipay_record.csv", mime: "text/csv", kind: parse.KindBill, title: "支付宝账单", purpose: "证明按协议还款"},
		{name: "李四_calls.xml", mime: "text/xml", kind: parse.KindCallLog, title: "配偶手机通话记录", holder: "李四", holderRole: "family"},
		{name: "unknown.bin", mime: "application/octet-stream", kind: parse.KindDocument, title: "无法识别的文件", data: []byte{1, 2, 3, 4}},
	}
	b := &evidence.Bundle{Case: c, CaseID: "01943a5e-7c00-7000-8000-000000000001",
		Created: at("2025-04-14 20:00"), Stamp: at("2025-04-15 09:30"), Open: st.open}
	for i, s := range specs {
		data := s.data
		if data == nil {
			data = []byte("original bytes of " + s.name)
		}
		sha := st.put(data)
		tm := at("2025-04-14 20:00").Add(time.Duration(i) * time.Minute)
		b.Items = append(b.Items, evidence.Item{Exhibit: i + 1, ID: fmt.Sprintf("01943a5e-7c00-7000-8000-%012d", i+1), SHA256: sha,
			Name: s.name, MIME: s.mime, Kind: s.kind, Size: int64(len(data)), Acquired: tm, Title: s.title, Purpose: s.purpose,
			Info: s.info, Holder: s.holder, HolderRole: s.holderRole})
	}
	var evs []event.Event
	add := func(e event.Event) { evs = append(evs, e) }
	for i := 0; i < 8; i++ {
		add(event.Event{Time: at("2025-01-27 08:00").Add(time.Duration(i) * 95 * time.Minute), Channel: event.Call, Direction: event.In,
			Status: event.StatusMissed, Counterpart: "15900001111", CounterpartName: "某某资产催收员", Role: "collector", Duration: event.Seconds(0), Exhibit: 1})
	}
	add(event.Event{Time: at("2025-01-25 22:41"), Channel: event.Call, Direction: event.In, Status: event.StatusAnswered,
		Counterpart: "17700002222", CounterpartName: "某某律所催收专员", Role: "collector", Duration: event.Seconds(184), Exhibit: 1})
	add(event.Event{Time: at("2025-02-03 10:12"), Channel: event.Call, Direction: event.Out, Status: event.StatusOutgoing,
		Counterpart: "13700001111", CounterpartName: "朋友", Role: "other", Duration: event.Seconds(62), Exhibit: 1})
	add(event.Event{Time: at("2025-02-15 23:05"), Channel: event.SMS, Direction: event.In, Status: event.StatusReceived,
		Counterpart: "15900001111", CounterpartName: "某某资产催收员", Role: "collector", Exhibit: 2,
		Text: "【某某资产】张三，您的花呗欠款已严重逾期，我司将联系您的家人李四（13800138000）及紧急联系人，请于今日内处理。身份证110101199001011234，还款卡6222021234567890123。"})
	add(event.Event{Time: at("2025-02-16 09:00"), Channel: event.SMS, Direction: event.Out, Status: event.StatusSent,
		Counterpart: "15900001111", Role: "collector", Exhibit: 2, Text: "我已与支付宝达成分期协议，协议编号HB2025012900321，请停止催收。我的电话13900001234。"})
	add(event.Event{Time: at("2025-02-05 22:10"), Channel: event.Screenshot, Counterpart: "wxid_collector01", CounterpartName: "催收王经理", Role: "collector", Exhibit: 4})
	add(event.Event{Time: at("2025-02-03 14:20"), Channel: event.Recording, Direction: event.In, Counterpart: "15900001111", Role: "collector",
		Duration: event.Seconds(95), Exhibit: 9, Text: "催收员：张三你好，我是某某资产的，你的花呗欠款今天必须还清，不然我们就联系你单位和家人。\n张三：我已经和支付宝签了分期协议，每个月按时还。"})
	add(event.Event{Time: at("2025-02-20 09:15"), Channel: event.Email, Direction: event.In, Counterpart: "notice@cuishou-agency.example",
		CounterpartName: "某某资产管理有限公司", Role: "collector", Subject: "关于您花呗欠款的催收通知", Exhibit: 10,
		Text: "张三先生：\n您在花呗的欠款已逾期，请于三日内联系我司处理，否则我司将依法采取进一步措施。\n某某资产管理有限公司"})
	for _, p := range []struct{ t, amt string }{{"2025-02-10 12:00", "1000.00"}, {"2025-03-12 20:00", "1000.00"}} {
		a := money.MustParse(p.amt)
		add(event.Event{Time: at(p.t), Channel: event.Payment, Direction: event.Out, Status: "还款成功", Amount: &a, Category: "信用借还",
			Counterpart: "花呗", Kind: event.KindRepayment, Order: "2025021022001400001234", Exhibit: 11, Text: "花呗主动还款-2025年02月账单"})
	}
	add(event.Event{Time: at("2025-01-26 07:12"), Channel: event.Call, Direction: event.In, Status: event.StatusMissed,
		Counterpart: "15900001111", CounterpartName: "某某资产催收员", Role: "collector", Exhibit: 12, Holder: "李四", HolderRole: "family"})
	sortEvents(evs)
	b.Events = evs
	r := &findings.Report{AsOf: caseconf.Date{Y: 2025, M: 4, D: 15}, Totals: map[string]int{}}
	night := at("2025-02-15 23:05")
	r.Findings = []findings.Finding{
		{ID: "night-contact-1", Rule: findings.RuleNightContact, Time: &night, Counterpart: "15900001111", Name: "某某资产催收员", Role: "collector",
			Count: 1, Events: []int{1}, Exhibits: []int{2}, Message: "23:05 收到催收短信", Source: "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》"},
		{ID: "unanswered-attempts-1", Rule: findings.RuleUnansweredAttempts, Day: caseconf.Date{Y: 2025, M: 1, D: 27}, Counterpart: "15900001111",
			Name: "某某资产催收员", Count: 8, Threshold: 6, Events: []int{2, 3}, Exhibits: []int{1, 3}, Message: "当天未接来电8次，超过6次", Source: "中国银行业协会催收工作指引"},
		{ID: "after-agreement-1", Rule: findings.RuleAfterAgreement, Time: &night, Counterpart: "15900001111", Count: 1, Events: []int{1}, Exhibits: []int{2},
			Message: "协议达成后仍收到催收短信", Source: "还款协议", BreachNote: "本身不构成违规，但与协议不符"},
		{ID: "missed-installment-1", Rule: findings.RuleMissedInstallment, Day: caseconf.Date{Y: 2025, M: 3, D: 10}, Installment: 2, Count: 1,
			Events: []int{}, Exhibits: []int{11}, Message: "第 2 期（2025-03-10 到期，应还 1000.00 元）：到期日前已还 0.00 元，2025-03-12 还清（到期后 2 天）", Source: "还款协议"},
	}
	for _, fd := range r.Findings {
		r.Totals[fd.Rule]++
	}
	r.Schedule = []findings.ScheduleRow{
		{N: 1, Due: caseconf.Date{Y: 2025, M: 2, D: 10}, Amount: money.MustParse("1000.00"), Paid: money.MustParse("1000.00"), PaidByDue: money.MustParse("1000.00"), PaidOn: caseconf.Date{Y: 2025, M: 2, D: 10}, Status: findings.StatusPaidOnTime, Exhibits: []int{11}},
		{N: 2, Due: caseconf.Date{Y: 2025, M: 3, D: 10}, Amount: money.MustParse("1000.00"), Paid: money.MustParse("1000.00"), PaidOn: caseconf.Date{Y: 2025, M: 3, D: 12}, Status: findings.StatusPaidLate, Exhibits: []int{11}},
		{N: 3, Due: caseconf.Date{Y: 2025, M: 4, D: 10}, Amount: money.MustParse("1000.00"), Paid: money.MustParse("500.00"), Status: findings.StatusPartlyPaid},
	}
	for i := range b.Items {
		for _, e := range b.Events {
			if e.Exhibit == b.Items[i].Exhibit {
				b.Items[i].Events++
			}
		}
	}
	for i, it := range b.Items {
		b.Custody = append(b.Custody, evidence.CustodyEntry{Seq: i + 1, Time: it.Acquired, Action: "add", Exhibit: it.Exhibit, SHA256: it.SHA256,
			Actor: "张三", Prev: strings.Repeat("0", 64), Hash: fmt.Sprintf("%064x", i+1)})
	}
	return &fixture{bundle: b, report: r, store: st, texts: []string{
		longParagraph, c.Title, "某某资产催收员", "证据目录", "协议履行情况", "关于您花呗欠款的催收通知",
		"我已经和支付宝签了分期协议，每个月按时还。", "HEIC 图像无法嵌入 PDF", "PDF 已加密，无法导入其页面",
	}}
}

func sortEvents(evs []event.Event) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].Time.Before(evs[j-1].Time); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
	for i := range evs {
		evs[i].Seq = i + 1
	}
}

func imageRGBA64(w, h int) *image.RGBA64 {
	img := image.NewRGBA64(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA64(x, y, color.RGBA64{uint16(x * 3000), uint16(y * 3000), 40000, 65535})
		}
	}
	return img
}

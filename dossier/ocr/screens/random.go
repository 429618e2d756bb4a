package screens

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Invented phrases of the kind these screens hold. Nothing here is a real person's message.
var (
	collectorSays = []string{
		"您好，这里是某某资产管理公司，您的花呗账单已逾期", "请今天务必处理欠款", "逾期金额共计8650.32元，请尽快还款",
		"再不还款我们将联系您的紧急联系人", "您的借呗已经严重逾期了", "今晚十二点前必须还清，否则后果自负",
		"我们已经把您的案件移交法务部", "请问您什么时候能还款？", "明天上午十点前请回电话", "可以先还最低还款额1200元",
		"系统显示您还有3期未还", "协商只是暂缓，欠款还是要还的", "不接电话我们会联系您的单位", "您好，请核实一下您的身份信息",
		"现在还款可以减免部分利息", "请在2月10日前还款", "我们会上门拜访，请您配合", "已经给您打了很多次电话了",
		"你这样拖下去对征信影响很大", "请尽快登录支付宝处理", "您的案件编号是CS20250131007", "逾期第45天，请重视",
	}
	ownerSays = []string{
		"我已经和支付宝协商好了分期", "请不要再给我家人打电话", "现在太晚了，明天再说", "我每个月按时还1000元",
		"协议编号HB2025012900321", "我会按协议还款", "请停止骚扰", "你们是哪家公司？", "好的，我知道了",
		"上个月已经还了", "我已经向12378投诉了", "请把协议发给我看看", "我这个月工资还没发", "可以再宽限几天吗",
	}
	titles     = []string{"某某资产催收员", "催收王经理", "某某律所专员", "花呗客服小蚂", "某某调解中心", "李专员", "张主管", "陈经理(催收)"}
	callNames  = []string{"支付宝客服", "某某资产催收员", "某某律所催收专员", "妈妈", "李四", "王总", "快递", "房东"}
	places     = []string{"广东深圳", "浙江杭州", "湖南长沙", "上海", "北京", "四川成都", "重庆", "江苏南京", "河南郑州", "未知"}
	fonts      = []string{"Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Serif CJK SC"}
	sizes      = [][3]int{{360, 800, 3}, {360, 780, 3}, {360, 800, 2}, {390, 844, 3}, {412, 915, 2}, {360, 740, 2}}
	callStatus = []string{"missed", "missed", "missed", "incoming", "outgoing"}
)

// Labelled is one generated screen with the truth of what it shows.
type Labelled struct {
	Name  string
	Style Style
	Chat  *Chat
	Calls *Calls
}

// HTML draws the screen.
func (l *Labelled) HTML() string {
	if l.Chat != nil {
		return l.Chat.HTML(l.Style)
	}
	return l.Calls.HTML(l.Style)
}

// Generate makes n labelled screens, half chats and half call histories, in the sizes, fonts,
// light and dark modes and JPEG qualities (60–95, or PNG) drawn from r. The first size is
// 1080×2400, the size the speed target is stated for.
func Generate(r *rand.Rand, n int, zone *time.Location) []Labelled {
	out := make([]Labelled, 0, n)
	for i := range n {
		sz := sizes[r.IntN(len(sizes))]
		if i%4 == 0 {
			sz = sizes[0]
		}
		st := Style{Width: sz[0], Height: sz[1], Scale: sz[2], Font: fonts[r.IntN(len(fonts))], Dark: r.IntN(3) == 0}
		if r.IntN(2) == 0 {
			st.JPEG = 60 + r.IntN(36)
		}
		shot := time.Date(2025, time.Month(1+r.IntN(4)), 1+r.IntN(28), 8+r.IntN(16), r.IntN(60), 0, 0, zone)
		l := Labelled{Name: fmt.Sprintf("screen%03d", i), Style: st}
		if i%2 == 0 {
			l.Chat = randomChat(r, st, shot)
		} else {
			l.Calls = randomCalls(r, st, shot)
		}
		out = append(out, l)
	}
	return out
}

// lines estimates how many lines a bubble of text takes at a style's width.
func bubbleLines(text string, st Style) int {
	perLine := int((0.68*float64(st.Width-24) - 24) / 16)
	n := len([]rune(text))
	return (n + perLine - 1) / perLine
}

func randomChat(r *rand.Rand, st Style, shot time.Time) *Chat {
	c := &Chat{App: "wechat", Title: titles[r.IntN(len(titles))], Shot: shot}
	if r.IntN(3) == 0 {
		c.App, c.Title = "sms", fmt.Sprintf("1%d%d%08d", 3+r.IntN(7), r.IntN(10), r.IntN(100000000))
	}
	budget := float64(st.Height - 26 - 46 - 54 - 30)
	twelve := r.IntN(2) == 0
	at := shot.Add(-time.Duration(r.IntN(40*24*60)) * time.Minute)
	for budget > 0 {
		sep := Stamp(at, shot, twelve)
		if budget < 30+70 {
			break
		}
		c.Entries = append(c.Entries, Entry{Separator: sep, At: at.Truncate(time.Minute)})
		budget -= 36
		for k := 1 + r.IntN(3); k > 0; k-- {
			out := r.IntN(3) == 0
			text := collectorSays[r.IntN(len(collectorSays))]
			if out {
				text = ownerSays[r.IntN(len(ownerSays))]
			}
			h := float64(bubbleLines(text, st))*23.2 + 18 + 14
			if h > budget {
				budget = 0
				break
			}
			budget -= h
			c.Entries = append(c.Entries, Entry{Text: text, Out: out})
		}
		at = at.Add(time.Duration(10+r.IntN(3000)) * time.Minute)
		if at.After(shot) {
			break
		}
	}
	return c
}

func randomCalls(r *rand.Rand, st Style, shot time.Time) *Calls {
	c := &Calls{Title: []string{"通话记录", "最近通话", "电话"}[r.IntN(3)], Shot: shot}
	rows := (st.Height - 26 - 58) / 67
	at := shot.Add(-time.Duration(1+r.IntN(120)) * time.Minute)
	for range rows {
		call := Call{Place: places[r.IntN(len(places))], Type: callStatus[r.IntN(len(callStatus))], Count: 1, At: at.Truncate(time.Minute)}
		if r.IntN(3) == 0 {
			call.Name = callNames[r.IntN(len(callNames))]
		}
		num := fmt.Sprintf("1%d%d%08d", 3+r.IntN(7), r.IntN(10), r.IntN(100000000))
		switch r.IntN(3) {
		case 0:
			num = num[:3] + " " + num[3:7] + " " + num[7:]
		case 1:
			num = "95" + fmt.Sprint(100+r.IntN(900))
		}
		call.Number = num
		if call.Type == "missed" && r.IntN(2) == 0 {
			call.Count = 2 + r.IntN(11)
		}
		if call.Type != "missed" {
			call.Duration = 5 + r.IntN(900)
		}
		call.Stamp = Stamp(call.At, shot, false)
		c.Rows = append(c.Rows, call)
		at = at.Add(-time.Duration(5+r.IntN(1800)) * time.Minute)
	}
	return c
}

// Label is the text a call row's label shows: the name, else the number as printed.
func (c *Call) Label() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Number
}

// Words is every message's text and every row's label, for the character error rate.
func (l *Labelled) Words() []string {
	var out []string
	if l.Chat != nil {
		for _, e := range l.Chat.Entries {
			if e.Text != "" {
				out = append(out, e.Text)
			}
		}
	}
	if l.Calls != nil {
		for _, r := range l.Calls.Rows {
			out = append(out, strings.ReplaceAll(r.Label(), " ", ""))
		}
	}
	return out
}

package classify

import (
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, text, class, reason string
	}{
		{"payment confirmation", "【支付宝】您本期花呗协商分期应还1000.00元，已还款成功。", Notice, "已还款"},
		{"reminder mentioning 逾期", "【花呗】您本月账单1000.00元，还款日为2月10日，请按时还款，以免逾期影响个人征信。", Notice, "本月账单"},
		{"overdue notice from the platform", "【支付宝】尊敬的用户，您的花呗账单已逾期，请及时还款，以免影响信用记录。", Collection, "已逾期"},
		{"code", "【支付宝】您的验证码是384920，请勿泄露。", Notice, "验证码"},
		{"paid but pressed", "您已还款成功，剩余欠款请立即处理。", Collection, "欠款"},
		{"threat", "今天不处理，明天就联系你的家人和单位。", Collection, "联系你的家人和单位"},
		{"negated threat", "我们不会联系你家人", Other, ""},
		{"platform signature without pressure", "【花呗】好消息！您的花呗额度已提升2000元。", Notice, "好消息"},
		{"platform signature with weak words only", "【蚂蚁财富】您购买的基金已确认份额，请及时查看。", Notice, "已确认"},
		{"signature alone decides", "【美团】您的骑手正在配送中。", Notice, "【美团】"},
		{"collector's signature", "【某某调解中心】您的网商贷纠纷已受理，请于5日内联系调解员。", Collection, "【某某调解中心】"},
		{"conditional 逾期 in a reminder", "【花呗】请按时还款，逾期将产生违约金，本期还款日为4月10日。", Notice, "按时还款"},
		{"complainant addresses the collectors", "请你们以书面形式告知欠款金额。", Other, "你们"},
		{"collector speaks of the debtor's workplace", "下午三点前不回电，直接打给你们公司人事部门。", Collection, "打给你们公司"},
		{"complainant's own family", "昨晚他们又给我家人打电话了。", Other, "他们又"},
		{"complainant asks", "律师朋友说催收不能联系家人，是真的吗？", Other, "是真的吗"},
		{"negated collection words inside a negated phrase", "我们从来不会上门催收，也不会爆通讯录。", Other, ""},
		{"empty", "", Other, ""},
		{"punctuation only", "……！！", Other, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			class, reason := Default().Text(tc.text)
			if class != tc.class || reason != tc.reason {
				t.Errorf("Text(%q) = %s %q, want %s %q", tc.text, class, reason, tc.class, tc.reason)
			}
		})
	}
}

func TestConductMatching(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		kinds      string // space-separated kinds found, "" for none
		words      string // the words of the first hit
	}{
		{"plain", "今天不还就联系你家人", "family-employer", "联系你家人"},
		{"traditional", "再不還款就報警，讓你坐牢。", "criminal", "報警"},
		{"full width and spaces", "ＳＢ老赖，还钱！", "insult", "ＳＢ"},
		{"spaced out", "爆 你 通 讯 录，说到做到。", "contact-list", "爆 你 通 讯 录"},
		{"dotted", "联.系.你.家.人，今天必须还。", "family-employer", "联.系.你.家.人"},
		{"negated", "我们不会联系你家人，也不会上门。", "", ""},
		{"negation through fillers", "不会有人上门的，放心。", "", ""},
		{"condition is not negation", "你不还我们就上门", "visit", "上门"},
		{"question is not negation", "要不要我们派人去你家？", "visit", "派人去你家"},
		{"warning against it", "请勿以贷还贷，理性消费。", "", ""},
		{"anti-fraud notice", "【支付宝】近期有不法分子冒充公安、法院工作人员实施诈骗。", "", ""},
		{"the speaker's own family", "他们说要联系我家人，我很害怕", "", ""},
		{"lawful suit", "我们将依法向法院提起诉讼。", "", ""},
		{"several kinds", "逾期未处理的，本公司将联系您的家属及工作单位核实情况，并安排人员上门催收。", "family-employer visit", "联系您的家属及工作单位"},
		{"impersonation", "【某某律所】律师函：张三，因您拖欠花呗欠款……", "impersonation", "律师函"},
		{"a court's signature", "【XX区人民法院】您的借款合同纠纷一案已立案，请于3日内到庭应诉。", "impersonation", "XX区人民法院"},
		{"a threat verb and a target", "今天不处理，我们会致电您的工作单位核实。", "family-employer", "致电您的工作单位"},
		{"a target's number held", "你爸的手机号我们这边有登记，别逼我们打。", "family-employer", "你爸的手机号我们这边有"},
		{"a target told", "你的亲戚很快都会知道这件事。", "family-employer", "你的亲戚很快都会知道"},
		{"contact list paraphrased", "三天内不结清，你手机里的联系人都会收到催款短信。", "contact-list", "联系人都会"},
		{"innocent visit", "周末去你家吃饭。", "", ""},
		{"你们 of the debtor's place is the collector speaking", "我们已经派人去你们那边了，你自己看着办。", "visit", "派人去"},
		{"teacher's home visit", "老师说下周要家访，记得收拾一下房间。", "", ""},
		{"reported threat", "麻烦你把刚才说要上门的话再说一遍。", "", ""},
		{"police visit is a criminal threat", "小心警察上门把你带走。", "criminal", "警察上门"},
		{"advice to call the police", "伪造律师函是违法的，你可以报警。", "", ""},
		{"negation inside a gap", "你真是个废物，借钱不还。", "insult", "废物"},
		{"latin insult on a word boundary", "usb线坏了，sb才买这种。", "insult", "sb"},
		{"the complainant quotes a lawyer's letter", "你说的律师函我没有收到。", "", ""},
		{"borrowing from family is not telling them", "没钱就找你父母借，今天必须还。", "borrow", "找你父母借"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits := Default().Conduct(tc.text)
			var kinds []string
			for _, h := range hits {
				kinds = append(kinds, h.Kind)
				if !strings.Contains(tc.text, h.Words) || !strings.Contains(tc.text, h.Quote) || !strings.Contains(h.Quote, h.Words) {
					t.Errorf("hit %+v does not quote the message", h)
				}
				if len(h.Sources) == 0 {
					t.Errorf("hit %+v names no source", h)
				}
			}
			if got := strings.Join(kinds, " "); got != tc.kinds {
				t.Fatalf("kinds = %q, want %q (%+v)", got, tc.kinds, hits)
			}
			if len(hits) > 0 && hits[0].Words != tc.words {
				t.Errorf("words = %q, want %q", hits[0].Words, tc.words)
			}
		})
	}
}

func TestContactListCitesPIPL(t *testing.T) {
	hits := Default().Conduct("再不还款就爆你通讯录")
	if len(hits) != 1 || strings.Join(hits[0].Sources, ",") != "cba,nifa,pipl" {
		t.Errorf("hits = %+v, want contact-list citing cba, nifa and pipl", hits)
	}
}

func TestExtraPhrases(t *testing.T) {
	c, err := New(caseconf.Phrases{Notice: []string{"您的快递已签收"}, Conduct: map[string][]string{KindFamilyEmployer: {"找你舅舅"}}})
	if err != nil {
		t.Fatal(err)
	}
	if hits := c.Conduct("今天不还就找你舅舅"); len(hits) != 1 || hits[0].Kind != KindFamilyEmployer {
		t.Errorf("an added conduct phrase is not found: %+v", hits)
	}
	if class, _ := c.Text("您的快递已签收"); class != Notice {
		t.Errorf("an added notice phrase: class %s", class)
	}
	if _, err := New(caseconf.Phrases{Conduct: map[string][]string{"rudeness": {"x"}}}); err == nil {
		t.Error("an unknown conduct kind is accepted")
	}
	c, err = New(caseconf.Phrases{Conduct: map[string][]string{KindFamilyEmployer: {"{reach}~{you}~舅妈"}}})
	if err != nil {
		t.Fatal(err)
	}
	if hits := c.Conduct("再不还就通知你的舅妈"); len(hits) != 1 || hits[0].Words != "通知你的舅妈" {
		t.Errorf("an added frame of word classes is not found: %+v", hits)
	}
	if _, err := New(caseconf.Phrases{Conduct: map[string][]string{KindFamilyEmployer: {"{cousins}*知道"}}}); err == nil || !strings.Contains(err.Error(), "cousins") {
		t.Errorf("a phrase naming no word class: err = %v", err)
	}
}

func TestEvent(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name          string
		e             event.Event
		role          string
		class, reason string
	}{
		{"collector's call", event.Event{Channel: event.Call, Direction: event.In}, "collector", Collection, "role collector"},
		{"friend's call", event.Event{Channel: event.Call, Direction: event.In}, "other", Other, "role other"},
		{"unknown call", event.Event{Channel: event.Call, Direction: event.In}, "", Other, "role none"},
		{"reply", event.Event{Channel: event.SMS, Direction: event.Out, Text: "请停止催收"}, "collector", Other, ReasonOutgoing},
		{"payment confirmation from the creditor", event.Event{Channel: event.SMS, Direction: event.In, Text: "【支付宝】您本期花呗协商分期应还1000.00元，已还款成功。"}, "creditor", Notice, "已还款"},
		{"picture from a collector", event.Event{Channel: event.Chat, Direction: event.In, Kind: "image", Text: "[图片]"}, "collector", Collection, "no text; role collector"},
		{"system line", event.Event{Channel: event.Chat, Kind: "system", Text: "你已添加了催收王经理"}, "collector", Other, ReasonSystem},
		{"family forwards a threat", event.Event{Channel: event.SMS, Direction: event.In, Text: "催收又打电话来了，说今天必须还"}, "family", Other, "催收又"},
		{"family tells of a threat in words of their own", event.Event{Channel: event.SMS, Direction: event.In, Text: "今天必须还"}, "family", Other, "role family"},
		{"collector's unmarked words", event.Event{Channel: event.Chat, Direction: event.In, Kind: "text", Text: "张三，你三月的分期呢？"}, "collector", Collection, "role collector"},
		{"e-mail subject", event.Event{Channel: event.Email, Direction: event.In, Subject: "催收通知", Text: "详见附件"}, "collector", Collection, "催收"},
		{"payment has no class", event.Event{Channel: event.Payment}, "", "", ""},
		{"a transcript is judged by the other side's lines", event.Event{Channel: event.Recording, Direction: event.In,
			Text: "【通话录音文字整理】\n客服：您好，请问有什么可以帮您？\n我：我的欠款想申请分期，逾期了很久。"}, "creditor", Other, ""},
		{"the collector's lines of a transcript", event.Event{Channel: event.Recording, Direction: event.In,
			Text: "催收：你今天必须还，不然联系你家人。\n本人：我会按协议还。"}, "collector", Collection, "联系你家人"},
		{"a chat has no SMS signature", event.Event{Channel: event.Chat, Kind: "text", Direction: event.In, Text: "【转发】请尽快处理一下"}, "collector", Collection, "尽快处理"},
		{"an SMS signature", event.Event{Channel: event.SMS, Direction: event.In, Text: "【花呗】请尽快处理一下"}, "creditor", Notice, "【花呗】"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			class, reason := c.Event(&tc.e, tc.role)
			if class != tc.class || reason != tc.reason {
				t.Errorf("Event = %s %q, want %s %q", class, reason, tc.class, tc.reason)
			}
		})
	}
}

func TestLongMessageIsBounded(t *testing.T) {
	long := strings.Repeat("请按时还款。", 100000) + "联系你家人"
	if hits := Default().Conduct(long); len(hits) != 0 {
		t.Errorf("text past %d characters was read: %+v", maxRunes, hits)
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"今天不还就联系你家人", "【支付宝】已还款成功", "聯.系 你*家人", "我们不会上门", "", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Default()
		class, reason := c.Text(s)
		if class != Collection && class != Notice && class != Other {
			t.Fatalf("class %q", class)
		}
		if reason != "" && !strings.Contains(string([]rune(s)), reason) {
			t.Fatalf("reason %q is not in the text %q", reason, s)
		}
		for _, h := range c.Conduct(s) {
			if h.Words == "" || h.Quote == "" {
				t.Fatalf("empty hit %+v", h)
			}
		}
	})
}

func TestApply(t *testing.T) {
	c, err := caseconf.Parse(strings.NewReader(`contacts:
  - {number: "95188", name: 支付宝客服, role: creditor}
classes:
  - {exhibit: 2, event: 2, class: collection, note: 实为催收}
  - {exhibit: 9, event: 1, class: notice}
  - {exhibit: 2, event: 40, class: other}
`))
	if err != nil {
		t.Fatal(err)
	}
	evs := []event.Event{
		{Seq: 1, Exhibit: 2, Channel: event.SMS, Direction: event.In, Counterpart: "95188", Text: "【支付宝】您本期花呗已还款成功。"},
		{Seq: 2, Exhibit: 2, Channel: event.SMS, Direction: event.In, Counterpart: "95188", Text: "【支付宝】您的账单已出。"},
		{Seq: 3, Exhibit: 3, Channel: event.Payment},
	}
	problems := Apply(c, evs)
	if evs[0].Class != Notice || evs[0].ClassByUser {
		t.Errorf("event 1: %+v", evs[0])
	}
	if evs[1].Class != Collection || !evs[1].ClassByUser || evs[1].ClassReason != "user: 实为催收" {
		t.Errorf("event 2 is not overridden: %+v", evs[1])
	}
	if evs[2].Class != "" {
		t.Errorf("a payment has a class: %+v", evs[2])
	}
	if len(problems) != 2 || !strings.Contains(problems[0], "exhibit 2, not 9") || !strings.Contains(problems[1], "no event 40") {
		t.Errorf("problems = %q", problems)
	}
}

func TestTaggerWarnsOfBadPhrases(t *testing.T) {
	c, err := caseconf.Parse(strings.NewReader("phrases:\n  conduct:\n    family-employer: [\"{cousins}*知道\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	NewTagger(c, func(s string) { warned = append(warned, s) })
	if len(warned) != 1 || !strings.Contains(warned[0], "cousins") || !strings.Contains(warned[0], "built-in") {
		t.Errorf("warnings = %q", warned)
	}
}

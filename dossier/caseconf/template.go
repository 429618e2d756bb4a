package caseconf

import (
	"bytes"
	"fmt"
	"text/template"
)

// The template init writes: every key of the schema, commented in Chinese and English, with the
// defaults filled in so the user edits rather than writes.
var initTemplate = template.Must(template.New("case.yaml").Parse(`# dossier 案件文件 / case file
# 编辑本文件后运行 dossier findings / dossier pdf。Edit this file, then run dossier findings / dossier pdf.
# 所有本地时间均按 timezone 显示和判断。All local times are shown and judged in timezone.

title: {{.Title}}
language: {{.Language}}          # 文书语言 document language: zh | en
timezone: {{.Timezone}}   # 时区 time zone (IANA name)

# 投诉人（本人）/ complainant (you)
complainant:
  name: ""                 # 姓名 name
  id_number: ""            # 身份证号 ID-card number
  phone: ""                # 手机号 phone
  address: ""              # 地址 address

# 被投诉人（平台或金融机构）/ respondent (the platform or lender)
respondent:
  name: 重庆蚂蚁消费金融有限公司
  product: 花呗            # 产品 product: 花呗 / 借呗 / ...
  phone: "95188"
  address: ""

# 号码或微信号归属；role 决定哪些联系被计入违规。Who a number or chat id belongs to; the role decides
# what the findings count. role: creditor 债权人 | collector 催收方 | self 本人 | family 家人 | other 其他
contacts:
  - {number: "95188", name: 支付宝客服, role: creditor}
#  - {number: "15900001111", name: 某某资产催收员, role: collector}
#  - {wechat: wxid_abc123xyz, name: 某催收, role: collector}
#  - {number: "13800138000", name: 家人, role: family}

# 协商达成的还款协议（如有）/ repayment agreement reached in negotiation, if any
# agreement:
#   date: 2025-01-29
#   reference: HB2025012900321
#   installments: {count: 12, amount: "1000.00", first_due: 2025-02-10}   # 按月 monthly
#   # 或逐期列出 or list each: installments: [{due: 2025-02-10, amount: "1000.00"}, ...]

# 账单之外的还款 / payments made outside any ingested bill
payments: []
#  - {date: 2025-02-10, amount: "1000.00", note: 银行转账}

# 诉求 / demands
demands:
  - 立即停止违规催收
  - 按协议执行分期

# 事情经过（用自己的话）/ what happened, in your own words
narrative: |
  

# 判断分期是否逾期的日期（默认今天）/ the date installments are judged at (default: today)
# as_of: 2025-04-15

# 规则阈值 / rule thresholds
rules:
  quiet_start: "{{.Rules.QuietStart}}"    # 夜间开始 quiet hours start
  quiet_end: "{{.Rules.QuietEnd}}"      # 夜间结束 quiet hours end
  max_unanswered_per_day: {{.Rules.MaxUnansweredPerDay}}   # 同一号码每日未接通上限 unanswered calls per number per day
  max_connected_per_day: {{.Rules.MaxConnectedPerDay}}    # 每日接通上限 connected calls per day, all numbers
`))

// Template returns the commented case.yaml that `dossier init` writes.
func Template(title, lang, tz string) ([]byte, error) {
	if title == "" {
		if lang == "en" {
			title = "Collection complaint"
		} else {
			title = "催收投诉"
		}
	}
	c := &Case{Title: quote(title), Language: lang, Timezone: tz, Rules: Rules{
		QuietStart: DefaultQuietStart, QuietEnd: DefaultQuietEnd,
		MaxUnansweredPerDay: DefaultMaxUnansweredPerDay, MaxConnectedPerDay: DefaultMaxConnectedPerDay,
	}}
	var b bytes.Buffer
	if err := initTemplate.Execute(&b, c); err != nil {
		return nil, err
	}
	if _, err := Parse(bytes.NewReader(b.Bytes())); err != nil {
		return nil, fmt.Errorf("template does not parse: %w", err)
	}
	return b.Bytes(), nil
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

package xlsx

import (
	"github.com/dossier-tool/dossier/dossier/findings"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// labels holds every word the workbook shows, in one language.
type labels struct {
	sheetTimeline, sheetEvidence, sheetFindings, sheetSchedule, sheetSummary string

	timelineHeads []string
	evidenceHeads []string
	findingsHeads []string
	scheduleHeads []string
	paymentHeads  []string
	dayHeads      []string

	// Summary sheet.
	caseID, complainant, respondent, items, events, firstEvent, lastEvent, stamp, findingsTotal string
	agreement, total, payments, chartTitle, fromComplainant, heldBy, caseYAML                   string
	period, periodFmt, asOf, repayment, sheets, agreedTotal, dueBy, paidBy, owedBy              string
	planList, planMonthly, sep                                                                  string
	categoryHeads, ruleHeads                                                                    []string
	// unclassified titles the counterparts case.yaml gives no role, with unclassifiedHeads.
	unclassified      string
	unclassifiedHeads []string
}

var zhLabels = labels{
	timelineHeads: []string{"序号", "时间", "渠道", "方向", "状态", "对方", "对方名称", "角色", "时长", "金额", "内容", "证据", "持有人", "位置", "分类", "分类依据", "标记"},
	evidenceHeads: []string{"序号", "证据名称", "证据来源", "证明目的", "类型", "MIME", "大小（字节）", "SHA-256", "取得时间", "证据时间", "ID", "原件", "持有人", "派生自", "事件数", "警告"},
	findingsHeads: []string{"编号", "规则", "时间", "日期", "对方", "对方名称", "角色", "持有人", "次数", "阈值", "事件序号", "证据", "说明", "依据", "备注", "分类"},
	scheduleHeads: []string{"期数", "应还日期", "应还金额", "已还金额", "到期日前已还", "还清日期", "状态", "证据"},
	paymentHeads:  []string{"还款日期", "还款时间", "金额", "方式", "说明", "证据"},
	dayHeads:      []string{"日期", "催收方联系合计", "来电", "未接来电", "短信及消息", "夜间"},
	categoryHeads: []string{"分类", "数量"}, ruleHeads: []string{"规则", "分类", "数量"},
	period: "证据时间范围", periodFmt: "%s 至 %s", asOf: "核查截至", repayment: "还款情况", sheets: "工作表",
	agreedTotal: "协议应还合计", dueBy: "截至 %s 已到期应还", paidBy: "截至 %s 已还", owedBy: "截至 %s 到期未还",
	planList: "共 %d 期", planMonthly: "分 %d 期，每期 %s 元，首期 %s", sep: "，",
	caseID: "案卷编号", items: "证据数量", events: "事件数量",
	firstEvent: "最早事件", lastEvent: "最晚事件", stamp: "生成时间", findingsTotal: "核查结果统计",
	total: "合计", payments: "还款记录", chartTitle: "催收方每日来电及信息（按角色）",
	heldBy: "由%s（%s）提供", caseYAML: "案件配置",
	unclassified:      "未在 case.yaml 中登记角色的联系方（不计入核查，请在 contacts: 下补充）",
	unclassifiedHeads: []string{"号码或账号", "名称", "联系次数", "证据"},
}

var enLabels = labels{
	timelineHeads: []string{"Seq", "Time", "Channel", "Direction", "Status", "Counterpart", "Name", "Role", "Duration", "Amount", "Text", "Exhibit", "Holder", "Locator", "Class", "Class reason", "Flags"},
	evidenceHeads: []string{"No.", "Title", "Source", "Purpose", "Kind", "MIME", "Size (bytes)", "SHA-256", "Acquired", "Evidence time", "ID", "Original", "Holder", "Derived from", "Events", "Warnings"},
	findingsHeads: []string{"ID", "Rule", "Time", "Day", "Counterpart", "Name", "Role", "Holder", "Count", "Threshold", "Events", "Exhibits", "Message", "Source", "Note", "Category"},
	scheduleHeads: []string{"No.", "Due", "Amount", "Paid", "Paid by due", "Paid on", "Status", "Exhibits"},
	paymentHeads:  []string{"Date", "Time", "Amount", "Method", "Note", "Exhibit"},
	dayHeads:      []string{"Day", "Collection contacts", "Calls", "Unanswered calls", "Messages", "At night"},
	categoryHeads: []string{"Category", "Count"}, ruleHeads: []string{"Rule", "Category", "Count"},
	period: "Period covered", periodFmt: "%s to %s", asOf: "As of", repayment: "Repayment", sheets: "Sheets",
	agreedTotal: "Agreed in total", dueBy: "Due by %s", paidBy: "Paid by %s", owedBy: "Due and unpaid on %s",
	planList: "%d installments", planMonthly: "%d monthly installments of %s from %s", sep: ", ",
	caseID: "Dossier id", items: "Items", events: "Events",
	firstEvent: "First event", lastEvent: "Last event", stamp: "Generated", findingsTotal: "Findings",
	total: "Total", payments: "Payments", chartTitle: "Incoming collection contacts per day, by role",
	heldBy: "provided by %s (%s)", caseYAML: "case.yaml",
	unclassified:      "Counterparts with no role in case.yaml (not counted; add them under contacts:)",
	unclassifiedHeads: []string{"Number or account", "Name", "Contacts", "Exhibits"},
}

// labelsFor returns the workbook's words in lang, the terms shared with the packet and the
// command line filled from the vocabulary.
func labelsFor(lang string) *labels {
	l := zhLabels
	if lang == vocab.EN {
		l = enLabels
	}
	l.sheetSummary, l.sheetTimeline = vocab.Term(lang, vocab.SheetSummary), vocab.Term(lang, vocab.SheetTimeline)
	l.sheetEvidence, l.sheetFindings = vocab.Term(lang, vocab.SheetEvidence), vocab.Term(lang, vocab.SheetFindings)
	l.sheetSchedule = vocab.Term(lang, vocab.SheetSchedule)
	l.complainant, l.respondent = vocab.Term(lang, vocab.Complainant), vocab.Term(lang, vocab.Respondent)
	l.agreement = vocab.Term(lang, vocab.Agreement)
	l.fromComplainant = vocab.Holder(lang, "self")
	return &l
}

// ruleOrder fixes the order rules are listed in, so flags read the same on every row.
var ruleOrder = findings.Rules()

package xlsx

import (
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/findings"
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

	channel   map[event.Channel]string
	direction map[event.Direction]string
	status    map[string]string
	role      map[string]string
	rule      map[string]string
	instState map[string]string

	// Summary sheet.
	caseID, complainant, respondent, items, events, firstEvent, lastEvent, stamp, findingsTotal string
	agreement, total, payments, chartTitle, fromComplainant, heldBy, caseYAML                   string
}

var zhLabels = labels{
	sheetTimeline: "时间线", sheetEvidence: "证据目录", sheetFindings: "违规事实", sheetSchedule: "还款计划", sheetSummary: "汇总",
	timelineHeads: []string{"序号", "时间", "渠道", "方向", "状态", "对方", "对方名称", "角色", "时长", "金额", "内容", "证据", "持有人", "位置", "标记"},
	evidenceHeads: []string{"序号", "证据名称", "证据来源", "证明目的", "类型", "MIME", "大小（字节）", "SHA-256", "取得时间", "证据时间", "ID", "原件", "持有人", "派生自", "事件数", "警告"},
	findingsHeads: []string{"编号", "规则", "时间", "日期", "对方", "对方名称", "角色", "持有人", "次数", "阈值", "事件序号", "证据", "说明", "依据", "备注"},
	scheduleHeads: []string{"期数", "应还日期", "应还金额", "已还金额", "到期日前已还", "还清日期", "状态", "证据"},
	paymentHeads:  []string{"还款日期", "还款时间", "金额", "方式", "说明", "证据"},
	dayHeads:      []string{"日期", "催收方来电及信息", "来电", "未接来电", "短信及消息", "夜间"},
	channel: map[event.Channel]string{
		event.Call: "通话", event.SMS: "短信", event.MMS: "彩信", event.Chat: "聊天", event.Email: "邮件",
		event.Recording: "录音", event.Screenshot: "截图", event.Payment: "支付", event.Agreement: "协议", event.Note: "备注",
	},
	direction: map[event.Direction]string{event.In: "收到", event.Out: "发出"},
	status: map[string]string{
		event.StatusAnswered: "已接听", event.StatusMissed: "未接", event.StatusRejected: "拒接", event.StatusBlocked: "拦截",
		event.StatusVoicemail: "语音信箱", event.StatusAnsweredExternal: "其他设备接听", event.StatusOutgoing: "呼出",
		event.StatusReceived: "已收", event.StatusSent: "已发", event.StatusDraft: "草稿", event.StatusOutbox: "待发",
		event.StatusFailed: "发送失败", event.StatusQueued: "排队",
	},
	role: map[string]string{"creditor": "债权人", "collector": "催收方", "self": "本人", "family": "家属", "other": "其他", "third-party": "第三方"},
	rule: map[string]string{
		findings.RuleNightContact: "夜间催收", findings.RuleUnansweredAttempts: "频繁未接来电", findings.RuleConnectedCalls: "接通次数超限",
		findings.RuleAfterAgreement: "协议后仍催收", findings.RuleThirdPartyContact: "联系第三方", findings.RuleMissedInstallment: "分期未按时还",
	},
	instState: map[string]string{
		findings.StatusPaidOnTime: "按时还款", findings.StatusPaidLate: "逾期还款", findings.StatusPartlyPaid: "部分还款",
		findings.StatusUnpaid: "未还", findings.StatusNotYetDue: "未到期",
	},
	caseID: "案件编号", complainant: "申请人", respondent: "被申请人", items: "证据数量", events: "事件数量",
	firstEvent: "最早事件", lastEvent: "最晚事件", stamp: "生成时间", findingsTotal: "违规事实统计",
	agreement: "还款协议", total: "合计", payments: "还款记录", chartTitle: "催收方每日来电及信息（收到）",
	fromComplainant: "申请人提供", heldBy: "由%s（%s）提供", caseYAML: "案件配置",
}

var enLabels = labels{
	sheetTimeline: "Timeline", sheetEvidence: "Evidence", sheetFindings: "Findings", sheetSchedule: "Schedule", sheetSummary: "Summary",
	timelineHeads: []string{"Seq", "Time", "Channel", "Direction", "Status", "Counterpart", "Name", "Role", "Duration", "Amount", "Text", "Exhibit", "Holder", "Locator", "Flags"},
	evidenceHeads: []string{"No.", "Title", "Source", "Purpose", "Kind", "MIME", "Size (bytes)", "SHA-256", "Acquired", "Evidence time", "ID", "Original", "Holder", "Derived from", "Events", "Warnings"},
	findingsHeads: []string{"ID", "Rule", "Time", "Day", "Counterpart", "Name", "Role", "Holder", "Count", "Threshold", "Events", "Exhibits", "Message", "Source", "Note"},
	scheduleHeads: []string{"No.", "Due", "Amount", "Paid", "Paid by due", "Paid on", "Status", "Exhibits"},
	paymentHeads:  []string{"Date", "Time", "Amount", "Method", "Note", "Exhibit"},
	dayHeads:      []string{"Day", "Collection contacts", "Calls", "Unanswered calls", "Messages", "At night"},
	channel: map[event.Channel]string{
		event.Call: "call", event.SMS: "SMS", event.MMS: "MMS", event.Chat: "chat", event.Email: "e-mail",
		event.Recording: "recording", event.Screenshot: "screenshot", event.Payment: "payment", event.Agreement: "agreement", event.Note: "note",
	},
	direction: map[event.Direction]string{event.In: "in", event.Out: "out"},
	status:    map[string]string{},
	role:      map[string]string{},
	rule:      map[string]string{},
	instState: map[string]string{},
	caseID:    "Dossier id", complainant: "Complainant", respondent: "Respondent", items: "Items", events: "Events",
	firstEvent: "First event", lastEvent: "Last event", stamp: "Generated", findingsTotal: "Findings per rule",
	agreement: "Repayment agreement", total: "Total", payments: "Payments", chartTitle: "Incoming collection contacts per day",
	fromComplainant: "provided by the complainant", heldBy: "provided by %s (%s)", caseYAML: "case.yaml",
}

func labelsFor(lang string) *labels {
	if lang == "en" {
		return &enLabels
	}
	return &zhLabels
}

// word looks a code up in a table and falls back to the code itself, so a value no table knows
// (a new status a parser emits) is still shown.
func word[K ~string](m map[K]string, k K) string {
	if v, ok := m[k]; ok {
		return v
	}
	return string(k)
}

// ruleOrder fixes the order rules are listed in, so flags read the same on every row.
var ruleOrder = []string{
	findings.RuleNightContact, findings.RuleUnansweredAttempts, findings.RuleConnectedCalls,
	findings.RuleAfterAgreement, findings.RuleThirdPartyContact, findings.RuleMissedInstallment,
}

package vocab

// workbookTerms are the column headings and other words of the Excel workbook. Headings the
// command line's tables or the packet use for the same thing are the column.* terms of terms.go
// (序号, 时间, 渠道, 证据, ...); these are the ones only the workbook has so far.
var workbookTerms = map[string][2]string{
	// Timeline sheet.
	"column.counterpart-name": {"对方名称", "Name"},
	"column.amount":           {"金额", "Amount"},
	"column.holder":           {"持有人", "Holder"},
	"column.locator":          {"位置", "Locator"},
	"column.class-reason":     {"分类依据", "Class reason"},
	"column.flags":            {"标记", "Flags"},

	// Evidence list.
	"column.title":         {"证据名称", "Title"},
	"column.source":        {"证据来源", "Source"},
	"column.purpose":       {"证明目的", "Purpose"},
	"column.mime":          {"MIME", "MIME"},
	"column.size-bytes":    {"大小（字节）", "Size (bytes)"},
	"column.acquired":      {"取得时间", "Acquired"},
	"column.evidence-time": {"证据时间", "Evidence time"},
	"column.id":            {"ID", "ID"},
	"column.original":      {"原件", "Original"},
	"column.derived-from":  {"派生自", "Derived from"},
	"column.warnings":      {"警告", "Warnings"},

	// Findings.
	"column.finding-id": {"编号", "ID"},
	"column.rule":       {"规则", "Rule"},
	"column.day":        {"日期", "Day"},
	"column.count":      {"次数", "Count"},
	"column.threshold":  {"阈值", "Threshold"},
	"column.event-seqs": {"事件序号", "Events"},
	"column.message":    {"说明", "Message"},
	"column.basis":      {"依据", "Source"},
	"column.note":       {"备注", "Note"},
	"column.category":   {"分类", "Category"},

	// Agreement schedule and payments.
	"column.installment": {"期数", "No."},
	"column.due":         {"应还日期", "Due"},
	"column.due-amount":  {"应还金额", "Amount"},
	"column.paid":        {"已还金额", "Paid"},
	"column.paid-by-due": {"到期日前已还", "Paid by due"},
	"column.paid-on":     {"还清日期", "Paid on"},
	"column.pay-date":    {"还款日期", "Date"},
	"column.pay-time":    {"还款时间", "Time"},
	"column.method":      {"方式", "Method"},
	"column.pay-note":    {"说明", "Note"},

	// Contacts per day.
	"column.collection-contacts": {"催收方联系合计", "Collection contacts"},
	"column.calls":               {"来电", "Calls"},
	"column.unanswered-calls":    {"未接来电", "Unanswered calls"},
	"column.messages":            {"短信及消息", "Messages"},
	"column.at-night":            {"夜间", "At night"},

	// Summary sheet.
	"column.number-or-account": {"号码或账号", "Number or account"},
	"column.contacts":          {"联系次数", "Contacts"},
	"column.party-name":        {"名称", "Name"},
	"column.quantity":          {"数量", "Count"},

	"workbook.period":         {"证据时间范围", "Period covered"},
	"workbook.period-format":  {"%s 至 %s", "%s to %s"},
	"workbook.as-of":          {"核查截至", "As of"},
	"workbook.repayment":      {"还款情况", "Repayment"},
	"workbook.sheets":         {"工作表", "Sheets"},
	"workbook.agreed-total":   {"协议应还合计", "Agreed in total"},
	"workbook.due-by":         {"截至 %s 已到期应还", "Due by %s"},
	"workbook.paid-by":        {"截至 %s 已还", "Paid by %s"},
	"workbook.owed-by":        {"截至 %s 到期未还", "Due and unpaid on %s"},
	"workbook.plan-list":      {"共 %d 期", "%d installments"},
	"workbook.plan-monthly":   {"分 %d 期，每期 %s 元，首期 %s", "%d monthly installments of %s from %s"},
	"workbook.sep":            {"，", ", "},
	"workbook.case-id":        {"案卷编号", "Dossier id"},
	"workbook.items":          {"证据数量", "Items"},
	"workbook.events":         {"事件数量", "Events"},
	"workbook.first-event":    {"最早事件", "First event"},
	"workbook.last-event":     {"最晚事件", "Last event"},
	"workbook.stamp":          {"生成时间", "Generated"},
	"workbook.findings-total": {"核查结果统计", "Findings"},
	"workbook.total":          {"合计", "Total"},
	"workbook.payments":       {"还款记录", "Payments"},
	"workbook.chart-title":    {"催收方每日来电及信息（按角色）", "Incoming collection contacts per day, by role"},
	"workbook.held-by":        {"由%s（%s）提供", "provided by %s (%s)"},
	"workbook.case-yaml":      {"案件配置", "case.yaml"},
	"workbook.unclassified":   {"未在 case.yaml 中登记角色的联系方（不计入核查，请在 contacts: 下补充）", "Counterparts with no role in case.yaml (not counted; add them under contacts:)"},
}

func init() { define("", workbookTerms) }

// Terms returns the words for keys in lang, in order: a table's column headings.
func Terms(lang string, keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = Term(lang, k)
	}
	return out
}

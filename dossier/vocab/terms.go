package vocab

// terms holds every term as {Chinese, English}. Chinese is the wording a Chinese complaint or
// mediation file uses; English is plain words, not a transliteration.
var terms = map[string][2]string{
	// The parties. The complaint letter, the packet, the workbook and the command line all say
	// 投诉人/被投诉人; only the mediation application's own letter calls them 申请人/被申请人, as
	// that form of document requires.
	Complainant: {"投诉人", "Complainant"},
	Respondent:  {"被投诉人", "Respondent"},
	Agreement:   {"还款协议", "Repayment agreement"},

	// Finding rules (findings.Rule*).
	"rule.night-contact":       {"夜间催收", "Contact at night"},
	"rule.unanswered-attempts": {"单日未接来电超限", "Too many unanswered calls in a day"},
	"rule.connected-calls":     {"单日接通来电超限", "Too many connected calls in a day"},
	"rule.after-agreement":     {"达成还款协议后仍催收", "Collection after the repayment agreement"},
	"rule.third-party-contact": {"向家属或第三方催收", "Collection through family or third parties"},
	"rule.missed-installment":  {"分期未按期足额还款", "Installment not covered by its due date"},
	"rule.prohibited-conduct":  {"催收言行违规", "Prohibited collection conduct"},

	// What the words of a prohibited-conduct finding do (classify.Kind*).
	"conduct.family-employer": {"威胁联系家人或工作单位", "threatens to contact family or the employer"},
	"conduct.contact-list":    {"威胁联系通讯录或公开债务信息", "threatens to tell the contact list or make the debt public"},
	"conduct.visit":           {"威胁上门", "threatens a visit"},
	"conduct.criminal":        {"以拘留、坐牢等刑事责任相威胁", "threatens arrest or criminal liability"},
	"conduct.impersonation":   {"冒用法院、公安或律师名义", "speaks as a court, the police or a lawyer"},
	"conduct.insult":          {"侮辱、谩骂", "insults"},
	"conduct.borrow":          {"诱导以贷还贷", "pushes borrowing elsewhere to pay"},

	// Message classes (classify.Collection, Notice, Other).
	"class.collection": {"催收", "collection"},
	"class.notice":     {"服务通知", "service notice"},
	"class.other":      {"其他", "other"},

	// The case.yaml fields a letter needs (the pdf command names the missing ones).
	"field.complainant.name": {"投诉人姓名", "the complainant's name"},
	"field.respondent.name":  {"被投诉人", "the respondent"},
	"field.demands":          {"请求事项", "the demands"},

	// Why a message has its class, when no words decided (vocab.ClassReason).
	"classreason.outgoing": {"本人发出", "sent by the holder"},
	"classreason.system":   {"应用系统消息", "written by the app"},
	"classreason.user":     {"用户标注", "set by the user"},
	"classreason.notext":   {"无文字", "no text"},
	"classreason.role":     {"发送方：", "from: "},
	"classreason.norole":   {"发送方未登记角色", "sender has no role"},

	// Finding categories.
	"category.breach":       {"违规事实", "Rule breaches"},
	"category.inconsistent": {"与协议不一致的情况", "Inconsistent with the agreement"},
	"category.performance":  {"协议履行情况", "Performance of the agreement"},

	// Installment statuses (findings.Status*).
	"installment.paid-on-time": {"按期还清", "paid on time"},
	"installment.paid-late":    {"逾期还清", "paid late"},
	"installment.partly-paid":  {"部分还款", "partly paid"},
	"installment.unpaid":       {"未还款", "unpaid"},
	"installment.not-yet-due":  {"未到期", "not yet due"},

	// Event channels (event.Channel).
	"channel.call":       {"电话", "call"},
	"channel.sms":        {"短信", "SMS"},
	"channel.mms":        {"彩信", "MMS"},
	"channel.chat":       {"聊天", "chat"},
	"channel.email":      {"邮件", "e-mail"},
	"channel.recording":  {"录音", "recording"},
	"channel.screenshot": {"截图", "screenshot"},
	"channel.payment":    {"支付", "payment"},
	"channel.agreement":  {"协议", "agreement"},
	"channel.note":       {"备注", "note"},

	// Directions, seen from the holder of the evidence.
	"direction.in":       {"收到", "in"},
	"direction.out":      {"发出", "out"},
	"direction.call.in":  {"呼入", "in"},
	"direction.call.out": {"呼出", "out"},

	// Call and message statuses (event.Status*).
	"status.answered":            {"已接", "answered"},
	"status.missed":              {"未接", "missed"},
	"status.rejected":            {"拒接", "rejected"},
	"status.blocked":             {"拦截", "blocked"},
	"status.voicemail":           {"语音信箱", "voicemail"},
	"status.answered-externally": {"他处接听", "answered elsewhere"},
	"status.outgoing":            {"已拨", "dialled"},
	"status.received":            {"已收", "received"},
	"status.sent":                {"已发", "sent"},
	"status.draft":               {"草稿", "draft"},
	"status.outbox":              {"待发", "outbox"},
	"status.failed":              {"发送失败", "failed"},
	"status.queued":              {"排队", "queued"},

	// Counterpart roles (case.yaml contacts).
	"role.creditor":  {"债权方", "creditor"},
	"role.collector": {"催收方", "collector"},
	"role.self":      {"本人", "self"},
	"role.family":    {"家属", "family"},
	"role.other":     {"其他", "other"},

	// Holder roles (add --holder-role).
	"holder.family":      {"家属", "family"},
	"holder.third-party": {"第三方", "third party"},
	"holder.self":        {"投诉人本人设备", "the complainant's own device"},

	// Where a time came from (event.TimeFrom*).
	"timesource.content":   {"文件内容", "file content"},
	"timesource.metadata":  {"文件元数据", "embedded metadata"},
	"timesource.file-name": {"文件名", "file name"},
	"timesource.mod-time":  {"文件修改时间", "file modification time"},
	"timesource.user":      {"用户填写", "given by the user"},
	"timesource.message":   {"所属消息的时间", "time of its message"},
	"timesource.ocr":       {"截图识别", "read from a screenshot"},

	// Events read by OCR from a screenshot, as the packet's timeline marks them.
	"ocr.mark":   {"（截图识别，置信度%.2f）", " (read from a screenshot, confidence %.2f)"},
	"ocr.repeat": {"（截图中该行显示%d次）", " (the screenshot's row shows %d calls)"},

	// Custody-log actions.
	"custody.init":      {"创建案卷", "case created"},
	"custody.add":       {"添加证据", "evidence added"},
	"custody.duplicate": {"重复提交", "duplicate presented"},
	"custody.edit":      {"修改说明", "description changed"},
	"custody.ocr":       {"文字识别", "text recognised"},
	"custody.timestamp": {"时间戳", "timestamp"},

	// Evidence kinds (parse.Kind*).
	"kind.screenshot": {"截图", "screenshot"},
	"kind.photo":      {"照片", "photo"},
	"kind.call-log":   {"通话记录", "call log"},
	"kind.sms":        {"短信", "SMS"},
	"kind.chat":       {"聊天记录", "chat"},
	"kind.recording":  {"通话录音", "recording"},
	"kind.transcript": {"录音文字稿", "transcript"},
	"kind.email":      {"电子邮件", "e-mail"},
	"kind.bill":       {"账单", "bill"},
	"kind.agreement":  {"还款协议", "agreement"},
	"kind.attachment": {"附件", "attachment"},
	"kind.document":   {"文件", "document"},
	"kind.archive":    {"压缩包", "archive"},

	// Column headings of the command line's tables (list, events).
	"column.exhibit":     {"证据", "Exhibit"},
	"column.kind":        {"类型", "Kind"},
	"column.name":        {"文件名", "Name"},
	"column.size":        {"大小", "Size"},
	"column.time-source": {"时间（来源）", "Time (source)"},
	"column.events":      {"事件数", "Events"},
	"column.sha256":      {"SHA-256", "SHA-256"},
	"column.summary":     {"内容摘要", "Summary"},
	"column.time":        {"时间", "Time"},
	"column.channel":     {"渠道", "Channel"},
	"column.direction":   {"方向", "Direction"},
	"column.status":      {"状态", "Status"},
	"column.counterpart": {"对方", "Counterpart"},
	"column.role":        {"角色", "Role"},
	"column.class":       {"分类", "Class"},
	"column.seq":         {"序号", "No."},
	"column.duration":    {"时长", "Duration"},
	"column.exhibits":    {"证据", "Exhibits"},
	"column.text":        {"内容", "Text"},

	// Fixed locators (see Locator for "line N", "row N", "part N").
	"locator.file":          {"整个文件", "file"},
	"locator.body":          {"正文", "body"},
	"locator.message":       {"整封邮件", "message"},
	"locator.document info": {"文档信息", "document info"},

	// Workbook sheets (names are also link targets: keep them short, no punctuation).
	SheetSummary:  {"汇总", "Summary"},
	SheetTimeline: {"时间线", "Timeline"},
	SheetEvidence: {"证据目录", "Evidence"},
	SheetFindings: {"核查结果", "Findings"},
	SheetSchedule: {"还款计划", "Schedule"},
	SheetContacts: {"每日联系", "Contacts per day"},

	// File types (MIME), as a document names them; mime.<major> when the exact type is not listed.
	"mime.application/pdf":             {"PDF 文档", "PDF document"},
	"mime.image/jpeg":                  {"JPEG 图片", "JPEG image"},
	"mime.image/png":                   {"PNG 图片", "PNG image"},
	"mime.image/webp":                  {"WebP 图片", "WebP image"},
	"mime.image/gif":                   {"GIF 图片", "GIF image"},
	"mime.image/heic":                  {"HEIC 图片", "HEIC image"},
	"mime.text/plain":                  {"纯文本", "plain text"},
	"mime.text/xml":                    {"XML 文件", "XML file"},
	"mime.application/xml":             {"XML 文件", "XML file"},
	"mime.text/csv":                    {"CSV 表格", "CSV table"},
	"mime.message/rfc822":              {"电子邮件", "e-mail message"},
	"mime.audio/mpeg":                  {"MP3 音频", "MP3 audio"},
	"mime.audio/x-m4a":                 {"M4A 音频", "M4A audio"},
	"mime.audio/mp4":                   {"M4A 音频", "M4A audio"},
	"mime.audio/amr":                   {"AMR 音频", "AMR audio"},
	"mime.application/zip":             {"ZIP 压缩包", "ZIP archive"},
	"mime.application/x-7z-compressed": {"7z 压缩包", "7z archive"},
	"mime.application/vnd.rar":         {"RAR 压缩包", "RAR archive"},
	"mime.text/html":                   {"HTML 网页", "HTML page"},
	"mime.application/json":            {"JSON 文件", "JSON file"},
	"mime.application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"Excel 表格", "Excel workbook"},
	"mime.image":       {"图片", "image"},
	"mime.audio":       {"音频", "audio"},
	"mime.video":       {"视频", "video"},
	"mime.text":        {"文本", "text"},
	"mime.application": {"文件", "file"},

	// The packet's signature, as the cover and verify name it.
	"signature.title":       {"电子签章", "Electronic signature"},
	"signature.time":        {"签署时间：", "Signed at: "},
	"signature.fingerprint": {"签名证书指纹（SHA-256）", "Signing certificate fingerprint (SHA-256)"},
}

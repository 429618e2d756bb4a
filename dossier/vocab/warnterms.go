package vocab

// warnTerms words every warning code (Warning.Code) as fmt formats over its arguments, all
// strings; the cause, when a warning has one, is the last. Quoted values are the file's own
// text. Package tests render every code in both languages with the same arguments.
var warnTerms = map[string][2]string{
	// Kept warnings of one kind beyond the first few: the count, then the first of them.
	CodeMore: {"另有 %s 条同类警告（%s）", "and %s more like this (%s)"},

	// Causes worded from the standard library's errors.
	"unexpected-eof":    {"文件意外结束", "unexpected end of file"},
	"xml-eof":           {"XML 在第 %s 行意外结束", "the XML ends unexpectedly at line %s"},
	"xml-syntax":        {"第 %s 行 XML 语法错误（%s）", "XML syntax error at line %s (%s)"},
	"permission-denied": {"没有读取权限", "permission denied"},
	"not-found":         {"文件不存在", "no such file"},

	// Times a file claims that cannot be when it was made (parse.Input.Implausible).
	"time-too-early": {"%s 早于 %s 年，不可能是文件的形成时间", "%s is before %s and cannot be when it was made"},
	"time-too-late":  {"%s 晚于加入案卷的次日，不可能是文件的形成时间", "%s is later than the day after it was added to the case"},

	// A cause said on its own, at a place.
	"error": {"%s", "%s"},

	// Adding files (package ingest).
	"sidecar-ignored":       {"说明文件（.meta.yaml）未采用：%s", "sidecar ignored: %s"},
	"transcript-not-stored": {"录音文字稿 %s 未能保存：%s", "transcript %s not stored: %s"},
	"extension-mismatch":    {"文件内容是 %s（%s），文件名的扩展名却是 %s", "content is %s (%s) but the name says %s"},
	"no-parsers":            {"未配置任何解析器，按普通文件保存", "no parsers configured; kept as a document"},
	"no-parser":             {"没有能识别此文件的解析器，按普通文件保存", "no parser recognises this file; kept as a document"},
	"not-readable-as":       {"无法按 %s 格式读取（%s），按普通文件保存", "not readable as %s (%s); kept as a document"},
	"no-result":             {"没有读出结果", "no result"},
	"reader-failed":         {"%s 解析器读取此文件时出错（%s）", "the %s reader failed on this file (%s)"},
	"event-untimed":         {"第 %s 个事件没有时间，未列入时间线", "event %s has no time; left out of the timeline"},
	"reopen-failed":         {"用密码再次打开时出错：%s", "opened again with the password: %s"},

	// Times.
	"time-not-used":    {"%s，未采用", "%s; not used"},
	"time-next-source": {"%s，改用下一个时间来源", "%s; the next source is used"},
	"unreadable-value": {"无法识别的值 “%s”", "unreadable value %q"},

	// Truncated or damaged containers (images, recordings).
	"claims-bytes-truncated": {"声明 %s 字节，但文件只有 %s 字节：文件不完整", "claims %s bytes but the file has %s: truncated"},
	"claims-end-truncated":   {"声明结束于 %s，但文件只有 %s 字节：文件不完整", "claims to end at %s but the file has %s bytes: truncated"},
	"needs-bytes-truncated":  {"需要 %s 字节，只剩 %s 字节：文件不完整", "needs %s bytes, %s remain: truncated"},
	"box-header-unreadable":  {"偏移 %s 处的数据盒头无法读取：%s", "box header at offset %s: %s"},
	"box-size64-unreadable":  {"偏移 %s 处的 64 位数据盒长度无法读取：%s", "64-bit box size at offset %s: %s"},
	"box-size-impossible":    {"偏移 %s 处的数据盒长度 %s 不可能成立", "box at offset %s: size %s is impossible"},
	"box-size-small":         {"偏移 %[2]s 处的数据盒 %[1]s 长度 %[3]s 小于其头部", "box %s at offset %s: size %s is smaller than its header"},

	// Images (package image).
	"png-no-iend":            {"文件在 IEND 数据块之前结束：文件不完整", "file ends before the IEND chunk: truncated"},
	"png-too-many-chunks":    {"数据块超过 %s 个，未检查文件结尾", "more than %s chunks; end not checked"},
	"jpeg-no-eoi":            {"没有图像结束标记：文件不完整", "no end-of-image marker: truncated"},
	"image-no-time":          {"没有时间：无 EXIF 日期，文件名不符合已知命名规则，也没有修改时间", "no time: no EXIF date, no known naming convention and no modification time"},
	"metadata-reader-failed": {"元数据读取失败：%s", "metadata reader failed: %s"},
	"library-note":           {"读取库提示（原文）：%s", "%s"},

	// Recordings (package recording).
	"amr-multichannel":                {"多声道 AMR 不予读取，时长未知", "multichannel AMR is not read; length unknown"},
	"bad-frame-header-byte":           {"帧头 %s 有误，停止计数", "bad frame header %s; stopped counting"},
	"frame-truncated":                 {"文件不完整：需要 %s 字节，只剩 %s 字节", "truncated: needs %s bytes, %s remain"},
	"garbage-before-frame":            {"第一帧之前有 %s 字节无效数据", "%s bytes of garbage before the first frame"},
	"lost-sync-trailing":              {"失去帧同步，末尾 %s 字节未读取", "lost sync; %s trailing bytes not read"},
	"lost-sync-skipped":               {"失去帧同步，跳过 %s 字节", "lost sync; skipped %s bytes"},
	"truncated-header":                {"帧头不完整", "truncated header"},
	"bad-frame-header":                {"帧头有误，停止计数", "bad frame header; stopped counting"},
	"reserved-frequency-index":        {"采样率索引 %s 为保留值", "reserved sampling frequency index %s"},
	"frame-shorter-than-header":       {"帧长度 %s 小于帧头长度", "frame length %s is shorter than its header"},
	"sample-rate-changes":             {"采样率由 %s 变为 %s，停止计数", "sample rate changes from %s to %s; stopped counting"},
	"too-many-boxes":                  {"数据盒超过 %s 个，其余未读取", "more than %s boxes; the rest were not read"},
	"box-claims-truncated":            {"数据盒声明 %s 字节，但只剩 %s 字节：文件不完整", "box claims %s bytes but only %s remain: file truncated"},
	"no-moov":                         {"没有 moov 数据盒：录音未正常结束，时长未知", "no moov box: the recording was not finalised, its length is unknown"},
	"no-mvhd":                         {"没有 mvhd 数据盒", "no mvhd box"},
	"sample-description":              {"样本描述：%s", "sample description: %s"},
	"length-not-recorded":             {"时长未知：%s 容器不记录时长", "length unknown: the %s container does not record it"},
	"recording-no-time":               {"没有时间：文件名不符合已知录音命名规则，也没有修改时间", "no time: the file name follows no known recorder convention and has no modification time"},
	"claims-remain-truncated":         {"声明 %s 字节，但只剩 %s 字节：文件不完整", "claims %s bytes but only %s remain: file truncated"},
	"no-fmt-chunk":                    {"没有 fmt 数据块", "no fmt chunk"},
	"zero-byte-rate":                  {"fmt 数据块的字节率为零", "fmt chunk gives a byte rate of zero"},
	"no-data-chunk":                   {"没有 data 数据块", "no data chunk"},
	"no-streaminfo":                   {"第一个元数据块不是 STREAMINFO", "first metadata block is not STREAMINFO"},
	"no-total-samples":                {"未记录总样本数", "total samples not recorded"},
	"unknown-codec":                   {"未知编码，时长未知", "unknown codec; length unknown"},
	"zero-sample-rate":                {"采样率为零，时长未知", "sample rate is zero; length unknown"},
	"no-final-page":                   {"最后 64 KiB 中没有结束页，时长未知", "no final page in the last 64 KiB; length unknown"},
	"no-mdat-stated":                  {"没有 mdat 数据盒：文件中没有音频，虽然文件头写明时长 %s，该时长不予采信", "no mdat box: the file holds no audio, although its header gives a length of %s; the length is not believed"},
	"no-mdat":                         {"没有 mdat 数据盒：文件中没有音频", "no mdat box: the file holds no audio"},
	"length-from-header":              {"%s；时长采用文件头所写", "%s; the length is the header's"},
	"sample-table-length-from-header": {"样本表：%s；时长采用文件头所写", "sample table: %s; the length is the header's"},
	"audio-shorter-truncated":         {"文件头写明时长 %[2]s，实际音频只有 %[1]s：文件不完整；采用 %[3]s", "the audio present lasts %s of the %s the header states: file truncated; %s is used"},
	"header-length-differs":           {"文件头写明时长 %s，实际音频为 %s；采用 %s", "the header states a length of %s but the audio lasts %s; %s is used"},

	// E-mail (package eml).
	"no-from":                     {"没有发件人地址", "no From address"},
	"header-too-large":            {"邮件头超过 %s KiB，其余部分忽略", "header block larger than %s KiB; the rest is ignored"},
	"continuation-without-header": {"续行之前没有邮件头字段，已跳过", "continuation line without a header; skipped"},
	"not-header-line":             {"不是邮件头行，已跳过", "not a header line; skipped"},
	"damaged-content":             {"第 %s 字节之后内容损坏：%s", "damaged content after %s bytes: %s"},
	"multipart-no-boundary":       {"多部分内容没有分隔符，已跳过", "multipart without a boundary; skipped"},
	"multipart-too-deep":          {"多部分内容嵌套超过 %s 层，已跳过", "multipart nested deeper than %s levels; skipped"},
	"header-control-chars":        {"其头部含控制字符（文件名中的 NUL 或 ESC），已替换为 U+FFFD", "control characters in its header (a NUL or ESC in a file name) replaced by U+FFFD"},
	"no-closing-boundary":         {"邮件在结束分隔符之前结束", "the message ends before the closing boundary"},
	"too-many-parts":              {"超过 %s 个部分，其余忽略", "more than %s parts; the rest is ignored"},
	"unreadable-content-type":     {"无法识别的 Content-Type “%s”（%s），按纯文本读取", "unreadable Content-Type %q: %s; read as text/plain"},
	"unknown-transfer-encoding":   {"未知的 Content-Transfer-Encoding “%s”，按原样保留", "unknown Content-Transfer-Encoding %q; kept as is"},
	"reading-text":                {"读取正文时出错：%s", "reading text: %s"},
	"attachment-unreadable":       {"附件 “%s”：%s", "attachment %q: %s"},
	"attachment-not-stored":       {"附件 “%s” 未能保存：%s", "attachment %q not stored: %s"},
	"text-too-long":               {"正文超过 %s KiB，已截断", "text longer than %s KiB; truncated"},
	"date-missing":                {"缺少日期", "missing"},
	"unreadable-date":             {"无法识别的日期 “%s”", "unreadable %q"},
	"time-from-received":          {"时间取自最早的 Received 邮件头", "time taken from the earliest Received header"},
	"time-from-carrier":           {"时间取自携带此邮件的上一层邮件", "time taken from the message that carried this one"},
	"time-from-modtime":           {"时间取自文件修改时间", "time taken from the file's modification time"},
	"unreadable-address":          {"无法识别的地址 “%s”：%s", "unreadable address %q: %s"},
	"encoded-words-kept":          {"编码字按原样保留：%s", "encoded words kept as written: %s"},
	"charset-not-decoding":        {"声明的字符集 “%s” 无法解码正文，已按 GB18030 读取", "declared charset %q does not decode the text; read as GB18030, which does"},
	"charset-invalid":             {"正文不是有效的 %s，无法解码的字节显示为 �", "text is not valid %s; undecodable bytes shown as �"},
	"charset-is-utf8":             {"声明的字符集为 “%s”，但正文是 UTF-8，已按 UTF-8 读取", "declared charset %q, but the text is UTF-8; read as UTF-8"},
	"charset-read-gb18030":        {"%s；已按可以解码的 GB18030 读取", "%s; read as GB18030, which decodes the text"},
	"charset-read-utf8":           {"%s；已按 UTF-8 读取", "%s; read as UTF-8"},
	"unknown-charset":             {"未知字符集 “%s”", "unknown charset %q"},

	// SMS Backup & Restore (package smsbackup).
	"mms-too-many-parts":      {"<mms> 超过 %s 个部分，其余忽略", "<mms> has more than %s parts; the rest are ignored"},
	"mms-part-no-data":        {"彩信部分 “%s”（%s）没有数据", "MMS part %q (%s) has no data"},
	"mms-part-unreadable":     {"彩信部分 “%s”：%s", "MMS part %q: %s"},
	"mms-part-not-stored":     {"彩信部分 “%s” 未能保存：%s", "MMS part %q not stored: %s"},
	"element-bad-date":        {"<%s> 已跳过：日期 “%s” 无法使用", "<%s> skipped: unusable date %q"},
	"element-bad-attr":        {"<%s> 已跳过：%s “%s” 无法使用", "<%s> skipped: unusable %s %q"},
	"element-unknown-attr":    {"<%s> 的 %s 为未知值 %s，保留但不标方向", "<%s> has unknown %s %s, kept without direction"},
	"element-bad-type":        {"<%s> 已跳过：类型 “%s” 无法使用", "<%s> skipped: unusable type %q"},
	"element-unknown-type":    {"<%s> 的类型为未知值 %s，保留但不标方向", "<%s> has unknown type %s, kept without direction"},
	"element-bad-duration":    {"<%s> 的时长 “%s” 无法使用，保留但不记时长", "<%s> has unusable duration %q, kept without it"},
	"mms-data-not-lifted":     {"data 属性未从数据流中取出", "data attribute was not lifted out of the stream"},
	"mms-bad-data-ref":        {"数据引用 “%s” 格式有误", "malformed data reference %q"},
	"attribute-cut":           {"属性 %s 的值在 %s 字节处截断", "value of attribute %s cut at %s bytes"},
	"markup-cut":              {"标记在 %s 字节处截断", "markup cut at %s bytes"},
	"not-utf8-replaced":       {"非 UTF-8 字节（单个原始字节或 CESU-8）已替换为 U+FFFD", "bytes that are not UTF-8 (a raw byte or CESU-8) replaced by U+FFFD"},
	"end-tag-too-long":        {"结束标签超过 %s 字节", "end tag longer than %s bytes"},
	"element-name-too-long":   {"元素名超过 %s 字节", "element name longer than %s bytes"},
	"start-tag-too-large":     {"开始标签 <%s> 超过 %s 字节", "start tag <%s> larger than %s bytes"},
	"attribute-name-too-long": {"属性名超过 %s 字节", "attribute name longer than %s bytes"},
	"export-truncated":        {"文件意外结束，备份不完整", "unexpected EOF, export is truncated"},
	"stopped-reading":         {"停止读取：%s", "stopped reading: %s"},
	"xml-syntax-message":      {"XML 语法错误（%s）", "%s"},
	"more-values-repaired":    {"另有 %s 处值被截断或修复", "%s more values cut or repaired"},
	"undefined-elements":      {"忽略了格式未定义的元素：%s", "ignored elements the format does not define: %s"},
	"count-mismatch":          {"<%s count=\"%s\">，但读到 %s 个元素", "<%s count=\"%s\"> but %s elements were read"},

	// Text message and chat exports (packages vmessage, wechatchat, calllogcsv).
	"vmsg-no-end-before-begin": {"下一个 BEGIN:VMSG 之前没有 END:VMSG，按已读内容保留", "block has no END:VMSG before the next BEGIN:VMSG; kept as read"},
	"vmsg-truncated":           {"文件在此条信息中结束（没有 END:VMSG）：文件不完整，按已读内容保留", "the file ends inside this message (no END:VMSG): truncated; kept as read"},
	"line-too-long":            {"此行超过 %s 字节，已跳过", "line longer than %s bytes; skipped"},
	"too-many-messages":        {"超过 %s 条信息，其余未读取", "more than %s messages; the rest were not read"},
	"message-bad-date":         {"信息已跳过：无法识别的日期 “%s”", "message skipped: unreadable date %q"},
	"message-too-long":         {"信息超过 %s 字节，内容已截断", "message longer than %s bytes; text cut"},
	"vmsg-box-no-direction":    {"信箱 “%s” 不表明收发方向，保留但不标方向", "message box %q says nothing of its direction; kept without one"},
	"too-many-messages-file":   {"超过 %s 条信息，文件其余部分未读取", "more than %s messages; the rest of the file was not read"},
	"row-cell-count":           {"此行有 %s 个单元格，表头有 %s 个，已跳过", "row has %s cells, the header has %s; skipped"},
	"wechat-bad-time":          {"无法识别的时间（CreateTime “%s”，StrTime “%s”），已跳过", "unreadable time (CreateTime %q, StrTime %q); skipped"},
	"wechat-bad-type":          {"无法识别的信息类型 “%s”，按其他类型保留", "unreadable message type %q; kept as other"},
	"wechat-bad-sender":        {"无法识别的 IsSender “%s”，收发方向未知", "unreadable IsSender %q; direction unknown"},
	"row-bad-time":             {"无法识别的时间 “%s”，已跳过", "unreadable time %q; skipped"},
	"message-bad-time":         {"无法识别的时间 “%s”，此条信息已跳过", "unreadable time %q; message skipped"},
	"too-many-calls":           {"超过 %s 条通话记录，文件其余部分未读取", "more than %s calls; the rest of the file was not read"},
	"number-scientific":        {"号码 “%s” 已被电子表格改写为科学计数法，原号码的数字已丢失", "number %q was rewritten by a spreadsheet in scientific notation; its digits are lost"},
	"call-bad-duration":        {"无法识别的时长 “%s”，保留但不记时长", "unreadable duration %q; kept without a duration"},
	"call-unknown-type":        {"未知的通话类型 “%s”，保留但方向和接听情况未知", "unknown call type %q; kept with direction and outcome unknown"},
	"chat-party-unknown":       {"无法从文件名判断对方是谁，信息的收发方向未知", "the other party could not be told from the file name; message directions are unknown"},

	// Bills (packages alipay, wechatpay, billstmt) and documents.
	"row-too-short":  {"此行有 %s 个单元格，表头有 %s 个", "row has %s cells, the header has %s"},
	"row-ragged":     {"此行有 %s 个单元格，表头有 %s 个；缺少的单元格按空白读取", "row has %s cells, the header has %s; the missing cells are read as empty"},
	"count-differs":  {"账单写明 %s 条记录，实际读到 %s 行", "the bill states %s records but %s rows were found"},
	"bad-time":       {"无法识别的时间 “%s”", "bad time %q"},
	"no-amount":      {"没有金额", "no amount"},
	"bad-amount":     {"金额 “%s” 不是有效的十进制金额", "bad amount %q: not a decimal amount"},
	"too-many-rows":  {"超过 %s 行，其余未读取", "more than %s rows; the rest is not read"},
	"row-skipped":    {"此行已跳过：%s", "row skipped: %s"},
	"file-too-large": {"文件超过 %s MiB，其余部分未读取", "file larger than %s MiB; the rest is not read"},
	"no-parser-for":  {"没有 %s 类型的解析器，按普通文件保存", "no parser for %s; kept as a document"},

	// Archives (packages container, ziparchive).
	"zip-bomb":                {"解压后超过存储大小的一千倍：疑为压缩炸弹", "inflates more than a thousand times its stored size: a zip bomb"},
	"time-budget":             {"解压用时超过 %s", "decompression took longer than %s"},
	"zip-too-many-members":    {"超过 %s 个成员，其余（从第 %s 个起）未解压", "more than %s members; the rest (from member %s on) were not extracted"},
	"symlink-not-followed":    {"符号链接，不跟随，未解压", "a symbolic link; not followed, nothing extracted"},
	"hardlink-not-followed":   {"硬链接，不跟随，未解压", "a hard link; not followed, nothing extracted"},
	"link-not-followed":       {"%s，不跟随，未解压", "%s; not followed, nothing extracted"},
	"zip-device":              {"设备或管道，不是文件，未解压", "a device or pipe, not a file; nothing extracted"},
	"zip-member-too-large":    {"声明 %s 字节，超过单个成员最多解压的 %s 字节，未解压", "declares %s bytes, more than the %s extracted from one member; not extracted"},
	"not-extracted":           {"未解压：%s", "not extracted: %s"},
	"zip-locked-member":       {"有密码保护", "password-protected"},
	"zip-strong-encryption":   {"不支持强加密（PKWARE SES）", "strong encryption (PKWARE SES) is not supported"},
	"zip-aes-no-extra":        {"方法 99（AES）缺少 0x9901 扩展字段", "method 99 (AES) without its 0x9901 extra field"},
	"zip-method-unsupported":  {"不支持压缩方法 %s", "compression method %s is not supported"},
	"zip-password-how":        {"请用 `dossier add --password 密码 %s` 提供密码，或在其旁边的 %s.meta.yaml 中写一行 `password: 密码`；密码只用于打开压缩包，不会保存", "give the password with `dossier add --password PASSWORD %s`, or put a line `password: PASSWORD` in %s.meta.yaml beside it; the password is used only to open the archive and is never stored"},
	"zip-locked":              {"%s 个成员有密码保护，未解压（%s）；%s", "%s members are password-protected and were not extracted (%s); %s"},
	"zip-wrong-password":      {"所给密码打不开 %s 个成员，未解压；%s", "the password given does not open %s members; they were not extracted; %s"},
	"zip-extract-cap":         {"已解压 %s 字节，达到单个成员或整个压缩包的解压上限，停止", "stopped after %s bytes, the most extracted from one member or one archive"},
	"zip-stopped":             {"第 %s 个起的成员未解压：%s", "the members from %s on were not extracted: %s"},
	"zip-checksum":            {"校验和不符：成员已损坏或密码错误", "checksum does not match: the member is damaged or the password is wrong"},
	"zip-name-outside":        {"名称 “%s” 指向压缩包之外，改存为 “%s”", "name %q reaches outside the archive; kept as %q"},
	"zip-cut":                 {"压缩包不完整（末尾的成员目录缺失，可能是下载未完成）；从各成员自身的头部找回了 %s 个文件：%s", "the archive is cut short (its list of members at the end is missing: a download that did not finish?); %s files were recovered from their own headers: %s"},
	"zip-cut-member":          {"此成员被文件末尾截断：已保存能读到的部分，内容不完整", "cut off by the end of the file: what could be read of it is kept, incomplete"},
	"zip-cut-no-size":         {"其大小只记在缺失的成员目录中，无法确定其结束位置；它和其后的成员未解压", "its size is only in the missing list of members, so where it ends cannot be told; it and the members after it were not extracted"},
	"zip-format":              {"不是有效的 zip 文件", "not a valid zip file"},
	"wrong-password":          {"密码错误", "wrong password"},
	"encryption-header":       {"加密头：%s", "encryption header: %s"},
	"aes-strength":            {"未知的 AES 强度 %s", "unknown AES strength %s"},
	"encrypted-too-short":     {"加密数据短于其头部", "encrypted data shorter than its header"},
	"authentication-code":     {"认证码：%s", "authentication code: %s"},
	"authentication-mismatch": {"认证码不符：数据已被改动或损坏", "authentication code does not match: the data was altered or damaged"},
	"corrupt-compressed":      {"压缩数据在偏移 %s 之前损坏", "corrupt compressed data before offset %s"},

	// PDF documents (package pdfdoc).
	"pdf-filespec-not-dict": {"文件说明不是字典对象", "a file specification is not a dictionary"},
	"pdf-encrypted":         {"已加密：无法导入页面，原件作为附件附上", "encrypted: pages cannot be imported, the original is attached"},
	"pdf-dated-by-moddate":  {"没有 CreationDate，协议日期取 ModDate", "no CreationDate; the agreement is dated by ModDate"},
	"pdf-dated-by-message":  {"没有 CreationDate 或 ModDate，协议日期取携带它的消息的时间", "no CreationDate or ModDate; the agreement is dated by the message that carried it"},
	"pdf-dated-by-modtime":  {"没有 CreationDate 或 ModDate，协议日期取文件修改时间", "no CreationDate or ModDate; the agreement is dated by the file's modification time"},
	"pdf-no-pages":          {"无法统计页数", "no pages could be counted"},
	"pdf-info-unreadable":   {"%s 的值 “%s” 无法读取：%s", "%s %q: %s"},
	"pdf-xref-scanned":      {"%s；已通过扫描文件找到对象", "%s; objects found by scanning the file"},
	"pdf-no-root":           {"没有 /Root，扫描文件查找目录对象", "no /Root; looking for the catalog by scanning the file"},
	"pdf-too-many-sections": {"超过 %s 个分段，较早的分段忽略", "more than %s sections; older ones ignored"},
	"pdf-xref-loop":         {"分段链再次回到偏移 %s，停止", "sections chain back to offset %s again; stopped"},
	"pdf-older-section":     {"较早的分段：%s", "older section: %s"},
	"pdf-xrefstm":           {"XRefStm 交叉引用流：%s", "XRefStm: %s"},
	"pdf-xref-short":        {"偏移 %s 处的数据流所含条目少于 /Index 的声明", "stream at offset %s holds fewer entries than /Index declares"},
	"pdf-object-stream":     {"对象流：%s", "object stream: %s"},
	"pdf-object-stream-bad": {"对象流：/N 或 /First 有误", "object stream: bad /N or /First"},
	"pdf-no-count":          {"没有可用的 /Count，按页面树统计页数", "no usable /Count; pages counted in the tree"},
	"pdf-pages-estimated":   {"无法读取，页数按文件中的页面对象估计", "unreadable; page count estimated from the page objects in the file"},
	"pdf-bad-startxref":     {"偏移 %s 处的 startxref 指向无效位置", "startxref at offset %s: bad offset"},
	"pdf-no-startxref":      {"没有 startxref（文件可能不完整）", "no startxref (the file may be truncated)"},

	// WeChatMsg/MemoTrace HTML exports (package wechathtml).
	"html-list-cut":           {"文件在消息列表中结束：文件被截断，之前的消息已保留", "the file ends inside the message list: it was cut short; the messages before were kept"},
	"html-not-message":        {"不是消息对象，已跳过", "not a message object; skipped"},
	"html-message-cut":        {"文件在此条消息中结束：文件被截断，之前的消息已保留", "the file ends inside this message: it was cut short; the messages before were kept"},
	"html-message-unreadable": {"无法读取的消息（%s），已跳过", "unreadable message (%s); skipped"},
	"html-no-time":            {"没有可读的时间（timestamp），已跳过", "no readable time (timestamp); skipped"},
	"html-element-too-large":  {"消息超过 %s 字节", "message longer than %s bytes"},
	"html-too-deep":           {"嵌套超过 %s 层", "nested deeper than %s levels"},

	// 7z and RAR archives (packages sevenz, rararchive).
	"archive-memory-later":       {"暂不打开：其解码器可能需要 %s MiB，而包含它的压缩包已用完允许的内存；压缩包整体保留", "not opened now: its decoder may need %s MiB and the archives that contain it already use the memory allowed; the archive is kept whole"},
	"archive-stopped-at":         {"在第 %s 个成员处停止读取：%s；此后的成员未解压", "stopped reading at member %s: %s; the members from there on were not extracted"},
	"solid-member-too-large":     {"声明 %s 字节，超过单个成员最多解压的 %s 字节（固实压缩包）；它及其后的成员未解压", "declares %s bytes, more than the %s extracted from one member, in a solid archive; it and the members after it were not extracted"},
	"names-encrypted":            {"文件名已加密，没有密码无法列出或解压其中任何内容；%s", "its file names are encrypted, so nothing inside can be listed or extracted without the password; %s"},
	"archive-wrong-password":     {"所给密码打不开它，未再解压；%s", "the password given does not open it; nothing more was extracted; %s"},
	"names-wrong-password":       {"所给密码打不开其加密的文件名，未解压任何内容；%s", "the password given does not open its encrypted file names; nothing was extracted; %s"},
	"archive-not-opened":         {"未能打开：%s；压缩包整体保留", "not opened: %s; the archive is kept whole"},
	"rar-window-too-large":       {"第 %s 个成员要求的解码窗口超过允许的 %s MiB；它及其后的成员未解压", "member %s asks for a decoding window larger than the %s MiB allowed; it and the members after it were not extracted"},
	"rar-multivolume":            {"压缩包延续到未提供的另一分卷（.part2.rar …）；第 %s 个起的成员未解压", "the archive continues in another volume (.part2.rar …) that was not given; the members from %s on were not extracted"},
	"member-cut-short":           {"成员数据提前结束：压缩包被截断", "the member's data ends early: the archive was cut short"},
	"checksum-damaged":           {"校验和不符：成员已损坏", "checksum does not match: the member is damaged"},
	"7z-header-cut":              {"文件在其头部之前结束：文件被截断（下载未完成？）", "the file ends before its header: it was cut short (a download that did not finish?)"},
	"7z-start-header-damaged":    {"起始头已损坏（校验和不符）", "the start header is damaged (checksum)"},
	"7z-header-damaged":          {"头部已损坏（校验和不符）", "the header is damaged (checksum)"},
	"7z-too-many-pack-streams":   {"声明了 %s 个打包流，超过允许的 %s 个", "declares %s pack streams, more than the %s allowed"},
	"7z-too-many-folders":        {"声明了 %s 个数据块，超过允许的 %s 个", "declares %s folders, more than the %s allowed"},
	"7z-too-many-coders":         {"一个数据块声明了 %s 个编码器，超过允许的 %s 个", "declares %s coders in one folder, more than the %s allowed"},
	"7z-too-many-coder-inputs":   {"一个编码器声明了 %s 个输入，超过允许的 %s 个", "declares %s coder inputs, more than the %s allowed"},
	"7z-too-many-coder-outputs":  {"一个编码器声明了 %s 个输出，超过允许的 %s 个", "declares %s coder outputs, more than the %s allowed"},
	"7z-props-too-long":          {"编码器属性声明为 %s 字节，超过允许的 %s 字节", "declares %s bytes of coder properties, more than the %s allowed"},
	"7z-too-many-folder-files":   {"一个数据块声明了 %s 个文件，超过允许的 %s 个", "declares %s files in one folder, more than the %s allowed"},
	"7z-too-many-files":          {"声明了 %s 个文件，超过允许的 %s 个", "declares %s files, more than the %s allowed"},
	"7z-too-many-files-total":    {"各数据块声明的文件合计超过 %s 个", "declares more than %s files in its folders"},
	"7z-header-too-large":        {"其头部声明为 %s 字节，超过允许的 %s 字节", "its header declares %s bytes, more than the %s allowed"},
	"7z-packed-header-too-large": {"其压缩的头部声明为 %s 字节，超过允许的 %s 字节", "its packed header declares %s bytes, more than the %s allowed"},
	"7z-additional-streams":      {"使用了附加的头部流，不予读取", "it uses additional header streams, which are not read"},
	"7z-external":                {"其数据块信息存放在文件的其他位置（external），不予读取", "its folders are stored elsewhere in the file (external), which is not read"},
	"7z-alternative-methods":     {"编码器带有备选方法，7z 压缩包从不这样写", "a coder with alternative methods, which 7z archives never use"},
	"7z-dictionary-too-large":    {"声明的 %s 字典为 %s 字节，超过允许的 %s 字节", "it declares an %s dictionary of %s bytes, more than the %s allowed"},
	"7z-ppmd-too-large":          {"声明的 PPMd 模型为 %s 字节，超过允许的 %s 字节", "it declares a PPMd model of %s bytes, more than the %s allowed"},
	"7z-key-rounds":              {"其加密要求 2^%s 轮密钥运算，超过允许的 2^%s 轮", "its encryption asks for 2^%s key rounds, more than the 2^%s allowed"},
	"7z-method-unbounded":        {"使用压缩方法 %s，其内存无法事先限定，不予打开（账单和截图的 7z 压缩包使用 LZMA 或 LZMA2）", "it uses compression method %s, which is not opened here because its memory cannot be bounded beforehand (7z archives of bills and screenshots use LZMA or LZMA2)"},
	"7z-header-method":           {"其头部用方法 %s 压缩，不予读取", "its header is packed with method %s, which is not read"},
	"7z-header-packing":          {"其头部的压缩方式不予读取", "its header is packed in a way that is not read"},
	"7z-header-short":            {"头部提前结束", "the header ends early"},

	// What the user says of an item (flags, sidecars, the web app).
	"bad-kind":            {"类型 “%s” 无效：请使用 %s 之一", "kind %q: use one of %s"},
	"bad-holder-role":     {"持有人角色 “%s” 无效：请使用 family 或 third-party", "holder role %q: use family or third-party"},
	"holder-role-no-name": {"持有人角色 “%s” 需要持有人姓名", "holder role %q needs a holder name"},
	"bad-user-time":       {"时间 “%s” 无法识别：请写成 2025-01-28 23:32 或 RFC 3339 格式", "time %q: write it as 2025-01-28 23:32 or RFC 3339"},
	"sidecar-not-map":     {"说明文件应是一组键值（%s: ...）", "a sidecar is a list of keys (%s: ...)"},
	"sidecar-unknown-key": {"未知的键 “%s”：请使用 %s", "unknown key %q: use %s"},
	"sidecar-key-twice":   {"%s 出现了两次（另见第 %s 行）", "%s is given twice (also line %s)"},
	"sidecar-not-text":    {"%s 必须是一段文字，不能是列表或映射", "%s must be one piece of text, not a list or a map"},
	"yaml-expected":       {"YAML 语法错误：缺少预期的 %s", "did not find expected %s"},
	"yaml-mapping-here":   {"YAML 语法错误：此处不能写“键: 值”%s（值中含冒号时请加引号）", "mapping values are not allowed in this context%s"},
	"yaml-bad-character":  {"YAML 语法错误：出现了不能作为开头的字符%s（常见原因：用制表符缩进）", "found character that cannot start any token%s"},
	"yaml-end":            {"YAML 语法错误：文件意外结束%s", "found unexpected end of stream%s"},
	"yaml-syntax":         {"YAML 语法错误（%s）", "%s"},

	// Parsers that found their format unreadable after all.
	"pdf-unreadable":          {"无法读取页面树和文档信息", "no page tree and no document information could be read"},
	"not-an-image":            {"不是 PNG、JPEG、WebP 或 HEIF 图片", "not a PNG, JPEG, WebP or HEIF image"},
	"image-header-unreadable": {"%s 文件头无法读取：%s", "%s header: %s"},
	"image-header-damaged":    {"%s 文件头已损坏", "%s header damaged"},
	"js-unexpected-slash":     {"意外的 “/”", "unexpected '/'"},
	"js-expected-colon":       {"“%s” 之后应为 “:”", "expected ':' after %q"},
	"js-expected-comma":       {"“%s” 的值之后应为 “,” 或 “}”", "expected ',' or '}' after the value of %q"},
	"js-unexpected-in-name":   {"属性名位置出现意外的 “%s”", "unexpected %q where a property name belongs"},
	"js-unexpected-in-value":  {"值的位置出现意外的 “%s”", "unexpected %q where a value belongs"},
	"js-line-break":           {"字符串中间有换行", "line break inside a string"},
	"js-bad-escape":           {"\\u 转义有误", "bad \\u escape"},

	// Reading screenshots (package ocr/reading); the cause is the engine's own words.
	"ocr-failed":         {"文字识别失败：%s", "reading failed: %s"},
	"ocr-cannot-open":    {"无法打开原件：%s", "cannot open the original: %s"},
	"ocr-not-read":       {"未能识别：%s", "not read: %s"},
	"not-wechatpay-bill": {"不是微信支付账单：没有表头行", "not a WeChat Pay bill: no header row"},
	"not-alipay-bill":    {"不是支付宝账单：没有表头行", "not an Alipay bill: no header row"},
	"not-vmessage":       {"没有 BEGIN:VMSG 信息块", "no BEGIN:VMSG block"},
	"not-wechat-csv":     {"开头几行中没有微信消息表头（Type、IsSender、CreateTime 或 StrTime、StrContent）", "no WeChat message header (Type, IsSender, CreateTime or StrTime, StrContent) in the first lines"},
	"not-wechat-txt":     {"开头几行中没有微信消息行（YYYY-MM-DD HH:MM:SS 名称）", "no WeChat message line (YYYY-MM-DD HH:MM:SS name) in the first lines"},
	"not-email":          {"不是电子邮件：没有 From、Date 或 Subject 邮件头", "not an e-mail: no From, Date or Subject header"},
	"not-rar":            {"没有 RAR 文件签名", "no RAR signature"},
	"sms-no-root":        {"第 %s 行：没有 <%s> 根元素：%s", "line %s: no <%s> root element: %s"},
	"sms-wrong-root":     {"第 %s 行：根元素是 <%s>，不是 <%s>", "line %s: root element is <%s>, not <%s>"},
	"not-audio":          {"不是支持的音频容器格式", "not a supported audio container"},
	"no-message-list":    {"页面中没有 WeChatMsg/MemoTrace 消息列表（chatMessages）", "no WeChatMsg/MemoTrace message list (chatMessages) in the page"},
}

// Words around warnings.
var warnLabels = map[string][2]string{
	WarningLabel: {"警告：", "warning: "},
	// When the OCR engine is not installed (the English names the missing file).
	"ocr.off": {"文字识别（OCR）未开启，截图保存时不含其中的文字；如需开启，请在源代码目录运行 `make ocr`（或将 %s 设为存放 PP-OCRv4 模型和 libonnxruntime 的文件夹）",
		"OCR is off, screenshots are kept without their text; to turn it on, run `make ocr` in the source folder (or set %s to a folder holding the PP-OCRv4 models and libonnxruntime)"},
}

// Places named in warnings (see Locator), beside the locator terms of terms.go.
var warnLocators = map[string][2]string{
	"locator.file name":             {"文件名", "file name"},
	"locator.header":                {"邮件头", "header"},
	"locator.EXIF":                  {"EXIF 元数据", "EXIF"},
	"locator.EXIF DateTimeOriginal": {"EXIF 拍摄时间", "EXIF DateTimeOriginal"},
	"locator.RIFF header":           {"RIFF 文件头", "RIFF header"},
	"locator.xref":                  {"交叉引用表", "xref"},
	"locator.trailer":               {"文件尾", "trailer"},
	"locator.page tree":             {"页面树", "page tree"},
	"locator.embedded files":        {"嵌入文件", "embedded files"},
}

func init() {
	add := func(key string, v [2]string) {
		if _, dup := terms[key]; dup {
			panic("vocab: " + key + " defined twice")
		}
		terms[key] = v
	}
	for k, v := range warnTerms {
		add("warn."+k, v)
	}
	for k, v := range warnLabels {
		add(k, v)
	}
	for k, v := range warnLocators {
		add(k, v)
	}
}

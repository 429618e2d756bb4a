package vocab

import (
	"fmt"
	"strings"
)

// Summary says in a few words what was read from an original ("通话记录 11 条（未接 7 条）"),
// stored, like a Warning, as a code and its arguments so that it reads in the case language
// whichever language the case had when the file was added. The words live here, under
// "summary.<code>", as fmt formats over the arguments: Args first (numbers already formatted),
// then Terms (vocabulary keys, such as "kind.agreement", worded in the language shown), then
// Parts worded one by one and joined as a list. In English a code may have a ".one" form, used
// when Args[0] is "1" ("1 call"); Chinese needs none.
type Summary struct {
	Code  string    `json:"code"`
	Args  []string  `json:"args,omitempty"`
	Terms []string  `json:"terms,omitempty"`
	Parts []Summary `json:"parts,omitempty"`
}

// In words the summary in lang. A code this build does not know (written by a newer one) shows
// as the code and its arguments.
func (s Summary) In(lang string) string {
	if s.Code == "" {
		return ""
	}
	key := "summary." + s.Code
	args := make([]any, 0, len(s.Args)+len(s.Terms)+1)
	for _, a := range s.Args {
		args = append(args, a)
	}
	for _, t := range s.Terms {
		args = append(args, Term(lang, t))
	}
	if len(s.Parts) > 0 {
		parts := make([]string, len(s.Parts))
		for i, p := range s.Parts {
			parts[i] = p.In(lang)
		}
		sep := ", "
		if Lang(lang) == ZH {
			sep = "，"
		}
		args = append(args, strings.Join(parts, sep))
	}
	if !Has(key) {
		return strings.TrimSpace(fmt.Sprintln(append([]any{s.Code}, args...)...))
	}
	if Lang(lang) == EN && len(s.Args) > 0 && s.Args[0] == "1" && Has(key+".one") {
		key += ".one"
	}
	return fmt.Sprintf(Term(lang, key), args...)
}

// String is the summary in English, the form stored beside the code for readers that predate it.
func (s Summary) String() string { return s.In(EN) }

// summaryTerms words every summary code (Summary.Code); the comment before each group names
// its arguments in order.
var summaryTerms = map[string][2]string{
	// Documents of no known format: size, type; text: lines.
	"document":          {"文档（%[2]s，%[1]s 字节）", "document (%[2]s, %[1]s bytes)"},
	"document.one":      {"", "document (%[2]s, %[1]s byte)"},
	"text-document":     {"文本文档，%s 行", "text document, %s lines"},
	"text-document.one": {"", "text document, %s line"},

	// Images: width, height, format; with the time it carries, and where that came from.
	"image":       {"图片 %s×%s %s", "%s×%s %s"},
	"image-timed": {"图片 %s×%s %s，%s（%s）", "%s×%s %s, %s (%s)"},

	// Recordings: length, counterpart.
	"recording":             {"通话录音", "call recording"},
	"recording-length":      {"通话录音 %s", "call recording %s"},
	"recording-with":        {"通话录音，对方 %s", "call recording with %s"},
	"recording-length-with": {"通话录音 %s，对方 %s", "call recording %s with %s"},

	// Messages and calls: counts.
	"messages":         {"聊天消息 %s 条", "%s messages"},
	"messages.one":     {"", "%s message"},
	"sms":              {"短信 %s 条", "%s SMS"},
	"sms-mms":          {"短信 %[2]s 条，彩信 %[3]s 条（附件 %[1]s 个）", "%[2]s SMS, %[3]s MMS (%[1]s attachments)"},
	"sms-mms.one":      {"", "%[2]s SMS, %[3]s MMS (%[1]s attachment)"},
	"calls":            {"通话记录 %s 条", "%s calls"},
	"calls.one":        {"", "%s call"},
	"calls-detail":     {"通话记录 %s 条（%s）", "%s calls (%s)"},
	"calls-detail.one": {"", "%s call (%s)"},
	"calls-missed":     {"未接 %s 条", "%s missed"},
	"calls-rejected":   {"拒接 %s 条", "%s rejected"},
	"calls-blocked":    {"已拦截 %s 条", "%s blocked"},
	"calls-voicemail":  {"语音信箱 %s 条", "%s voicemail"},

	// E-mail: attachments, subject.
	"email":                         {"电子邮件", "e-mail"},
	"email-subject":                 {"电子邮件“%s”", "e-mail “%s”"},
	"email-attachments":             {"电子邮件，附件 %s 个", "e-mail, %s attachments"},
	"email-attachments.one":         {"", "e-mail, %s attachment"},
	"email-subject-attachments":     {"电子邮件“%[2]s”，附件 %[1]s 个", "e-mail “%[2]s”, %[1]s attachments"},
	"email-subject-attachments.one": {"", "e-mail “%[2]s”, %[1]s attachment"},

	// PDF: pages; the kind the user gave (kind.*), when not a plain document.
	"pdf":                        {"PDF 文件，%s 页", "PDF, %s pages"},
	"pdf.one":                    {"", "PDF, %s page"},
	"pdf-kind":                   {"PDF 文件（%[2]s），%[1]s 页", "%[2]s PDF, %[1]s pages"},
	"pdf-kind.one":               {"", "%[2]s PDF, %[1]s page"},
	"pdf-encrypted":              {"加密 PDF 文件，%s 页", "encrypted PDF, %s pages"},
	"pdf-encrypted.one":          {"", "encrypted PDF, %s page"},
	"pdf-encrypted-kind":         {"加密 PDF 文件（%[2]s），%[1]s 页", "encrypted %[2]s PDF, %[1]s pages"},
	"pdf-encrypted-kind.one":     {"", "encrypted %[2]s PDF, %[1]s page"},
	"pdf-unknown":                {"PDF 文件，页数未知", "PDF, pages unknown"},
	"pdf-kind-unknown":           {"PDF 文件（%s），页数未知", "%s PDF, pages unknown"},
	"pdf-encrypted-unknown":      {"加密 PDF 文件，页数未知", "encrypted PDF, pages unknown"},
	"pdf-encrypted-kind-unknown": {"加密 PDF 文件（%s），页数未知", "encrypted %s PDF, pages unknown"},

	// Archives: members, format; members extracted.
	"archive":          {"%[2]s 压缩包，%[1]s 个文件", "%[2]s archive, %[1]s files"},
	"archive.one":      {"", "%[2]s archive, %[1]s file"},
	"archive-part":     {"%[2]s 压缩包，%[1]s 个文件，已解压 %[3]s 个", "%[2]s archive, %[1]s files, %[3]s extracted"},
	"archive-part.one": {"", "%[2]s archive, %[1]s file, %[3]s extracted"},

	// Bills: layout or format, then the parts below.
	"alipay-bill":         {"支付宝账单（%s版）：%s", "Alipay bill (%s layout): %s"},
	"wechatpay-bill":      {"微信支付账单（%s）：%s", "WeChat Pay bill (%s): %s"},
	"bill-rows":           {"%s 行", "%s rows"},
	"bill-rows.one":       {"", "%s row"},
	"bill-repayments":     {"还款 %s 笔（%s）", "%s repayments (%s)"},
	"bill-repayments.one": {"", "%s repayment (%s)"},

	// A recording's transcript, kept as it is.
	"transcript": {"录音文字稿", "transcript"},
}

func init() {
	for k, v := range summaryTerms {
		if base, ok := strings.CutSuffix(k, ".one"); ok && v[0] == "" {
			summaryTerms[k] = [2]string{summaryTerms[base][0], v[1]} // Chinese has no singular
		}
	}
	define("summary.", summaryTerms)
}

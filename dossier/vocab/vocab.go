// Package vocab is the one vocabulary of user-facing terms: the words the PDF packet, the
// workbook, the command line and the web app use for the same thing. A mediator who reads
// 单日未接来电超限 in the packet must find the same words in the workbook's filter and in the
// terminal, so each term is defined here once, in both languages side by side, and every surface
// looks it up instead of spelling it.
//
// Keys are "namespace.code", where code is the value the data carries (a rule id, an event
// channel, a status, a role): Term("zh", "rule.night-contact"). The helpers (Rule, Channel, ...)
// build the key from the code. A key the table does not know comes back as the code itself, so a
// value a newer parser emits is still shown rather than blanked.
//
// Warnings are words too: a parser emits a Warning with a code and its arguments, the case
// stores the code (beside the English text older versions read), and every surface words it in
// the case language when it shows it (Warning.In). Their formats are in warnterms.go; the
// workbook's headings and words in workbook.go. What a parser read from a file ("通话记录 11 条")
// is stored the same way, as a Summary (summary.go), so a case switched to English lists its
// items in English.
//
// Adding a term: add one line to terms with both languages; the package test fails when a
// language is missing.
package vocab

import (
	"slices"
	"strings"
)

// Languages the vocabulary speaks; any other value is treated as Chinese, the default.
const (
	ZH = "zh"
	EN = "en"
)

// Lang normalises a case or option language to ZH or EN.
func Lang(lang string) string {
	if strings.EqualFold(lang, EN) {
		return EN
	}
	return ZH
}

// Term returns the word for key in lang. An unknown key returns its code (the part after the
// first dot), or the key itself when it has none.
func Term(lang, key string) string {
	if t, ok := terms[key]; ok {
		if Lang(lang) == EN {
			return t[1]
		}
		return t[0]
	}
	if _, code, ok := strings.Cut(key, "."); ok {
		return code
	}
	return key
}

// define adds the terms of one table under prefix; a key defined twice is a programming error
// that must not silently pick one of the two wordings.
func define(prefix string, table map[string][2]string) {
	for k, v := range table {
		if _, dup := terms[prefix+k]; dup {
			panic("vocab: " + prefix + k + " defined twice")
		}
		terms[prefix+k] = v
	}
}

// Has reports whether key is defined.
func Has(key string) bool {
	_, ok := terms[key]
	return ok
}

// Keys returns every defined key with the given prefix (such as "rule."), for completions and
// for tests that walk a namespace.
func Keys(prefix string) []string {
	var out []string
	for k := range terms {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// The namespaces, one helper each so callers pass the code they hold.

// Rule names a finding rule (findings.Rule* ids).
func Rule(lang, id string) string { return Term(lang, "rule."+id) }

// Category names a finding category (breach, inconsistent, performance).
func Category(lang, c string) string { return Term(lang, "category."+c) }

// Installment names an installment status (findings.Status* values).
func Installment(lang, status string) string { return Term(lang, "installment."+status) }

// Channel names an event channel.
func Channel[S ~string](lang string, ch S) string { return Term(lang, "channel."+string(ch)) }

// Direction names an event direction; calls read 呼入/呼出, everything else 收到/发出.
func Direction[S ~string](lang string, dir S, call bool) string {
	if dir == "" {
		return ""
	}
	if call {
		return Term(lang, "direction.call."+string(dir))
	}
	return Term(lang, "direction."+string(dir))
}

// Status names a call or message status (event.Status* values).
func Status(lang, status string) string {
	if status == "" {
		return ""
	}
	return Term(lang, "status."+status)
}

// Role names a counterpart's role (creditor, collector, self, family, other).
func Role(lang, role string) string {
	if role == "" {
		return ""
	}
	return Term(lang, "role."+role)
}

// Holder names the role of the person whose device held the evidence (family, third-party).
func Holder(lang, role string) string {
	if role == "" {
		return ""
	}
	return Term(lang, "holder."+role)
}

// TimeSource names where a time came from (event.TimeFrom* values).
func TimeSource(lang, src string) string {
	if src == "" {
		return ""
	}
	return Term(lang, "timesource."+src)
}

// Custody names a custody-log action.
func Custody(lang, action string) string { return Term(lang, "custody."+action) }

// Kind names an evidence kind (parse.Kind* values).
func Kind(lang, kind string) string {
	if kind == "" {
		return ""
	}
	return Term(lang, "kind."+kind)
}

// MIME names a file type: the exact type when listed, else its major type ("图片"), else the
// type as it is.
func MIME(lang, mime string) string {
	mime = strings.ToLower(strings.TrimSpace(strings.SplitN(mime, ";", 2)[0]))
	if mime == "" {
		return ""
	}
	if Has("mime." + mime) {
		return Term(lang, "mime."+mime)
	}
	if major, _, ok := strings.Cut(mime, "/"); ok && Has("mime."+major) {
		return Term(lang, "mime."+major)
	}
	return mime
}

// Party labels and other single terms, as keys.
const (
	Complainant = "party.complainant"
	Respondent  = "party.respondent"
	Agreement   = "party.agreement"
)

// Sheet and section names.
const (
	SheetSummary  = "sheet.summary"
	SheetTimeline = "sheet.timeline"
	SheetEvidence = "sheet.evidence"
	SheetFindings = "sheet.findings"
	SheetSchedule = "sheet.schedule"
	SheetContacts = "sheet.contacts"
)

// Locator says where in its file an event or a warning was read, in the words of lang. Parsers
// record it in a small fixed language ("line 44", "row 17", "part 2.1", "body", "header Date",
// "frame 3 at offset 1200", "member 2 \"a.csv\""); anything else is shown as written.
func Locator(lang, loc string) string {
	if Lang(lang) == EN || loc == "" {
		return loc
	}
	if t, ok := terms["locator."+loc]; ok {
		return t[0]
	}
	if head, rest, ok := strings.Cut(loc, ", "); ok {
		return Locator(lang, head) + Locator(lang, rest)
	}
	if head, off, ok := strings.Cut(loc, " at offset "); ok && number(off) {
		return Locator(lang, head) + "（偏移 " + off + "）"
	}
	word, rest, ok := strings.Cut(loc, " ")
	if !ok || rest == "" {
		return loc
	}
	one := !strings.ContainsAny(rest, " \t")
	switch {
	case (word == "line" || word == "row") && one:
		return "第" + rest + "行"
	case word == "part" && one:
		return "第" + rest + "部分"
	case word == "offset" && number(rest):
		return "偏移 " + rest + " 处"
	case word == "object" && number(rest):
		return "对象 " + rest
	case word == "frame" && number(rest):
		return "第" + rest + "帧"
	case word == "message" && number(rest):
		return "第" + rest + "条消息"
	case word == "page" && number(rest):
		return "第" + rest + "页"
	case word == "header":
		if n, ok := strings.CutPrefix(rest, "line "); ok && number(n) {
			return "邮件头第" + n + "行"
		}
		return "邮件头 " + rest
	case word == "member":
		if n, name, ok := strings.Cut(rest, " "); ok && number(n) {
			return "第" + n + "个成员 " + name
		}
	case word == "box":
		return "数据盒 " + rest
	case word == "chunk":
		return "数据块 " + rest
	}
	return loc
}

func number(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

package vocab

import "strings"

// ClassReason words the reason a message got its class (package classify's class_reason) for
// a reader: the matched words stay as they are; the reasons that are codes ("outgoing",
// "role collector", "no text; role collector", "user: note") are said in lang.
func ClassReason(lang, reason string) string {
	switch {
	case reason == "outgoing":
		return Term(lang, "classreason.outgoing")
	case reason == "system":
		return Term(lang, "classreason.system")
	case reason == "user":
		return Term(lang, "classreason.user")
	case strings.HasPrefix(reason, "user: "):
		return Term(lang, "classreason.user") + ListSep(lang) + strings.TrimPrefix(reason, "user: ")
	case strings.HasPrefix(reason, "no text; role "):
		return Term(lang, "classreason.notext") + ListSep(lang) + roleWord(lang, strings.TrimPrefix(reason, "no text; role "))
	case strings.HasPrefix(reason, "role "):
		return roleWord(lang, strings.TrimPrefix(reason, "role "))
	}
	return reason
}

func roleWord(lang, role string) string {
	if role == "none" {
		return Term(lang, "classreason.norole")
	}
	return Term(lang, "classreason.role") + Role(lang, role)
}

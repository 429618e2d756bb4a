package vocab

import (
	"fmt"
	"strings"
)

// Warning is a problem found while reading or adding an original, stored as a code and its
// arguments rather than as a sentence, so that a case added in one language reads in the other
// and a document in Chinese never shows an English warning.
//
// The words live here, under "warn.<code>", as fmt formats in both languages over the
// arguments (all strings, formatted when the warning was made). Cause, when set, is the reason
// underneath (a coded error, or the text of a library's error) and is passed as one more
// argument, after Args. A warning without a code carries only What: items added before warnings
// had codes, and errors nobody has worded.
type Warning struct {
	File  string   `json:"file,omitempty"`  // the file it concerns (an item's name, a sidecar)
	Where string   `json:"where,omitempty"` // the line or element, as vocab.Locator reads it
	Code  string   `json:"code,omitempty"`
	Args  []string `json:"args,omitempty"`
	Cause *Warning `json:"cause,omitempty"`
	What  string   `json:"what,omitempty"`
}

// CodeMore is the code of the warning that counts the warnings of one kind left out after the
// first few; its Cause is the first of them.
const CodeMore = "more"

// In words the whole warning in lang: file, place and message.
func (w Warning) In(lang string) string {
	msg := w.Message(lang)
	where := Locator(lang, w.Where)
	sep := ": "
	if Lang(lang) == ZH {
		sep = "："
	}
	if where != "" {
		msg = where + sep + msg
	}
	if w.File != "" {
		msg = w.File + sep + msg
	}
	return msg
}

// String is the warning in English, the form stored beside the code for readers that predate it.
func (w Warning) String() string { return w.In(EN) }

// Message words the warning in lang without its file and place.
func (w Warning) Message(lang string) string {
	if w.Code == "" {
		if w.Cause != nil && w.What == "" {
			return w.Cause.Message(lang)
		}
		return w.What
	}
	format := Term(lang, "warn."+w.Code)
	if !Has("warn." + w.Code) {
		// A code this build does not know (written by a newer one): say what is known.
		if w.What != "" {
			return w.What
		}
		format = w.Code + strings.Repeat(" %s", len(w.Args)+btoi(w.Cause != nil))
	}
	args := make([]any, 0, len(w.Args)+1)
	for _, a := range w.Args {
		args = append(args, a)
	}
	if w.Cause != nil {
		args = append(args, w.Cause.causeText(lang))
	}
	return fmt.Sprintf(format, args...)
}

// causeText is a cause as it reads inside another warning: with its place, if it has one.
func (w *Warning) causeText(lang string) string {
	c := *w
	c.File = ""
	return c.In(lang)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// WarningLabel is the word a warning line starts with on the command line: "警告：".
const WarningLabel = "label.warning"

// ListSep joins the items of a list in one cell or line.
func ListSep(lang string) string {
	if Lang(lang) == EN {
		return "; "
	}
	return "；"
}

// Warnings words a list of warnings in lang.
func Warnings(lang string, ws []Warning) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.In(lang)
	}
	return out
}

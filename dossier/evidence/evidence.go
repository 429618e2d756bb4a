// Package evidence defines an item of evidence as the case records it and as every renderer and
// verifier reads it: one original file, stored once by its SHA-256, numbered as an exhibit.
package evidence

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// Item is one original. The JSON field names are the stable `dossier list --json` shape.
type Item struct {
	Exhibit int    `json:"exhibit"`
	ID      string `json:"id"` // UUID v7
	SHA256  string `json:"sha256"`
	SM3     string `json:"sm3,omitempty"` // GB/T 32905; absent for items added before it was recorded
	Name    string `json:"name"`          // original base name, NFC
	MIME    string `json:"mime"`
	Kind    string `json:"kind"`
	Size    int64  `json:"size"`
	// Time is the time the evidence itself carries, and where it was read from.
	Time       *time.Time `json:"time,omitempty"`
	TimeSource string     `json:"time_source,omitempty"`
	Acquired   time.Time  `json:"acquired"` // when it was added to the case
	ModTime    *time.Time `json:"mod_time,omitempty"`
	// What the user said of it (flags or sidecar).
	Title      string `json:"title,omitempty"`
	Purpose    string `json:"purpose,omitempty"`
	Source     string `json:"source,omitempty"`
	Holder     string `json:"holder,omitempty"`
	HolderRole string `json:"holder_role,omitempty"`
	// What the parser found.
	Parser string `json:"parser,omitempty"`
	// Summary says what was read, in English, as every version has stored it; SummaryCode is
	// the same as a code, which every surface words in the case language. Items added before
	// summaries had codes have only Summary (see SummaryText).
	Summary     string            `json:"summary,omitempty"`
	SummaryCode *vocab.Summary    `json:"summary_code,omitempty"`
	Info        map[string]string `json:"info,omitempty"`
	Events      int               `json:"events"`
	// Warnings are the warnings in English, as every version has stored them; WarningCodes are
	// the same warnings as codes, which documents word in their own language. Items added
	// before warnings had codes have only Warnings (see WarningTexts).
	Warnings     []string        `json:"warnings,omitempty"`
	WarningCodes []vocab.Warning `json:"warning_codes,omitempty"`
	DerivedFrom  string          `json:"derived_from,omitempty"` // id of the item this was extracted from
	// EventsSHA256 is the digest of the stored events extracted from this item, so that an edit
	// of the extracted data is as detectable as an edit of the original.
	EventsSHA256 string `json:"events_sha256,omitempty"`
	// Added is the path the file was added from, as the user gave it.
	Added string `json:"added_from,omitempty"`
	// NameRaw and AddedRaw are the name and the path exactly as the file system gave them,
	// Go-quoted (strconv.Quote: bytes that are not UTF-8 as \xNN), when they are not UTF-8;
	// Name and Added then show them decoded (see textenc.FileName).
	NameRaw  string `json:"name_raw,omitempty"`
	AddedRaw string `json:"added_from_raw,omitempty"`
}

// MakeValid replaces bytes that are not UTF-8 in every text of the item with U+FFFD. JSON
// cannot carry such bytes (encoding/json writes each as \ufffd, which reads back as a different
// string), so an item must be valid before its index line is written, or the line would not
// round-trip and verify would take it for an edit.
func (it *Item) MakeValid() {
	for _, s := range []*string{&it.ID, &it.SHA256, &it.SM3, &it.Name, &it.MIME, &it.Kind, &it.TimeSource, &it.Title,
		&it.Purpose, &it.Source, &it.Holder, &it.HolderRole, &it.Parser, &it.Summary, &it.DerivedFrom,
		&it.EventsSHA256, &it.Added, &it.NameRaw, &it.AddedRaw} {
		*s = validText(*s)
	}
	for i := range it.Warnings {
		it.Warnings[i] = validText(it.Warnings[i])
	}
	for i := range it.WarningCodes {
		validWarning(&it.WarningCodes[i])
	}
	if it.SummaryCode != nil {
		validSummary(it.SummaryCode)
	}
	for k, v := range it.Info {
		if vk, vv := validText(k), validText(v); vk != k || vv != v {
			delete(it.Info, k)
			it.Info[vk] = vv
		}
	}
}

func validWarning(w *vocab.Warning) {
	for _, s := range []*string{&w.File, &w.Where, &w.Code, &w.What} {
		*s = validText(*s)
	}
	for i := range w.Args {
		w.Args[i] = validText(w.Args[i])
	}
	if w.Cause != nil {
		validWarning(w.Cause)
	}
}

func validSummary(s *vocab.Summary) {
	s.Code = validText(s.Code)
	for _, l := range [][]string{s.Args, s.Terms} {
		for i := range l {
			l[i] = validText(l[i])
		}
	}
	for i := range s.Parts {
		validSummary(&s.Parts[i])
	}
}

// SummaryText is the item's summary worded in lang: from its code, or, for an item added
// before summaries had codes, as it was stored.
func (it *Item) SummaryText(lang string) string {
	if it.SummaryCode == nil {
		return it.Summary
	}
	return it.SummaryCode.In(lang)
}

// WarningTexts are the item's warnings worded in lang: from their codes, or, for an item added
// before warnings had codes, as they were stored.
func (it *Item) WarningTexts(lang string) []string {
	if len(it.WarningCodes) == 0 {
		return it.Warnings
	}
	return vocab.Warnings(lang, it.WarningCodes)
}

func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, string(utf8.RuneError))
}

// Label is the exhibit label in the case language: "证据3" / "Exhibit 3".
func Label(lang string, exhibit int) string {
	if lang == "en" {
		return fmt.Sprintf("Exhibit %d", exhibit)
	}
	return fmt.Sprintf("证据%d", exhibit)
}

// DisplayTitle is the title the user gave, or the original name.
func (it *Item) DisplayTitle() string {
	if it.Title != "" {
		return it.Title
	}
	return it.Name
}

// Opener opens a stored original by its SHA-256.
type Opener func(sha256 string) (io.ReadCloser, error)

// Bundle is everything the renderers need of a case, already read and checked.
type Bundle struct {
	Case    *caseconf.Case
	CaseID  string    // the dossier id, UUID v7
	Created time.Time // when the case was created
	// Stamp is the time the documents carry: the time of the last custody entry, so the same case
	// renders to the same bytes.
	Stamp  time.Time
	Items  []Item        // ordered by exhibit number
	Events []event.Event // the merged timeline, ordered by time; Event.Seq is the 1-based position
	// Timeline, when Events is nil, is the merged timeline read from the case on every pass
	// instead of held in memory; renderers that take events one at a time read either through
	// EachEvent and EventCount.
	Timeline EventStream
	// Custody is the custody log, oldest first, for the integrity appendix.
	Custody []CustodyEntry
	Open    Opener
	// Text holds, by item id, the lines OCR read on image items (corrections applied).
	Text map[string][]TextLine
	// Read holds the ids of the image items OCR has read without failing, lines or none: a
	// redacted packet shows only the images it could search for personal numbers.
	Read map[string]bool
}

// EventStream is a merged timeline read in passes (package timeline's Merged).
type EventStream interface {
	// Each calls fn with every event in order, Seq set; fn must not keep e.
	Each(fn func(e *event.Event) error) error
	// Len is the number of events.
	Len() (int, error)
}

// EachEvent calls fn with every event of the timeline in order, from Events or from Timeline.
// fn must not keep e.
func (b *Bundle) EachEvent(fn func(e *event.Event) error) error {
	if b.Events == nil && b.Timeline != nil {
		return b.Timeline.Each(fn)
	}
	for i := range b.Events {
		if err := fn(&b.Events[i]); err != nil {
			return err
		}
	}
	return nil
}

// EventCount is the number of events of the timeline.
func (b *Bundle) EventCount() (int, error) {
	if b.Events == nil && b.Timeline != nil {
		return b.Timeline.Len()
	}
	return len(b.Events), nil
}

// TextLine is a line of text OCR read on an image item, with its box in the image's pixels, for
// the packet's invisible text layer. On a scanned page of a PDF, Page is the page (from 1) and
// the box is in PageUnits of the page as displayed, from its top left corner.
type TextLine struct {
	Text           string
	X0, Y0, X1, Y1 int
	// Corrected is set when case.yaml replaced what OCR read: the text no longer tells where in
	// the box each character is.
	Corrected bool
	Page      int
}

// PageUnits is how many units of a TextLine's box on a PDF page make a point.
const PageUnits = 100

// CustodyEntry is one line of the custody log as documents show it.
type CustodyEntry struct {
	Seq     int       `json:"seq"`
	Time    time.Time `json:"time"`
	Action  string    `json:"action"` // init, add, duplicate, render, ...
	Exhibit int       `json:"exhibit,omitempty"`
	SHA256  string    `json:"sha256,omitempty"` // the object concerned
	Note    string    `json:"note,omitempty"`
	Actor   string    `json:"actor,omitempty"`
	Prev    string    `json:"prev"` // SHA-256 of the previous entry's line
	Hash    string    `json:"hash"` // SHA-256 of this entry's line
}

// ItemByExhibit finds an item.
func (b *Bundle) ItemByExhibit(n int) *Item {
	for i := range b.Items {
		if b.Items[i].Exhibit == n {
			return &b.Items[i]
		}
	}
	return nil
}

// purposes are what an item proves when the user has not said (证明目的), by kind.
var purposes = map[string][2]string{
	"call-log":   {"证明催收方来电的时间、号码、次数及接通情况", "Shows when the collection side called, from which numbers, how often and with what outcome"},
	"sms":        {"证明催收短信、彩信的时间、号码和内容", "Shows the time, number and content of collection text messages"},
	"chat":       {"证明催收方通过聊天软件联系的时间和内容", "Shows when and what the collection side wrote in chat"},
	"recording":  {"证明通话的时间、时长和内容", "Shows the time, length and content of a call"},
	"transcript": {"通话录音的文字记录", "Transcript of a call recording"},
	"screenshot": {"证明截图所示内容及其时间", "Shows what the screen displayed and when"},
	"photo":      {"证明照片所示内容", "Shows what the photograph depicts"},
	"email":      {"证明催收邮件的发送时间和内容", "Shows when a collection e-mail was sent and what it said"},
	"bill":       {"证明还款的时间和金额", "Shows the time and amount of repayments"},
	"agreement":  {"证明双方达成的还款协议及其条款", "Shows the repayment agreement reached and its terms"},
	"attachment": {"随附于另一证据的文件", "A file attached to another exhibit"},
	"document":   {"证明文件所载内容", "Shows what the document states"},
}

// PurposeOr is what the item proves: what the user said, or a default for its kind in lang.
func (it *Item) PurposeOr(lang string) string {
	if it.Purpose != "" {
		return it.Purpose
	}
	p, ok := purposes[it.Kind]
	if !ok {
		p = purposes["document"]
	}
	if lang == "en" {
		return p[1]
	}
	return p[0]
}

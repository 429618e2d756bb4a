// Package event defines the neutral timeline record that every parser produces and every later
// stage (timeline, findings, renderers) consumes.
//
// An Event is one thing that happened at one instant: a call, a message, a payment, a screenshot
// taken. Parsers fill what their format knows and leave the rest zero; the timeline stage adds what
// only the case knows (the counterpart's role, the exhibit number, the holder). Times are absolute
// instants; presentation in the case time zone is the renderers' job.
package event

import (
	"time"

	"github.com/dossier-tool/dossier/dossier/money"
)

// Channel says how the contact or record reached the complainant.
type Channel string

const (
	Call       Channel = "call"
	SMS        Channel = "sms"
	MMS        Channel = "mms"
	Chat       Channel = "chat"
	Email      Channel = "email"
	Recording  Channel = "recording"
	Screenshot Channel = "screenshot"
	Payment    Channel = "payment"
	Agreement  Channel = "agreement"
	Note       Channel = "note"
)

// Direction is seen from the holder of the evidence: "in" reached them, "out" came from them.
type Direction string

const (
	In   Direction = "in"
	Out  Direction = "out"
	None Direction = ""
)

// Status values for calls. Findings treat Missed, Rejected and Blocked as unanswered attempts and
// an incoming call with a positive duration as connected.
const (
	StatusAnswered         = "answered"
	StatusMissed           = "missed"
	StatusRejected         = "rejected"
	StatusBlocked          = "blocked"
	StatusVoicemail        = "voicemail"
	StatusAnsweredExternal = "answered-externally"
	StatusOutgoing         = "outgoing"
)

// Status values for messages (SMS, MMS).
const (
	StatusReceived = "received"
	StatusSent     = "sent"
	StatusDraft    = "draft"
	StatusOutbox   = "outbox"
	StatusFailed   = "failed"
	StatusQueued   = "queued"
)

// Payment kinds. Bill parsers mark a successful repayment of consumer credit (Alipay 信用借还 rows
// with 还款成功, WeChat Pay repayment rows that succeeded) as KindRepayment; findings apply only
// those to the agreement, and only when they name the respondent's product or name.
const (
	KindPayment   = "payment"
	KindRepayment = "repayment"
)

// Where the time of an event came from; a court weighs these differently, so it is always recorded.
const (
	TimeFromContent  = "content"   // a timestamp inside the file (a call log row, a bill line)
	TimeFromMetadata = "metadata"  // embedded metadata such as EXIF DateTimeOriginal
	TimeFromFileName = "file-name" // a naming convention of the app that wrote the file
	TimeFromModTime  = "mod-time"  // the file system's modification time
	TimeFromUser     = "user"      // --time or a sidecar
	TimeFromOCR      = "ocr"       // read by OCR from what a screenshot shows (package ocr/screen)
	// TimeFromMessage is the time of the message that carried a file (an MMS part, an e-mail
	// attachment) when the file itself says nothing better.
	TimeFromMessage = "message"
)

// Event is one entry of the timeline.
type Event struct {
	Time       time.Time `json:"time"`
	TimeSource string    `json:"time_source,omitempty"`
	Channel    Channel   `json:"channel"`
	Direction  Direction `json:"direction,omitempty"`
	// Status is the outcome: a call's answered/missed/..., a message's received/sent/..., a
	// payment's state as the bill prints it (交易成功, 还款成功, ...).
	Status string `json:"status,omitempty"`
	// Counterpart is normalised: a phone number (see package phone), a chat id or an e-mail address.
	Counterpart     string `json:"counterpart,omitempty"`
	CounterpartName string `json:"counterpart_name,omitempty"`
	Role            string `json:"role,omitempty"`
	// Duration is in whole seconds; nil when the channel has none.
	Duration *int64        `json:"duration,omitempty"`
	Subject  string        `json:"subject,omitempty"`
	Text     string        `json:"text,omitempty"`
	Amount   *money.Amount `json:"amount,omitempty"`
	// Payment details as the bill gives them.
	Category string `json:"category,omitempty"`
	Order    string `json:"order,omitempty"`
	Method   string `json:"method,omitempty"`
	// App is the application a screenshot or chat came from, when known.
	App string `json:"app,omitempty"`
	// Kind refines the channel: a chat message's type (text, image, voice, ...), a payment's flow.
	Kind string `json:"kind,omitempty"`
	// Locator names where in the original this event was read: "line 12", "call[3]", "row 40".
	Locator string `json:"locator,omitempty"`
	// Confidence is how sure OCR was of what it read (0–1), for events read from a screenshot.
	Confidence float64 `json:"confidence,omitempty"`
	// Repeat is how many calls one row of a call-history screenshot stands for ("(8)"): the
	// last of them at Time, the others earlier and not shown.
	Repeat int `json:"repeat,omitempty"`

	// Class is what a message is, from its words (package classify): collection, notice or
	// other; a call's comes from its number's role. ClassReason is the words (or the role) that
	// decided; ClassByUser is set when case.yaml's classes: chose the class by hand.
	Class       string `json:"class,omitempty"`
	ClassReason string `json:"class_reason,omitempty"`
	ClassByUser bool   `json:"class_by_user,omitempty"`

	// Filled by the timeline, not by parsers.
	Exhibit    int    `json:"exhibit,omitempty"`
	Exhibits   []int  `json:"exhibits,omitempty"`
	Holder     string `json:"holder,omitempty"`
	HolderRole string `json:"holder_role,omitempty"`
	Item       string `json:"item,omitempty"`
	Seq        int    `json:"seq,omitempty"`
}

// Seconds returns a pointer for Event.Duration.
func Seconds(s int64) *int64 { return &s }

// DurationOr returns the duration in seconds, or def when the event has none.
func (e *Event) DurationOr(def int64) int64 {
	if e.Duration == nil {
		return def
	}
	return *e.Duration
}

// Unanswered reports whether the event is a call attempt that did not connect.
func (e *Event) Unanswered() bool {
	if e.Channel != Call {
		return false
	}
	switch e.Status {
	case StatusMissed, StatusRejected, StatusBlocked:
		return true
	}
	return false
}

// Connected reports whether the event is a call that was answered and lasted.
func (e *Event) Connected() bool {
	return e.Channel == Call && !e.Unanswered() && e.DurationOr(0) > 0
}

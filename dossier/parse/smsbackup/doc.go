// Package smsbackup reads the call logs and message backups written by the Android app
// SMS Backup & Restore: calls-<stamp>.xml (root <calls>) and sms-<stamp>.xml (root <smses>,
// holding <sms> and <mms> elements).
//
// Two parsers are exported, Calls and Messages, plus ColorOSCalls for the call log that OPPO,
// realme and OnePlus phones back up in the same shape (root <CallLog>, one <CALL_RECORDS> per
// call; see ColorOSCalls). All recognise a file by its root element, found after the XML
// declaration, any <?xml-stylesheet?> instruction and comments, so a renamed file still parses
// and a file merely named calls-….xml does not.
//
// # Streaming
//
// Exports reach hundreds of megabytes, mostly MMS pictures stored as base64 in the `data`
// attribute of <part>. The file is read once, front to back, with encoding/xml's token API; no
// element is ever unmarshalled whole. Between the file and the decoder sits a guard (guard.go)
// that keeps every token small: it lifts each part's `data` value out of the stream and leaves
// its offset and length in its place, and it cuts any other oversized value. A binary part is
// then decoded straight from the original (Input.Data) with a base64 decoder over a section
// reader and handed to Input.Derive, which stores it as an item of its own. Each event goes out
// through Input.Emit as soon as its element is read, when the caller provides it, so memory
// depends neither on the size of the file or of any attribute nor on the number of messages;
// without Emit the events are returned in Result.Events and memory grows with their number.
//
// # Reading the attributes
//
// Only `date` (epoch milliseconds) gives an event its time; readable_date is written in the
// phone's locale and is ignored. Values the phone did not have are the literal string "null".
// Attributes may be missing or added by newer app versions; only date and type (msg_box for MMS)
// are required. Withheld callers appear as "-1", "-2" or an empty number, or through the
// presentation attribute (2 restricted, 3 unknown, 4 payphone); such calls have no counterpart
// and the kind "withheld". A contact_name of "(Unknown)" means the phone had no contact.
//
// # Broken files
//
// Once the root element is recognised, Parse never fails: an element with an unusable date or
// type is skipped with a warning naming its line, and a truncated or corrupt file yields the
// events read up to the damage plus a warning naming the line where reading stopped. Parse
// returns an error only when the file is not an export of the expected kind.
package smsbackup

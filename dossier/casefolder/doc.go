// Package casefolder is the on-disk case: a plain folder the user can copy, back up and inspect.
//
//	case.yaml                  the user's description of the case (package caseconf)
//	out/                       rendered documents
//	store/case.json            format, the dossier id (UUID v7) and the creation time
//	store/objects/ab/<sha>     the originals, by SHA-256, read-only (package store); in a case
//	                           of the first format ("dossier-case/1") store/objects/ab/cd/<sha>
//	store/events/<id>.jsonl    the events extracted from each item, one JSON object a line
//	store/index.jsonl          one line per item (evidence.Item), in the order they were added,
//	                           each the item's latest custody record (its current description)
//	store/custody.jsonl        the custody log: append-only, each line carrying the SHA-256 of
//	                           the line before it ("prev"), so any edit breaks the chain
//	store/custody.head         "<seq> <sha256 of the last custody line>", so that an edit of the
//	                           last line is caught too
//	store/pending/<id>.json    the journal of an add or an edit being committed (see below)
//	store/tmp/                 files being staged
//	store/lock                 the lock file (flock); holds the holder's pid and command
//
// Custody line: {"seq":N,"time":...,"action":"init"|"add"|"duplicate"|"edit","actor":...,
// "case_id":..., "items":[evidence.Item...], "exhibit":N, "sha256":..., "changes":[...],
// "note":..., "prev":"<hex>"}. The first line is the init entry and its prev is 64 zeros.
//
// An edit changes what the user said of an item (title, purpose, source, time, kind), never its
// bytes: its line carries "changes" ([{"field","old","new"}...]) and, in "items", the whole
// item as it is after the edit, so the last custody record of an item is always its current
// description and the index line must equal it byte for byte (verify compares them). A time
// that moves the item's single event also replaces its events file, whose new digest the record
// carries. The edit's journal ({"edit":id,"events":<staged file in tmp/>}) is written before the
// custody line; Recover then rewrites the events file and the index line from the custody
// record, which is right whether or not the line was appended.
//
// Committing a batch of new items is crash-safe. Files are staged in tmp/; the journal
// pending/<batch>.json names the items and is made durable; the objects and event files are
// renamed into place; one file-system sync makes their bytes and the moves durable; one custody
// line records every item of the batch (this append is the commit point, so no item is recorded
// before its bytes are durable); the index lines follow; the journal is removed. After a crash the next
// writer (Recover, run under the lock) finishes a batch whose custody line exists and rolls back
// one whose line does not, so every file is either fully in the case or absent, and verify sees
// a consistent case (it reports an interrupted batch as a note, not a problem). Readers ignore a
// torn last line of the logs, which only a crash mid-append can leave.
//
// Only one process writes a case at a time: writers take an exclusive flock on store/lock, which
// the operating system releases when the process dies, so a crash never leaves a case locked.
package casefolder

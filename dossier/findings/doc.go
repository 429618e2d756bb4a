// Package findings counts collection-rule breaches in a timeline and checks the repayment agreement.
//
// Evaluate takes the case (case.yaml) and the merged, sorted timeline and returns a Report: one
// Finding per counted breach, the agreement schedule with the payments applied to it, and the
// counterparts that contacted the holder but have no role in case.yaml. It reads the timeline once
// and keeps only per-day tallies, so a timeline of any length costs time linear in its length.
//
// # What counts
//
// Every judgement is made in the case time zone: the local clock time decides the quiet hours and
// the local calendar day decides "per day" and "after the agreement". The same instants judged in
// another zone give other findings, as they should.
//
// A contact is an incoming (Direction "in") call of any outcome, SMS, MMS, chat message (not the
// app's own system lines), e-mail, or a recording whose direction is known to be incoming (most
// recorders do not say, and such recordings are not counted). Only contacts from the collection
// side count: a counterpart whose role in case.yaml is creditor or collector, and of its messages
// only those whose class is collection (package classify): a payment confirmation, a code or a
// reminder before the due date is a notice, on the timeline but no contact. Calls take the class
// of their number's role. case.yaml is matched
// after normalising numbers ("+86 159 0000 1111" is 15900001111); the role the timeline attached
// is used only for a counterpart case.yaml does not list.
//
//   - night-contact: each contact whose local time is in [quiet_start, quiet_end). A window
//     may wrap midnight (22:00–08:00) or not (13:00–14:00); equal ends mean no quiet hours. E-mail
//     is left out: it waits in the inbox and is not a contact "at night" in the guidelines' sense.
//   - unanswered-attempts: each (holder, number, local day) with more than max_unanswered_per_day
//     missed, rejected or blocked incoming calls; the count is all of them that day.
//   - connected-calls: each local day with more than max_connected_per_day incoming calls that
//     were answered and lasted (voicemail excluded), all collection-side numbers together. Only
//     the complainant's own evidence counts: the limit protects the debtor, and calls to family
//     are the third-party-contact rule's concern.
//   - after-agreement: each contact on a local day after the agreement date (the day itself is
//     not counted). It is inconsistent with the agreement, not a breach of a rule by itself, and
//     the finding's note says so.
//   - third-party-contact: each contact found in evidence whose holder role is family or
//     third-party.
//   - missed-installment: each installment due on or before as_of that the payments had not
//     covered by the end of its due day (paid late, partly paid or unpaid).
//   - prohibited-conduct: each incoming message from the collection side (a recording's
//     transcript too, without the complainant's own lines) whose words threaten family, the
//     employer or the contact list, a visit, arrest or criminal liability, speak as a court,
//     the police or a lawyer, insult, or push borrowing elsewhere (package classify finds them).
//     The finding lists the kinds (conduct), quotes the words (quote) and names the sources of
//     its kinds: the CBA and NIFA guidelines, and 《个人信息保护法》 for the contact list.
//
// A row of a call-history screenshot with a repeat count ("(8)") is one event standing for eight
// calls, of which the screenshot shows only the last one's time. The per-day rules
// (unanswered-attempts, connected-calls) count all eight on the day of that time and say how many
// of their count came so ("含截图中合并显示的 8 次", merged in JSON); the single-contact rules judge
// the one time shown, as one finding, and say the row's count, inventing no time for the others.
// The row's undated calls may also be in an export of the same phone (the call log holds the
// earlier ones but not the last, so the row did not fold into it): a day's count per number is
// then what is certain — the export's calls after the last row, plus the larger of the rows'
// calls and the export's calls before it — and the finding says "至少" (at_least in JSON).
//
// Payments are the timeline's repayments (Channel payment, Kind repayment) that name the
// respondent's product (in the counterpart, subject or text) or whose counterpart is the
// respondent's name, plus payments: in case.yaml; only those made on or after the agreement day
// and by as_of count. They are applied oldest first to the oldest installment not yet paid, a
// payment larger than what is left spilling over to the next. Amounts are exact (integer fen).
//
// # Categories
//
// Every finding has a Category, and every document keeps the three apart: breach (the collection
// side broke a rule: night-contact, unanswered-attempts, connected-calls, third-party-contact,
// prohibited-conduct),
// inconsistent (after-agreement: contact the agreement makes unwelcome, not a breach by itself)
// and performance (missed-installment: the complainant's own keeping of the agreement, stated
// with what was due and what was paid, never as the other side's fault).
//
// # JSON
//
// WriteJSON writes the report as `dossier findings --json` prints it. The order is stable: findings
// by rule in the order above, then by time (a per-day finding at the start of its day), then by the
// first event cited; unclassified counterparts by number of contacts, then counterpart.
//
//	{
//	  "as_of": "2025-04-15",
//	  "timezone": "Asia/Shanghai",
//	  "findings": [
//	    {"id": "unanswered-attempts-1", "rule": "unanswered-attempts", "category": "breach",
//	     "time": "2025-01-27T23:10:00+08:00",  // single-contact rules only
//	     "day": "2025-01-27",                  // per-day rules and missed-installment (the due day)
//	     "counterpart": "15900001111", "name": "某某资产催收员", "role": "collector",
//	     "holder": "李四", "holder_role": "family", // when the evidence is someone else's
//	     "installment": 2,                     // missed-installment only
//	     "count": 8, "threshold": 6,
//	     "merged": 8,                          // of count, calls shown as one screenshot row "(8)"
//	     "events": [12, 13], "exhibits": [3],  // timeline Seq numbers; exhibit numbers
//	     "message": "...", "source": "...",
//	     "conduct": ["family-employer"],       // prohibited-conduct only
//	     "quote": "明天就联系你的家人和单位",  // prohibited-conduct only
//	     "note": "..."}                        // after-agreement only
//	  ],
//	  "schedule": [
//	    {"n": 1, "due": "2025-02-10", "amount": "1000.00", "paid": "1000.00",
//	     "paid_by_due": "1000.00", "paid_on": "2025-02-10", "status": "paid-on-time",
//	     "exhibits": [7], "events": [40], "case_payments": ["2025-04-12 200.00 银行转账"]}
//	  ],
//	  "unclassified": [{"counterpart": "13600000000", "name": "...", "contacts": 3, "exhibits": [2]}],
//	  "totals": {"night-contact": 5, "unanswered-attempts": 1, "connected-calls": 0,
//	             "after-agreement": 9, "third-party-contact": 2, "missed-installment": 2,
//	             "prohibited-conduct": 3},
//	  "category_totals": {"breach": 11, "inconsistent": 9, "performance": 2}
//	}
//
// Times are RFC 3339 with the case zone's offset, days YYYY-MM-DD, amounts decimal strings. Lists
// are never null; totals always carry every rule and category_totals every category. Schedule statuses are paid-on-time, paid-late,
// partly-paid, unpaid and not-yet-due (due after as_of; payments may already have been applied).
//
// Messages and sources are in the case language (zh by default, or en); English sources keep the
// Chinese title in brackets.
package findings

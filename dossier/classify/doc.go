// Package classify sorts the messages of a timeline into collection pressure, service notices
// and other, and finds the words of prohibited collection conduct in them.
//
// Every message event (SMS, MMS, chat, e-mail, recording transcript) gets a class from its
// words: collection (pressure to pay, threats), notice (payment confirmations, bill reminders
// before the due date, verification codes, marketing and safety notices) or other, with the
// words that decided as the reason. Calls have no words: their class is their number's role.
// Only collection counts in the contact rules of package findings, so a payment confirmation
// from the creditor ("【支付宝】您本期花呗协商分期应还1000.00元，已还款成功。") stays on the timeline
// without being counted as a contact. case.yaml's classes: sets one event's class by hand.
//
// The same phrase lists find prohibited conduct: threats to contact family or the employer
// (family-employer) or the contact list, or to make the debt public (contact-list, which also
// breaches 《个人信息保护法》), threats of a visit (visit), of arrest or criminal liability
// (criminal), speaking as a court, the police or a lawyer (impersonation), insults (insult) and
// pushing to borrow elsewhere to pay (borrow).
//
// # The phrase lists
//
// All phrases live in one data file, phrases.yaml (embedded; its header documents the lists),
// which case.yaml's phrases: can extend. Text and phrases are compared after folding full-width
// forms to half-width, case, and traditional characters to simplified (OpenCC's character table,
// TSCharacters.txt, one character for one so quotes stay exact), with spaces, punctuation and
// symbols dropped, so "聯 系-你 家 人" matches 联系你家人. "*" in a phrase stands for a few
// characters within a clause, "~" for one or two.
//
// # Structure, not word lists
//
// A bare target word is no threat ("下周一我去你们单位办事", "周末去你家吃饭"), so a threat is a
// frame of word classes (slots: in phrases.yaml): a threat verb, the addressee and a target of
// theirs ("{reach}~{you}~{kin}": 联系您的家属, 打给你们公司人事), the addressee's family or
// employer and their number held or told ("你爸的手机号我们这边有登记", "你的亲戚很快都会知道"),
// someone going to the addressee's place ("派人去你老家"). Around the frames:
//
//   - Negation: a phrase after a negation ("我们不会联系你家人", "请勿以贷还贷", "谨防冒充公安",
//     "伪造律师函") does not match, nor does anything inside a negated phrase (the 催收 of "不会上门
//     催收"), unless a condition breaks it ("不还就联系你家人"); a gap ending in a negation breaks a
//     frame ("借钱不还" is no 借…还).
//   - Who speaks: the complainant's own words are other and quote threats rather than make them
//     — their phrases ("请停止催收", "合法吗"), their own family ("他们又给我家人打电话了"), and 你们
//     said to the collectors (a collector says 你们 only of what is the debtor's: 你们单位, 你们村).
//     A threat aimed at the speaker ("联系我家人") is a report of one. Outgoing messages are the
//     complainant's by their direction, and a transcript's lines of the complainant are left out.
//   - Reported speech: a threat after "说要", "威胁说", "老师说" in its sentence is someone
//     telling of it.
//   - Vetoes per kind: innocent purposes ("去你家拜年"), a teacher's 家访, advice to the
//     complainant ("你可以报警"), and the police coming ("警察上门", a criminal threat, not a visit).
//   - Sender signatures: a 【…】 signature of a collector (资产, 律所, 调解, 法务) makes a message
//     collection, one of a court or the police makes it impersonation, and any other signature is
//     a platform's, whose message without strong pressure is a notice (SMS signatures are required
//     of every sender, so an unsigned reminder in which the speaker says 我们 is a collector's).
//   - Due dates: a message whose only pressure is weak words ("尽快处理一下") and which states a
//     due date still to come when it was sent ("你这期4月10日到期", sent on 3 April) is a reminder
//     before the due date, a notice; the same words after the date are pressure.
//
// Every decision names its words: class_reason is the phrase (or the signature) that decided,
// and a finding quotes the clause the conduct stands in.
//
// # How well it does
//
// Four labelled sets of invented messages in the style of real collection SMS (platforms, banks,
// agencies, law firms, mediation centres), WeChat lines from collectors, platform notices, the
// complainant's replies and everyday chat sharing their words, many of them look-alikes on
// purpose (negated threats, lawful statements about suing, reminders that mention 逾期 or the
// law, anti-fraud notices naming 公安 and 法院, the complainant quoting a threat, traditional
// characters, full-width and spaced-out text, emoji):
//
//   - testdata/labelled.tsv (221), heldout.tsv (54, held out from the lists' first version) and
//     develop.tsv (603) are the development sets: the lists and rules were changed while looking at
//     them, and TestLabelledSet holds each to precision ≥ 0.95 and recall ≥ 0.90. On them, counted
//     per message, the conduct rule has precision 1.000 / 1.000 / 0.996 and recall 0.986 / 1.000 /
//     0.970, the collection class precision 1.000 / 1.000 / 0.994 and recall 0.992 / 1.000 / 0.980.
//     develop.tsv was written in six batches, each after a round of changes and measured before it
//     was used. Conduct precision and recall, then collection precision and recall, on each fresh
//     batch: batch 2 (104 messages) 1.000 0.674, 0.942 0.766; batch 3 (96) 0.862 0.658, 0.865
//     0.804; batch 4 (76) 0.880 0.710, 0.881 0.804; batch 5 (66) 0.941 0.727, 0.914 0.865; batch 6 (49) 1.000 0.846, 0.905
//     0.792. The
//     false hits of the later batches were mostly everyday messages ("这个骗子电话别接",
//     "我们下午去你们单位参观学习", "昨天警察来我们小区查电动车了"), which the contact rules never read when
//     they come from the complainant's own side. Those are the figures that say how far phrase
//     lists carry on words they were not written for.
//   - testdata/heldout2.tsv (225 messages: 134 collection, 86 of them with prohibited conduct, 49
//     notices, 42 other) was written before this version of the rules, committed first and never
//     looked at while changing them; it was first measured once the rules were final, and the one
//     later change to them (你们那边 read as the debtor's place) left its figures as they were
//     (TestHeldOutSet). On it the
//     conduct rule has precision 1.000 (81 of 81 messages it flags) and recall 0.942 (81 of 86);
//     the collection class precision 0.962 and recall 0.955, the notice class precision 0.979 and
//     recall 0.959. The previous phrase lists scored 0.833 and 0.640 for conduct and 0.832 and
//     0.813 for collection on the same messages. The misses are paraphrase
//     ("你们领导姓李吧？我们明天给他打个电话", "你通讯录二百多个人，今晚每人一条短信") and
//     pressure without any telling word ("不要再拖了，早还早解脱"); the 5 false collection
//     messages are sentences that name the debt without pressing for it
//     ("我没有逃避，只是暂时没有能力还款", "本公司承诺不会向第三方透露您的欠款信息",
//     "依法起诉是债权人的权利") and one bill notice ending "逾期将按日收取违约金".
//     The same person wrote the development and held-out sets, so the held-out figures are an upper
//     bound for messages written by someone else.
//
// Phrases still miss paraphrase and match innocent uses of their words, which is why the contact
// rules only count messages from the collection side, a class can be set by hand, and every
// finding quotes the words it rests on for a person to check.
package classify

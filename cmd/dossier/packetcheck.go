package main

import (
	"fmt"
	"strings"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/render/pdf"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// tellPacket says on stderr, before the packet is written, what its letter lacks, that it claims
// no violation when none was found, which pictures a redacted packet leaves out, and which
// counterparts still need a role (a list the packet itself never prints). With strict, a letter missing fields is an error.
func tellPacket(e *env, ch pdf.Check, strict bool) error {
	zh := ch.Lang != "en"
	if len(ch.Missing) > 0 {
		names := make([]string, len(ch.Missing))
		for i, k := range ch.Missing {
			names[i] = vocab.Term(ch.Lang, "field."+k) + " (" + k + ")"
			if zh {
				names[i] = vocab.Term(ch.Lang, "field."+k) + "（" + k + "）"
			}
		}
		if strict {
			if zh {
				return fmt.Errorf("信函缺少%s：请在 case.yaml 中填写，或去掉 --strict 先生成留有空白的材料", strings.Join(names, "、"))
			}
			return fmt.Errorf("the letter lacks %s: fill them in case.yaml, or drop --strict to write it with blanks to fill by hand", strings.Join(names, ", "))
		}
		if zh {
			e.msg("信函缺少%s，已留空待手写；请在 case.yaml 中填写", strings.Join(names, "、"))
		} else {
			e.msg("the letter lacks %s and leaves blanks for them; fill them in case.yaml", strings.Join(names, ", "))
		}
	}
	if ch.Breaches == 0 {
		if zh {
			e.msg("未发现违规事实：信函只陈述经过，不主张违规")
		} else {
			e.msg("no rule breach was found: the letter states what happened and claims no violation")
		}
	}
	if len(ch.Unread) > 0 {
		labels := make([]string, len(ch.Unread))
		for i, n := range ch.Unread {
			labels[i] = evidence.Label(ch.Lang, n)
		}
		if zh {
			e.msg("遮盖版材料不显示未经文字识别的图片（%s）：无法确认其中没有需遮盖的号码；运行 dossier ocr 后重新生成即可显示", strings.Join(labels, "、"))
		} else {
			e.msg("the redacted packet leaves out the pictures OCR has not read (%s): they cannot be checked for numbers to mask; run dossier ocr, then make the packet again", strings.Join(labels, ", "))
		}
	}
	if len(ch.Unclassified) > 0 {
		n := 0
		for _, u := range ch.Unclassified {
			n += u.Contacts
		}
		if zh {
			e.msg("%d 次联系来自 %d 个未在 case.yaml 中登记角色的号码或账号（不写入材料，不计入核查），请在 contacts: 下补充：", n, len(ch.Unclassified))
		} else {
			e.msg("%d contacts from %d numbers or accounts with no role in case.yaml (not in the packet, not counted); add them under contacts:", n, len(ch.Unclassified))
		}
		for _, u := range ch.Unclassified {
			who := u.Counterpart
			if u.Name != "" && u.Name != u.Counterpart {
				who += " " + u.Name
			}
			if zh {
				e.msg("  %s：%d 次，证据 %s", who, u.Contacts, joinExhibits(u.Exhibits, "、"))
			} else {
				e.msg("  %s: %d, exhibits %s", who, u.Contacts, joinExhibits(u.Exhibits, ", "))
			}
		}
	}
	return nil
}

func joinExhibits(ns []int, sep string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, sep)
}

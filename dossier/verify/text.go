package verify

import (
	"fmt"
	"io"

	"github.com/dossier-tool/dossier/dossier/vocab"
)

var kindText = map[string][2]string{
	Altered:          {"原件已被改动", "the original was changed"},
	Missing:          {"文件缺失", "the file is missing"},
	Extra:            {"多出未登记的文件", "a file nobody recorded"},
	IndexEdited:      {"证据索引被改动", "the evidence index was edited"},
	IndexUnreadable:  {"证据索引无法读取", "the evidence index is unreadable"},
	CustodyBroken:    {"保管记录链断裂", "the custody log's chain is broken"},
	CaseFile:         {"案件文件有误", "the case file is invalid"},
	EventsAltered:    {"提取的记录被改动", "the extracted records were changed"},
	Malformed:        {"结构损坏", "the structure is broken"},
	Oxum:             {"文件总数或总字节数不符", "the file count or byte total does not match"},
	TagAltered:       {"标签文件被改动", "a tag file was changed"},
	CoverMismatch:    {"封面摘要与清单不符", "the cover's digest does not match the manifest"},
	SignatureInvalid: {"电子签名无效", "the signature is not valid"},
	SignedChanged:    {"签名后内容被改动", "changed after signing"},
	Appended:         {"签名后追加了内容", "content added after signing"},
	TimestampInvalid: {"时间戳无效", "the time stamp is not valid"},
}

var typeText = map[string][2]string{
	"case":   {"案件", "case"},
	"bag":    {"证据包 (BagIt)", "bag (BagIt)"},
	"packet": {"投诉材料 PDF", "packet PDF"},
}

// WriteText writes the report for a reader who does not know what a digest is: what was checked,
// the verdict in one sentence, then each problem with the exhibit it concerns.
func (r *Report) WriteText(w io.Writer, lang string) error {
	en := lang == "en"
	pick := func(p [2]string) string {
		if en {
			return p[1]
		}
		return p[0]
	}
	typ := pick(typeText[r.Type])
	if en {
		fmt.Fprintf(w, "Checked %s %s: %d items, %s.\n", typ, r.Target, r.Items, size(r.Bytes))
	} else {
		fmt.Fprintf(w, "已核验%s %s：证据 %d 件，共 %s。\n", typ, r.Target, r.Items, size(r.Bytes))
	}
	for _, n := range r.Notes {
		if en {
			fmt.Fprintf(w, "Note: %s.\n", n)
		} else {
			fmt.Fprintf(w, "说明：%s。\n", n)
		}
	}
	if r.OK() {
		switch {
		case r.Type == "case" && en:
			fmt.Fprintln(w, "Result: nothing was changed. Every original matches the SHA-256 digest recorded when it was added, and the record of custody is intact.")
		case r.Type == "case":
			fmt.Fprintln(w, "结果：未发现任何改动。每一件原件都与登记时记录的 SHA-256 摘要一致，保管记录完整。")
		case r.Type == "bag" && en:
			fmt.Fprintln(w, "Result: nothing was changed. Every file the manifests list is present, none is unlisted, and every digest recomputed matches the bag's manifests.")
		case r.Type == "bag":
			fmt.Fprintln(w, "结果：未发现任何改动。清单所列文件齐全、没有未列出的文件，重新计算的摘要都与证据包清单一致。")
		case r.Signature != nil && r.Signature.Valid && en:
			fmt.Fprintln(w, "Result: nothing was changed. The signature is valid and covers the whole file, every page included; the attached manifest is the one the cover names, and every embedded original matches it.")
		case r.Signature != nil && r.Signature.Valid:
			fmt.Fprintln(w, "结果：未发现任何改动。电子签名有效，覆盖整个文件（包括每一页）；附件清单与封面所印摘要一致，每一件嵌入的原件都与清单一致。")
		case en:
			fmt.Fprintln(w, "Result: nothing was changed in what could be checked. The attached manifest is the one the cover names, and every embedded original matches it.")
		default:
			fmt.Fprintln(w, "结果：在可核验的范围内未发现改动。附件清单与封面所印摘要一致，每一件嵌入的原件都与清单一致。")
		}
		r.writeRecomputed(w, lang)
		r.writeSigner(w, en)
		return nil
	}
	if en {
		fmt.Fprintf(w, "Result: %d problem(s) found. What is listed below is no longer as it was recorded:\n", len(r.Problems))
	} else {
		fmt.Fprintf(w, "结果：发现 %d 处问题。以下内容与登记时不一致：\n", len(r.Problems))
	}
	// After the problems, in the order a clean report has them: the digests, then the signer.
	defer r.writeSigner(w, en)
	defer r.writeRecomputed(w, lang)
	for i, p := range r.Problems {
		what := pick(kindText[p.Kind])
		if what == "" {
			what = p.Kind
		}
		subject := ""
		if p.Exhibit > 0 {
			if en {
				subject = fmt.Sprintf("Exhibit %d", p.Exhibit)
			} else {
				subject = fmt.Sprintf("证据%d", p.Exhibit)
			}
			if p.Name != "" {
				subject += " " + p.Name
			}
		} else if p.Path != "" {
			subject = p.Path
		}
		if p.Line > 0 {
			if en {
				subject += fmt.Sprintf(" (line %d)", p.Line)
			} else {
				subject += fmt.Sprintf("（第 %d 行）", p.Line)
			}
		}
		sep := "："
		if en {
			sep = ": "
		}
		fmt.Fprintf(w, "  %d. %s%s%s — %s\n", i+1, subject, sep, what, p.Detail)
		if p.Expected != "" || p.Actual != "" {
			if en {
				fmt.Fprintf(w, "     recorded: %s\n     found:    %s\n", orNone(p.Expected, en), orNone(p.Actual, en))
			} else {
				fmt.Fprintf(w, "     登记值：%s\n     实际值：%s\n", orNone(p.Expected, en), orNone(p.Actual, en))
			}
		}
	}
	return nil
}

// writeRecomputed says which digests were recomputed from the bytes and which were only read,
// so that the verdict never claims more than was checked.
func (r *Report) writeRecomputed(w io.Writer, lang string) {
	if len(r.Recomputed) == 0 {
		return // nothing was hashed (a packet without its originals): the notes say so
	}
	key := "cli.verify.recomputed."
	if r.Type == "bag" || r.Type == "packet" {
		key += r.Type + "-"
	}
	var line string
	if len(r.NotRecomputed) == 0 {
		line = fmt.Sprintf(vocab.Term(lang, key+"all"), vocab.Digests(lang, r.Recomputed))
	} else {
		line = fmt.Sprintf(vocab.Term(lang, key+"some"), vocab.Digests(lang, r.Recomputed), vocab.Digests(lang, r.NotRecomputed))
	}
	if vocab.Lang(lang) == vocab.EN {
		fmt.Fprintf(w, "Digests: %s.\n", line)
	} else {
		fmt.Fprintf(w, "摘要：%s。\n", line)
	}
}

func orNone(s string, en bool) string {
	if s != "" {
		return s
	}
	if en {
		return "(none)"
	}
	return "（无）"
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// writeSigner names the signer's certificate fingerprint, which the recipient compares with the
// one the complainant sent separately: a valid signature by an unknown key proves nothing.
func (r *Report) writeSigner(w io.Writer, en bool) {
	if r.Signature == nil || r.Signature.Fingerprint == "" {
		return
	}
	if en {
		fmt.Fprintf(w, "Signed by: %s\nSigning certificate fingerprint (SHA-256): %s\nCompare it with the fingerprint the complainant gave you separately; only then is the signature theirs.\n", r.Signature.Signer, r.Signature.Fingerprint)
	} else {
		fmt.Fprintf(w, "签名人：%s\n签名证书指纹（SHA-256）：%s\n请与投诉人另行提供的指纹核对，一致时才能确认签名出自投诉人。\n", r.Signature.Signer, r.Signature.Fingerprint)
	}
}

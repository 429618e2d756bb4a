package vocab

import "strings"

// cliTerms are the command line's own messages (stderr, after "dossier: "), worded in the
// case's language like everything else it prints.
var cliTerms = map[string][2]string{
	"cli.init.done": {"已在 %s 建立案件；请在 %s/case.yaml 中填写案件信息，然后运行 dossier add 文件…",
		"created a case in %s; describe it in %s/case.yaml, then run 'dossier add FILES'"},
	"cli.events.count": {"共 %d 条事件，时间按 %s 显示", "%d events, times in %s"},
	"cli.ocr.none":     {"没有需要识别的截图或照片", "no screenshots or photos to read"},
	"cli.ocr.done":     {"已识别 %d 张图片，共 %d 行文字", "read %d images, %d lines of text"},
	"cli.ocr.lines":    {"%d 行文字", "%d lines of text"},
	"cli.ocr.events":   {"，%d 条事件", ", %d events"},
	"cli.wrote":        {"已写入 %s（%s）", "wrote %s (%s)"},
	"cli.bag.done": {"已写入证据包 %s；随时可用 dossier verify %s 核验",
		"wrote the bag %s; check it any time with 'dossier verify %s'"},
	"cli.build.done": {"已生成投诉材料、工作簿和证据包，用时 %s", "built the packet, the workbook and the bag in %s"},
	"cli.edit.same":  {"%s：无需修改（已是这些值）", "%s: nothing to change (the values are already these)"},
	"cli.edit.done":  {"%s：%d 项修改已记入保管记录", "%s: %d change(s) recorded in the custody log"},
	"cli.timestamp.done": {"已由 %[2]d 个时间戳机构为清单摘要 %[1]s 加盖时间戳",
		"time-stamped the manifest digest %s with %d authorit(ies)"},
	"cli.sign.made": {"已为本案生成签名证书，其指纹（SHA-256）为 %s —— 请另行发给接收方，以便其核对材料的签名",
		"made the case's signing certificate; its fingerprint (SHA-256) is %s — send it to the recipient separately so they can check the packet's signature"},
	// What verify recomputed: the verdict never claims more than was checked. The first %s is
	// the digests recomputed, the second those only read (see verify.Options.AllDigests).
	"cli.verify.recomputed.all": {"已重新计算每个原件记录的全部摘要（%s）",
		"recomputed every digest recorded for every original (%s)"},
	"cli.verify.recomputed.some": {"已重新计算每个原件的 %s；%s 摘要未重新计算（加 --all-digests 重新计算）",
		"recomputed the %s of every original; the %s digests were not recomputed (add --all-digests to recompute them)"},
	"cli.verify.recomputed.bag-all": {"已重新计算证据包每份清单中每个文件的摘要（%s）",
		"recomputed the digest of every file in every manifest of the bag (%s)"},
	"cli.verify.recomputed.bag-some": {"已重新计算每个文件的 %s；%s 清单已核对文件齐全，但其摘要未重新计算（加 --all-digests 重新计算）",
		"recomputed the %s of every file; the %s manifests were checked for completeness but their digests were not recomputed (add --all-digests to recompute them)"},
	"cli.verify.all-digests": {"重新计算记录的全部摘要（SM3，证据包还有 SHA-512），而不只是 SHA-256",
		"recompute every recorded digest (SM3, and SHA-512 in a bag), not only SHA-256"},
}

func init() { define("", cliTerms) }

// digestNames are how the digests' algorithms are written for a reader.
var digestNames = map[string]string{"sha256": "SHA-256", "sha512": "SHA-512", "sm3": "SM3", "sha1": "SHA-1", "md5": "MD5"}

// Digests lists algorithms ("sha256", "sm3") as a reader writes them: "SHA-256、SM3" in Chinese,
// "SHA-256, SM3" in English.
func Digests(lang string, algs []string) string {
	names := make([]string, len(algs))
	for i, a := range algs {
		names[i] = a
		if n, ok := digestNames[a]; ok {
			names[i] = n
		}
	}
	if Lang(lang) == EN {
		return strings.Join(names, ", ")
	}
	return strings.Join(names, "、")
}

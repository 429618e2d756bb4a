package vocab

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
}

func init() { define("", cliTerms) }

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
	"cli.verify.recomputed.packet-all": {"已重新计算每个嵌入原件记录的全部摘要（%s）",
		"recomputed every digest recorded for every embedded original (%s)"},
	"cli.verify.recomputed.packet-some": {"已重新计算每个嵌入原件的 %s；%s 摘要未重新计算（加 --all-digests 重新计算）",
		"recomputed the %s of every embedded original; the %s digests were not recomputed (add --all-digests to recompute them)"},
	"cli.verify.recomputed.bag-all": {"已重新计算证据包每份清单中每个文件的摘要（%s）",
		"recomputed the digest of every file in every manifest of the bag (%s)"},
	"cli.verify.recomputed.bag-some": {"已重新计算每个文件的 %s；%s 清单已核对文件齐全，但其摘要未重新计算（加 --all-digests 重新计算）",
		"recomputed the %s of every file; the %s manifests were checked for completeness but their digests were not recomputed (add --all-digests to recompute them)"},
	"cli.verify.all-digests": {"重新计算记录的全部摘要（SM3，证据包还有 SHA-512），而不只是 SHA-256",
		"recompute every recorded digest (SM3, and SHA-512 in a bag), not only SHA-256"},
	"cli.serve.started": {"正在提供 %s 中的案件；请在浏览器中打开上面的地址（按 Ctrl-C 停止）",
		"serving the cases in %s; open the address above in a browser (Ctrl-C stops)"},
	"cli.waiting": {"另一个 dossier 进程正在写入本案件（%s），等它结束后继续",
		"waiting for another dossier process writing this case (%s)"},
	"cli.usage.see":          {"用法见 dossier help", "see 'dossier help' for usage"},
	"cli.usage.noargs":       {"%s 不接受参数", "%s takes no arguments"},
	"cli.usage.needs":        {"%s 需要参数 %s", "%s needs %s"},
	"cli.usage.atmost":       {"%s 最多接受 %d 个参数", "%s takes at most %d argument(s)"},
	"cli.progress.adding":    {"正在加入", "adding"},
	"cli.progress.verifying": {"正在核验", "verifying"},
	"cli.progress.reading":   {"正在识别文字", "reading text"},
}

// cliErrors word the errors a user meets most, with what to do about them: the library's error
// says what went wrong in English (for logs and --debug), the command line says it in the case's
// language.
var cliErrors = map[string][2]string{
	"cli.err.nocase": {"这里没有案件（运行 dossier init 新建一个，或用 -C 文件夹 指向已有的案件）",
		"no case here (run 'dossier init' to create one, or -C DIR to point at one)"},
	"cli.err.exists": {"这里已经有一个案件，未做任何改动（新案件请用另一个文件夹）",
		"a case already exists here; nothing was changed (use another folder for a new case)"},
	"cli.err.interrupted": {"已中断；写了一半的内容均未保留（重新运行该命令即可）",
		"interrupted; nothing half-written was kept (run the command again)"},
	"cli.err.nothing": {"没有可加入的文件：给出的路径中没有文件（请给出存有证据的文件或文件夹）",
		"nothing to add: no files in the given paths (give files or folders that hold evidence)"},
	"cli.err.nothing.unreadable": {"没有可加入的文件：给出的路径中没有可读取的文件（请给出存有证据的文件或文件夹）",
		"nothing to add: no readable file in the given paths (give files or folders that hold evidence)"},
	"cli.err.locked": {"另一个 dossier 进程（%s）写入本案件已超过 %s（等它结束，或加大 --wait）",
		"case is locked by another dossier process (%s) for more than %s (wait for it to finish, or raise --wait)"},
	"cli.err.noexhibit": {"没有%s：本案共有 %d 份证据（用 dossier list 查看）",
		"%s: no such exhibit (the case has %d; see 'dossier list')"},
	"cli.err.damaged": {"案件的保管记录已损坏：%s 缺失或无法读取（%s）；未做任何改动，请运行 dossier verify 查看改动",
		"the case's custody records are damaged: %s is missing or unreadable (%s); nothing was changed; run 'dossier verify' to see what changed"},
	"cli.hint.caseyaml": {"（请修改 case.yaml 后重新运行）", " (fix case.yaml and run the command again)"},
	"cli.hint.path":     {"（请检查路径和权限）", " (check the path and its permissions)"},
	"cli.hint.nothing":  {"（请给出存有证据的文件或文件夹）", " (give files or folders that hold evidence)"},
	"cli.hint.list":     {"（用 dossier list 查看）", " (see 'dossier list')"},
	// What the system said about a path, for the failures people meet; any other is its own words.
	"cli.errno.EACCES":       {"没有权限", "permission denied"},
	"cli.errno.EPERM":        {"不允许此操作", "operation not permitted"},
	"cli.errno.ENOSPC":       {"磁盘空间不足", "no space left on device"},
	"cli.errno.EROFS":        {"只读的文件系统", "read-only file system"},
	"cli.errno.ENOTDIR":      {"不是文件夹", "not a directory"},
	"cli.errno.EISDIR":       {"是文件夹，不是文件", "is a directory"},
	"cli.errno.EEXIST":       {"已经存在", "file exists"},
	"cli.errno.EIO":          {"读写出错（磁盘或存储卡可能有问题）", "input/output error"},
	"cli.errno.ENAMETOOLONG": {"名称过长", "file name too long"},
	"cli.errno.EMFILE":       {"同时打开的文件过多", "too many open files"},
	"cli.errno.ELOOP":        {"符号链接层数过多", "too many levels of symbolic links"},
}

func init() {
	define("", cliTerms)
	define("", cliErrors)
}

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

// Command benchtable generates benchmark inputs, times dossier against the standard tools on
// them, and prints the table BENCHMARKS.md records. `make bench` runs it.
//
// Usage:
//
//	benchtable [-dossier bin/dossier] [-runs 3] [-scale 1] [-only verify,add,...] [-o table.md]
//
// Inputs are generated in a temporary folder (removed afterwards unless -keep); -scale shrinks
// every input for a quick check of the harness itself.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/bench"
)

type config struct {
	dossier string
	runs    int
	scale   float64
	work    string
	only    map[string]bool
}

func main() {
	var c config
	var only, out string
	var keep bool
	flag.StringVar(&c.dossier, "dossier", "bin/dossier", "the dossier binary to measure")
	flag.IntVar(&c.runs, "runs", 3, "alternating runs of each pair")
	flag.Float64Var(&c.scale, "scale", 1, "shrink every input by this factor (for checking the harness)")
	flag.StringVar(&only, "only", "", "comma-separated works to run: verify, add, small, sms, xlsx (with events, findings, pdf and build of its case), pdf (default all)")
	flag.StringVar(&out, "o", "", "also write the table to this file")
	flag.StringVar(&c.work, "dir", "", "folder for the generated inputs (default: a new temporary folder)")
	flag.BoolVar(&keep, "keep", false, "keep the generated inputs")
	flag.Parse()
	if err := run(&c, only, out, keep); err != nil {
		fmt.Fprintf(os.Stderr, "benchtable: %v\n", err)
		os.Exit(1)
	}
}

func run(c *config, only, out string, keep bool) error {
	abs, err := filepath.Abs(c.dossier)
	if err != nil {
		return err
	}
	c.dossier = abs
	if _, err := os.Stat(c.dossier); err != nil {
		return fmt.Errorf("dossier binary: %w (run make build)", err)
	}
	if c.work == "" {
		c.work, err = os.MkdirTemp("", "dossier-bench-")
		if err != nil {
			return err
		}
		if !keep {
			defer os.RemoveAll(c.work)
		}
	}
	if only != "" {
		c.only = map[string]bool{}
		for _, w := range strings.Split(only, ",") {
			c.only[strings.TrimSpace(w)] = true
		}
	}
	var works []bench.Work
	steps := []struct {
		name string
		fn   func(*config) ([]bench.Work, error)
	}{
		{"verify", benchBig}, {"small", benchSmall}, {"perfile", benchPerFile}, {"sms", benchSMS}, {"pdf", benchPDF},
		{"xlsx", benchXLSX}, {"maketest", benchMakeTest},
	}
	for _, s := range steps {
		if c.only != nil && !c.only[s.name] && !(s.name == "verify" && c.only["add"]) {
			continue
		}
		if s.name == "maketest" && (c.only == nil || !c.only["maketest"]) {
			continue // runs the whole test suite: only when asked for by name
		}
		logf("== %s", s.name)
		ws, err := s.fn(c)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		works = append(works, ws...)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", machine(c))
	if err := bench.WriteMarkdown(&b, c.runs, works); err != nil {
		return err
	}
	os.Stdout.Write(b.Bytes())
	if out != "" {
		return os.WriteFile(out, b.Bytes(), 0o644)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func (c *config) n(x int) int { return max(1, int(float64(x)*c.scale)) }

func (c *config) cmd(name string, argv ...string) bench.Command {
	return bench.Command{Name: name, Argv: append([]string{c.dossier}, argv...), Dir: c.work}
}

// freshCase is a setup that gives each timed add an empty case, and its teardown.
func (c *config) freshCase(dir string) (setup, teardown func() error) {
	setup = func() error {
		os.RemoveAll(dir)
		out, err := exec.Command(c.dossier, "init", dir, "--title", "bench").CombinedOutput()
		if err != nil {
			return fmt.Errorf("init: %w: %s", err, out)
		}
		return nil
	}
	teardown = func() error { return os.RemoveAll(dir) }
	return
}

// copyTree copies a folder as it is (cp -a), then syncs the file system it is on.
func copyTree(from, to string) error {
	os.RemoveAll(to)
	if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
		return fmt.Errorf("cp -a %s: %w: %s", from, err, out)
	}
	if out, err := exec.Command("sync", "-f", to).CombinedOutput(); err != nil {
		return fmt.Errorf("sync -f %s: %w: %s", to, err, out)
	}
	return nil
}

func (c *config) addOnce(caseDir string, paths ...string) error {
	setup, _ := c.freshCase(caseDir)
	if err := setup(); err != nil {
		return err
	}
	_, err := bench.Run(c.cmd("dossier add", append([]string{"-C", caseDir, "add"}, paths...)...))
	return err
}

func measure(runs int, cmds ...bench.Command) ([]bench.Measured, error) {
	for _, c := range cmds {
		logf("   %s", c.Name)
	}
	samples, err := bench.Alternate(runs, cmds...)
	if err != nil {
		return nil, err
	}
	out := make([]bench.Measured, len(cmds))
	for i := range cmds {
		out[i] = bench.Measured{Name: cmds[i].Name, Samples: samples[i]}
	}
	return out, nil
}

// benchBig is the 1 GiB case: add against cp + sha256sum, verify against sha256sum and openssl.
func benchBig(c *config) ([]bench.Work, error) {
	in := filepath.Join(c.work, "big")
	spec := bench.MixedSpec{Files: c.n(2000), Big: int64(float64(20<<20) * c.scale), Small: 50 << 10, Total: int64(float64(1<<30) * c.scale), Seed: 1}
	logf("   generating %d files (%d of %d MiB, the rest 50 KiB)", spec.Files, spec.BigCount(), spec.Big>>20)
	tree, err := bench.WriteMixed(in, spec)
	if err != nil {
		return nil, err
	}
	input := fmt.Sprintf("%d files, %.2f GiB", tree.Files, float64(tree.Bytes)/(1<<30))
	files, err := listFiles(in)
	if err != nil {
		return nil, err
	}
	var works []bench.Work
	if c.only == nil || c.only["add"] {
		caseDir := filepath.Join(c.work, "big-add")
		setup, teardown := c.freshCase(caseDir)
		add := c.cmd("dossier add", "-C", caseDir, "add", in)
		add.Setup, add.Teardown = setup, teardown
		cp := bench.Command{Name: "cp -r && sha256sum", Dir: c.work,
			Argv:     []string{"sh", "-c", "cp -r big big-copy && find big-copy -type f -print0 | xargs -0 sha256sum >/dev/null"},
			Teardown: func() error { return os.RemoveAll(filepath.Join(c.work, "big-copy")) }}
		// add makes the copy durable before recording it; cp leaves it in the page cache. The
		// third command pays for the same sync (sync -f is the syncfs add calls).
		cpSync := bench.Command{Name: "cp -r && sync -f && sha256sum", Dir: c.work,
			Argv:     []string{"sh", "-c", "cp -r big big-copy && sync -f big-copy && find big-copy -type f -print0 | xargs -0 sha256sum >/dev/null"},
			Teardown: cp.Teardown}
		// add also computes each original's SM3 (GB/T 32905) in the same pass, which costs six
		// to eight times SHA-256 (SHA-NI) per byte: the fourth command does the same work.
		cpSM3 := bench.Command{Name: "cp -r && sync -f && sha256sum && openssl dgst -sm3", Dir: c.work,
			Argv:     []string{"sh", "-c", "cp -r big big-copy && sync -f big-copy && find big-copy -type f -print0 | xargs -0 sha256sum >/dev/null && find big-copy -type f -print0 | xargs -0 openssl dgst -sm3 >/dev/null"},
			Teardown: cp.Teardown}
		ms, err := measure(c.runs, add, cp, cpSync, cpSM3)
		if err != nil {
			return nil, err
		}
		works = append(works, bench.Work{Title: "add", Input: input, Contenders: ms,
			Checks: []bench.Check{bench.TimeRatio(ms[0], ms[1], 1.0), bench.TimeRatio(ms[0], ms[2], 1.0), bench.TimeRatio(ms[0], ms[3], 1.0)},
			Note:   "dossier add makes every object durable (syncfs per batch) before recording it; plain cp does not sync, so its copy is still in the page cache when it stops the clock; add also computes SM3, which the last peer does too"})
	}
	if c.only == nil || c.only["verify"] {
		caseDir := filepath.Join(c.work, "big-case")
		logf("   preparing a case of the %d files", tree.Files)
		if err := c.addOnce(caseDir, in); err != nil {
			return nil, err
		}
		sums := filepath.Join(c.work, "big.sha256")
		if err := writeSums(sums, in, files); err != nil {
			return nil, err
		}
		verify := c.cmd("dossier verify", "-C", caseDir, "verify")
		verifyAll := c.cmd("dossier verify --all-digests", "-C", caseDir, "verify", "--all-digests")
		sha := bench.Command{Name: "sha256sum -c", Dir: in, Argv: []string{"sha256sum", "-c", "--quiet", sums}}
		ossl := bench.Command{Name: "openssl dgst -sha256", Dir: in, Argv: append([]string{"openssl", "dgst", "-sha256"}, files...)}
		// verify --all-digests recomputes each original's SM3 too: the last peer computes both
		// digests, as it does.
		osslSM3 := bench.Command{Name: "openssl dgst -sha256 && openssl dgst -sm3", Dir: in,
			Argv: []string{"sh", "-c", "find . -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null && find . -type f -print0 | xargs -0 openssl dgst -sm3 >/dev/null"}}
		ms, err := measure(c.runs, verify, verifyAll, sha, ossl, osslSM3)
		if err != nil {
			return nil, err
		}
		works = append(works, bench.Work{Title: "verify", Input: input + " (page cache warm)", Contenders: ms,
			Checks: []bench.Check{bench.TimeRatio(ms[0], ms[2], 0.35), bench.TimeRatio(ms[0], ms[3], 0.7), bench.TimeRatio(ms[1], ms[4], 0.7)},
			Note:   "verify recomputes every original's SHA-256 on every core (and with --all-digests its SM3 too); openssl dgst computes one digest on one core"})
		os.RemoveAll(caseDir)
	}
	return works, os.RemoveAll(in)
}

// benchSmall is 10,000 small files: add against hashdeep, a second add into the full case
// (cost must not grow with the case), and list.
func benchSmall(c *config) ([]bench.Work, error) {
	in := filepath.Join(c.work, "small")
	more := filepath.Join(c.work, "small-more")
	n := c.n(10000)
	logf("   generating 2 × %d small files", n)
	tree, err := bench.WriteSmall(in, n, 2<<10, 64<<10, 2)
	if err != nil {
		return nil, err
	}
	if _, err := bench.WriteSmall(more, n, 2<<10, 64<<10, 3); err != nil {
		return nil, err
	}
	input := fmt.Sprintf("%d files of 2–64 KiB, %.0f MB", tree.Files, float64(tree.Bytes)/1e6)
	caseDir := filepath.Join(c.work, "small-case")
	setup, teardown := c.freshCase(caseDir)
	add := c.cmd("dossier add", "-C", caseDir, "add", in)
	add.Setup, add.Teardown = setup, teardown
	hd := bench.Command{Name: "hashdeep -r", Dir: c.work, Argv: []string{"hashdeep", "-r", in}}
	// hashdeep only reads; cp and sha256sum also write a copy, as add must.
	cp := bench.Command{Name: "cp -r && sha256sum", Dir: c.work,
		Argv:     []string{"sh", "-c", "cp -r small small-copy && find small-copy -type f -print0 | xargs -0 sha256sum >/dev/null"},
		Teardown: func() error { return os.RemoveAll(filepath.Join(c.work, "small-copy")) }}
	cpSync := bench.Command{Name: "cp -r && sync -f && sha256sum", Dir: c.work,
		Argv:     []string{"sh", "-c", "cp -r small small-copy && sync -f small-copy && find small-copy -type f -print0 | xargs -0 sha256sum >/dev/null"},
		Teardown: cp.Teardown}
	ms, err := measure(c.runs, add, hd, cp, cpSync)
	if err != nil {
		return nil, err
	}
	works := []bench.Work{{Title: "add small files", Input: input, Contenders: ms,
		Checks: []bench.Check{bench.TimeRatio(ms[0], ms[3], 1.0)},
		Note: fmt.Sprintf("add takes %.2f× `hashdeep -r`, which only reads (no target: add must also write a durable copy); add writes each file into the store, renames it into its fan-out folder and syncs once per batch; `cp -r && sha256sum` is shown for the cost of writing a copy",
			ms[0].Median().Wall.Seconds()/ms[1].Median().Wall.Seconds())}}

	// The second set, added into an empty case and into the case of the first, alternately.
	// Each add into the case of the first starts from a copy of it; making those 10,000 files
	// leaves this machine slower for the seconds after (an add into an empty case right after
	// such a copy took as long as one into the copy), so the add into an empty case runs after
	// the same copy, made aside, and each of the two follows the other's removal of 20,000
	// files: they differ only in the case they add to.
	base := filepath.Join(c.work, "small-base")
	if err := c.addOnce(base, in); err != nil {
		return nil, err
	}
	defer os.RemoveAll(base)
	emptyDir := filepath.Join(c.work, "small-empty")
	aside := filepath.Join(c.work, "small-aside")
	setupEmpty, teardownEmpty := c.freshCase(emptyDir)
	intoEmpty := c.cmd("dossier add (into an empty case)", "-C", emptyDir, "add", more)
	intoEmpty.Setup = func() error {
		if err := copyTree(base, aside); err != nil {
			return err
		}
		return setupEmpty()
	}
	intoEmpty.Teardown = func() error {
		os.RemoveAll(aside)
		return teardownEmpty()
	}
	full := filepath.Join(c.work, "small-full")
	intoFull := c.cmd("dossier add (into the case of the first set)", "-C", full, "add", more)
	intoFull.Setup = func() error { return copyTree(base, full) }
	intoFull.Teardown = func() error { return os.RemoveAll(full) }
	growth, err := measure(c.runs, intoEmpty, intoFull)
	if err != nil {
		return nil, err
	}
	works = append(works, bench.Work{Title: "add into a case", Input: fmt.Sprintf("a second set of %d files of 2–64 KiB", n), Contenders: growth,
		Checks: []bench.Check{{What: "into a case of the first set vs into an empty case (no growth with the case)", Unit: "×",
			Got: growth[1].Median().Wall.Seconds() / growth[0].Median().Wall.Seconds(), Limit: 1.25}}})

	if err := c.addOnce(full, in, more); err != nil {
		return nil, err
	}
	list, err := measure(c.runs, c.cmd("dossier list", "-C", full, "list"))
	if err != nil {
		return nil, err
	}
	works = append(works, bench.Work{Title: "list", Input: fmt.Sprintf("a case of %d items", 2*n), Contenders: list,
		Checks: []bench.Check{bench.WallTime(list[0], time.Second)}})
	os.RemoveAll(full)
	os.RemoveAll(in)
	os.RemoveAll(more)
	return works, nil
}

// benchPerFile adds 1,000 and then 16,000 small files into fresh cases: the cost of one file
// must not grow with the number of files (fan-out folders, batches, the index).
func benchPerFile(c *config) ([]bench.Work, error) {
	small, large := c.n(1000), c.n(16000)
	var cmds []bench.Command
	for i, n := range []int{small, large} {
		in := filepath.Join(c.work, fmt.Sprintf("perfile-%d", n))
		logf("   generating %d small files", n)
		if _, err := bench.WriteSmall(in, n, 2<<10, 64<<10, uint64(10+i)); err != nil {
			return nil, err
		}
		defer os.RemoveAll(in)
		caseDir := filepath.Join(c.work, fmt.Sprintf("perfile-case-%d", n))
		setup, teardown := c.freshCase(caseDir)
		add := c.cmd(fmt.Sprintf("dossier add (%d files)", n), "-C", caseDir, "add", in)
		add.Setup, add.Teardown = setup, teardown
		cmds = append(cmds, add)
	}
	ms, err := measure(c.runs, cmds...)
	if err != nil {
		return nil, err
	}
	per := func(m bench.Measured, n int) float64 { return m.Median().Wall.Seconds() / float64(n) }
	return []bench.Work{{Title: "add: cost per file", Input: fmt.Sprintf("%d and %d files of 2–64 KiB", small, large), Contenders: ms,
		Checks: []bench.Check{{What: fmt.Sprintf("time per file at %d vs %d files", large, small), Unit: "×",
			Got: per(ms[1], large) / per(ms[0], small), Limit: 1.2}}}}, nil
}

func named(c bench.Check, what string) bench.Check {
	c.What = what
	return c
}

// benchMakeTest is `make test` on a fresh clone of the repository this runs in (only with
// -only maketest: it runs the whole test suite).
func benchMakeTest(c *config) ([]bench.Work, error) {
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return nil, fmt.Errorf("not in a git checkout: %w", err)
	}
	clone := filepath.Join(c.work, "clone")
	mt := bench.Command{Name: "make test (fresh clone)", Dir: c.work, Argv: []string{"sh", "-c",
		"git clone -q " + strings.TrimSpace(string(top)) + " clone && make -C clone test >/dev/null"},
		Teardown: func() error { return os.RemoveAll(clone) }}
	ms, err := measure(1, mt)
	if err != nil {
		return nil, err
	}
	return []bench.Work{{Title: "make test", Input: "a fresh clone (build cache warm)", Contenders: ms,
		Checks: []bench.Check{bench.WallTime(ms[0], 5*time.Minute)}}}, nil
}

// benchSMS is the 200,000-message export: peak memory of adding it.
func benchSMS(c *config) ([]bench.Work, error) {
	p := filepath.Join(c.work, "sms-20250415120000.xml")
	n := c.n(200000)
	if err := writeFile(p, func(w io.Writer) error { return bench.WriteSMSXML(w, n, 50, 16<<10, 4) }); err != nil {
		return nil, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	caseDir := filepath.Join(c.work, "sms-case")
	setup, teardown := c.freshCase(caseDir)
	add := c.cmd("dossier add sms.xml", "-C", caseDir, "add", p)
	add.Setup, add.Teardown = setup, teardown
	ms, err := measure(c.runs, add)
	if err != nil {
		return nil, err
	}
	os.Remove(p)
	return []bench.Work{{Title: "parse sms.xml", Input: fmt.Sprintf("%d messages (1 in 50 an MMS with a 16 KiB picture), %.0f MB", n, float64(st.Size())/1e6),
		Contenders: ms, Checks: []bench.Check{bench.PeakMemory(ms[0], 100)}}}, nil
}

// hasCommand reports whether the dossier binary offers a subcommand (pdf and xlsx arrived late).
func (c *config) hasCommand(name string) bool {
	out, _ := exec.Command(c.dossier, "help").Output()
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == name {
			return true
		}
	}
	return false
}

func (c *config) helpMentions(cmd, flag string) bool {
	out, _ := exec.Command(c.dossier, cmd, "--help").Output()
	return bytes.Contains(out, []byte(flag))
}

// benchPDF is 200 phone screenshots into a packet against img2pdf over the same images.
func benchPDF(c *config) ([]bench.Work, error) {
	n := c.n(200)
	w, h := max(108, int(1080*min(1, c.scale*4))), max(240, int(2400*min(1, c.scale*4)))
	title := "pdf"
	input := fmt.Sprintf("%d screenshots %d×%d, half PNG, half JPEG", n, w, h)
	if !c.hasCommand("pdf") {
		return []bench.Work{{Title: title, Input: input, Note: "this build of dossier has no pdf command yet"}}, nil
	}
	dir := filepath.Join(c.work, "shots")
	logf("   drawing %d screenshots", n)
	paths, err := bench.WriteScreenshots(dir, n, w, h, 5)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			total += st.Size()
		}
	}
	input += fmt.Sprintf(", %.0f MB", float64(total)/1e6)
	caseDir := filepath.Join(c.work, "pdf-case")
	if err := c.addOnce(caseDir, dir); err != nil {
		return nil, err
	}
	ours := filepath.Join(c.work, "packet.pdf")
	argv := []string{"-C", caseDir, "pdf", "-o", ours}
	name := "dossier pdf"
	if c.helpMentions("pdf", "--no-attach") {
		// The originals as file attachments would double the file against img2pdf, which
		// only draws the pages; the pages are what is compared.
		argv = append(argv, "--no-attach")
		name += " --no-attach"
	}
	peerOut := filepath.Join(c.work, "img2pdf.pdf")
	pdf := c.cmd(name, argv...)
	peer := bench.Command{Name: "img2pdf", Dir: dir, Argv: append([]string{"img2pdf", "-o", peerOut}, relNames(paths)...)}
	ms, err := measure(c.runs, pdf, peer)
	if err != nil {
		return nil, err
	}
	ms[0].Size, ms[1].Size = fileSize(ours), fileSize(peerOut)
	os.RemoveAll(dir)
	os.RemoveAll(caseDir)
	return []bench.Work{{Title: title, Input: input, Contenders: ms,
		Checks: []bench.Check{bench.TimeRatio(ms[0], ms[1], 2), bench.SizeRatio(ms[0], ms[1], 1.15), bench.MemRatio(ms[0], ms[1], 1.5)}}}, nil
}

// openpyxlScript writes the timeline sheet's rows (the same 15 columns and cell types dossier
// writes for a call log) with openpyxl in write-only mode, openpyxl's streaming writer.
const openpyxlScript = `import sys, datetime
from openpyxl import Workbook
n, out = int(sys.argv[1]), sys.argv[2]
wb = Workbook(write_only=True)
ws = wb.create_sheet("时间线")
ws.freeze_panes = "A2"
ws.append(["序号", "时间", "渠道", "方向", "状态", "对方", "对方名称", "角色", "时长", "金额", "内容", "证据", "持有人", "位置", "标记"])
numbers = ["15900001111", "17700002222", "95188", "13700001111"]
names = ["某某资产催收员", "某某律所催收专员", "支付宝客服", "朋友"]
roles = ["催收方", "催收方", "债权方", "其他"]
t = datetime.datetime(2025, 1, 20, 7, 30)
for i in range(n):
    t += datetime.timedelta(seconds=20 + (i * 37) % 80)
    k = i % 4
    ws.append([i + 1, t, "电话", "呼入", "未接" if i % 3 else "已接", numbers[k], names[k], roles[k], (i * 7) % 600, None, "", 1, "张三", "第%d行" % (i + 1), "夜间" if t.hour >= 22 or t.hour < 8 else ""])
wb.save(out)
`

// benchXLSX is a million-event timeline into a workbook against openpyxl's write-only mode.
func benchXLSX(c *config) ([]bench.Work, error) {
	n := c.n(1000000)
	title := "xlsx"
	input := fmt.Sprintf("%d timeline events (one calls.xml)", n)
	if !c.hasCommand("xlsx") {
		return []bench.Work{{Title: title, Input: input, Note: "this build of dossier has no xlsx command yet"}}, nil
	}
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import openpyxl").Run(); err != nil {
		return nil, fmt.Errorf("openpyxl not importable by %s (install python3-openpyxl): %w", py, err)
	}
	calls := filepath.Join(c.work, "calls-20250415120000.xml")
	if err := writeFile(calls, func(w io.Writer) error { return bench.WriteCallsXML(w, n, 6) }); err != nil {
		return nil, err
	}
	caseDir := filepath.Join(c.work, "xlsx-case")
	logf("   adding %d calls", n)
	if err := c.addOnce(caseDir, calls); err != nil {
		return nil, err
	}
	script := filepath.Join(c.work, "openpyxl_timeline.py")
	if err := os.WriteFile(script, []byte(openpyxlScript), 0o644); err != nil {
		return nil, err
	}
	ours, peerOut := filepath.Join(c.work, "timeline.xlsx"), filepath.Join(c.work, "openpyxl.xlsx")
	ms, err := measure(c.runs, c.cmd("dossier xlsx", "-C", caseDir, "xlsx", "-o", ours),
		bench.Command{Name: "openpyxl write-only", Dir: c.work, Argv: []string{py, script, fmt.Sprint(n), peerOut}})
	if err != nil {
		return nil, err
	}
	ms[0].Size, ms[1].Size = fileSize(ours), fileSize(peerOut)
	works := []bench.Work{{Title: title, Input: input, Contenders: ms,
		Checks: []bench.Check{bench.TimeRatio(ms[0], ms[1], 0.35), bench.PeakMemory(ms[0], 250)}}}

	// The same case through the other readers of the whole timeline.
	events, findings := filepath.Join(c.work, "events.json"), filepath.Join(c.work, "findings.json")
	sh := func(name, out string, args ...string) bench.Command {
		q := make([]string, len(args))
		for i, a := range args {
			q[i] = "'" + a + "'"
		}
		return bench.Command{Name: name, Dir: c.work, Argv: []string{"sh", "-c", "'" + c.dossier + "' -C '" + caseDir + "' " + strings.Join(q, " ") + " > '" + out + "'"}}
	}
	rest, err := measure(c.runs, sh("dossier events --json", events, "events", "--json"), sh("dossier findings --json", findings, "findings", "--json"))
	if err != nil {
		return nil, err
	}
	rest[0].Size, rest[1].Size = fileSize(events), fileSize(findings)
	works = append(works, bench.Work{Title: "events and findings", Input: input, Contenders: rest,
		Checks: []bench.Check{named(bench.PeakMemory(rest[0], 250), "events --json peak memory"), named(bench.PeakMemory(rest[1], 250), "findings --json peak memory")}})
	os.Remove(events)
	os.Remove(findings)
	if c.hasCommand("pdf") {
		packet := filepath.Join(c.work, "big-timeline.pdf")
		pm, err := measure(c.runs, c.cmd("dossier pdf --no-attach", "-C", caseDir, "pdf", "--no-attach", "-o", packet))
		if err != nil {
			return nil, err
		}
		pm[0].Size = fileSize(packet)
		os.Remove(packet)
		works = append(works, bench.Work{Title: "pdf of a timeline", Input: input, Contenders: pm,
			Checks: []bench.Check{bench.PeakMemory(pm[0], 400), bench.WallTime(pm[0], 60*time.Second)}})
	}
	if c.hasCommand("build") {
		// The packet, both workbooks (out/ and the bag's) and the bag, one stage after another:
		// each must let go of its memory before the next.
		outDir := filepath.Join(c.work, "build-out")
		bm, err := measure(c.runs, bench.Command{Name: "dossier build", Dir: c.work, Argv: []string{c.dossier, "-C", caseDir, "build", "-o", outDir},
			Teardown: func() error { return os.RemoveAll(outDir) }})
		if err != nil {
			return nil, err
		}
		works = append(works, bench.Work{Title: "build of a timeline", Input: input, Contenders: bm,
			Checks: []bench.Check{bench.PeakMemory(bm[0], 400)}})
	}
	os.RemoveAll(caseDir)
	os.Remove(calls)
	return works, nil
}

func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}

func relNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// listFiles returns the files under dir, relative to it, in lexical order.
func listFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out = append(out, rel)
		return err
	})
	sort.Strings(out)
	return out, err
}

// writeSums writes a sha256sum check file for files under dir.
func writeSums(path, dir string, files []string) error {
	var b strings.Builder
	buf := make([]byte, 1<<20)
	for _, rel := range files {
		f, err := os.Open(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.CopyBuffer(h, f, buf)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), rel)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// machine describes where the table was measured.
func machine(c *config) string {
	cpu := "unknown CPU"
	flags := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(l, ":")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if k == "model name" && cpu == "unknown CPU" {
				cpu = v
			}
			if k == "flags" && flags == "" {
				flags = v
			}
		}
	}
	var ext []string
	for _, f := range []string{"sha_ni", "avx2"} {
		if strings.Contains(" "+flags+" ", " "+f+" ") {
			ext = append(ext, f)
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		l, _, _ := strings.Cut(string(b), "\n")
		mem = strings.Join(strings.Fields(l)[1:], " ")
	}
	kernel, _ := exec.Command("uname", "-sr").Output()
	return fmt.Sprintf("Machine: %s (%s), %d cores, %s RAM, %s, %s; %s; scale %g.",
		cpu, strings.Join(ext, " "), runtime.NumCPU(), mem, strings.TrimSpace(string(kernel)), runtime.Version(),
		time.Now().UTC().Format("2006-01-02"), c.scale)
}

package reliability

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
)

var seedFlag = flag.Int64("seed", 0, "seed for the randomised trials (0: derive one from the clock and print it)")

// dossierBin is the command-line binary under test, built once by TestMain.
var dossierBin string

// rssEnv turns the test binary into a launcher: it runs the command in its arguments, waits,
// and writes the command's peak resident memory to the file the variable names. Linux counts a
// child's peak from the memory of the process that forked it, so the binary under test is
// started from this small, fresh process rather than from the test process, whose own memory
// (the generated corpus) would otherwise be counted as the command's.
const rssEnv = "DOSSIER_RELIABILITY_MEASURE_RSS"

func TestMain(m *testing.M) {
	if out := os.Getenv(rssEnv); out != "" {
		os.Exit(launch(out, os.Args[1:]))
	}
	flag.Parse()
	dir, err := os.MkdirTemp("", "dossier-reliability-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temporary folder:", err)
		os.Exit(1)
	}
	dossierBin = filepath.Join(dir, "dossier")
	// The go that runs these tests builds the binary, whatever "go" PATH would find.
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	// Without the symbol table and DWARF (which nothing here reads) the link takes half the time;
	// -trimpath as in make test, whose compiled packages it then shares.
	build := exec.Command(goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", dossierBin, "../../cmd/dossier")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build the dossier binary:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	if sharedRoot, err = os.MkdirTemp(scratchParent(), "dossier-reliability-shared-"); err != nil {
		fmt.Fprintln(os.Stderr, "temporary folder:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	removeAll(sharedRoot)
	os.RemoveAll(dir)
	os.Exit(code)
}

func launch(out string, argv []string) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, rssEnv+"=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "launch:", err)
		return 125
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = int64(ru.Maxrss) * 1024
	}
	if err := os.WriteFile(out, []byte(fmt.Sprint(rss)), 0o644); err != nil {
		return 125
	}
	return code
}

// seed returns the seed of a randomised test and logs it so that a failure can be replayed.
func seed(t *testing.T) int64 {
	t.Helper()
	s := *seedFlag
	if s == 0 {
		s = time.Now().UnixNano()
	}
	t.Logf("seed %d (replay with -seed %d)", s, s)
	return s
}

// scratchDir is a temporary folder for a case, on a memory file system when one is available:
// a process crash loses nothing the kernel holds, so the results are the same and the syncs are
// cheap. DOSSIER_TEST_DISK=1 keeps everything on disk.
func scratchDir(t *testing.T) string {
	t.Helper()
	if parent := scratchParent(); parent != "" {
		if d, err := os.MkdirTemp(parent, "dossier-test-"); err == nil {
			t.Cleanup(func() { removeAll(d) })
			return d
		}
	}
	d := t.TempDir()
	t.Cleanup(func() { makeWritable(d) }) // objects are read-only; TempDir's cleanup needs to delete them
	return d
}

// scratchParent is the memory file system scratchDir uses, or "" for the default temporary
// folder.
func scratchParent() string {
	if os.Getenv("DOSSIER_TEST_DISK") == "" {
		if info, err := os.Stat("/dev/shm"); err == nil && info.IsDir() {
			return "/dev/shm"
		}
	}
	return ""
}

// sharedRoot holds what several tests build once and then copy (see sharedCase); TestMain
// removes it at the end.
var sharedRoot string

// shared is one folder built once for several tests.
type shared struct {
	once sync.Once
	dir  string // "" when building it failed
}

// sharedCase returns a fresh copy of the case build makes in a folder of its own: build runs
// once, in the first test that asks (its failure fails that test, and every later one says so),
// and every test gets a copy it may change as it likes.
func sharedCase(t *testing.T, s *shared, build func(t *testing.T, parent string) string) string {
	t.Helper()
	s.once.Do(func() {
		parent, err := os.MkdirTemp(sharedRoot, "case-")
		if err != nil {
			t.Fatal(err)
		}
		s.dir = build(t, parent)
	})
	if s.dir == "" {
		t.Fatal("the shared case could not be built: see the first test that needed it")
	}
	dst := filepath.Join(scratchDir(t), filepath.Base(s.dir))
	if err := copyTree(s.dir, dst); err != nil {
		t.Fatalf("copy the shared case: %v", err)
	}
	return dst
}

// copyTree copies a folder with its files' permissions (a case's originals are read-only).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(to, info.Mode().Perm()|0o700)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case !d.Type().IsRegular():
			return fmt.Errorf("%s: not a regular file", p)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
		return os.Chmod(to, info.Mode().Perm())
	})
}

func makeWritable(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink == 0 {
			mode := os.FileMode(0o644)
			if d.IsDir() {
				mode = 0o755
			}
			_ = os.Chmod(p, mode)
		}
		return nil
	})
}

func removeAll(dir string) {
	makeWritable(dir)
	_ = os.RemoveAll(dir)
}

// outcome is one run of the binary.
type outcome struct {
	code   int
	stdout string
	stderr string
	maxRSS int64 // peak resident memory in bytes
	wall   time.Duration
}

func (o outcome) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", o.code, clip(o.stdout), clip(o.stderr))
}

func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "…"
	}
	return s
}

// dossier runs the binary in dir and waits for it, measuring its peak memory.
func dossier(t *testing.T, dir string, args ...string) outcome {
	t.Helper()
	return dossierEnv(t, dir, nil, args...)
}

// dossierEnv is dossier with more environment variables (KEY=value) for the command.
func dossierEnv(t *testing.T, dir string, env []string, args ...string) outcome {
	t.Helper()
	rssFile, err := os.CreateTemp("", "dossier-rss-")
	if err != nil {
		t.Fatal(err)
	}
	rssFile.Close()
	defer os.Remove(rssFile.Name())
	cmd := exec.Command(os.Args[0], append([]string{dossierBin}, args...)...)
	cmd.Dir = dir
	// No locale: messages come in the case's language, or Chinese, whatever the machine's LANG.
	cmd.Env = append(append(os.Environ(), "CI=true", "LC_ALL=", "LC_MESSAGES=", "LANG=", rssEnv+"="+rssFile.Name()), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String(), wall: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		o.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run dossier %v: %v", args, err)
	}
	if o.code == 125 {
		t.Fatalf("run dossier %v: the launcher failed: %s", args, o)
	}
	b, err := os.ReadFile(rssFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Sscan(string(b), &o.maxRSS)
	return o
}

// must runs the binary and fails the test unless it exits 0.
func must(t *testing.T, dir string, args ...string) outcome {
	t.Helper()
	o := dossier(t, dir, args...)
	if o.code != 0 {
		t.Fatalf("dossier %s: %s", strings.Join(args, " "), o)
	}
	return o
}

// newCase creates a case in a fresh folder and returns the case folder.
func newCase(t *testing.T, parent string) string {
	t.Helper()
	dir, err := os.MkdirTemp(parent, "case-")
	if err != nil {
		t.Fatal(err)
	}
	must(t, dir, "init", "--title", "测试案件")
	return dir
}

// listedItem is the part of `dossier list --json` these tests read.
type listedItem struct {
	Exhibit  int       `json:"exhibit"`
	ID       string    `json:"id"`
	SHA256   string    `json:"sha256"`
	Name     string    `json:"name"`
	Size     int64     `json:"size"`
	Kind     string    `json:"kind"`
	Warnings []string  `json:"warnings"`
	Added    string    `json:"added_from"`
	Time     time.Time `json:"time"`
}

func listItems(t *testing.T, caseDir string) []listedItem {
	t.Helper()
	o := must(t, caseDir, "list", "--json")
	var out struct {
		Items []listedItem `json:"items"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &out); err != nil {
		t.Fatalf("list --json is not JSON: %v\n%s", err, clip(o.stdout))
	}
	return out.Items
}

// verifyReport is the part of `dossier verify --json` these tests read.
type verifyReport struct {
	Items    int `json:"items"`
	Problems []struct {
		Kind    string `json:"kind"`
		Exhibit int    `json:"exhibit"`
		Name    string `json:"name"`
		Path    string `json:"path"`
		Line    int    `json:"line"`
		Detail  string `json:"detail"`
	} `json:"problems"`
	Notes []string `json:"notes"`
}

func verifyJSON(t *testing.T, dir string, args ...string) (verifyReport, outcome) {
	t.Helper()
	o := dossier(t, dir, append([]string{"verify", "--json"}, args...)...)
	var r verifyReport
	if o.code == 0 || o.code == 3 {
		if err := json.Unmarshal([]byte(o.stdout), &r); err != nil {
			t.Fatalf("verify --json is not JSON: %v\n%s", err, o)
		}
	}
	return r, o
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func sha256Bytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// objectPath is where the case keeps an original, in the layout of its format.
func objectPath(caseDir, sha string) string {
	f, err := casefolder.Open(caseDir)
	if err != nil {
		return filepath.Join(caseDir, "store", "objects", sha[:2], sha)
	}
	return f.Store.Path(sha)
}

// snapshot records every file under a folder with its digest, to prove later that nothing in it
// changed and nothing was added beside it.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "link:" + target
		case d.Type()&fs.ModeNamedPipe != 0:
			out[rel] = "fifo"
		case d.IsDir():
			out[rel] = "dir"
		default:
			out[rel] = sha256File(t, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, h := range before {
		if after[p] != h {
			t.Errorf("%s: %s changed or disappeared", what, p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s: %s appeared", what, p)
		}
	}
}

package reliability

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// goChain matches what a raw Go error chain looks like to a user: an operation, a path, and the
// system's message ("open /x/y: no such file or directory").
var goChain = regexp.MustCompile(`\b(open|stat|lstat|read|write|mkdir|rename|remove|chdir) [^ ]*/[^ ]*: `)

// TestUserFacingErrors runs every way a command commonly fails and requires the message to say
// what failed and what to do, on one "dossier: " line set, with the right exit status, without
// Go internals; --debug must add the detail.
func TestUserFacingErrors(t *testing.T) {
	t.Parallel()
	root := scratchDir(t)
	caseDir := newCase(t, root)
	empty := filepath.Join(root, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	badYAML := newCase(t, root)
	write(t, filepath.Join(badYAML, "case.yaml"), []byte("title: x\ntimezone: [unclosed\n"))
	badZone := newCase(t, root)
	write(t, filepath.Join(badZone, "case.yaml"), []byte("title: x\ntimezone: Mars/Olympus\n"))
	badMeta := newCase(t, root)
	metaPath := filepath.Join(badMeta, "store", "case.json")
	os.Chmod(metaPath, 0o644)
	write(t, metaPath, []byte("{not json"))
	locked := newCase(t, root)
	lock, err := os.OpenFile(filepath.Join(locked, "store", "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	lock.WriteString("pid 1: dossier add evidence\n")
	write(t, filepath.Join(root, "one.txt"), []byte("evidence"))

	cases := []struct {
		name string
		dir  string
		args []string
		code int
		what []string // each must appear in the message: what failed, and what to do
	}{
		{"no case here", empty, []string{"list"}, 1, []string{"这里没有案件", "dossier init"}},
		{"init over a case", caseDir, []string{"init", "."}, 1, []string{"已经有一个案件", "另一个文件夹"}},
		{"add a missing path", caseDir, []string{"add", "no-such-file.jpg"}, 1, []string{"no-such-file.jpg", "文件或文件夹不存在"}},
		{"add nothing readable", caseDir, []string{"add", empty}, 1, []string{"没有可加入的文件", "请给出存有证据的文件或文件夹"}},
		{"unknown kind", caseDir, []string{"add", "--kind", "selfie", "x"}, 2, []string{"--kind", "use one of"}},
		{"holder role without holder", caseDir, []string{"add", "--holder-role", "family", "x"}, 2, []string{"--holder-role", "--holder"}},
		{"unknown command", caseDir, []string{"frobnicate"}, 2, []string{"frobnicate", "dossier help"}},
		{"broken case.yaml", badYAML, []string{"events"}, 1, []string{"case.yaml", "line", "fix case.yaml"}},
		{"unknown time zone", badZone, []string{"findings"}, 1, []string{"case.yaml", "Mars/Olympus"}},
		{"broken case.json", badMeta, []string{"list"}, 1, []string{"case.json"}},
		{"-C to a missing folder", root, []string{"-C", filepath.Join(root, "nowhere"), "list"}, 1, []string{"nowhere", "文件或文件夹不存在"}},
		{"verify a missing path", caseDir, []string{"verify", "no-such-bag"}, 1, []string{"no-such-bag"}},
		{"verify a file that is no packet", caseDir, []string{"verify", filepath.Join(root, "one.txt")}, 1, []string{"one.txt", "neither a case folder"}},
		{"case locked by another process", locked, []string{"add", "--wait", "300ms", filepath.Join(root, "one.txt")}, 1, []string{"另一个 dossier 进程", "pid 1", "--wait"}},
		{"pdf into a file where a folder is", caseDir, []string{"pdf", "-o", filepath.Join(root, "one.txt", "packet.pdf")}, 1, []string{"one.txt"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := dossier(t, tc.dir, tc.args...)
			if o.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", o.code, tc.code, o)
			}
			msg := o.stderr
			if tc.code == 3 {
				msg = o.stdout + o.stderr // the report is the message
			} else if !strings.HasPrefix(msg, "dossier: ") {
				t.Errorf("the message does not start with \"dossier: \":\n%s", msg)
			}
			for _, w := range tc.what {
				if !strings.Contains(msg, w) {
					t.Errorf("the message does not say %q:\n%s", w, msg)
				}
			}
			for _, bad := range []string{"panic", "goroutine ", ".go:", "%!", "&errors.", "*fs.PathError", "runtime."} {
				if strings.Contains(msg, bad) {
					t.Errorf("the message shows Go internals (%q):\n%s", bad, msg)
				}
			}
			if goChain.MatchString(msg) {
				t.Errorf("the message is a raw Go error chain:\n%s", msg)
			}
			if tc.code == 1 {
				d := dossier(t, tc.dir, append([]string{"--debug"}, tc.args...)...)
				if d.code != tc.code || !strings.Contains(d.stderr, "error chain, outermost first:") {
					t.Errorf("--debug does not add the detail:\n%s", d)
				}
			}
		})
	}
}

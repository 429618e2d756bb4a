package reliability

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentAdds starts two adds of overlapping folders at the same moment, while a third
// process verifies the case over and over. Both adds must finish, the case must hold the union
// once, numbered 1..n, and no verify may see a problem: a reader racing a writer must not
// report a tampered case.
func TestConcurrentAdds(t *testing.T) {
	t.Parallel()
	rounds := 3
	if stress {
		rounds = 25
	}
	s := seed(t)
	root := scratchDir(t)
	for round := 0; round < rounds; round++ {
		t.Run(fmt.Sprintf("round%02d", round), func(t *testing.T) {
			rng := rand.New(rand.NewSource(s + int64(round)))
			dir := filepath.Join(root, fmt.Sprintf("round%02d", round))
			all := evidenceFolder(t, filepath.Join(dir, "all"), 160, rng)
			// Two folders sharing about a third of the files, in different orders of name.
			a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
			i := 0
			for _, f := range all {
				src := filepath.Join(dir, "all", f.rel)
				name := strings.ReplaceAll(f.rel, string(filepath.Separator), "_")
				if i%3 != 2 {
					link(t, src, filepath.Join(a, name))
				}
				if i%3 != 0 {
					link(t, src, filepath.Join(b, "x"+name))
				}
				i++
			}
			caseDir := newCase(t, dir)

			stop := make(chan struct{})
			var readers sync.WaitGroup
			var verifies int
			var falseAlarm string
			readers.Add(1)
			go func() {
				defer readers.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					o := runQuiet(caseDir, "verify", "--json")
					verifies++
					if o.code != 0 && falseAlarm == "" {
						falseAlarm = o.String()
					}
				}
			}()
			var wg sync.WaitGroup
			results := make([]outcome, 2)
			for k, folder := range []string{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[k] = runQuiet(caseDir, "add", folder)
				}()
			}
			wg.Wait()
			close(stop)
			readers.Wait()
			for k, o := range results {
				if o.code != 0 {
					t.Errorf("add %d: %s", k+1, o)
				}
			}
			if falseAlarm != "" {
				t.Errorf("verify running beside the adds reported problems in an untouched case:\n%s", falseAlarm)
			}
			t.Logf("%d verify runs beside the two adds", verifies)
			checkComplete(t, caseDir, all)
			items := listItems(t, caseDir)
			for i, n := range exhibitsOf(items) {
				if n != i+1 {
					t.Fatalf("exhibit numbers have a gap or a repeat at %d: %v", i+1, exhibitsOf(items))
				}
			}
		})
	}
}

// link places src at dst (a hard link, or a copy where links are not possible), so both
// folders present the same bytes.
func link(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Link(src, dst) == nil {
		return
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runQuiet runs the binary from a goroutine that may not call t.Fatal.
func runQuiet(dir string, args ...string) outcome {
	cmd := exec.Command(dossierBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=true")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String(), wall: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		o.code = ee.ExitCode()
	} else if err != nil {
		o.code = -1
		o.stderr += err.Error()
	}
	return o
}

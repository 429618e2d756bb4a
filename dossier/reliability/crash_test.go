package reliability

import (
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sourceFile is one file of a generated evidence folder.
type sourceFile struct {
	rel  string
	sha  string
	size int64
}

// evidenceFolder writes n files of mixed kinds and sizes under dir: mostly small binaries, some
// of a few hundred kilobytes (so a kill can land mid-copy), and every tenth a call-log backup in
// the SMS Backup & Restore format (so that commits carry extracted events too). Every file's
// content is unique.
func evidenceFolder(t *testing.T, dir string, n int, rng *rand.Rand) map[string]sourceFile {
	t.Helper()
	bySHA := map[string]sourceFile{}
	for i := 0; i < n; i++ {
		sub := fmt.Sprintf("batch%02d", i%7)
		var name string
		var data []byte
		switch {
		case i%10 == 0:
			name = fmt.Sprintf("calls-202501%02d%06d.xml", 20+i%9, i)
			data = callBackup(i, 1+rng.Intn(20))
		case i%9 == 0:
			name = fmt.Sprintf("large-%03d.bin", i)
			data = make([]byte, 100<<10+rng.Intn(400<<10))
			rng.Read(data)
		default:
			name = fmt.Sprintf("small-%03d.bin", i)
			data = make([]byte, 1+rng.Intn(16<<10))
			rng.Read(data)
		}
		rel := filepath.Join(sub, name)
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, rel), data, 0o644); err != nil {
			t.Fatal(err)
		}
		sha := sha256Bytes(data)
		if _, dup := bySHA[sha]; dup {
			t.Fatalf("generated two files with the same content (%s)", rel)
		}
		bySHA[sha] = sourceFile{rel: rel, sha: sha, size: int64(len(data))}
	}
	return bySHA
}

// callBackup is a call log as SMS Backup & Restore writes it, with calls from the sample
// story's collector numbers; salt makes each file unique.
func callBackup(salt, calls int) []byte {
	var b strings.Builder
	b.WriteString("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
	b.WriteString("<!--File Created By SMS Backup & Restore v10.22.002 on 15/04/2025 12:00:00-->\n")
	fmt.Fprintf(&b, "<calls count=\"%d\" backup_set=\"3f6a2c1e-8b4d-4e7a-9c21-%012d\" backup_date=\"1744689600000\" type=\"full\">\n", calls, salt)
	base := int64(1737335700000) + int64(salt)*60000 // 2025-01-20 09:15 Asia/Shanghai, plus a minute per file
	numbers := []string{"15900001111", "17700002222", "95188"}
	for c := 0; c < calls; c++ {
		ms := base + int64(c)*3600000
		typ, dur := 3, 0
		if c%3 == 0 {
			typ, dur = 1, 30+c
		}
		fmt.Fprintf(&b, "  <call number=\"%s\" duration=\"%d\" date=\"%d\" type=\"%d\" presentation=\"1\" subscription_id=\"89860012345678901234\" post_dial_digits=\"\" readable_date=\"%s\" contact_name=\"(Unknown)\" />\n",
			numbers[c%len(numbers)], dur, ms, typ, time.UnixMilli(ms).In(time.FixedZone("CST", 8*3600)).Format("2006年1月2日 15:04:05"))
	}
	b.WriteString("</calls>\n")
	return []byte(b.String())
}

// killAfter starts the binary and kills it with SIGKILL after delay. It reports whether the
// kill landed before the process finished on its own.
func killAfter(t *testing.T, dir string, delay time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(dossierBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CI=true")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("dossier %v ended on its own with %v before the kill:\n%s", args, err, stderr.String())
		}
		return false
	case <-time.After(delay):
	}
	_ = cmd.Process.Kill()
	<-done
	return true
}

// checkConsistent asserts what must hold after any crash: the case opens, verify exits 0, every
// listed item's stored bytes are one source file's bytes, no source is stored twice, exhibit
// numbers run 1..n, and every file under objects/ is whole (named by its own digest).
func checkConsistent(t *testing.T, caseDir string, sources map[string]sourceFile) ([]listedItem, verifyReport) {
	t.Helper()
	rep, o := verifyJSON(t, caseDir)
	if o.code != 0 {
		t.Fatalf("verify after the crash: %s\nproblems: %+v", o, rep.Problems)
	}
	items := listItems(t, caseDir)
	seen := map[string]int{}
	for i, it := range items {
		if it.Exhibit != i+1 {
			t.Errorf("exhibit numbers are not 1..n: position %d holds exhibit %d", i+1, it.Exhibit)
		}
		src, ok := sources[it.SHA256]
		if !ok {
			t.Errorf("exhibit %d (%s): digest %s is no source file's", it.Exhibit, it.Name, it.SHA256)
			continue
		}
		if prev, dup := seen[it.SHA256]; dup {
			t.Errorf("%s stored twice: exhibits %d and %d", src.rel, prev, it.Exhibit)
		}
		seen[it.SHA256] = it.Exhibit
		if got := sha256File(t, objectPath(caseDir, it.SHA256)); got != it.SHA256 {
			t.Errorf("exhibit %d (%s): stored bytes hash to %s", it.Exhibit, src.rel, got)
		}
		if it.Size != src.size || !strings.HasSuffix(it.Name, filepath.Base(src.rel)) {
			t.Errorf("exhibit %d: recorded as %s (%d bytes), source is %s (%d bytes)", it.Exhibit, it.Name, it.Size, src.rel, src.size)
		}
	}
	objects := filepath.Join(caseDir, "store", "objects")
	err := filepath.WalkDir(objects, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if got := sha256File(t, p); got != d.Name() {
			t.Errorf("object %s holds bytes hashing to %s: a partial write reached the store", d.Name(), got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return items, rep
}

// checkComplete asserts that a finished add holds exactly the sources, numbered 1..n, with no
// interrupted work left behind.
func checkComplete(t *testing.T, caseDir string, sources map[string]sourceFile) {
	t.Helper()
	items, rep := checkConsistent(t, caseDir, sources)
	if len(items) != len(sources) {
		t.Errorf("after a completed add the case holds %d items, want %d", len(items), len(sources))
	}
	if len(rep.Notes) > 0 {
		t.Errorf("verify still reports interrupted work after a completed add: %v", rep.Notes)
	}
	for _, d := range []string{"pending", "tmp"} {
		entries, err := os.ReadDir(filepath.Join(caseDir, "store", d))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) > 0 {
			t.Errorf("store/%s holds %d leftover file(s) after a completed add (first: %s)", d, len(entries), entries[0].Name())
		}
	}
}

// TestCrashDuringAdd kills `dossier add` of a 300-file folder at random moments. After each
// kill the case must be consistent; a second kill may land in the re-run (and so in its
// recovery); the last re-run must complete with every file exactly once.
//
// The first kill of each trial is stratified: the add's duration is cut into one slot per trial
// and each trial kills at a random moment of its own slot, so the staging, every batch commit and
// the final one are all hit by construction rather than by the luck of uniform draws.
func TestCrashDuringAdd(t *testing.T) {
	trials := 16
	if stress {
		trials = 200
	}
	s := seed(t)
	root := scratchDir(t)
	src := filepath.Join(root, "evidence")
	sources := evidenceFolder(t, src, 300, rand.New(rand.NewSource(s)))

	// Calibrate: how long does an uninterrupted add take here, two at a time as the trials run?
	// Kills then spread over the whole add, its final commit included.
	var full time.Duration
	var calib [2]string
	var took [2]time.Duration
	var wg sync.WaitGroup
	for i := range calib {
		calib[i] = newCase(t, root)
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			runQuiet(calib[i], "add", src)
			took[i] = time.Since(start)
		}()
	}
	wg.Wait()
	for i := range calib {
		checkComplete(t, calib[i], sources)
		removeAll(calib[i])
		full = max(full, took[i])
	}
	t.Logf("an uninterrupted add of %d files takes %v with two running at once; kills land in [0, %v]", len(sources), full.Round(time.Millisecond), (full * 11 / 10).Round(time.Millisecond))

	var kills, early atomic.Int64
	t.Run("trials", func(t *testing.T) {
		for trial := 0; trial < trials; trial++ {
			trial := trial
			t.Run(fmt.Sprintf("trial%03d", trial), func(t *testing.T) {
				t.Parallel()
				rng := rand.New(rand.NewSource(s + int64(trial)*7919))
				caseDir := newCase(t, root)
				defer removeAll(caseDir)
				for k, rounds := 0, 1+rng.Intn(2); k < rounds; k++ {
					slot := full * 11 / 10 / time.Duration(trials)
					delay := time.Duration(rng.Int63n(int64(full * 11 / 10)))
					if k == 0 {
						delay = slot*time.Duration(trial) + time.Duration(rng.Int63n(int64(slot)))
					}
					if killAfter(t, caseDir, delay, "add", src) {
						kills.Add(1)
					} else {
						early.Add(1)
					}
					checkConsistent(t, caseDir, sources)
					if t.Failed() {
						t.Fatalf("kill %d after %v left the case inconsistent (trial seed %d)", k+1, delay, s+int64(trial)*7919)
					}
				}
				o := must(t, caseDir, "add", src)
				// The summary is in the case's language: Chinese by default.
				if !strings.Contains(o.stderr, "失败 0 件") && !strings.Contains(o.stderr, "0 failed") {
					t.Errorf("re-run add: %s", o)
				}
				checkComplete(t, caseDir, sources)
			})
		}
	})
	t.Logf("%d trials: %d kills landed mid-add, %d adds finished before their kill", trials, kills.Load(), early.Load())
	if kills.Load() < int64(trials)/2 {
		t.Errorf("only %d of the kills landed during an add; the trials did not test crashes", kills.Load())
	}
}

// exhibitsOf returns the sorted exhibit numbers of a listing.
func exhibitsOf(items []listedItem) []int {
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it.Exhibit
	}
	sort.Ints(out)
	return out
}

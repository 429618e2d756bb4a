package reliability

import (
	"archive/zip"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// outputs are the documents build writes under their final names.
var outputs = []string{"packet.pdf", "workbook.xlsx", "bag"}

// checkOutputs asserts that whatever exists under a final name is a whole document: the packet
// and the bag verify, the workbook is a zip whose every part reads back with its checksum.
func checkOutputs(t *testing.T, caseDir, outDir string) (present int) {
	t.Helper()
	for _, name := range outputs {
		p := filepath.Join(outDir, name)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		present++
		switch name {
		case "workbook.xlsx":
			if err := readZip(p); err != nil {
				t.Errorf("%s: a half-written workbook under its final name: %v", name, err)
			}
		default:
			if o := dossier(t, caseDir, "verify", p); o.code != 0 {
				t.Errorf("%s under its final name does not verify: %s", name, o)
			}
		}
	}
	return present
}

func readZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	if len(zr.File) == 0 {
		return fmt.Errorf("no parts")
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		_, err = io.Copy(io.Discard, rc) // the zip reader checks each part's CRC at its end
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	return nil
}

// TestCrashDuringBuild kills `dossier build` at random moments, both into an empty folder and
// over the documents of an earlier build. After each kill every document under its final name
// must be whole (the old one or the new one, never a mix), the case must still verify, and a
// re-run must write all three.
//
// The kill times are stratified: the build's duration is cut into trials/2 slots and each slot
// gets one kill at a random moment in it into an empty folder and one over an earlier build, so
// every part of the build (packet, workbook, bag, their renames) is hit in both situations by
// construction, where as many kills at uniformly random times could all miss one part.
func TestCrashDuringBuild(t *testing.T) {
	trials := 6
	if stress {
		trials = 80
	}
	s := seed(t)
	caseDir := samplesCase(t)
	start := time.Now()
	must(t, caseDir, "build", "-o", "out/calibrate")
	full := time.Since(start)
	removeAll(filepath.Join(caseDir, "out", "calibrate"))
	t.Logf("an uninterrupted build takes %v; kills land in [0, %v]", full.Round(time.Millisecond), (full * 11 / 10).Round(time.Millisecond))
	rng := rand.New(rand.NewSource(s))
	var kills, early, found int
	for trial := 0; trial < trials; trial++ {
		// Trials go in pairs in one folder: the first kills a build into the empty folder, the
		// second kills one over the documents of the first's completed re-run.
		out := filepath.Join("out", fmt.Sprintf("trial%03d", trial/2))
		slot := full * 11 / 10 / time.Duration(trials/2)
		delay := slot*time.Duration(trial/2) + time.Duration(rng.Int63n(int64(slot)))
		if killAfter(t, caseDir, delay, "build", "-o", out) {
			kills++
		} else {
			early++
		}
		found += checkOutputs(t, caseDir, filepath.Join(caseDir, out))
		if o := dossier(t, caseDir, "verify"); o.code != 0 {
			t.Fatalf("trial %d: the case does not verify after a killed build: %s", trial, o)
		}
		must(t, caseDir, "build", "-o", out)
		if n := checkOutputs(t, caseDir, filepath.Join(caseDir, out)); n != len(outputs) {
			t.Errorf("trial %d: a completed build left %d of the %d documents", trial, n, len(outputs))
		}
		if t.Failed() {
			t.Fatalf("trial %d failed (kill after %v, seed %d)", trial, delay, s)
		}
		debris := leftovers(t, filepath.Join(caseDir, out))
		if len(debris) > 0 {
			t.Logf("trial %d: temporary files left beside the outputs (not under a final name): %v", trial, debris)
		}
		if trial%2 == 1 {
			removeAll(filepath.Join(caseDir, out))
		}
	}
	t.Logf("%d trials: %d kills landed mid-build, %d builds finished first; %d documents found under final names after kills, all whole",
		trials, kills, early, found)
}

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		known := false
		for _, n := range outputs {
			if e.Name() == n {
				known = true
			}
		}
		if !known && !strings.HasPrefix(e.Name(), "calibrate") {
			out = append(out, e.Name())
		}
	}
	return out
}

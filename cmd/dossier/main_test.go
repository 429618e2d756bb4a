package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/dossier-tool/dossier/dossier/sign/tsatest"

	"github.com/dossier-tool/dossier/dossier/ocr"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dossier": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// The scripts in testdata/script run the real command line. `exits N cmd args...` runs a command
// and checks its exit status exactly (testscript's `! exec` only knows "not zero"); $SAMPLES is
// the repository's samples folder, $PDFDATA the PDF parser's fixtures.
func TestScripts(t *testing.T) {
	ocrDir := ocr.Dir()
	samples, err := filepath.Abs("../../samples")
	if err != nil {
		t.Fatal(err)
	}
	pdfData, err := filepath.Abs("../../dossier/parse/pdfdoc/testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("SAMPLES", samples)
			env.Setenv("PDFDATA", pdfData)
			env.Setenv("CI", "true")
			// OCR is off in the scripts unless one turns it on with OCRDIR (the installed
			// models, when `make ocr` could fetch them; see the [ocr] condition).
			env.Setenv(ocr.EnvDir, filepath.Join(env.WorkDir, "no-ocr"))
			env.Setenv("OCRDIR", ocrDir)
			// A local time-stamping authority for the scripts that need one ([env:TSA_URL]).
			if _, err := exec.LookPath("openssl"); err == nil && strings.HasPrefix(filepath.Base(env.WorkDir), "script-timestamp") {
				dir, err := os.MkdirTemp("", "dossier-tsa-")
				if err != nil {
					return err
				}
				tsa, stop, err := tsatest.Serve(dir)
				if err != nil {
					return err
				}
				env.Defer(func() { stop(); os.RemoveAll(dir) })
				env.Setenv("TSA_URL", tsa.URL)
				env.Setenv("TSA_CA", tsa.CAFile)
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "ocr" {
				return ocr.Installed(ocrDir) && cgoEnabled, nil
			}
			if cond == "tsa" { // the local time-stamping authority runs (openssl is installed)
				_, err := exec.LookPath("openssl")
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: exits CODE command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: bad code %q", args[0])
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("exits: %v", err)
				}
				if got != want {
					ts.Fatalf("exit status %d, want %d", got, want)
				}
			},
		},
	})
}

// Command testprogress reads `go test -json` on stdin and prints what a developer waiting for
// `make test` wants to see: a line per package as it finishes (ok or FAIL, and how long it took),
// a line every half minute naming the tests still running, and the whole output of every test
// that failed. It exits 1 when any test or package failed, so make stops as go test would.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

type event struct {
	Time       time.Time
	Action     string
	ImportPath string
	Package    string
	Test       string
	Elapsed    float64
	Output     string
}

func main() {
	if len(os.Args) < 2 {
		os.Exit(run(os.Stdin, os.Stdout, 30*time.Second))
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "testprogress: %v\n", err)
		os.Exit(1)
	}
	code := run(stdout, os.Stdout, 30*time.Second)
	if err := cmd.Wait(); err != nil && code == 0 {
		fmt.Fprintf(os.Stderr, "testprogress: %s: %v\n", strings.Join(os.Args[1:], " "), err)
		code = 1
	}
	os.Exit(code)
}

func run(in io.Reader, out io.Writer, every time.Duration) int {
	events := make(chan event)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var e event
			if json.Unmarshal(sc.Bytes(), &e) != nil {
				fmt.Fprintln(out, sc.Text()) // build errors and other plain lines
				continue
			}
			events <- e
		}
	}()
	type key struct{ pkg, test string }
	logs := map[key]*strings.Builder{}
	running := map[key]time.Time{}
	failed := false
	counts := map[string]int{}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-events:
			if !ok {
				// The closing line counts top-level tests, as go test's own summary does not.
				fmt.Fprintf(out, "tests: %d passed, %d failed, %d skipped\n", counts["pass"], counts["fail"], counts["skip"])
				if failed {
					return 1
				}
				return 0
			}
			k := key{e.Package, e.Test}
			switch e.Action {
			case "build-output":
				fmt.Fprint(out, e.Output)
			case "build-fail":
				failed = true
			case "run", "start", "cont":
				running[k] = time.Now()
			case "pause": // a parallel test waiting for its turn is not running
				delete(running, k)
			case "output":
				b := logs[k]
				if b == nil {
					b = &strings.Builder{}
					logs[k] = b
				}
				if b.Len() < 1<<20 {
					b.WriteString(e.Output)
				}
			case "pass", "skip", "fail":
				delete(running, k)
				if e.Test != "" && !strings.Contains(e.Test, "/") {
					counts[e.Action]++
				}
				if e.Action == "fail" {
					failed = true
					if b := logs[k]; b != nil {
						fmt.Fprint(out, b.String())
					}
				}
				if e.Test == "" {
					fmt.Fprintf(out, "%-4s %s (%.1fs)\n", map[string]string{"pass": "ok", "skip": "ok", "fail": "FAIL"}[e.Action], e.Package, e.Elapsed)
					for kk := range logs {
						if kk.pkg == e.Package {
							delete(logs, kk)
						}
					}
				} else if e.Action == "pass" {
					delete(logs, k)
				}
			}
		case <-tick.C:
			var names []string
			for k, since := range running {
				if k.test != "" && !strings.Contains(k.test, "/") {
					names = append(names, fmt.Sprintf("%s %s (%s)", short(k.pkg), k.test, time.Since(since).Round(time.Second)))
				}
			}
			if len(names) > 0 {
				sort.Strings(names)
				fmt.Fprintf(out, "     still running: %s\n", strings.Join(names, ", "))
			}
		}
	}
}

func short(pkg string) string {
	if i := strings.Index(pkg, "/dossier/"); i >= 0 {
		return pkg[i+1:]
	}
	return pkg
}

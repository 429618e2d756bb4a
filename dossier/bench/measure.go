package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sample is one timed run of a command.
type Sample struct {
	Wall   time.Duration
	MaxRSS int64 // peak resident memory in bytes, of the command or its largest child
}

// TimeTool is GNU time, which reports peak memory; when it is missing the runner falls back to
// the rusage the kernel returns on wait, which is what GNU time reads too.
const TimeTool = "/usr/bin/time"

// Command is one side of a comparison.
type Command struct {
	Name string
	Argv []string
	Dir  string
	// Setup runs before each timed run and Teardown after it, neither timed: a fresh case
	// folder for every add, the removal of a copy.
	Setup, Teardown func() error
}

// Run times cmd once. Its output is discarded except for the last lines of stderr, which an
// error quotes.
func Run(c Command) (Sample, error) {
	if c.Setup != nil {
		if err := c.Setup(); err != nil {
			return Sample{}, fmt.Errorf("%s: setup: %w", c.Name, err)
		}
	}
	s, err := run(c)
	if c.Teardown != nil {
		if terr := c.Teardown(); err == nil && terr != nil {
			err = fmt.Errorf("%s: teardown: %w", c.Name, terr)
		}
	}
	return s, err
}

func run(c Command) (Sample, error) {
	argv := c.Argv
	var report string
	if _, err := os.Stat(TimeTool); err == nil {
		f, err := os.CreateTemp("", "bench-time-*")
		if err != nil {
			return Sample{}, err
		}
		report = f.Name()
		f.Close()
		defer os.Remove(report)
		argv = append([]string{TimeTool, "-v", "-o", report}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.Dir
	var stderr tailBuffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return Sample{}, fmt.Errorf("%s: %w: %s", c.Name, err, stderr.String())
	}
	s := Sample{Wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.MaxRSS = ru.Maxrss * 1024
	}
	if report != "" {
		f, err := os.Open(report)
		if err != nil {
			return s, err
		}
		defer f.Close()
		tv, err := ParseTimeV(f)
		if err != nil {
			return s, fmt.Errorf("%s: %w", c.Name, err)
		}
		// GNU time's own clock starts after its fork; ours includes it. The difference is a
		// millisecond, but the child's peak memory is only in GNU time's report (our rusage
		// would be GNU time's own).
		s.MaxRSS = tv.MaxRSS
	}
	return s, nil
}

// ParseTimeV reads the report of GNU time -v: the wall clock and the maximum resident set size.
func ParseTimeV(r io.Reader) (Sample, error) {
	var s Sample
	var haveWall, haveRSS bool
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		key, val, ok := strings.Cut(line, ": ")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(key, "Elapsed (wall clock) time"):
			d, err := parseClock(strings.TrimSpace(val))
			if err != nil {
				return s, fmt.Errorf("time report line %d: %w", n, err)
			}
			s.Wall, haveWall = d, true
		case key == "Maximum resident set size (kbytes)":
			kb, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
			if err == nil && (kb < 0 || kb > 1<<40) {
				err = errors.New("out of range")
			}
			if err != nil {
				return s, fmt.Errorf("time report line %d: resident set size %q: %w", n, val, err)
			}
			s.MaxRSS, haveRSS = kb*1024, true
		}
	}
	if err := sc.Err(); err != nil {
		return s, fmt.Errorf("time report: %w", err)
	}
	if !haveWall || !haveRSS {
		return s, errors.New("time report: no wall clock or resident set size line (not GNU time -v output?)")
	}
	return s, nil
}

// parseClock reads GNU time's "h:mm:ss" or "m:ss.cc".
func parseClock(v string) (time.Duration, error) {
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("wall clock %q: want m:ss or h:mm:ss", v)
	}
	var total float64
	for _, p := range parts {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || !(x >= 0 && x < 1e6) { // also refuses NaN and Inf
			return 0, fmt.Errorf("wall clock %q: not a number of seconds", v)
		}
		total = total*60 + x
	}
	return time.Duration(total * float64(time.Second)), nil
}

// tailBuffer keeps the last few KB written to it, enough to say why a command failed.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	const keep = 4 << 10
	t.b = append(t.b, p...)
	if len(t.b) > keep {
		t.b = append(t.b[:0], t.b[len(t.b)-keep:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(bytes.TrimSpace(t.b)) }

// Median of the wall times and of the peak memories, each taken on its own.
func Median(ss []Sample) Sample {
	if len(ss) == 0 {
		return Sample{}
	}
	walls := make([]time.Duration, len(ss))
	rss := make([]int64, len(ss))
	for i, s := range ss {
		walls[i], rss[i] = s.Wall, s.MaxRSS
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(rss, func(i, j int) bool { return rss[i] < rss[j] })
	m := len(ss) / 2
	if len(ss)%2 == 1 {
		return Sample{Wall: walls[m], MaxRSS: rss[m]}
	}
	return Sample{Wall: (walls[m-1] + walls[m]) / 2, MaxRSS: (rss[m-1] + rss[m]) / 2}
}

// Alternate runs each command runs times, interleaved: a[0], b[0], a[1], b[1], …
func Alternate(runs int, cmds ...Command) ([][]Sample, error) {
	out := make([][]Sample, len(cmds))
	for r := 0; r < runs; r++ {
		for i, c := range cmds {
			s, err := Run(c)
			if err != nil {
				return out, err
			}
			out[i] = append(out[i], s)
		}
	}
	return out, nil
}

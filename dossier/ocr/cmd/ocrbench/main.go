// Command ocrbench measures OCR of phone screens against a labelled set it generates (`make
// bench-ocr`): chat and call-history screens with invented Chinese text in several sizes, fonts,
// light and dark mode, PNG and JPEG of quality 60–95, rendered with headless Chromium (package
// screens). It reports the character error rate of messages and call labels, how many bubbles
// get the right side, how many call rows come out exact (number or name, type, time, repeat
// count), how many message times resolve right, the time one 1080×2400 screenshot takes, and the
// peak memory of reading them all. The set is made at each run and not kept.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/ocr"
	"github.com/dossier-tool/dossier/dossier/ocr/screen"
	"github.com/dossier-tool/dossier/dossier/ocr/screens"
	"github.com/dossier-tool/dossier/dossier/phone"
)

func main() {
	n := flag.Int("n", 120, "number of screens")
	seed := flag.Uint64("seed", 1, "random seed of the set")
	outPath := flag.String("o", "", "also write the table to this file")
	verbose := flag.Bool("v", false, "print every miss")
	save := flag.String("save", "", "write each screen and what OCR read on it into this folder, to look at the misses")
	wild := flag.Bool("wild", false, "also draw in a font the generator's styles do not use, and scale down and compress every screen twice (see wild.go)")
	flag.Parse()
	if err := run(*n, *seed, *outPath, *save, *verbose, *wild); err != nil {
		fmt.Fprintln(os.Stderr, "ocrbench:", err)
		os.Exit(1)
	}
}

type tally struct {
	chars, errs            int
	msgs, dirOK, timeOK    int
	rows, rowOK            int
	secs1080, cpu1080      []float64
	secsAll                []float64
	images, images1080     int
	unmatchedMsg, extraMsg int
}

func run(n int, seed uint64, outPath, save string, verbose, wild bool) error {
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	set := screens.Generate(rand.New(rand.NewPCG(seed, 2)), n, zone)
	wr := rand.New(rand.NewPCG(seed, 3))
	if wild {
		wildStyles(wr, set)
	}
	pages := make([]string, len(set))
	styles := make([]screens.Style, len(set))
	for i := range set {
		pages[i], styles[i] = set[i].HTML(), set[i].Style
	}
	t0 := time.Now()
	imgs, err := screens.Render(context.Background(), pages, styles)
	if err != nil {
		return err
	}
	files := make([][]byte, len(set))
	for i := range imgs {
		if wild {
			files[i], err = degrade(wr, imgs[i])
		} else {
			files[i], err = screens.Encode(imgs[i], styles[i])
		}
		if err != nil {
			return err
		}
		imgs[i] = nil
	}
	imgs = nil
	fmt.Fprintf(os.Stderr, "ocrbench: rendered %d screens in %s\n", len(set), time.Since(t0).Round(time.Second))
	// The decoded renderings are garbage now; hand their memory back before the peak is
	// measured, or it counts the set's making instead of its reading.
	debug.FreeOSMemory()
	resetPeak()

	eng, err := ocr.Open(ocr.Dir())
	if err != nil {
		return fmt.Errorf("%w; %s", err, ocr.HowToEnable)
	}
	defer eng.Close()
	var t tally
	for i, l := range set {
		cpu0 := cpuSeconds()
		w0 := time.Now()
		page, err := eng.ReadImage(bytes.NewReader(files[i]))
		wall := time.Since(w0).Seconds()
		cpu := cpuSeconds() - cpu0
		if err != nil {
			return fmt.Errorf("%s: %w", l.Name, err)
		}
		if save != "" {
			if err := saveScreen(save, l.Name, files[i], page); err != nil {
				return err
			}
		}
		t.images++
		t.secsAll = append(t.secsAll, wall)
		if page.Width == 1080 && page.Height == 2400 && !wild {
			t.images1080++
			t.secs1080 = append(t.secs1080, wall)
			t.cpu1080 = append(t.cpu1080, cpu)
		}
		score(&t, &l, page, verbose)
	}
	peak := peakMB()
	var b strings.Builder
	kind := "generated screens"
	if wild {
		kind = "generated screens, scaled down and compressed twice, half in " + wildFont
	}
	fmt.Fprintf(&b, "OCR benchmark: %d %s (seed %d; %d chat, %d call history; %d of 1080×2400), %d cores, %s\n\n",
		len(set), kind, seed, (len(set)+1)/2, len(set)/2, t.images1080, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "| measure | result | target |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| character error rate (messages and call labels) | %.2f%% (%d errors in %d characters) | ≤ 2%% |\n", 100*float64(t.errs)/float64(max(t.chars, 1)), t.errs, t.chars)
	fmt.Fprintf(&b, "| bubble direction right | %.1f%% (%d of %d messages) | ≥ 99%% |\n", pct(t.dirOK, t.msgs), t.dirOK, t.msgs)
	fmt.Fprintf(&b, "| call rows exact (number/name, type, time, repeat count) | %.1f%% (%d of %d rows) | ≥ 98%% |\n", pct(t.rowOK, t.rows), t.rowOK, t.rows)
	fmt.Fprintf(&b, "| message times resolved right | %.1f%% (%d of %d) | ≥ 97%% |\n", pct(t.timeOK, t.msgs), t.timeOK, t.msgs)
	fmt.Fprintf(&b, "| seconds per 1080×2400 screenshot (median wall, one at a time) | %.2f s (CPU %.2f s) | ≤ 1.5 s |\n", median(t.secs1080), median(t.cpu1080))
	fmt.Fprintf(&b, "| seconds per screenshot, all sizes (median wall) | %.2f s | |\n", median(t.secsAll))
	fmt.Fprintf(&b, "| peak memory reading all %d (VmHWM) | %d MB | ≤ 600 MB |\n", t.images, peak)
	fmt.Fprintf(&b, "\nmessages not found: %d; extra messages: %d\n", t.unmatchedMsg, t.extraMsg)
	fmt.Print(b.String())
	if outPath != "" {
		return os.WriteFile(outPath, []byte(b.String()), 0o644)
	}
	return nil
}

func score(t *tally, l *screens.Labelled, page *ocr.Page, verbose bool) {
	switch {
	case l.Chat != nil:
		app := "微信"
		if l.Chat.App == "sms" {
			app = "短信"
		}
		evs := screen.Extract(page, screen.Shot{Time: l.Chat.Shot, App: app})
		used := make([]bool, len(evs))
		var at time.Time
		for _, e := range l.Chat.Entries {
			if e.Separator != "" {
				at = e.At
				continue
			}
			t.msgs++
			want := squash(e.Text)
			best, bestD := -1, len([]rune(want))
			for j, ev := range evs {
				if d := distance(want, squash(ev.Text)); !used[j] && d < bestD {
					best, bestD = j, d
				}
			}
			t.chars += len([]rune(want))
			if best < 0 || bestD*2 > len([]rune(want)) {
				t.errs += len([]rune(want))
				t.unmatchedMsg++
				if verbose {
					fmt.Fprintf(os.Stderr, "%s: message not found: %q\n", l.Name, e.Text)
				}
				continue
			}
			used[best] = true
			ev := evs[best]
			t.errs += bestD
			dir := event.In
			if e.Out {
				dir = event.Out
			}
			if ev.Direction == dir {
				t.dirOK++
			} else if verbose {
				fmt.Fprintf(os.Stderr, "%s: %q read as %s\n", l.Name, e.Text, ev.Direction)
			}
			if ev.Time.Equal(at) {
				t.timeOK++
			} else if verbose {
				fmt.Fprintf(os.Stderr, "%s: %q at %v, want %v\n", l.Name, e.Text, ev.Time, at)
			}
		}
		for _, u := range used {
			if !u {
				t.extraMsg++
			}
		}
	case l.Calls != nil:
		evs := screen.Extract(page, screen.Shot{Time: l.Calls.Shot})
		used := make([]bool, len(evs))
		for _, r := range l.Calls.Rows {
			t.rows++
			want := squash(r.Label())
			t.chars += len([]rune(want))
			best, bestD := -1, len([]rune(want))+1
			for j, ev := range evs {
				got := ev.CounterpartName
				if got == "" {
					got = ev.Counterpart
				}
				if d := distance(want, squash(got)); !used[j] && d < bestD {
					best, bestD = j, d
				}
			}
			if best < 0 || bestD*2 > len([]rune(want)) {
				t.errs += len([]rune(want))
				if verbose {
					fmt.Fprintf(os.Stderr, "%s: row not found: %+v\n", l.Name, r)
				}
				continue
			}
			used[best] = true
			ev := evs[best]
			if r.Name == "" {
				// The number is compared as normalised; its spaces are layout.
				bestD = distance(phone.Normalize(want), ev.Counterpart)
			}
			t.errs += bestD
			status := map[string]string{"missed": event.StatusMissed, "incoming": event.StatusAnswered, "outgoing": event.StatusOutgoing}[r.Type]
			ok := bestD == 0 && ev.Status == status && ev.Time.Equal(r.At) && max(ev.Repeat, 1) == r.Count
			if ok {
				t.rowOK++
			} else if verbose {
				fmt.Fprintf(os.Stderr, "%s: row %q %s %v (%d) read as %q %s %v (%d)\n", l.Name, r.Label(), status, r.At, r.Count, ev.Counterpart, ev.Status, ev.Time, ev.Repeat)
			}
		}
	}
}

// squash drops spaces, which OCR does not report between CJK and digits.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// distance is the Levenshtein distance in characters.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// resetPeak starts the peak resident size over (Linux: clear_refs 5), so rendering the set does
// not count.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakMB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			var kb int
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%d", &kb)
			return kb / 1024
		}
	}
	return 0
}

// saveScreen writes a screen's file and the reading of it.
func saveScreen(dir, name string, file []byte, page *ocr.Page) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".img"), file, 0o644); err != nil {
		return err
	}
	b, err := json.MarshalIndent(page, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".json"), b, 0o644)
}

package reliability

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/verify"
)

// mutation changes a file's bytes; line-level mutations get the span of one log line.
type mutation struct {
	name  string
	apply func(b []byte) []byte // nil: delete the file
}

// byteMutations are the four kinds of change at every position class of a file: its first
// byte, its middle and its last byte. Each flip uses two values, so a change that happens to
// keep a format valid (a digit for a digit) is tried as well as one that breaks it.
func byteMutations(size int) []mutation {
	var out []mutation
	positions := []struct {
		name string
		at   int
	}{{"first", 0}, {"middle", size / 2}, {"last", size - 1}}
	for _, p := range positions {
		at := p.at
		if size == 0 {
			break
		}
		for _, x := range []byte{0x01, 0x80} {
			x := x
			out = append(out, mutation{fmt.Sprintf("flip %s byte ^%#02x", p.name, x), func(b []byte) []byte {
				c := bytes.Clone(b)
				c[at] ^= x
				return c
			}})
		}
		out = append(out, mutation{"delete " + p.name + " byte", func(b []byte) []byte {
			return append(bytes.Clone(b[:at]), b[at+1:]...)
		}})
		for _, ins := range []byte{' ', 'x'} {
			ins := ins
			out = append(out, mutation{fmt.Sprintf("insert %q before %s byte", ins, p.name), func(b []byte) []byte {
				return append(append(bytes.Clone(b[:at]), ins), b[at:]...)
			}})
		}
	}
	out = append(out,
		mutation{"truncate to empty", func(b []byte) []byte { return nil }},
		mutation{"truncate to half", func(b []byte) []byte { return bytes.Clone(b[:len(b)/2]) }},
		mutation{"append a byte", func(b []byte) []byte { return append(bytes.Clone(b), '\n') }},
		mutation{"delete the file", nil},
	)
	if size > 1 {
		out = append(out, mutation{"truncate the last byte", func(b []byte) []byte { return bytes.Clone(b[:len(b)-1]) }})
	}
	return out
}

// lineMutations are the changes to one line of a JSONL log: the byte mutations at the line's
// first byte, middle, last byte and its newline, the line removed, and the log cut at the line.
func lineMutations(content []byte, line int) []mutation {
	starts := []int{0}
	for i, c := range content {
		if c == '\n' && i+1 < len(content) {
			starts = append(starts, i+1)
		}
	}
	start := starts[line]
	end := bytes.IndexByte(content[start:], '\n') + start // the newline
	var out []mutation
	for _, p := range []struct {
		name string
		at   int
	}{{"first", start}, {"middle", (start + end) / 2}, {"last", end - 1}, {"newline", end}} {
		at := p.at
		for _, x := range []byte{0x01, 0x80} {
			x := x
			out = append(out, mutation{fmt.Sprintf("flip %s byte ^%#02x", p.name, x), func(b []byte) []byte {
				c := bytes.Clone(b)
				c[at] ^= x
				return c
			}})
		}
		out = append(out, mutation{"delete " + p.name + " byte", func(b []byte) []byte {
			return append(bytes.Clone(b[:at]), b[at+1:]...)
		}})
		for _, ins := range []byte{' ', 'x'} {
			ins := ins
			out = append(out, mutation{fmt.Sprintf("insert %q before %s byte", ins, p.name), func(b []byte) []byte {
				return append(append(bytes.Clone(b[:at]), ins), b[at:]...)
			}})
		}
	}
	out = append(out,
		mutation{"delete the line", func(b []byte) []byte { return append(bytes.Clone(b[:start]), b[end+1:]...) }},
		mutation{"truncate at the line's start", func(b []byte) []byte { return bytes.Clone(b[:start]) }},
		mutation{"truncate mid-line", func(b []byte) []byte { return bytes.Clone(b[:(start+end)/2]) }},
		mutation{"duplicate the line", func(b []byte) []byte {
			return append(bytes.Clone(b[:end+1]), b[start:]...)
		}},
	)
	return out
}

// pick returns the mutations one member of a class of alike targets gets (the stored originals,
// the events files, the lines of one log, the payload files of a bag): verify checks each member
// of such a class by the same code, so trying every kind of change on every member proves
// nothing that trying each kind on some members does not. Under the stress tag, and for the
// first and the last member of the class in the short form, that is every kind. A member between
// gets one kind of each family (a flip, a deleted byte, an inserted byte, a changed length, the
// file or line removed, the line repeated), in turn, so that every member is changed both in
// place and in length, and each kind is still tried on some members. The turn starts at an
// offset taken from the seed: another run tries other pairs of kind and member.
func pick(muts []mutation, member, members, offset int) []mutation {
	if stress || member == 0 || member == members-1 {
		return muts
	}
	var order []string
	byFamily := map[string][]mutation{}
	for _, m := range muts {
		f := family(m)
		if byFamily[f] == nil {
			order = append(order, f)
		}
		byFamily[f] = append(byFamily[f], m)
	}
	var out []mutation
	for _, f := range order {
		kinds := byFamily[f]
		out = append(out, kinds[(member+offset)%len(kinds)])
	}
	return out
}

// family is the family of a kind of change, from its name.
func family(m mutation) string {
	switch first := strings.Fields(m.name)[0]; {
	case m.apply == nil || strings.HasPrefix(m.name, "delete the "):
		return "remove"
	case first == "append":
		return "truncate" // the length changes at the end either way
	default:
		return first
	}
}

// turnOffset is where the turns of pick start in the run with seed s.
func turnOffset(s int64) int {
	return int(uint64(s) % 1024)
}

// classes groups targets into classes of alike files (the originals, the events files; every
// other target is a class of its own) and returns each target's place in its class and the
// class's size.
func classes(tgs []target) (member, members []int) {
	class := func(tg target) string {
		switch {
		case tg.exhibit > 0 && strings.HasPrefix(tg.path, "store/events/"):
			return "events"
		case tg.exhibit > 0:
			return "original"
		}
		return tg.path
	}
	size := map[string]int{}
	member = make([]int, len(tgs))
	for i, tg := range tgs {
		member[i] = size[class(tg)]
		size[class(tg)]++
	}
	members = make([]int, len(tgs))
	for i, tg := range tgs {
		members[i] = size[class(tg)]
	}
	return member, members
}

// samplesOnce is the case of the sample evidence, built once (its screenshots read by OCR where
// the models are installed, which takes most of the time) for the tests that copy it.
var samplesOnce shared

// samplesCase returns a copy of the case from the sample evidence, added folder by folder so that
// the custody log has one entry per add.
func samplesCase(t *testing.T) string {
	t.Helper()
	return sharedCase(t, &samplesOnce, buildSamplesCase)
}

func buildSamplesCase(t *testing.T, root string) string {
	t.Helper()
	caseDir := newCase(t, root)
	yml, err := os.ReadFile("../../samples/case.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(caseDir, "case.yaml"), yml, 0o644); err != nil {
		t.Fatal(err)
	}
	folders, err := os.ReadDir("../../samples/evidence")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range folders {
		abs, _ := filepath.Abs(filepath.Join("../../samples/evidence", d.Name()))
		must(t, caseDir, "add", abs)
	}
	if rep, o := verifyJSON(t, caseDir); o.code != 0 || len(rep.Notes) > 0 {
		t.Fatalf("the untouched case does not verify clean: %s", o)
	}
	return caseDir
}

// target is one stored file whose every change verify must catch, and how a problem names it.
type target struct {
	path    string // relative to the case folder, with slashes
	exhibit int    // the exhibit it belongs to, when it belongs to one
	lines   bool   // a JSONL log: mutate line by line
}

func tamperTargets(t *testing.T, caseDir string) []target {
	t.Helper()
	var out []target
	for _, it := range listItems(t, caseDir) {
		out = append(out, target{path: filepath.ToSlash(mustRel(t, caseDir, objectPath(caseDir, it.SHA256))), exhibit: it.Exhibit})
		ev := filepath.Join(caseDir, "store", "events", it.ID+".jsonl")
		if _, err := os.Stat(ev); err == nil {
			out = append(out, target{path: "store/events/" + it.ID + ".jsonl", exhibit: it.Exhibit})
		}
	}
	out = append(out,
		target{path: "store/index.jsonl", lines: true},
		target{path: "store/custody.jsonl", lines: true},
		target{path: "store/custody.head"},
		target{path: "store/case.json"},
	)
	return out
}

func mustRel(t *testing.T, base, p string) string {
	t.Helper()
	r, err := filepath.Rel(base, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// named reports whether a report names the tampered file (or, for an original, its exhibit).
func named(rep *verify.Report, tg target) bool {
	for _, p := range rep.Problems {
		if p.Path == tg.path {
			return true
		}
		// A changed log line can show as the record it breaks: the custody head names the
		// custody log's end, an index line the item whose record differs.
		if tg.path == "store/custody.jsonl" && p.Path == "store/custody.head" {
			return true
		}
		if tg.path == "store/custody.jsonl" && p.Kind == verify.IndexEdited {
			return true
		}
	}
	return false
}

// TestTamperMatrix changes every stored file of a case in every way at every position class and
// requires verify to report a problem that names the file. case.yaml is not in the matrix: it
// is the user's own description of the case, meant to be edited. In the short form the kinds of
// change are spread over the originals, the events files and the lines of each log (pick); under
// the stress tag every target gets every kind.
func TestTamperMatrix(t *testing.T) {
	t.Parallel()
	caseDir := samplesCase(t)
	offset := turnOffset(seed(t))
	var tried, caught int
	missed := map[string][]string{}
	targets := tamperTargets(t, caseDir)
	member, members := classes(targets)
	for i, tg := range targets {
		full := filepath.Join(caseDir, filepath.FromSlash(tg.path))
		orig, err := os.ReadFile(full)
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(full)
		if err != nil {
			t.Fatal(err)
		}
		var muts []mutation
		if tg.lines {
			n := bytes.Count(orig, []byte{'\n'})
			for line := 0; line < n; line++ {
				for _, m := range pick(lineMutations(orig, line), line, n, offset) {
					m.name = fmt.Sprintf("line %d: %s", line+1, m.name)
					muts = append(muts, m)
				}
			}
		} else {
			muts = pick(byteMutations(len(orig)), member[i], members[i], offset)
		}
		for _, m := range muts {
			tried++
			if err := os.Chmod(full, 0o644); err != nil {
				t.Fatal(err)
			}
			if m.apply == nil {
				err = os.Remove(full)
			} else {
				err = os.WriteFile(full, m.apply(orig), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			rep, verr := verify.Case(caseDir)
			switch {
			case verr != nil && tg.path == "store/case.json":
				if strings.Contains(verr.Error(), "case.json") {
					caught++ // the case no longer opens, and the error says why
				} else {
					missed[tg.path] = append(missed[tg.path], m.name+": error does not name case.json: "+verr.Error())
				}
			case verr != nil:
				missed[tg.path] = append(missed[tg.path], m.name+": verify failed instead of reporting: "+verr.Error())
			case rep.OK():
				missed[tg.path] = append(missed[tg.path], m.name+": not detected")
			case !named(rep, tg):
				missed[tg.path] = append(missed[tg.path], fmt.Sprintf("%s: detected but not named (%+v)", m.name, rep.Problems))
			default:
				caught++
			}
			if err := os.WriteFile(full, orig, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(full, info.Mode().Perm()); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("tamper matrix: %d of %d changes caught and named", caught, tried)
	if len(missed) > 0 {
		paths := make([]string, 0, len(missed))
		for p := range missed {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			for _, m := range missed[p] {
				t.Errorf("%s: %s", p, m)
			}
		}
	}
	// The untouched case still verifies: the matrix restored every byte it changed.
	if rep, err := verify.Case(caseDir); err != nil || !rep.OK() {
		t.Fatalf("after restoring every change the case does not verify: %v %+v", err, rep)
	}
}

// TestTamperThroughCommandLine checks, for one change of each kind of stored file, what the
// user sees: exit status 3 and the file (or exhibit) named in the text report.
func TestTamperThroughCommandLine(t *testing.T) {
	t.Parallel()
	caseDir := samplesCase(t)
	items := listItems(t, caseDir)
	it := items[len(items)/2]
	cases := []struct {
		name string
		path string
		want string // in the text report
	}{
		{"original", filepath.ToSlash(mustRel(t, caseDir, objectPath(caseDir, it.SHA256))), fmt.Sprintf("证据%d", it.Exhibit)},
		{"index", "store/index.jsonl", "证据索引"},
		{"custody", "store/custody.jsonl", "custody"},
		{"head", "store/custody.head", "custody.head"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			full := filepath.Join(caseDir, filepath.FromSlash(tc.path))
			orig, err := os.ReadFile(full)
			if err != nil {
				t.Fatal(err)
			}
			info, _ := os.Stat(full)
			defer func() {
				_ = os.WriteFile(full, orig, 0o644)
				_ = os.Chmod(full, info.Mode().Perm())
			}()
			_ = os.Chmod(full, 0o644)
			c := bytes.Clone(orig)
			c[len(c)/3] ^= 0x01
			if err := os.WriteFile(full, c, 0o644); err != nil {
				t.Fatal(err)
			}
			o := dossier(t, caseDir, "verify")
			if o.code != 3 {
				t.Fatalf("verify after changing %s: want exit 3\n%s", tc.path, o)
			}
			if !strings.Contains(o.stdout, tc.want) {
				t.Errorf("the report does not name %q:\n%s", tc.want, o.stdout)
			}
		})
	}
}

package verify

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/casefolder"
)

// sm3Of is the SM3 recorded for an exhibit.
func sm3Of(t *testing.T, f *casefolder.Folder, exhibit int) string {
	t.Helper()
	items, _ := f.Items()
	for _, it := range items {
		if it.Exhibit == exhibit {
			if it.SM3 == "" {
				t.Fatalf("exhibit %d has no SM3", exhibit)
			}
			return it.SM3
		}
	}
	t.Fatalf("no exhibit %d", exhibit)
	return ""
}

// otherSM3 is a well-formed SM3 that differs from s in its first digit.
func otherSM3(s string) string {
	if s[0] == '0' {
		return "1" + s[1:]
	}
	return "0" + s[1:]
}

var prevRE = regexp.MustCompile(`"prev":"[0-9a-f]{64}"`)

// rechain edits every custody line with edit and then writes the chain and the head again as
// add would have: what someone who knows the format and rewrites the whole log can do.
func rechain(t *testing.T, f *casefolder.Folder, edit func([]byte) []byte) {
	t.Helper()
	var out [][]byte
	prev := casefolder.ZeroHash
	editFile(t, f.CustodyPath(), func(b []byte) []byte {
		for _, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
			l = prevRE.ReplaceAll(edit(l), []byte(`"prev":"`+prev+`"`))
			prev = casefolder.Hash(l)
			out = append(out, l)
		}
		return append(bytes.Join(out, []byte("\n")), '\n')
	})
	editFile(t, f.Path("custody.head"), func([]byte) []byte { return fmt.Appendf(nil, "%d %s\n", len(out), prev) })
}

func hasProblem(r *Report, kind string, exhibit int) bool {
	for _, p := range r.Problems {
		if p.Kind == kind && (exhibit == 0 || p.Exhibit == exhibit) {
			return true
		}
	}
	return false
}

// By default verify recomputes SHA-256 only; a recorded SM3 is then held to the records that
// hold it. An SM3 edited in any record, or an original changed, must be reported in both modes.
func TestChangesFoundWithAndWithoutAllDigests(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(t *testing.T, f *casefolder.Folder)
		kind    string
		exhibit int
	}{
		{"original: one byte flipped", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, objectOf(t, f, 2), func(b []byte) []byte { b[0] ^= 1; return b })
		}, Altered, 2},
		{"original: a byte appended", func(t *testing.T, f *casefolder.Folder) {
			editFile(t, objectOf(t, f, 3), func(b []byte) []byte { return append(b, '\n') })
		}, Altered, 3},
		{"sm3 edited in the index", func(t *testing.T, f *casefolder.Folder) {
			old := sm3Of(t, f, 2)
			editFile(t, f.IndexPath(), func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(otherSM3(old)), 1) })
		}, IndexEdited, 2},
		{"sm3 edited in the custody log", func(t *testing.T, f *casefolder.Folder) {
			old := sm3Of(t, f, 1)
			editFile(t, f.CustodyPath(), func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(otherSM3(old)), 1) })
		}, CustodyBroken, 0},
		{"sm3 edited in the index and the custody log alike", func(t *testing.T, f *casefolder.Folder) {
			old := sm3Of(t, f, 3)
			edit := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(old), []byte(otherSM3(old))) }
			editFile(t, f.IndexPath(), edit)
			editFile(t, f.CustodyPath(), edit)
		}, CustodyBroken, 0},
	}
	for _, tt := range tests {
		for _, all := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/all-digests=%v", tt.name, all), func(t *testing.T) {
				f := clean(t)
				tt.corrupt(t, f)
				r, err := CaseWith(f.Dir, Options{AllDigests: all})
				if err != nil {
					t.Fatal(err)
				}
				if !hasProblem(r, tt.kind, tt.exhibit) {
					t.Fatalf("want a %s problem for exhibit %d, got %+v", tt.kind, tt.exhibit, r.Problems)
				}
			})
		}
	}
}

// What the report says it recomputed is what it recomputed, in the text and in the JSON fields.
func TestReportNamesTheDigestsRecomputed(t *testing.T) {
	tests := []struct {
		all                       bool
		recomputed, notRecomputed []string
		zh, en                    string
	}{
		{false, []string{"sha256"}, []string{"sm3"},
			"摘要：已重新计算每个原件的 SHA-256；SM3 摘要未重新计算（加 --all-digests 重新计算）。",
			"Digests: recomputed the SHA-256 of every original; the SM3 digests were not recomputed (add --all-digests to recompute them)."},
		{true, []string{"sha256", "sm3"}, nil,
			"摘要：已重新计算每个原件记录的全部摘要（SHA-256、SM3）。",
			"Digests: recomputed every digest recorded for every original (SHA-256, SM3)."},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("all-digests=%v", tt.all), func(t *testing.T) {
			f := clean(t)
			r, err := CaseWith(f.Dir, Options{AllDigests: tt.all})
			if err != nil || !r.OK() {
				t.Fatalf("clean case: %v %+v", err, r)
			}
			if !slices.Equal(r.Recomputed, tt.recomputed) || !slices.Equal(r.NotRecomputed, tt.notRecomputed) {
				t.Fatalf("recomputed %v, not recomputed %v", r.Recomputed, r.NotRecomputed)
			}
			for lang, want := range map[string]string{"zh": tt.zh, "en": tt.en} {
				var out bytes.Buffer
				r.WriteText(&out, lang)
				if !strings.Contains(out.String(), want+"\n") {
					t.Errorf("%s report lacks %q:\n%s", lang, want, out.String())
				}
			}
		})
	}
}

// The limit of the default, stated by a test: a log rewritten whole, chain and head recomputed,
// with an SM3 that no longer matches the original's bytes, is found only when SM3 is
// recomputed. (Whoever can rewrite the log so can also replace an original and its SHA-256:
// recomputing SM3 does not stop them either; a time stamp on the custody head does.)
func TestAllDigestsRecomputesSM3(t *testing.T) {
	f := clean(t)
	old := sm3Of(t, f, 2)
	edit := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte(old), []byte(otherSM3(old))) }
	editFile(t, f.IndexPath(), edit)
	rechain(t, f, edit)

	r, err := CaseWith(f.Dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || !slices.Equal(r.NotRecomputed, []string{"sm3"}) {
		t.Fatalf("default verify: %+v", r)
	}
	r, err = CaseWith(f.Dir, Options{AllDigests: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != 1 || r.Problems[0].Kind != Altered || r.Problems[0].Exhibit != 2 || r.Problems[0].Expected != "sm3:"+otherSM3(old) {
		t.Fatalf("--all-digests: want exhibit 2's SM3 reported, got %+v", r.Problems)
	}
}

// A report with problems ends as a clean one does: which digests were recomputed, then who
// signed the packet.
func TestReportEndsWithTheDigestsThenTheSigner(t *testing.T) {
	sig := &Signature{Valid: true, Fingerprint: "AB CD", Signer: "CN=张三"}
	tests := []struct {
		name     string
		problems []Problem
		lang     string
		digests  string
		signer   string
	}{
		{"clean, Chinese", nil, "zh", "摘要：", "签名人："},
		{"clean, English", nil, "en", "Digests: ", "Signed by: "},
		{"a problem, Chinese", []Problem{{Kind: Altered, Exhibit: 2, Name: "b.txt", Path: "b.txt", Detail: "changed"}}, "zh", "摘要：", "签名人："},
		{"a problem, English", []Problem{{Kind: Altered, Exhibit: 2, Name: "b.txt", Path: "b.txt", Detail: "changed"}}, "en", "Digests: ", "Signed by: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Target: "packet.pdf", Type: "packet", Problems: tt.problems, Recomputed: []string{"sha256"}, NotRecomputed: []string{"sm3"}, Signature: sig}
			if r.Problems == nil {
				r.Problems = []Problem{}
			}
			var out strings.Builder
			if err := r.WriteText(&out, tt.lang); err != nil {
				t.Fatal(err)
			}
			d, s := strings.Index(out.String(), tt.digests), strings.Index(out.String(), tt.signer)
			if d < 0 || s < 0 || d > s {
				t.Fatalf("want the digests line (at %d) before the signer (at %d):\n%s", d, s, out.String())
			}
		})
	}
}

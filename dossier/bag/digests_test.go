package bag

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// retag recomputes every tag manifest's lines from the tag files as they are now, dropping the
// files removed: what someone who rewrites the bag's manifests can do.
func retag(t *testing.T, dir string) {
	t.Helper()
	for alg, newHash := range algorithms {
		name := filepath.Join(dir, "tagmanifest-"+alg+".txt")
		if _, err := os.Stat(name); err != nil {
			continue
		}
		editFile(t, name, func(s string) string {
			var out strings.Builder
			for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
				_, file, _ := strings.Cut(line, " ")
				data, err := os.ReadFile(filepath.Join(dir, file))
				if os.IsNotExist(err) {
					continue // removed: no longer listed
				} else if err != nil {
					t.Fatal(err)
				}
				h := newHash()
				h.Write(data)
				fmt.Fprintf(&out, "%s %s\n", hex.EncodeToString(h.Sum(nil)), file)
			}
			return out.String()
		})
	}
}

var sm3LineRE = regexp.MustCompile(`(?m)^[0-9a-f](\S{63} data/证据001_)`)

// editSM3Line changes the first digit of exhibit 1's line in manifest-sm3.txt.
func editSM3Line(t *testing.T, dir string) {
	editFile(t, filepath.Join(dir, ManifestSM3), func(s string) string {
		loc := sm3LineRE.FindStringIndex(s)
		if loc == nil {
			t.Fatal("no line for exhibit 1 in manifest-sm3.txt")
		}
		d := "0"
		if s[loc[0]] == '0' {
			d = "1"
		}
		return s[:loc[0]] + d + s[loc[0]+1:]
	})
}

// By default only the SHA-256 manifest is recomputed; the SHA-512 and SM3 manifests are held to
// the tag manifests, which are recomputed in every algorithm. A changed file or an edited line of
// any manifest is reported in both modes.
func TestVerifyWithAndWithoutAllDigests(t *testing.T) {
	tests := []struct {
		name         string
		mutate       func(t *testing.T, dir string)
		def, all     []want
		defOK, allOK bool
	}{
		{"fresh bag", func(t *testing.T, dir string) {}, nil, nil, true, true},
		{"flip a byte", func(t *testing.T, dir string) {
			editFile(t, filepath.Join(dir, calls), func(s string) string { return "X" + s[1:] })
		}, []want{{Altered, calls, 1}}, []want{{Altered, calls, 1}, {Altered, calls, 1}, {Altered, calls, 1}}, false, false},
		{"an sm3 line edited", editSM3Line,
			[]want{{TagAltered, ManifestSM3, 0}, {TagAltered, ManifestSM3, 0}, {TagAltered, ManifestSM3, 0}},
			[]want{{Altered, calls, 1}, {TagAltered, ManifestSM3, 0}, {TagAltered, ManifestSM3, 0}, {TagAltered, ManifestSM3, 0}}, false, false},
		// The limit of the default: with the tag manifests rewritten to match, only recomputing
		// SM3 finds the edited line. Whoever can rewrite them can as well replace a file and
		// every manifest line of it, which recomputing every digest does not find either.
		{"an sm3 line edited and the tag manifests rewritten", func(t *testing.T, dir string) {
			editSM3Line(t, dir)
			retag(t, dir)
		}, nil, []want{{Altered, calls, 1}}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, testBundle(t, sampleOriginals()), docs())
			tc.mutate(t, dir)
			def := VerifyDirWith(dir, VerifyOptions{})
			all := VerifyDirWith(dir, VerifyOptions{AllDigests: true})
			for _, r := range []struct {
				name string
				res  Result
				want []want
				ok   bool
			}{{"default", def, tc.def, tc.defOK}, {"all digests", all, tc.all, tc.allOK}} {
				if got, w := summarize(r.res.Problems), wants(r.want...); strings.Join(got, "\n") != strings.Join(w, "\n") {
					t.Errorf("%s: problems:\n%s\nwant:\n%s\n(%v)", r.name, strings.Join(got, "\n"), strings.Join(w, "\n"), r.res.Problems)
				}
				if (len(r.res.Problems) == 0) != r.ok {
					t.Errorf("%s: ok %v, want %v", r.name, len(r.res.Problems) == 0, r.ok)
				}
			}
			if !slices.Equal(def.Recomputed, []string{"sha256"}) || !slices.Equal(def.NotRecomputed, []string{"sha512", "sm3"}) {
				t.Errorf("default recomputed %v, not %v", def.Recomputed, def.NotRecomputed)
			}
			if !slices.Equal(all.Recomputed, []string{"sha256", "sha512", "sm3"}) || len(all.NotRecomputed) != 0 {
				t.Errorf("all digests recomputed %v, not %v", all.Recomputed, all.NotRecomputed)
			}
		})
	}
}

// A bag without a SHA-256 manifest (made by another tool) has every manifest recomputed: there
// is nothing else to vouch for them.
func TestNoSHA256ManifestRecomputesEvery(t *testing.T) {
	dir := writeDir(t, testBundle(t, sampleOriginals()), docs())
	for _, name := range []string{ManifestSHA256, TagManifest256, CaseManifest} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	retag(t, dir)
	editFile(t, filepath.Join(dir, calls), func(s string) string { return "X" + s[1:] })
	res := VerifyDirWith(dir, VerifyOptions{})
	if !slices.Equal(res.Recomputed, []string{"sha512", "sm3"}) || len(res.NotRecomputed) != 0 {
		t.Fatalf("recomputed %v, not %v", res.Recomputed, res.NotRecomputed)
	}
	if got := summarize(res.Problems); strings.Join(got, "\n") != strings.Join(wants(want{Altered, calls, 1}, want{Altered, calls, 1}), "\n") {
		t.Fatalf("problems %v", got)
	}
}

package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/store"
)

func TestStageOpen(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		headSize int
		head     string
	}{
		{"head shorter than the file", strings.Repeat("abcdefgh", 1000), 10, "abcdefghab"},
		{"file shorter than the head", "short", 64 << 10, "short"},
		{"empty file", "", 16, ""},
		{"no head asked", "content", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.StageOpen(strings.NewReader(tt.content), tt.headSize)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(tt.content))
			if st.SHA256 != hex.EncodeToString(sum[:]) || st.Size != int64(len(tt.content)) {
				t.Errorf("staged %s, %d bytes; want %x, %d", st.SHA256, st.Size, sum, len(tt.content))
			}
			if string(st.Head()) != tt.head {
				t.Errorf("head %q, want %q", st.Head(), tt.head)
			}
			got, err := io.ReadAll(io.NewSectionReader(st.File(), 0, st.Size))
			if err != nil || string(got) != tt.content {
				t.Errorf("read back through File: %q, %v", got, err)
			}
			info, err := os.Stat(st.TempPath())
			if err != nil || info.Mode().Perm() != 0o444 {
				t.Errorf("staged copy mode %v (%v), want read-only from the start", info.Mode(), err)
			}
			st.Release()
			st.Release()
			if st.File() != nil || st.Head() != nil {
				t.Error("Release kept the file or the head")
			}
			if err := s.Commit([]*store.Staged{st}); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(s.Path(st.SHA256)); err != nil || string(b) != tt.content {
				t.Errorf("committed object: %q, %v", b, err)
			}
		})
	}
}

// The SM3 digest is the standard's (GB/T 32905-2016, appendix A example 1), computed in the
// same pass as SHA-256.
func TestStageSM3(t *testing.T) {
	s, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stage(strings.NewReader("abc"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"; st.SM3 != want {
		t.Errorf("SM3 %s, want %s", st.SM3, want)
	}
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; st.SHA256 != want {
		t.Errorf("SHA-256 %s, want %s", st.SHA256, want)
	}
}

// A new store spreads objects over one level of folders; a store of the first case format keeps
// its two, and an object in the other layout's place is misplaced for it.
func TestLayout(t *testing.T) {
	sha := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	tests := []struct {
		name   string
		layout store.Layout
		path   string
		other  string
	}{
		{"one level (new stores)", store.FanOut1, "objects/ba/" + sha, "objects/ba/78/" + sha},
		{"two levels (first case format)", store.FanOut2, "objects/ba/78/" + sha, "objects/ba/" + sha},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			s, err := store.OpenLayout(root, tt.layout)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Path(sha); got != filepath.Join(root, filepath.FromSlash(tt.path)) {
				t.Errorf("path %s, want %s", got, tt.path)
			}
			st, err := s.Stage(strings.NewReader("abc"))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Commit([]*store.Staged{st}); err != nil {
				t.Fatal(err)
			}
			objs, err := s.List()
			if err != nil || len(objs) != 1 || objs[0].Path != s.Path(sha) || s.Misplaced(objs[0]) {
				t.Fatalf("listed %+v (%v), want the one object in its place", objs, err)
			}
			if s.Misplaced(store.Object{SHA256: sha, Path: filepath.Join(root, filepath.FromSlash(tt.other))}) == false {
				t.Errorf("an object at %s is not reported misplaced", tt.other)
			}
			dirs := 0
			filepath.WalkDir(filepath.Join(root, "objects"), func(p string, d fs.DirEntry, err error) error {
				if d.IsDir() {
					dirs++
				}
				return nil
			})
			if want := 1 + int(tt.layout); dirs != want {
				t.Errorf("%d folders under objects/ for one object, want %d", dirs, want)
			}
		})
	}
	if _, err := store.OpenLayout(t.TempDir(), 3); err == nil {
		t.Error("a store layout of three levels was accepted")
	}
}

// StageFile copies an original (or shares its extents where the file system can) and hashes
// the copy: the digests, the head, the size and the progress are those of the original's bytes,
// the copy is read-only and reads back the same.
func TestStageFile(t *testing.T) {
	tests := []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"smaller than the head", 100},
		{"a screenshot", 50 << 10},
		{"larger than the copy buffer", 3<<20 + 17},
	}
	for _, dir := range stageDirs(t) {
		for _, tt := range tests {
			t.Run(dir.name+"/"+tt.name, func(t *testing.T) {
				b := make([]byte, tt.size)
				rand.NewChaCha8([32]byte{byte(tt.size)}).Read(b)
				orig := filepath.Join(dir.path, fmt.Sprintf("orig-%d", tt.size))
				if err := os.WriteFile(orig, b, 0o644); err != nil {
					t.Fatal(err)
				}
				s, err := store.Open(filepath.Join(dir.path, fmt.Sprintf("store-%d", tt.size)))
				if err != nil {
					t.Fatal(err)
				}
				src, err := store.OpenOriginal(orig)
				if err != nil {
					t.Fatal(err)
				}
				defer src.Close()
				var seen int64
				st, err := s.StageFile(src, 4096, func(n int64) { seen += n })
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(b)
				if st.SHA256 != hex.EncodeToString(sum[:]) || st.Size != int64(tt.size) || seen != int64(tt.size) {
					t.Errorf("staged %s, %d bytes, %d seen; want %x, %d", st.SHA256, st.Size, seen, sum, tt.size)
				}
				if want := b[:min(len(b), 4096)]; !bytes.Equal(st.Head(), want) {
					t.Errorf("head of %d bytes, want the first %d", len(st.Head()), len(want))
				}
				got, err := io.ReadAll(io.NewSectionReader(st.File(), 0, 1<<40))
				if err != nil || !bytes.Equal(got, b) {
					t.Errorf("the staged copy reads back %d bytes (%v), want the original's %d", len(got), err, len(b))
				}
				if info, err := os.Stat(st.TempPath()); err != nil || info.Mode().Perm() != 0o444 {
					t.Errorf("staged copy mode %v (%v), want read-only", info.Mode(), err)
				}
				if err := s.Commit([]*store.Staged{st}); err != nil {
					t.Fatal(err)
				}
				if got, err := os.ReadFile(s.Path(st.SHA256)); err != nil || !bytes.Equal(got, b) {
					t.Errorf("the stored object differs from the original (%v)", err)
				}
				if after, err := os.ReadFile(orig); err != nil || !bytes.Equal(after, b) {
					t.Errorf("the original changed (%v)", err)
				}
			})
		}
	}
}

type stageDir struct{ name, path string }

// stageDirs are the folders TestStageFile stages in: the test's temporary folder (a copy on
// file systems without reflinks) and, when DOSSIER_REFLINK_DIR names a folder on one that has
// them (Btrfs, XFS), that folder too, where the copy shares the original's extents.
func stageDirs(t *testing.T) []stageDir {
	dirs := []stageDir{{"tempdir", t.TempDir()}}
	if d := os.Getenv("DOSSIER_REFLINK_DIR"); d != "" {
		p, err := os.MkdirTemp(d, "stagefile-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(p) })
		dirs = append(dirs, stageDir{"reflink", p})
	}
	return dirs
}

// The same bytes staged twice and committed (in one batch or two) are one object; the second
// copy is dropped and the first, read-only, is not replaced.
func TestCommitSameBytesTwice(t *testing.T) {
	for _, together := range []bool{true, false} {
		t.Run(fmt.Sprintf("one batch %v", together), func(t *testing.T) {
			root := t.TempDir()
			s, err := store.Open(root)
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.Stage(strings.NewReader("same bytes"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.Stage(strings.NewReader("same bytes"))
			if err != nil {
				t.Fatal(err)
			}
			if together {
				err = s.Commit([]*store.Staged{a, b})
			} else if err = s.Commit([]*store.Staged{a}); err == nil {
				before, _ := os.Stat(s.Path(a.SHA256))
				err = s.Commit([]*store.Staged{b})
				if after, _ := os.Stat(s.Path(a.SHA256)); !os.SameFile(before, after) {
					t.Error("the stored object was replaced by the second copy")
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			objs, _ := s.List()
			if len(objs) != 1 || objs[0].Path != s.Path(a.SHA256) {
				t.Errorf("objects %+v, want the one", objs)
			}
			if left, _ := os.ReadDir(filepath.Join(root, "tmp")); len(left) != 0 {
				t.Errorf("%d staged copies left in tmp/", len(left))
			}
		})
	}
}

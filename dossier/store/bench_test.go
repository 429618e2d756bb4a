package store_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/dossier-tool/dossier/dossier/store"
)

// randomFile writes size pseudo-random bytes (incompressible, like recordings) and returns the path.
func randomFile(tb testing.TB, dir string, size int) string {
	tb.Helper()
	b := make([]byte, size)
	rand.NewChaCha8([32]byte{byte(size)}).Read(b)
	p := filepath.Join(dir, "input.bin")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

var sizes = []struct {
	name string
	size int
}{
	{"50KiB", 50 << 10}, // a screenshot
	{"20MiB", 20 << 20}, // an hour of call recording
}

// BenchmarkHashFile is the re-hash verify does per object: its speed is SHA-256's.
func BenchmarkHashFile(b *testing.B) {
	for _, sz := range sizes {
		b.Run(sz.name, func(b *testing.B) {
			p := randomFile(b, b.TempDir(), sz.size)
			b.SetBytes(int64(sz.size))
			for b.Loop() {
				if _, _, err := store.HashFile(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStage copies and hashes in one pass, as add does for every file (no sync).
func BenchmarkStage(b *testing.B) {
	for _, sz := range sizes {
		b.Run(sz.name, func(b *testing.B) {
			dir := b.TempDir()
			p := randomFile(b, dir, sz.size)
			s, err := store.Open(filepath.Join(dir, "store"))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(sz.size))
			for b.Loop() {
				f, err := os.Open(p)
				if err != nil {
					b.Fatal(err)
				}
				st, err := s.Stage(f)
				f.Close()
				if err != nil {
					b.Fatal(err)
				}
				s.Discard(st)
			}
		})
	}
}

// BenchmarkRehash hashes 64 objects of 1 MiB on every core, as verify does.
func BenchmarkRehash(b *testing.B) {
	dir := b.TempDir()
	var objs []store.Object
	src := rand.NewChaCha8([32]byte{7})
	buf := make([]byte, 1<<20)
	for i := range 64 {
		src.Read(buf)
		p := filepath.Join(dir, "obj"+string(rune('a'+i%26))+string(rune('a'+i/26)))
		if err := os.WriteFile(p, buf, 0o444); err != nil {
			b.Fatal(err)
		}
		objs = append(objs, store.Object{SHA256: "x", Path: p, Size: int64(len(buf))})
	}
	b.SetBytes(int64(len(objs) * len(buf)))
	for b.Loop() {
		n := 0
		store.Rehash(objs, func(r store.HashResult) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			n++
		})
		if n != len(objs) {
			b.Fatalf("rehashed %d of %d objects", n, len(objs))
		}
	}
}

// TestStageHashesWhatItCopies guards the benchmarks' subject: the staged bytes and the digest
// must both be the input's.
func TestStageHashesWhatItCopies(t *testing.T) {
	for _, sz := range []int{0, 1, 1 << 20, 3<<20 + 7} {
		dir := t.TempDir()
		p := randomFile(t, dir, sz)
		want, n, err := store.HashFile(p)
		if err != nil || n != int64(sz) {
			t.Fatalf("HashFile(%d bytes) = %d, %v", sz, n, err)
		}
		s, err := store.Open(filepath.Join(dir, "store"))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := os.Open(p)
		st, err := s.Stage(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if st.SHA256 != want || st.Size != int64(sz) {
			t.Errorf("%d bytes: staged %s/%d, want %s/%d", sz, st.SHA256, st.Size, want, sz)
		}
		got, _, _ := store.HashFile(st.TempPath())
		if got != want {
			t.Errorf("%d bytes: staged copy hashes to %s, want %s", sz, got, want)
		}
		s.Discard(st)
	}
}

// Package store keeps originals by content: each file is stored once, under its SHA-256, read-only.
//
// Layout under the store's root:
//
//	objects/ab/cd/abcd…   the original's bytes; name = hex SHA-256; two-level fan-out; mode 0444
//	tmp/                  files being written (staged); anything here after a crash is debris
//
// A file enters in two steps so that many can be made durable together: Stage copies it into tmp/
// while hashing it (the bytes are read once), Commit moves staged files into objects/ after one
// file-system sync. A crash between the two leaves only debris in tmp/, which Clean removes.
package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
)

// Store is a content-addressed object store rooted at a folder.
type Store struct {
	root string
}

// Open returns the store at root, creating its folders when missing.
func Open(root string) (*Store, error) {
	for _, d := range []string{"objects", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return nil, fmt.Errorf("create store folder: %w", err)
		}
	}
	return &Store{root: root}, nil
}

// Path is where the object with the given digest lives.
func (s *Store) Path(sha string) string {
	if len(sha) < 4 {
		return filepath.Join(s.root, "objects", "invalid", sha)
	}
	return filepath.Join(s.root, "objects", sha[:2], sha[2:4], sha)
}

// ValidDigest reports whether s is a lower-case hex SHA-256.
func ValidDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Has reports whether the object is stored.
func (s *Store) Has(sha string) bool {
	_, err := os.Lstat(s.Path(sha))
	return err == nil
}

// Open opens a stored object for reading.
func (s *Store) Open(sha string) (*os.File, error) {
	if !ValidDigest(sha) {
		return nil, fmt.Errorf("object %q: not a sha256 digest", sha)
	}
	return os.Open(s.Path(sha))
}

// Staged is a file copied into tmp/ and hashed, not yet in the store.
type Staged struct {
	SHA256 string
	Size   int64
	path   string
}

// TempPath is where the staged bytes are, for reading them before Commit.
func (st *Staged) TempPath() string { return st.path }

// Stage copies r into tmp/ while hashing it. The bytes pass through memory once, in a fixed-size
// buffer.
func (s *Store) Stage(r io.Reader) (*Staged, error) {
	f, err := os.CreateTemp(filepath.Join(s.root, "tmp"), "stage-*")
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	h := sha256.New()
	buf := copyBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(io.MultiWriter(f, h), r, *buf)
	copyBufs.Put(buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, err
	}
	return &Staged{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, path: f.Name()}, nil
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// Discard removes a staged file that will not be committed.
func (s *Store) Discard(st *Staged) {
	if st != nil && st.path != "" {
		os.Remove(st.path)
	}
}

// Sync makes every staged file durable with one file-system sync (falling back to one fsync each).
func (s *Store) Sync(staged []*Staged) error {
	if len(staged) == 0 {
		return nil
	}
	if err := atomicfile.SyncFS(filepath.Join(s.root, "tmp")); err == nil {
		return nil
	}
	for _, st := range staged {
		f, err := os.Open(st.path)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("sync staged file: %w", err)
		}
	}
	return nil
}

// Commit moves synced staged files into the store, read-only, and makes the moves durable. An
// object already present (the same bytes) is left as it is and the staged copy dropped.
func (s *Store) Commit(staged []*Staged) error {
	dirs := map[string]bool{}
	for _, st := range staged {
		dst := s.Path(st.SHA256)
		if s.Has(st.SHA256) {
			os.Remove(st.path)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("create object folder: %w", err)
		}
		if err := os.Chmod(st.path, 0o444); err != nil {
			return fmt.Errorf("make object read-only: %w", err)
		}
		if err := os.Rename(st.path, dst); err != nil {
			return fmt.Errorf("move object into store: %w", err)
		}
		dirs[filepath.Dir(dst)] = true
		dirs[filepath.Dir(filepath.Dir(dst))] = true
	}
	if len(dirs) > 0 {
		if err := atomicfile.SyncFS(s.root); err == nil {
			return nil
		}
	}
	for d := range dirs {
		if err := atomicfile.SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// Remove deletes an object; used only to roll back an interrupted add.
func (s *Store) Remove(sha string) error {
	p := s.Path(sha)
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// A crash before the object was moved in: nothing to undo, and its fan-out
			// folder may not exist either.
			return nil
		}
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(p))
}

// Clean removes debris from tmp/ left by an interrupted run.
func (s *Store) Clean() error {
	entries, err := os.ReadDir(filepath.Join(s.root, "tmp"))
	if err != nil {
		return err
	}
	for _, e := range entries {
		os.Remove(filepath.Join(s.root, "tmp", e.Name()))
	}
	return nil
}

// Object is one file found under objects/.
type Object struct {
	SHA256 string // the name it is stored under
	Path   string
	Size   int64
}

// List walks objects/ and returns every file in it, including misplaced or misnamed ones (their
// SHA256 is the base name, which may not be a digest).
func (s *Store) List() ([]Object, error) {
	var out []Object
	base := filepath.Join(s.root, "objects")
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, Object{SHA256: d.Name(), Path: p, Size: info.Size()})
		return nil
	})
	return out, err
}

// Misplaced reports whether an object's path does not match the fan-out of its name.
func (s *Store) Misplaced(o Object) bool {
	return !ValidDigest(o.SHA256) || filepath.Clean(o.Path) != filepath.Clean(s.Path(o.SHA256))
}

// HashFile returns the hex SHA-256 of a file, streaming it.
func HashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	buf := copyBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(h, f, *buf)
	copyBufs.Put(buf)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// HashResult is the outcome of re-hashing one object.
type HashResult struct {
	Object
	Actual string
	Err    error
}

// Rehash hashes the given objects on every core and calls fn with each result (from one
// goroutine at a time, in no particular order).
func Rehash(objs []Object, fn func(HashResult)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > len(objs) {
		workers = len(objs)
	}
	jobs := make(chan Object)
	results := make(chan HashResult)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				sum, _, err := HashFile(o.Path)
				results <- HashResult{Object: o, Actual: sum, Err: err}
			}
		}()
	}
	go func() {
		for _, o := range objs {
			jobs <- o
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	for r := range results {
		fn(r)
	}
}

// IsTemp reports whether a name is one of the store's temporary files.
func IsTemp(name string) bool { return strings.HasPrefix(name, "stage-") }

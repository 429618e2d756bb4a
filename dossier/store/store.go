// Package store keeps originals by content: each file is stored once, under its SHA-256, read-only.
//
// Layout under the store's root:
//
//	objects/ab/abcd…      the original's bytes; name = hex SHA-256; mode 0444 (FanOut1)
//	objects/ab/cd/abcd…   the same in a store made before FanOut1 (FanOut2)
//	tmp/                  files being written (staged); anything here after a crash is debris
//
// The fan-out is one level of 256 folders: a case of 10,000 objects then has about 40 a folder
// and one of a million about 4,000, which a directory index handles without effort. The first
// stores had two levels (65,536 possible folders), which made a new folder, an inode and a
// directory block to write back, for nearly every object of a case of a few thousand files: a
// store keeps the layout it was made with (the case folder's format says which), so old cases
// open, grow and verify as they always did.
//
// A file enters in two steps so that many can be made durable together: Stage copies it into tmp/
// while hashing it (the bytes are read once), Commit moves staged files into objects/ after one
// file-system sync. A crash between the two leaves only debris in tmp/, which Clean removes.
// Place and Durable split Commit for a caller that makes other files durable with the same sync.
//
// A staged file is read-only from its creation (made with mode 0444 and written through the
// descriptor that created it, so no chmod follows), and StageOpen keeps it open with its first
// bytes in memory, so that the caller can detect and parse it without opening it again: per
// small file, the system calls are what an add costs. StageFile, for an original on disk, asks
// the file system to share the original's extents with the copy (a reflink, on Btrfs or XFS)
// and then only reads the copy to hash it; where it cannot (ext4, another file system than the
// case's) the bytes are copied and hashed in one pass. copy_file_range is not used for that
// copy: the bytes must pass through memory to be hashed anyway, and a copy made in the kernel
// and then read back costs the same two memory copies as reading and writing.
package store

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/emmansun/gmsm/sm3"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
)

// Layout is how many levels of two-hex-digit folders spread the objects.
type Layout int

const (
	// FanOut1 is objects/ab/<sha>, the layout of new stores.
	FanOut1 Layout = 1
	// FanOut2 is objects/ab/cd/<sha>, the layout of the first case format.
	FanOut2 Layout = 2
)

// Store is a content-addressed object store rooted at a folder.
type Store struct {
	root   string
	layout Layout

	mu      sync.Mutex
	made    map[string]bool // fan-out folders known to exist
	noClone map[uint64]bool // devices of originals whose file system cannot reflink into the store
}

// Open returns the store at root in the layout of new stores, creating its folders when missing.
func Open(root string) (*Store, error) { return OpenLayout(root, FanOut1) }

// OpenLayout returns the store at root with the given layout, creating its folders when missing.
func OpenLayout(root string, layout Layout) (*Store, error) {
	if layout != FanOut1 && layout != FanOut2 {
		return nil, fmt.Errorf("store %s: unknown layout %d", root, layout)
	}
	for _, d := range []string{"objects", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return nil, fmt.Errorf("create store folder: %w", err)
		}
	}
	return &Store{root: root, layout: layout}, nil
}

// Layout is the store's fan-out.
func (s *Store) Layout() Layout { return s.layout }

// Path is where the object with the given digest lives.
func (s *Store) Path(sha string) string {
	if len(sha) < 4 {
		return filepath.Join(s.root, "objects", "invalid", sha)
	}
	if s.layout == FanOut2 {
		return filepath.Join(s.root, "objects", sha[:2], sha[2:4], sha)
	}
	return filepath.Join(s.root, "objects", sha[:2], sha)
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
	// SM3 is the GB/T 32905 digest, computed in the same pass; Chinese evidence platforms and
	// the GM/T standards use it beside SHA-256.
	SM3  string
	Size int64
	path string
	file *os.File // open for reading, from StageOpen until Release
	head []byte
}

// TempPath is where the staged bytes are, for reading them before Commit.
func (st *Staged) TempPath() string { return st.path }

// File is the staged copy, open for reading, between StageOpen and Release; nil otherwise.
func (st *Staged) File() *os.File { return st.file }

// Head is the first bytes of the staged copy kept by StageOpen, until Release.
func (st *Staged) Head() []byte { return st.head }

// Release closes the staged copy StageOpen kept open and drops its head; the staged file stays
// for Commit. It is safe to call more than once.
func (st *Staged) Release() {
	if st.file != nil {
		st.file.Close()
		st.file = nil
	}
	st.head = nil
}

// Stage copies r into tmp/ while hashing it. The bytes pass through memory once, in a fixed-size
// buffer.
func (s *Store) Stage(r io.Reader) (*Staged, error) {
	st, err := s.stage(r, nil, 0, nil)
	if err == nil {
		st.Release()
	}
	return st, err
}

// StageOpen is Stage that keeps the copy open (File) and its first headSize bytes (Head) until
// Release, so the caller reads the copy without opening it again.
func (s *Store) StageOpen(r io.Reader, headSize int) (*Staged, error) {
	return s.stage(r, nil, headSize, nil)
}

// StageFile is StageOpen for an original on disk. Where the file system can share the
// original's extents with the copy (a reflink), it does so, and the copy is then read once to
// hash it: the digests are always of the bytes stored. Elsewhere the bytes are copied, hashed in
// the same pass. progress, when set, is told the bytes as they are read.
func (s *Store) StageFile(src *os.File, headSize int, progress func(int64)) (*Staged, error) {
	return s.stage(src, src, headSize, progress)
}

// OpenOriginal opens a file to be staged, read-only and without the poller registration
// os.Open attempts for every file.
func OpenOriginal(path string) (*os.File, error) { return openFile(path, os.O_RDONLY, 0) }

func (s *Store) stage(r io.Reader, src *os.File, headSize int, progress func(int64)) (*Staged, error) {
	f, err := s.createTemp()
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	h, h3 := sha256.New(), sm3.New()
	bp := copyBufs.Get().(*[]byte)
	var head []byte
	var n int64
	cloned := false
	if src != nil {
		cloned, err = s.clone(f, src)
	}
	switch {
	case err != nil:
	case cloned:
		// The copy shares the original's extents; its bytes are hashed as stored.
		n, err = copyHashing(io.Discard, io.MultiWriter(h, h3), &progressReader{io.NewSectionReader(f, 0, 1<<62), progress}, *bp, headSize, &head)
	default:
		if progress != nil {
			r = &progressReader{r, progress}
		}
		n, err = copyHashing(f, io.MultiWriter(h, h3), r, *bp, headSize, &head)
	}
	copyBufs.Put(bp)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &Staged{SHA256: hex.EncodeToString(h.Sum(nil)), SM3: hex.EncodeToString(h3.Sum(nil)), Size: n, path: f.Name(), file: f, head: head}, nil
}

// createTemp makes a new file in tmp/, open for writing and reading, read-only from the start
// (a file created with mode 0444 is still writable through the descriptor that created it): the
// object keeps this mode in the store, with no chmod afterwards.
func (s *Store) createTemp() (*os.File, error) {
	dir := filepath.Join(s.root, "tmp")
	for range 100 {
		name := filepath.Join(dir, "stage-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := openFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o444)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &os.PathError{Op: "createtemp", Path: dir + "/stage-*", Err: fs.ErrExist}
}

// clone tries a reflink of src into dst, remembering the file systems that cannot (so a folder
// of small files on ext4 pays one failed attempt, not one a file).
func (s *Store) clone(dst, src *os.File) (bool, error) {
	info, err := src.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return false, nil
	}
	dev := deviceOf(info)
	s.mu.Lock()
	no := s.noClone[dev]
	s.mu.Unlock()
	if no {
		return false, nil
	}
	ok, unsupported := cloneFile(dst, src)
	if unsupported {
		s.mu.Lock()
		if s.noClone == nil {
			s.noClone = map[uint64]bool{}
		}
		s.noClone[dev] = true
		s.mu.Unlock()
	}
	if !ok && !unsupported {
		// A clone that failed midway (no space) may have left bytes: the copy starts empty.
		return false, dst.Truncate(0)
	}
	return ok, nil
}

type progressReader struct {
	r  io.Reader
	fn func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 && p.fn != nil {
		p.fn(int64(n))
	}
	return n, err
}

// copyHashing copies r to w and into h, and keeps a copy of the first headSize bytes in *head.
func copyHashing(w io.Writer, h io.Writer, r io.Reader, buf []byte, headSize int, head *[]byte) (int64, error) {
	var n int64
	for {
		m, rerr := r.Read(buf)
		if m > 0 {
			if len(*head) < headSize {
				if *head == nil {
					*head = make([]byte, 0, min(headSize, max(m, 4<<10)))
				}
				*head = append(*head, buf[:min(m, headSize-len(*head))]...)
			}
			h.Write(buf[:m])
			if _, err := w.Write(buf[:m]); err != nil {
				return n, err
			}
			n += int64(m)
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// Discard removes a staged file that will not be committed.
func (s *Store) Discard(st *Staged) {
	if st != nil {
		st.Release()
		if st.path != "" {
			os.Remove(st.path)
		}
	}
}

// Commit moves staged files into the store and makes them and the moves durable. An
// object already present (the same bytes) is left as it is and the staged copy dropped.
func (s *Store) Commit(staged []*Staged) error {
	placed, err := s.Place(staged)
	if err != nil {
		return err
	}
	return s.Durable(placed, nil)
}

// Placed is what Place moved into objects/: the objects and the folders whose entries changed.
type Placed struct {
	Objects []string // paths
	Dirs    []string
}

// Place moves staged files into objects/ without syncing anything. Their bytes and the moves
// become durable with Durable (or one file-system sync the caller makes for other files too).
func (s *Store) Place(staged []*Staged) (Placed, error) {
	var p Placed
	dirs := map[string]bool{}
	for _, st := range staged {
		st.Release()
		dst := s.Path(st.SHA256)
		dir := filepath.Dir(dst)
		if err := s.mkdirFanout(dir); err != nil {
			return p, err
		}
		moved, err := moveNew(st.path, dst)
		if err != nil {
			return p, fmt.Errorf("move object into store: %w", err)
		}
		if !moved {
			// The same bytes are stored already: the object stays as it is.
			os.Remove(st.path)
			continue
		}
		p.Objects = append(p.Objects, dst)
		for d := dir; d != filepath.Join(s.root, "objects") && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
			p.Dirs = append(p.Dirs, d)
		}
	}
	if len(p.Objects) > 0 {
		p.Dirs = append(p.Dirs, filepath.Join(s.root, "objects"))
	}
	return p, nil
}

// moveNewPortable is moveNew where the system cannot refuse to replace: a stat, then the rename.
func moveNewPortable(src, dst string) (bool, error) {
	if _, err := os.Lstat(dst); err == nil {
		return false, nil
	}
	return true, os.Rename(src, dst)
}

// mkdirFanout creates an object's folder once per process, not a stat per object.
func (s *Store) mkdirFanout(dir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.made[dir] {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create object folder: %w", err)
	}
	if s.made == nil {
		s.made = map[string]bool{}
	}
	s.made[dir] = true
	return nil
}

// Durable makes placed objects, their folders and the given other files durable: one
// file-system sync, or, where the system has none, an fsync of each file and folder.
func (s *Store) Durable(p Placed, files []string) error {
	if len(p.Objects) == 0 && len(files) == 0 {
		return nil
	}
	if err := atomicfile.SyncFS(s.root); err == nil {
		return nil
	}
	for _, path := range append(append([]string(nil), p.Objects...), files...) {
		if err := atomicfile.SyncFile(path); err != nil {
			return err
		}
	}
	for _, d := range p.Dirs {
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
	// SM3, when set, is the SM3 digest recorded for the object: Rehash then computes the
	// object's SM3 too, in the same read.
	SM3 string
	// AlsoSM3 has Rehash compute the SM3 when the digest to compare it with is not known yet.
	AlsoSM3 bool
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
	f, err := openFile(path, os.O_RDONLY, 0)
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

// hashBoth returns the SHA-256 and the SM3 of a file, read once.
func hashBoth(path string) (string, string, error) {
	f, err := openFile(path, os.O_RDONLY, 0)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	h, h3 := sha256.New(), sm3.New()
	buf := copyBufs.Get().(*[]byte)
	_, err = io.CopyBuffer(io.MultiWriter(h, h3), f, *buf)
	copyBufs.Put(buf)
	if err != nil {
		return "", "", err
	}
	return hex.EncodeToString(h.Sum(nil)), hex.EncodeToString(h3.Sum(nil)), nil
}

// HashResult is the outcome of re-hashing one object.
type HashResult struct {
	Object
	Actual    string
	ActualSM3 string // computed only for objects with an SM3 or AlsoSM3
	Err       error
}

// Rehash hashes the given objects on every core and calls fn with each result (from one
// goroutine at a time, in no particular order). The largest objects go first: one file is
// hashed on one core, so a large file handed out last would leave the other cores idle while
// it is hashed; small files fill the gaps at the end.
func Rehash(objs []Object, fn func(HashResult)) {
	objs = slices.Clone(objs)
	slices.SortStableFunc(objs, func(a, b Object) int { return cmp.Compare(b.Size, a.Size) })
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
				res := HashResult{Object: o}
				if o.SM3 != "" || o.AlsoSM3 {
					res.Actual, res.ActualSM3, res.Err = hashBoth(o.Path)
				} else {
					res.Actual, _, res.Err = HashFile(o.Path)
				}
				results <- res
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

package dossier

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"sync"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/store"
)

// ErrTampered means a stored original or the events extracted from it no longer have the digest
// recorded when they were added. Documents are never rendered from such a store: they would
// present changed evidence under the original's digest.
var ErrTampered = errors.New("the case's store was changed")

// TamperedError names the first exhibit found changed.
type TamperedError struct {
	Exhibit          int
	Name             string
	Events           bool // the extracted events, not the original, were changed
	Expected, Actual string
	Missing          bool
}

func (e *TamperedError) Error() string {
	what := "the stored original"
	if e.Events {
		what = "the events extracted from it"
	}
	how := fmt.Sprintf("%s no longer matches the digest recorded when it was added (recorded %s, found %s)", what, e.Expected, e.Actual)
	if e.Missing {
		how = what + " cannot be read: " + e.Actual
	}
	return fmt.Sprintf("exhibit %d (%s): %s; nothing was written; run 'dossier verify' to see every problem",
		e.Exhibit, e.Name, how)
}

// Is makes errors.Is(err, ErrTampered) hold.
func (e *TamperedError) Is(target error) bool { return target == ErrTampered }

// guard checks the store while a document is rendered. Every original a renderer reads from start
// to end is hashed on the way (no second read); check re-hashes whatever was read only in part,
// out of order or not at all, and the events files, before anything is put in place.
type guard struct {
	f     *casefolder.Folder
	items []evidence.Item
	open  evidence.Opener

	mu     sync.Mutex
	seen   map[string]bool // digests confirmed by a complete sequential read or by check
	events bool            // the events files were checked
	bad    *TamperedError
}

// guardStore makes b's opener check what it reads.
func (c *Case) guardStore(b *evidence.Bundle) *guard {
	g := &guard{f: c.Folder, items: b.Items, open: b.Open, seen: map[string]bool{}}
	b.Open = g.opener
	return g
}

func (g *guard) opener(sha string) (io.ReadCloser, error) {
	if err := g.failed(); err != nil {
		return nil, err
	}
	rc, err := g.open(sha)
	if err != nil {
		return nil, err // check reports a missing original by exhibit
	}
	return &hashingReader{rc: rc, g: g, sha: sha, h: sha256.New()}, nil
}

func (g *guard) failed() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.bad != nil {
		return g.bad
	}
	return nil
}

// done records a complete read of an original; it returns the error for a changed one.
func (g *guard) done(sha, got string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if got == sha {
		g.seen[sha] = true
		return nil
	}
	if g.bad == nil {
		g.bad = &TamperedError{Expected: sha, Actual: got}
		for _, it := range g.items {
			if it.SHA256 == sha {
				g.bad.Exhibit, g.bad.Name = it.Exhibit, it.Name
				break
			}
		}
	}
	return g.bad
}

// check re-hashes every original not yet confirmed and every events file, and returns the first
// change by exhibit number.
func (g *guard) check() error {
	if err := g.failed(); err != nil {
		return err
	}
	type want struct {
		item   evidence.Item
		events bool
	}
	wants := map[string]want{}
	var jobs []store.Object
	for _, it := range g.items {
		if !g.seen[it.SHA256] {
			p := g.f.Store.Path(it.SHA256)
			if _, dup := wants[p]; !dup {
				wants[p] = want{item: it}
				jobs = append(jobs, store.Object{SHA256: it.SHA256, Path: p, Size: it.Size})
			}
		}
		if it.EventsSHA256 != "" && !g.events {
			p := g.f.EventsPath(it.ID)
			wants[p] = want{item: it, events: true}
			jobs = append(jobs, store.Object{SHA256: it.EventsSHA256, Path: p})
		}
	}
	var found []*TamperedError
	store.Rehash(jobs, func(h store.HashResult) {
		w := wants[h.Path]
		switch {
		case h.Err != nil:
			found = append(found, &TamperedError{Exhibit: w.item.Exhibit, Name: w.item.Name, Events: w.events,
				Expected: h.SHA256, Actual: h.Err.Error(), Missing: true})
		case h.Actual != h.SHA256:
			found = append(found, &TamperedError{Exhibit: w.item.Exhibit, Name: w.item.Name, Events: w.events,
				Expected: h.SHA256, Actual: h.Actual})
		}
	})
	if len(found) == 0 {
		g.mu.Lock()
		for _, j := range jobs {
			g.seen[j.SHA256] = true
		}
		g.events = true
		g.mu.Unlock()
		return nil
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Exhibit < found[j].Exhibit })
	g.mu.Lock()
	g.bad = found[0]
	g.mu.Unlock()
	return found[0]
}

// hashingReader hashes an original as it is read; a read that reaches the end compares the
// digest and fails there if it differs, so the renderer stops at the first changed original.
// A seek makes the hash meaningless; check then reads the original again.
type hashingReader struct {
	rc      io.ReadCloser
	g       *guard
	sha     string
	h       hash.Hash
	skipped bool
}

func (r *hashingReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if !r.skipped {
		r.h.Write(p[:n])
		if err == io.EOF {
			r.skipped = true // one verdict per open
			if bad := r.g.done(r.sha, hex.EncodeToString(r.h.Sum(nil))); bad != nil {
				return n, bad
			}
		}
	}
	return n, err
}

// Seek lets renderers that need random access use the file in place. Going back to the start
// restarts the hash; any other seek gives it up, and check reads the original again.
func (r *hashingReader) Seek(off int64, whence int) (int64, error) {
	s, ok := r.rc.(io.Seeker)
	if !ok {
		return 0, errors.New("original is not seekable")
	}
	pos, err := s.Seek(off, whence)
	if err != nil {
		return pos, err
	}
	if pos == 0 && !r.skipped {
		r.h.Reset()
	} else {
		r.skipped = true
	}
	return pos, nil
}

func (r *hashingReader) Close() error { return r.rc.Close() }

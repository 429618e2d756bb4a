// Package atomicfile writes files so that a crash at any moment leaves either the old content or
// the new, never a mix, and what was written survives a power cut once the call returns.
//
// The recipe: write to a temporary file in the same folder, fsync it, rename it over the target,
// fsync the folder (the rename is only durable once the folder's entry is). Append-only logs use
// Append: one write of whole lines followed by fsync; a crash can leave at most a torn last line,
// which readers of such logs ignore (see package casefolder).
package atomicfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write replaces path with what r yields. perm applies to a new file.
func Write(path string, r io.Reader, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, r); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	done = true
	return SyncDir(dir)
}

// WriteBytes is Write for a buffer.
func WriteBytes(path string, b []byte, perm os.FileMode) error {
	return Write(path, bytes.NewReader(b), perm)
}

// SyncDir makes the entries of a folder (creations, renames, removals) durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !isUnsupported(err) {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// SyncFile makes a file's content durable.
func SyncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

// Append adds whole lines to a log with one write and makes them durable.
func Append(path string, lines []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if _, err := f.Write(lines); err != nil {
		f.Close()
		return fmt.Errorf("append to %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}

// Pending is a file being written that appears under its final name only when committed.
type Pending struct {
	*os.File
	path string
	done bool
}

// Create starts writing path: the bytes go to a temporary file beside it until Commit.
func Create(path string, perm os.FileMode) (*Pending, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return &Pending{File: tmp, path: path}, nil
}

// Commit makes the file durable and puts it in place.
func (p *Pending) Commit() error {
	if p.done {
		return nil
	}
	p.done = true
	if err := p.File.Sync(); err != nil {
		p.File.Close()
		os.Remove(p.File.Name())
		return fmt.Errorf("sync %s: %w", p.path, err)
	}
	if err := p.File.Close(); err != nil {
		os.Remove(p.File.Name())
		return fmt.Errorf("close %s: %w", p.path, err)
	}
	if err := os.Rename(p.File.Name(), p.path); err != nil {
		os.Remove(p.File.Name())
		return fmt.Errorf("rename into %s: %w", p.path, err)
	}
	return SyncDir(filepath.Dir(p.path))
}

// Abort drops the file; it is safe after Commit (then it does nothing).
func (p *Pending) Abort() {
	if p.done {
		return
	}
	p.done = true
	p.File.Close()
	os.Remove(p.File.Name())
}

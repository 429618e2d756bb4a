package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// moveNew renames a staged file to dst unless dst exists, in one system call (renameat2 with
// RENAME_NOREPLACE) instead of a stat of dst, os.Rename's own stat and the rename. It reports
// whether it moved the file; false means the object was already stored.
func moveNew(src, dst string) (bool, error) {
	err := unix.Renameat2(unix.AT_FDCWD, src, unix.AT_FDCWD, dst, unix.RENAME_NOREPLACE)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EEXIST):
		return false, nil
	case errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS):
		return moveNewPortable(src, dst) // a file system without the flag
	}
	return false, &os.LinkError{Op: "rename", Old: src, New: dst, Err: err}
}

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// cloneFile makes dst share src's extents (FICLONE: a reflink on Btrfs, XFS, bcachefs, …), so
// the original's bytes are not written a second time. It reports whether the file system did
// it; unsupported means it never will for this source (another file system, or one without
// reflinks), so the caller stops asking.
func cloneFile(dst, src *os.File) (ok, unsupported bool) {
	err := unix.IoctlFileClone(int(dst.Fd()), int(src.Fd()))
	if err == nil {
		return true, false
	}
	return false, errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EXDEV) || errors.Is(err, unix.EINVAL) ||
		errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EBADF)
}

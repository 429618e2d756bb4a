//go:build unix

package store

import (
	"os"
	"syscall"
)

// openFile opens a regular file without registering it with Go's poller: os.OpenFile tries to
// add every file to epoll (which refuses regular files) and toggles O_NONBLOCK on the way, about
// six system calls per file that a folder of thousands of small originals pays for nothing.
func openFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, flag|syscall.O_CLOEXEC, uint32(perm.Perm()))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

package casefolder

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrLockTimeout is returned when another process kept the case locked longer than the wait.
var ErrLockTimeout = fmt.Errorf("case is locked by another dossier process")

// LockTimeoutError is ErrLockTimeout with who held the lock and how long was waited, so that the
// command line can say both in the case's language.
type LockTimeoutError struct {
	Holder string
	Wait   time.Duration
}

func (e *LockTimeoutError) Error() string {
	return fmt.Sprintf("%v (%s) for more than %s", ErrLockTimeout, e.Holder, e.Wait)
}

func (e *LockTimeoutError) Is(target error) bool { return target == ErrLockTimeout }

// Lock takes the case's writer lock. When another process holds it, waiting is called once with
// a description of the holder ("pid 1234: dossier add ...") and Lock retries until the lock is
// free, ctx ends, or wait has passed. The returned function releases the lock.
func (f *Folder) Lock(ctx context.Context, wait time.Duration, command string, waiting func(holder string)) (func(), error) {
	path := filepath.Join(f.storeDir(), "lock")
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	told := false
	for {
		ok, err := tryLock(file)
		if err != nil {
			file.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			break
		}
		if !told && waiting != nil {
			waiting(readHolder(path))
			told = true
		}
		if time.Now().After(deadline) {
			file.Close()
			return nil, &LockTimeoutError{Holder: readHolder(path), Wait: wait}
		}
		select {
		case <-ctx.Done():
			file.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	// The holder's description is for the messages of waiting processes only.
	_ = file.Truncate(0)
	_, _ = file.WriteAt([]byte(fmt.Sprintf("pid %d: %s\n", os.Getpid(), command)), 0)
	return func() {
		_ = file.Truncate(0)
		unlock(file)
		file.Close()
	}, nil
}

func readHolder(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown process"
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 512))
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "another process"
	}
	return s
}

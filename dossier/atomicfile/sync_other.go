//go:build !unix

package atomicfile

import "errors"

func isUnsupported(err error) bool { return err != nil && errors.Is(err, errors.ErrUnsupported) }

// SyncFS is not available here; callers fall back to syncing each file.
func SyncFS(dir string) error { return errors.ErrUnsupported }

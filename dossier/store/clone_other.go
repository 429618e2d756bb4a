//go:build !linux

package store

import "os"

func cloneFile(dst, src *os.File) (ok, unsupported bool) { return false, true }

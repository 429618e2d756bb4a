//go:build !unix

package store

import "io/fs"

func deviceOf(fs.FileInfo) uint64 { return 0 }

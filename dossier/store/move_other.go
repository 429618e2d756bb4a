//go:build !linux

package store

func moveNew(src, dst string) (bool, error) { return moveNewPortable(src, dst) }

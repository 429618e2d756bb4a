package dossier

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Renderers spill to disk: excelize writes the rows of a large sheet, which hold the evidence's
// text, to temporary files. Evidence must never leave the case, so those files go into a private
// scratch folder inside the case's out/ folder or beside the output, never into the system's
// temporary folder, and the folder is removed when the render ends, however it ends. A run that
// was killed cannot remove its folder; the folder's name carries the process id, and the next
// render in that place removes every scratch folder whose process is gone.

const (
	scratchPrefix = ".dossier-tmp-"
	docsPrefix    = ".dossier-docs-"
)

// scratchDir makes a private scratch folder in dir, named prefix<pid>-<random>, and returns it
// with the function that removes it.
func scratchDir(dir, prefix string) (string, func(), error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	removeStaleScratch(dir)
	tmp, err := os.MkdirTemp(dir, prefix+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return "", nil, fmt.Errorf("scratch folder: %w", err)
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// removeStaleScratch removes the scratch folders in dir left by processes that no longer run.
func removeStaleScratch(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if stale, ok := staleScratch(e); ok && stale {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// staleScratch says whether e is a scratch folder (ok) and whether its process is gone.
func staleScratch(e os.DirEntry) (stale, ok bool) {
	n := e.Name()
	var rest string
	switch {
	case strings.HasPrefix(n, scratchPrefix):
		rest = n[len(scratchPrefix):]
	case strings.HasPrefix(n, docsPrefix):
		rest = n[len(docsPrefix):]
	default:
		return false, false
	}
	pidText, _, found := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidText)
	if !found || err != nil {
		return true, true // the unnumbered form older versions made
	}
	if pid == os.Getpid() {
		return false, true
	}
	if alive, known := processAlive(pid); known {
		return !alive, true
	}
	// Where a process cannot be asked about, a day-old folder is taken to be abandoned.
	info, err := e.Info()
	return err == nil && time.Since(info.ModTime()) > 24*time.Hour, true
}

// ScratchDir makes a private scratch folder in dir for work on files that must not go to the
// system's temporary folder (a packet dropped on the web app to be verified), removing the
// ones processes that are gone left there; done removes this one.
func ScratchDir(dir string) (path string, done func(), err error) {
	return scratchDir(dir, scratchPrefix)
}

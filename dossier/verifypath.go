package dossier

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/verify"
)

// Verify checks a case folder, a bag (folder or zip) or a packet PDF, whichever path names.
func Verify(path string) (*verify.Report, error) { return VerifyWithProgress(path, nil) }

// VerifyWithProgress is Verify telling p how the re-hashing of a case goes (p may be nil).
func VerifyWithProgress(path string, p verify.Progress) (*verify.Report, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	if info.IsDir() {
		if _, err := os.Stat(filepath.Join(path, casefolder.StoreDir)); err == nil {
			return verify.CaseWithProgress(path, p)
		}
		if _, err := os.Stat(filepath.Join(path, "bagit.txt")); err == nil {
			return verify.BagDir(path)
		}
		return verify.Case(path) // reports "no case here"
	}
	return verify.File(path)
}

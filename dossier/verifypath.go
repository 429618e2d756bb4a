package dossier

import (
	"crypto/x509"
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
	return VerifyWith(path, verify.Options{Progress: p})
}

// VerifyWith is Verify with options.
func VerifyWith(path string, opt verify.Options) (*verify.Report, error) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	if info.IsDir() {
		if _, err := os.Stat(filepath.Join(path, casefolder.StoreDir)); err == nil {
			return verify.CaseWith(path, opt)
		}
		if _, err := os.Stat(filepath.Join(path, "bagit.txt")); err == nil {
			return verify.BagDirWith(path, opt)
		}
		return verify.Case(path) // reports "no case here"
	}
	return verify.FileWith(path, opt)
}

// TSARoots reads the PEM certificates of the authorities a time-stamping authority must chain to.
func TSARoots(file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--tsa-ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("--tsa-ca %s: no PEM certificate in it", file)
	}
	return pool, nil
}

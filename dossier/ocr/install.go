package ocr

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// stampFile records, in the OCR folder, which pinned tarballs its files came from.
const stampFile = "assets.txt"

// stamp is the content of stampFile for the pinned assets.
func stamp() string {
	var b strings.Builder
	for _, a := range Assets {
		fmt.Fprintf(&b, "%s %s %s\n", a.Spec(), a.SHA256, a.License)
	}
	return b.String()
}

// Installed reports whether dir holds the files of exactly the pinned assets.
func Installed(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, stampFile))
	return err == nil && string(b) == stamp() && checkDir(dir) == nil
}

// Unpack checks a tarball against the asset's pinned SHA-256 and writes the asset's files into
// dir, each atomically (temporary file, sync, rename). Nothing is written when the digest differs.
func Unpack(a Asset, tarball string, dir string) error {
	f, err := os.Open(tarball)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("%s: %w", tarball, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != a.SHA256 {
		return fmt.Errorf("%s: sha256 %s, want the pinned %s for %s", tarball, got, a.SHA256, a.Spec())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", tarball, err)
	}
	tr := tar.NewReader(zr)
	left := len(a.Files)
	for left > 0 {
		hd, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", tarball, err)
		}
		name, ok := a.Files[hd.Name]
		if !ok || hd.Typeflag != tar.TypeReg {
			continue
		}
		if err := writeAtomic(filepath.Join(dir, name), tr, 0o644); err != nil {
			return fmt.Errorf("%s: %s: %w", tarball, hd.Name, err)
		}
		left--
	}
	if left > 0 {
		return fmt.Errorf("%s: %d of the files of %s are missing", tarball, left, a.Spec())
	}
	return nil
}

// MarkInstalled writes the stamp once every asset is unpacked.
func MarkInstalled(dir string) error {
	return writeAtomic(filepath.Join(dir, stampFile), strings.NewReader(stamp()), 0o644)
}

func writeAtomic(path string, r io.Reader, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

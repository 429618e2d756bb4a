package casefolder

import (
	"fmt"
	"os"
	"path/filepath"
)

// Find returns the case folder that holds dir: dir itself or the nearest folder above it with a
// case's store, as git finds the repository from any folder inside a work tree. Commands run from
// mycase/out or mycase/evidence/phone act on mycase. ErrNoCase when no folder up to the root is a
// case.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", dir, err)
	}
	for d := abs; ; {
		if st, err := os.Stat(filepath.Join(d, StoreDir, metaFile)); err == nil && st.Mode().IsRegular() {
			if d == abs {
				return dir, nil // as given, so messages keep the user's spelling
			}
			return d, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", fmt.Errorf("%s: %w", dir, ErrNoCase)
		}
		d = up
	}
}

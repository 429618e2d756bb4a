//go:build !unix

package casefolder

import "os"

// Without flock, fall back to exclusive creation of a marker; a crash can leave it behind, and
// the message then tells the user which file to remove.
func tryLock(f *os.File) (bool, error) {
	m, err := os.OpenFile(f.Name()+".held", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return false, nil
		}
		return false, err
	}
	return true, m.Close()
}

func unlock(f *os.File) { os.Remove(f.Name() + ".held") }

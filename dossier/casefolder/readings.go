package casefolder

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
)

// Readings are what a machine read from an original after it was added, kept beside it: the
// text OCR found on a screenshot (package ocr/reading defines the content). Each is one file,
//
//	store/ocr/<item id>.json
//
// replaced atomically when the item is read again, and every write is a custody line
// {"action":"ocr","exhibit":N,"sha256":"<digest of the file>","note":"<item id>"}, so the last
// such line for an item names the digest its reading must have. The original and its events file
// are never touched.
const (
	readingsDir   = "ocr"
	ActionReading = "ocr"
)

// ReadingPath is where the reading of an item is kept.
func (f *Folder) ReadingPath(itemID string) string { return f.Path(readingsDir, itemID+".json") }

// WriteReading stores the reading of an item and records it in the custody log. The caller holds
// the writer lock.
func (f *Folder) WriteReading(itemID string, exhibit int, data []byte, now time.Time) error {
	if err := os.MkdirAll(f.Path(readingsDir), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(f.ReadingPath(itemID), data, 0o644); err != nil {
		return fmt.Errorf("write reading of exhibit %d: %w", exhibit, err)
	}
	sum := sha256.Sum256(data)
	return f.appendCustody(&CustodyLine{Time: now.UTC(), Action: ActionReading, Exhibit: exhibit,
		SHA256: hex.EncodeToString(sum[:]), Note: itemID})
}

// MaxReading caps the size of a reading file that is read back.
const MaxReading = 16 << 20

// Reading returns the stored reading of an item, or nil when it has none.
func (f *Folder) Reading(itemID string) ([]byte, error) {
	p := f.ReadingPath(itemID)
	info, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxReading {
		return nil, fmt.Errorf("%s: %d bytes, more than a reading can be", p, info.Size())
	}
	return os.ReadFile(p)
}

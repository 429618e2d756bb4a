// Package parsetest builds the values a parser sees, from bytes in a test, the way ingest builds
// them from a stored file: the same lower-case extension on the Sniff and the Input, and a Sniff
// that sees at most parse.HeadSize bytes, so that a test cannot pass on a head the real caller
// would never hand over.
package parsetest

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// Shanghai is the zone of the sample case, loaded from the time-zone database so that tests see
// the same location value ingest does.
func Shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatalf("load Asia/Shanghai: %v", err)
	}
	return loc
}

// Sniff is what Detect sees of a file named name whose bytes are data and whose detected type is
// mime.
func Sniff(name, mime string, data []byte) *parse.Sniff {
	head := data
	if len(head) > parse.HeadSize {
		head = head[:parse.HeadSize]
	}
	return &parse.Sniff{Name: name, Ext: ext(name), MIME: mime, Head: head, Size: int64(len(data))}
}

// Input is what Parse reads of the same file, with times read in loc.
func Input(name, mime string, data []byte, loc *time.Location) *parse.Input {
	return &parse.Input{Name: name, Ext: ext(name), MIME: mime, Size: int64(len(data)), Data: bytes.NewReader(data), Zone: loc}
}

func ext(name string) string { return strings.ToLower(filepath.Ext(name)) }

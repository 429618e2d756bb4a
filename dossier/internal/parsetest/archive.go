package parsetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// Member is what an archive parser handed to Derive, as the golden files of the archive formats
// record it; Data holds the bytes.
type Member struct {
	Name    string    `json:"name"`
	Size    int       `json:"size"`
	SHA256  string    `json:"sha256"`
	ModTime time.Time `json:"mod_time"`
	Data    []byte    `json:"-"`
}

// Archive parses an archive the way ingest would, with a Derive that keeps every member in
// memory, and returns the result and the members in the order they were handed over.
func Archive(p parse.Parser, name, mime string, data []byte, password string) (*parse.Result, []Member, error) {
	var got []Member
	in := &parse.Input{Name: name, Ext: ext(name), MIME: mime, Size: int64(len(data)), Data: bytes.NewReader(data), Password: password,
		Derive: func(e parse.Embedded, r io.Reader) (parse.Derived, error) {
			b, err := io.ReadAll(r)
			if err != nil {
				return parse.Derived{}, err
			}
			sum := sha256.Sum256(b)
			got = append(got, Member{Name: e.Name, Size: len(b), SHA256: hex.EncodeToString(sum[:]), ModTime: e.ModTime.UTC(), Data: b})
			return parse.Derived{Exhibit: 10 + len(got), Name: e.Name}, nil
		}}
	res, err := p.Parse(in)
	return res, got, err
}

// Warnings is a result's warnings, one a line.
func Warnings(res *parse.Result) string {
	var ws []string
	for _, w := range res.Warnings {
		ws = append(ws, w.String())
	}
	return strings.Join(ws, "\n")
}

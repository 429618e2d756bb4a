package dossier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/dossier-tool/dossier/dossier/atomicfile"
	"github.com/dossier-tool/dossier/dossier/bag"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/sign"
)

// TimestampDir holds the RFC 3161 tokens over the case's manifest digests, inside the store
// folder: <manifest digest>.<authority>.tsr, one per authority and state of the case.
const TimestampDir = "timestamps"

// ErrNoTSA means no time-stamping authority was named.
var ErrNoTSA = errors.New("no time-stamping authority: give --tsa URL or set tsa: in case.yaml")

// Stamped is one token obtained.
type Stamped struct {
	URL, File string
	Stamp     *sign.Stamp
}

// Timestamp asks each authority (default: case.yaml's tsa:) for a token over the digest of the
// case's manifest as it is now, and keeps each in the case. It returns the digest. The manifest
// lists the items, so the timeline is never read: a case of a million events is stamped as fast
// as one of ten.
func (c *Case) Timestamp(ctx context.Context, urls []string) (string, []Stamped, error) {
	b, err := c.Folder.Bundle()
	if err != nil {
		return "", nil, err
	}
	if len(urls) == 0 {
		urls = b.Case.TSA
	}
	if len(urls) == 0 {
		return "", nil, ErrNoTSA
	}
	digest := manifest.DigestOf(manifest.Build(b).Encode())
	raw, _ := hex.DecodeString(digest)
	dir := filepath.Join(c.Folder.Dir, casefolder.StoreDir, TimestampDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	var out []Stamped
	for _, u := range urls {
		token, err := sign.RequestTimestamp(ctx, nil, u, raw)
		if err != nil {
			return digest, out, err
		}
		st, err := sign.VerifyTimestamp(token, raw, nil)
		if err != nil {
			return digest, out, fmt.Errorf("%s: %w", u, err)
		}
		name := digest + "." + authorityName(u) + ".tsr"
		if err := atomicfile.WriteBytes(filepath.Join(dir, name), token, 0o444); err != nil {
			return digest, out, err
		}
		out = append(out, Stamped{URL: u, File: filepath.Join(casefolder.StoreDir, TimestampDir, name), Stamp: st})
	}
	return digest, out, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// authorityName is a file-name part that tells authorities apart: host and path.
func authorityName(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		u = p.Host + p.Path
	}
	s := strings.Trim(unsafeName.ReplaceAllString(u, "_"), "_.")
	if len(s) > 80 {
		h := sha256.Sum256([]byte(u))
		s = s[:60] + "-" + hex.EncodeToString(h[:4])
	}
	return s
}

// signatureTimestamp asks case.yaml's authorities, in order, for the signature time stamp.
func signatureTimestamp(urls []string) func(sig []byte) ([]byte, error) {
	return func(sig []byte) ([]byte, error) {
		h := sha256.Sum256(sig)
		var errs []error
		for _, u := range urls {
			token, err := sign.RequestTimestamp(context.Background(), nil, u, h[:])
			if err == nil {
				return token, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
}

// timestampTags are the case's kept tokens as bag tag files, timestamps/<name>.
func (c *Case) timestampTags() ([]bag.TagFile, error) {
	dir := filepath.Join(c.Folder.Dir, casefolder.StoreDir, TimestampDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []bag.TagFile
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".tsr") {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, sign.MaxToken+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		if len(data) > sign.MaxToken {
			return nil, fmt.Errorf("%s: larger than any time-stamp token", e.Name())
		}
		out = append(out, bag.TagFile{Name: TimestampDir + "/" + e.Name(), Data: data})
	}
	return out, nil
}

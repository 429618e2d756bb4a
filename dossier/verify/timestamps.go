package verify

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dossier-tool/dossier/dossier/bag"
	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/sign"
)

// TimestampInvalid: an RFC 3161 token does not verify, or is over another digest.
const TimestampInvalid = "timestamp-invalid"

// TimestampDir is where a case keeps its manifest tokens (see dossier.Timestamp).
const TimestampDir = "timestamps"

// checkCaseTimestamps checks every token kept in the case against the manifest digest its name
// records: the imprint, the authority's signature and, with roots, the authority's chain.
func checkCaseTimestamps(f *casefolder.Folder, r *Report, roots *x509.CertPool) {
	dir := filepath.Join(f.Dir, casefolder.StoreDir, TimestampDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // none yet
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tsr") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		rel := casefolder.StoreDir + "/" + TimestampDir + "/" + n
		digest, _, _ := strings.Cut(n, ".")
		want, err := hex.DecodeString(digest)
		if err != nil || len(want) != sha256.Size {
			r.add(Problem{Kind: TimestampInvalid, Path: rel, Detail: "the file name does not start with the manifest digest the token is for"})
			continue
		}
		token, err := readToken(filepath.Join(dir, n))
		if err != nil {
			r.add(Problem{Kind: TimestampInvalid, Path: rel, Detail: err.Error()})
			continue
		}
		st, err := sign.VerifyTimestamp(token, want, roots)
		if err != nil {
			r.add(Problem{Kind: TimestampInvalid, Path: rel, Expected: digest, Detail: err.Error()})
			continue
		}
		r.Notes = append(r.Notes, stampNote("manifest "+digest[:16]+"…", st))
	}
}

// checkSignatureTimestamp checks a packet signature's time stamp (PAdES B-T): a token over the
// signature value.
func checkSignatureTimestamp(r *Report, roots *x509.CertPool) {
	s := r.Signature
	if s == nil || s.token == nil {
		return
	}
	h := sha256.Sum256(s.value)
	st, err := sign.VerifyTimestamp(s.token, h[:], roots)
	if err != nil {
		r.add(Problem{Kind: TimestampInvalid, Path: "signature", Detail: "the signature's time stamp: " + err.Error()})
		return
	}
	s.Timestamped = st.Time.UTC().Format("2006-01-02T15:04:05Z")
	r.Notes = append(r.Notes, stampNote("the signature", st))
}

func stampNote(what string, st *sign.Stamp) string {
	trust := "the authority's certificate was not checked against a trusted authority (give --tsa-ca FILE)"
	if st.Chained {
		trust = "its certificate chains to the trusted authority given"
	}
	return fmt.Sprintf("time stamp over %s: %s by %s; %s", what, st.Time.UTC().Format("2006-01-02 15:04:05 UTC"), st.TSA, trust)
}

func readToken(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, sign.MaxToken+1))
	if err != nil {
		return nil, err
	}
	if len(b) > sign.MaxToken {
		return nil, errors.New("larger than any time-stamp token")
	}
	return b, nil
}

// checkBagTimestamps checks the tokens a bag carries as tag files (timestamps/*.tsr): each over the
// manifest digest its name records; a token over the bag's own dossier-manifest.json says so.
func checkBagTimestamps(fsys fs.FS, r *Report, roots *x509.CertPool) {
	root := "."
	if _, err := fs.Stat(fsys, bag.BagitTxt); err != nil {
		if entries, _ := fs.ReadDir(fsys, "."); len(entries) == 1 && entries[0].IsDir() {
			root = entries[0].Name()
		}
	}
	names, _ := fs.Glob(fsys, path.Join(root, TimestampDir, "*.tsr"))
	if len(names) == 0 {
		return
	}
	current := ""
	if b, err := fs.ReadFile(fsys, path.Join(root, bag.CaseManifest)); err == nil {
		current = manifest.DigestOf(b)
	}
	for _, n := range names {
		rel := strings.TrimPrefix(strings.TrimPrefix(n, root), "/")
		digest, _, _ := strings.Cut(path.Base(n), ".")
		want, err := hex.DecodeString(digest)
		if err != nil || len(want) != sha256.Size {
			r.add(Problem{Kind: TimestampInvalid, Path: rel, Detail: "the file name does not start with the manifest digest the token is for"})
			continue
		}
		f, err := fsys.Open(n)
		if err != nil {
			r.add(Problem{Kind: TimestampInvalid, Path: rel, Detail: err.Error()})
			continue
		}
		token, err := io.ReadAll(io.LimitReader(f, sign.MaxToken+1))
		f.Close()
		if err != nil || len(token) > sign.MaxToken {
			r.add(Problem{Kind: TimestampInvalid, Path: rel, Detail: "cannot read the token"})
			continue
		}
		st, err := sign.VerifyTimestamp(token, want, roots)
		if err != nil {
			r.add(Problem{Kind: TimestampInvalid, Path: rel, Expected: digest, Detail: err.Error()})
			continue
		}
		what := "manifest " + digest[:16] + "…"
		if digest == current {
			what = "this bag's manifest (" + digest[:16] + "…)"
		}
		r.Notes = append(r.Notes, stampNote(what, st))
	}
}

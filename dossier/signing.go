package dossier

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/sign"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

// SigningDir is where a case keeps its signing key and certificate, inside the store folder: the
// key never goes into a bag or a packet.
const SigningDir = "signing"

func (c *Case) signingDir() string {
	return filepath.Join(c.Folder.Dir, casefolder.StoreDir, SigningDir)
}

// Signer returns the case's packet signer for the signing time at. A case made before packets
// were signed gets its key here; the certificate is made on first use, when case.yaml names the
// complainant. notes (may be nil) is told what was made.
func (c *Case) Signer(at time.Time, notes func(string)) (*sign.Signer, error) {
	dir := c.signingDir()
	made, err := sign.CreateKey(dir)
	if err != nil {
		return nil, fmt.Errorf("make the case's signing key: %w", err)
	}
	if made && notes != nil {
		notes("this case had no signing key yet; made one in " + filepath.Join(casefolder.StoreDir, SigningDir, sign.KeyFile) + " (readable only by you; never put in a bag or packet)")
	}
	key, err := sign.LoadKey(dir)
	if err != nil {
		return nil, fmt.Errorf("the case's signing key: %w", err)
	}
	conf, err := c.Folder.Case()
	if err != nil {
		return nil, err
	}
	cert, made, err := sign.LoadOrCreateCert(dir, key, sign.Subject{CaseID: c.Folder.Meta.ID, Complainant: conf.Complainant.Name}, c.Folder.Meta.Created)
	if err != nil {
		return nil, fmt.Errorf("the case's signing certificate: %w", err)
	}
	s := &sign.Signer{Key: key, Cert: cert, Time: at.In(conf.Location()).Truncate(time.Second)}
	if len(conf.TSA) > 0 {
		s.Timestamp = signatureTimestamp(conf.TSA) // PAdES B-T
	}
	if made && notes != nil {
		notes(fmt.Sprintf(vocab.Term(conf.Language, "cli.sign.made"), s.Fingerprint()))
	}
	return s, nil
}

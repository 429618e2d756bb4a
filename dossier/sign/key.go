package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// NewKey makes a case's signing key.
func NewKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

// Subject says whom a certificate names.
type Subject struct {
	CaseID      string // the dossier id
	Complainant string // may be empty while case.yaml does not name one yet
}

// Certificate makes the self-signed certificate of a case's key, valid from notBefore for 30
// years (a complaint can take years, and the signature must still be checkable then).
func Certificate(key *ecdsa.PrivateKey, who Subject, notBefore time.Time) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	name := pkix.Name{
		CommonName:         who.Complainant,
		OrganizationalUnit: []string{"dossier " + who.CaseID},
		SerialNumber:       who.CaseID,
	}
	if name.CommonName == "" {
		name.CommonName = "dossier " + who.CaseID
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               name,
		Issuer:                name,
		NotBefore:             notBefore.UTC().Truncate(time.Second),
		NotAfter:              notBefore.UTC().Truncate(time.Second).AddDate(30, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	return x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
}

// Key files inside a case's signing folder.
const (
	KeyFile  = "key.pem"  // PKCS #8, owner-only
	CertFile = "cert.pem" // the self-signed certificate
)

// ErrNoKey means the folder holds no signing key yet.
var ErrNoKey = errors.New("no signing key")

// CreateKey writes a new key into dir unless one is there; it reports whether it made one.
func CreateKey(dir string) (bool, error) {
	if _, err := os.Stat(filepath.Join(dir, KeyFile)); err == nil {
		return false, nil
	}
	key, err := NewKey()
	if err != nil {
		return false, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return false, err
	}
	made, err := writeOnce(filepath.Join(dir, KeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	return made, err
}

// LoadKey reads the key in dir.
func LoadKey(dir string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(filepath.Join(dir, KeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoKey
	}
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: not a PEM private key", KeyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", KeyFile, err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%s: not an ECDSA P-256 key", KeyFile)
	}
	return ec, nil
}

// LoadOrCreateCert returns the certificate in dir, making it for key when there is none yet; it
// reports whether it made one.
func LoadOrCreateCert(dir string, key *ecdsa.PrivateKey, who Subject, now time.Time) ([]byte, bool, error) {
	path := filepath.Join(dir, CertFile)
	if b, err := os.ReadFile(path); err == nil {
		blk, _ := pem.Decode(b)
		if blk == nil || blk.Type != "CERTIFICATE" {
			return nil, false, fmt.Errorf("%s: not a PEM certificate", CertFile)
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", CertFile, err)
		}
		if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
			return nil, false, fmt.Errorf("%s does not belong to %s", CertFile, KeyFile)
		}
		return blk.Bytes, false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	der, err := Certificate(key, who, now)
	if err != nil {
		return nil, false, err
	}
	made, err := writeOnce(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	if err != nil {
		return nil, false, err
	}
	if !made { // another process made one first: use it
		return LoadOrCreateCert(dir, key, who, now)
	}
	return der, true, nil
}

// writeOnce writes a complete, synced file under path unless path exists, so that two processes
// never both make a key and a crash never leaves half a key under the name.
func writeOnce(path string, data []byte, perm os.FileMode) (bool, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return false, err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return true, nil
}

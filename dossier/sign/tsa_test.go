package sign

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"testing"

	"github.com/dossier-tool/dossier/dossier/sign/tsatest"
)

func caPool(t *testing.T, file string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	p := x509.NewCertPool()
	p.AddCert(c)
	return p
}

// A token from a local TSA (openssl ts) round-trips: requested, verified over its digest and
// chained to the test authority; a token over another digest, a forged byte anywhere and an
// untrusted authority are all rejected.
func TestTimestampRoundTrip(t *testing.T) {
	tsa := tsatest.Start(t)
	d := sha256.Sum256([]byte("manifest"))
	token, err := RequestTimestamp(context.Background(), nil, tsa.URL, d[:])
	if err != nil {
		t.Fatal(err)
	}
	st, err := VerifyTimestamp(token, d[:], caPool(t, tsa.CAFile))
	if err != nil {
		t.Fatal(err)
	}
	if !st.Chained || st.Time.IsZero() || st.TSA == "" {
		t.Errorf("stamp %+v", st)
	}
	other := sha256.Sum256([]byte("another manifest"))
	if _, err := VerifyTimestamp(token, other[:], nil); !errors.Is(err, ErrTokenImprint) {
		t.Errorf("token over another digest: %v", err)
	}
	forged := 0
	for i := 0; i < len(token); i += max(1, len(token)/200) {
		c := bytes.Clone(token)
		c[i] ^= 0x01
		if _, err := VerifyTimestamp(c, d[:], caPool(t, tsa.CAFile)); err == nil {
			t.Errorf("byte %d of %d flipped: the forged token verifies", i, len(token))
		}
		forged++
	}
	otherCA := tsatest.Start(t)
	if _, err := VerifyTimestamp(token, d[:], caPool(t, otherCA.CAFile)); err == nil {
		t.Error("a token chains to an authority that did not issue its TSA's certificate")
	}
	t.Logf("%d forged tokens rejected", forged)
}

// A packet signature with a signature time stamp (PAdES B-T) carries a token over its
// signature value.
func TestSignWithTimestamp(t *testing.T) {
	tsa := tsatest.Start(t)
	s := testSigner(t)
	s.Timestamp = func(sig []byte) ([]byte, error) {
		h := sha256.Sum256(sig)
		return RequestTimestamp(context.Background(), nil, tsa.URL, h[:])
	}
	d := sha256.Sum256([]byte("packet"))
	cms, err := s.Sign(d[:])
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(cms, d[:])
	if err != nil {
		t.Fatal(err)
	}
	if v.TimestampToken == nil {
		t.Fatal("no token in the signature")
	}
	h := sha256.Sum256(v.Signature)
	if _, err := VerifyTimestamp(v.TimestampToken, h[:], caPool(t, tsa.CAFile)); err != nil {
		t.Fatal(err)
	}
}

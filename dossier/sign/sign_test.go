package sign

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func testSigner(t testing.TB) *Signer {
	t.Helper()
	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	cert, err := Certificate(key, Subject{CaseID: "01a233e1-bd82-75c6-8951-b291eb0805c2", Complainant: "张三"}, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return &Signer{Key: key, Cert: cert, Time: time.Date(2025, 4, 15, 12, 0, 0, 0, time.UTC)}
}

func TestSignVerify(t *testing.T) {
	s := testSigner(t)
	content := []byte("the bytes a packet's byte range covers")
	d := sha256.Sum256(content)
	cms, err := s.Sign(d[:])
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Sign(d[:])
	if !bytes.Equal(cms, again) {
		t.Error("two signatures of the same digest differ: not deterministic")
	}
	padded := append(bytes.Clone(cms), make([]byte, 100)...)
	v, err := Verify(padded, d[:])
	if err != nil {
		t.Fatal(err)
	}
	if v.Fingerprint != s.Fingerprint() || v.Cert.Subject.CommonName != "张三" {
		t.Errorf("verified %+v", v)
	}
	other := sha256.Sum256([]byte("other bytes"))
	if _, err := Verify(cms, other[:]); !errors.Is(err, ErrChanged) {
		t.Errorf("other content: %v, want ErrChanged", err)
	}
	// Every byte of the CMS matters: flipping any one is caught (not valid, or not readable).
	for i := range cms {
		c := bytes.Clone(cms)
		c[i] ^= 0x01
		if _, err := Verify(c, d[:]); err == nil {
			t.Fatalf("byte %d of %d flipped: still verifies", i, len(cms))
		}
	}
}

// openssl, an independent CMS implementation, accepts the signature.
func TestOpenSSLVerifies(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	s := testSigner(t)
	content := []byte("packet bytes")
	d := sha256.Sum256(content)
	cms, err := s.Sign(d[:])
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "sig.der"), cms, 0o644)
	os.WriteFile(filepath.Join(dir, "content"), content, 0o644)
	out, err := exec.Command("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", filepath.Join(dir, "sig.der"),
		"-content", filepath.Join(dir, "content"), "-noverify", "-out", os.DevNull).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl cms -verify: %v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dir, "content"), []byte("packet bytez"), 0o644)
	if out, err := exec.Command("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", filepath.Join(dir, "sig.der"),
		"-content", filepath.Join(dir, "content"), "-noverify", "-out", os.DevNull).CombinedOutput(); err == nil {
		t.Fatalf("openssl accepts changed content:\n%s", out)
	}
}

func TestKeyFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "signing")
	made, err := CreateKey(dir)
	if err != nil || !made {
		t.Fatal(made, err)
	}
	info, _ := os.Stat(filepath.Join(dir, KeyFile))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v, want 0600", info.Mode().Perm())
	}
	if made, err := CreateKey(dir); err != nil || made {
		t.Errorf("second CreateKey: made=%v err=%v", made, err)
	}
	key, err := LoadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c1, made, err := LoadOrCreateCert(dir, key, Subject{CaseID: "x", Complainant: "李四"}, now)
	if err != nil || !made {
		t.Fatal(made, err)
	}
	c2, made, err := LoadOrCreateCert(dir, key, Subject{CaseID: "x", Complainant: "someone else"}, now)
	if err != nil || made || !bytes.Equal(c1, c2) {
		t.Errorf("the certificate changed: made=%v err=%v", made, err)
	}
	if _, err := LoadKey(t.TempDir()); !errors.Is(err, ErrNoKey) {
		t.Errorf("empty folder: %v", err)
	}
}

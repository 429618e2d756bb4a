package sign

import (
	"crypto/sha256"
	"testing"
)

// FuzzVerify feeds damaged signatures and time-stamp tokens to the readers: never a panic, and
// never a signature that verifies over a digest it was not made for.
func FuzzVerify(f *testing.F) {
	s := testSigner(f)
	d := sha256.Sum256([]byte("content"))
	cms, err := s.Sign(d[:])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(cms)
	f.Add(cms[:len(cms)/2])
	f.Add([]byte{0x30, 0x80})
	f.Fuzz(func(t *testing.T, data []byte) {
		other := sha256.Sum256([]byte("other"))
		if _, err := Verify(data, other[:]); err == nil {
			t.Fatal("a signature verifies over a digest nobody signed")
		}
		Verify(data, d[:])
		VerifyTimestamp(data, d[:], nil)
	})
}

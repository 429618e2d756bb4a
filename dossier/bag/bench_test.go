package bag

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/dossier-tool/dossier/dossier/evidence"
)

// generated returns n bytes of reproducible noise for a seed.
func generated(seed uint64, n int64) io.Reader {
	var key [32]byte
	key[0] = byte(seed)
	return io.LimitReader(rand.NewChaCha8(key), n)
}

// bigBagDir writes a bag of files×size bytes of generated payload.
func bigBagDir(b *testing.B, files int, size int64) string {
	bd := testBundle(b, nil)
	sums := map[string]uint64{}
	for i := range files {
		h := sha256.New()
		io.Copy(h, generated(uint64(i), size))
		sum := hex.EncodeToString(h.Sum(nil))
		sums[sum] = uint64(i)
		bd.Items = append(bd.Items, evidence.Item{Exhibit: i + 1, SHA256: sum, Name: fmt.Sprintf("recording-%02d.m4a", i), Size: size})
	}
	bd.Open = func(sum string) (io.ReadCloser, error) { return io.NopCloser(generated(sums[sum], size)), nil }
	dir := filepath.Join(b.TempDir(), "bag")
	if err := Write(dir, bd, nil, Options{}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkVerify200MB verifies a bag of 20 files of 10 MB: both digests of every byte.
func BenchmarkVerify200MB(b *testing.B) {
	const files, size = 20, 10 << 20
	dir := bigBagDir(b, files, size)
	b.SetBytes(files * size)
	b.ResetTimer()
	for range b.N {
		if probs := VerifyDir(dir); len(probs) != 0 {
			b.Fatalf("problems: %v", probs)
		}
	}
}

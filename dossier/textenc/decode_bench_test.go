package textenc

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// decodeViaReader is Decode as the streaming reader does it; Decode must agree with it.
func decodeViaReader(b []byte) (string, string) {
	r, enc, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return string(b), UTF8
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return string(b), enc
	}
	return string(out), enc
}

func decodeInputs() map[string][]byte {
	random := make([]byte, 8<<10)
	rand.NewChaCha8([32]byte{1}).Read(random)
	gbk := []byte("\xbd\xbb\xd2\xd7\xca\xb1\xbc\xe4,\xbd\xbb\xd2\xd7\xb7\xd6\xc0\xe0\r\n") // 交易时间,交易分类 in GBK
	long := bytes.Repeat([]byte("交易时间,金额\n"), 10_000)
	return map[string][]byte{
		"empty":           nil,
		"ascii":           []byte("number,date,type\n"),
		"utf-8":           []byte("交易时间,交易分类,交易对方\n"),
		"utf-8 bom":       append([]byte{0xEF, 0xBB, 0xBF}, "localId,TalkerId\n"...),
		"utf-16le":        {0xFF, 0xFE, 'a', 0, 'b', 0, 0x24, 0x4e},
		"utf-16be":        {0xFE, 0xFF, 0, 'a', 0, 'b', 0x4e, 0x24},
		"utf-16 odd":      {0xFF, 0xFE, 'a', 0, 'b'},
		"gbk":             gbk,
		"cut rune":        []byte("交易时间")[:8],
		"random bytes":    random,
		"longer than 64K": append(long, 0xff, 0xfe),
	}
}

func TestDecodeAgreesWithReader(t *testing.T) {
	for name, in := range decodeInputs() {
		t.Run(name, func(t *testing.T) {
			got, genc := Decode(in)
			want, wenc := decodeViaReader(in)
			if got != want || genc != wenc {
				t.Errorf("Decode = %q (%s), reader gives %q (%s)", trim(got), genc, trim(want), wenc)
			}
		})
	}
}

func trim(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// BenchmarkDecodeHead is what every CSV parser's Detect pays for each file added, text or not.
func BenchmarkDecodeHead(b *testing.B) {
	in := decodeInputs()
	for _, name := range []string{"random bytes", "utf-8", "gbk"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				Decode(in[name])
			}
		})
	}
}

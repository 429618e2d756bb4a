package ziparchive

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha1"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"io"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/container"
)

// ErrWrongPassword means the password given does not open the member.
var ErrWrongPassword = container.ErrWrongPassword

// Traditional PKWARE encryption ("ZipCrypto"), APPNOTE.TXT section 6.1: three 32-bit keys
// initialised from the password, a 12-byte header whose last byte checks the password, then the
// data XORed with a keystream derived from the keys.

type zipCrypto struct{ k0, k1, k2 uint32 }

func newZipCrypto(password []byte) *zipCrypto {
	z := &zipCrypto{k0: 0x12345678, k1: 0x23456789, k2: 0x34567890}
	for _, c := range password {
		z.update(c)
	}
	return z
}

func (z *zipCrypto) update(c byte) {
	z.k0 = crc32.IEEETable[byte(z.k0)^c] ^ (z.k0 >> 8)
	z.k1 = (z.k1+(z.k0&0xff))*134775813 + 1
	z.k2 = crc32.IEEETable[byte(z.k2)^byte(z.k1>>24)] ^ (z.k2 >> 8)
}

func (z *zipCrypto) decryptByte(c byte) byte {
	t := uint16(z.k2) | 2
	p := c ^ byte((uint32(t)*uint32(t^1))>>8)
	z.update(p)
	return p
}

// zipCryptoReader decrypts r. check is the byte the header must end with: the high byte of the
// CRC, or of the DOS modification time when the sizes follow the data (flag bit 3).
func zipCryptoReader(r io.Reader, password []byte, check byte) (io.Reader, error) {
	z := newZipCrypto(password)
	var head [12]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, parse.Errorf("encryption-header", err)
	}
	for i := range head {
		head[i] = z.decryptByte(head[i])
	}
	if head[11] != check {
		return nil, ErrWrongPassword
	}
	return &zipCryptoStream{r: r, z: z}, nil
}

type zipCryptoStream struct {
	r io.Reader
	z *zipCrypto
}

func (s *zipCryptoStream) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	for i := range p[:n] {
		p[i] = s.z.decryptByte(p[i])
	}
	return n, err
}

// WinZip AES (AE-1 and AE-2, https://www.winzip.com/en/support/aes-encryption/): the member's
// method is 99 and extra field 0x9901 names the strength and the real method. The data is a salt
// (8, 12 or 16 bytes for AES-128/192/256), a 2-byte password verifier, the encrypted data and a
// 10-byte HMAC-SHA1 authentication code. Keys come from PBKDF2-HMAC-SHA1 over the password and
// salt, 1000 rounds: the AES key, the HMAC key and the verifier, in that order. The cipher is AES
// in counter mode with a little-endian counter starting at 1.

const aesExtraID = 0x9901

type aesInfo struct {
	version  uint16 // 1: AE-1 (CRC kept), 2: AE-2 (CRC zero; the HMAC authenticates)
	strength byte   // 1, 2, 3: AES-128, -192, -256
	method   uint16 // the compression method of the plain data
}

func parseAESExtra(extra []byte) (aesInfo, bool) {
	for len(extra) >= 4 {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+size > len(extra) {
			return aesInfo{}, false
		}
		body := extra[4 : 4+size]
		if id == aesExtraID && size >= 7 && string(body[2:4]) == "AE" {
			return aesInfo{version: binary.LittleEndian.Uint16(body), strength: body[4], method: binary.LittleEndian.Uint16(body[5:])}, true
		}
		extra = extra[4+size:]
	}
	return aesInfo{}, false
}

func (a aesInfo) keyLen() int {
	switch a.strength {
	case 1:
		return 16
	case 2:
		return 24
	case 3:
		return 32
	}
	return 0
}

// aesReader decrypts the raw member data r of size bytes and authenticates it at the end.
func aesReader(r io.Reader, size int64, password []byte, a aesInfo) (io.Reader, error) {
	kl := a.keyLen()
	if kl == 0 {
		return nil, parse.Errorf("aes-strength", int(a.strength))
	}
	saltLen := kl / 2
	if size < int64(saltLen)+2+10 {
		return nil, parse.Errorf("encrypted-too-short")
	}
	head := make([]byte, saltLen+2)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, parse.Errorf("encryption-header", err)
	}
	keys, err := pbkdf2.Key(sha1.New, string(password), head[:saltLen], 1000, 2*kl+2)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(keys[2*kl:], head[saltLen:]) {
		return nil, ErrWrongPassword
	}
	block, err := aes.NewCipher(keys[:kl])
	if err != nil {
		return nil, err
	}
	return &aesStream{
		r:    io.LimitReader(r, size-int64(saltLen)-2-10),
		tail: r,
		ctr:  newWinZipCTR(block),
		mac:  hmac.New(sha1.New, keys[kl:2*kl]),
	}, nil
}

type aesStream struct {
	r    io.Reader // the encrypted data
	tail io.Reader // the authentication code after it
	ctr  *winZipCTR
	mac  hash.Hash
	done bool
}

func (s *aesStream) Read(p []byte) (int, error) {
	if s.done {
		return 0, io.EOF
	}
	n, err := s.r.Read(p)
	s.mac.Write(p[:n])
	s.ctr.xor(p[:n])
	if err == io.EOF {
		s.done = true
		var code [10]byte
		if _, e := io.ReadFull(s.tail, code[:]); e != nil {
			return n, parse.Errorf("authentication-code", e)
		}
		if !hmac.Equal(code[:], s.mac.Sum(nil)[:10]) {
			return n, parse.Errorf("authentication-mismatch")
		}
	}
	return n, err
}

// winZipCTR is AES-CTR with WinZip's counter: a 128-bit little-endian integer starting at 1
// (crypto/cipher's CTR counts big-endian).
type winZipCTR struct {
	block   cipher.Block
	counter [16]byte
	stream  [16]byte
	used    int
}

func newWinZipCTR(b cipher.Block) *winZipCTR { return &winZipCTR{block: b, used: 16} }

func (c *winZipCTR) xor(p []byte) {
	for i := range p {
		if c.used == 16 {
			for j := range c.counter {
				c.counter[j]++
				if c.counter[j] != 0 {
					break
				}
			}
			c.block.Encrypt(c.stream[:], c.counter[:])
			c.used = 0
		}
		p[i] ^= c.stream[c.used]
		c.used++
	}
}

package sevenz

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"unicode/utf16"
)

// decrypt reads a 7zAES stream (7-Zip's 7zAes.cpp): AES-256-CBC with a key of 2^cycles rounds of
// SHA-256 over salt, the password in UTF-16LE and a round counter. It is used only on the
// encoded header, which is small (maxHeader), to check the real header before the library reads it.
func decrypt(r io.Reader, props []byte, password string) (io.Reader, error) {
	if len(props) == 0 {
		return nil, errors.New("7zAES coder without its properties")
	}
	cycles := int(props[0] & 0x3f)
	var salt, iv []byte
	if props[0]&0xc0 != 0 {
		if len(props) < 2 {
			return nil, errors.New("7zAES properties too short")
		}
		saltSize := int(props[0]>>7&1) + int(props[1]>>4)
		ivSize := int(props[0]>>6&1) + int(props[1]&0x0f)
		if len(props) != 2+saltSize+ivSize || ivSize > 16 {
			return nil, errors.New("7zAES properties of the wrong size")
		}
		salt, iv = props[2:2+saltSize], props[2+saltSize:]
	}
	if cycles > maxCycles && cycles != 0x3f {
		return nil, refuse("7z-key-rounds", cycles, maxCycles)
	}
	var pw []byte
	for _, u := range utf16.Encode([]rune(password)) {
		pw = binary.LittleEndian.AppendUint16(pw, u)
	}
	key := make([]byte, 32)
	if cycles == 0x3f {
		copy(key, append(append([]byte{}, salt...), pw...))
	} else {
		h := sha256.New()
		var counter [8]byte
		for i := uint64(0); i < 1<<cycles; i++ {
			h.Write(salt)
			h.Write(pw)
			binary.LittleEndian.PutUint64(counter[:], i)
			h.Write(counter[:])
		}
		key = h.Sum(nil)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	var ivFull [16]byte
	copy(ivFull[:], iv)
	data, err := io.ReadAll(io.LimitReader(r, maxHeader+16))
	if err != nil {
		return nil, err
	}
	data = data[:len(data)/16*16]
	cipher.NewCBCDecrypter(block, ivFull[:]).CryptBlocks(data, data)
	return bytes.NewReader(data), nil
}

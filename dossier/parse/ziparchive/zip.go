// Package ziparchive opens .zip files as containers of evidence: every member becomes an item of
// its own, linked to the archive like an e-mail attachment, and is read by its own format.
//
// Alipay and WeChat Pay e-mail bill exports as zips protected by a password the app shows; users
// also zip up folders of screenshots and recordings. The archive itself stays one original; its
// members are handed to Input.Derive with their folders kept in the name ("账单/支付宝.csv") and
// their recorded modification time.
//
// Encryption: the traditional PKWARE cipher ("ZipCrypto", APPNOTE.TXT 6.1) and WinZip AES (AE-1
// and AE-2, extra field 0x9901, AES-128/192/256) are decrypted with the password the user gave
// (Input.Password: `dossier add --password`, or `password:` in the file's sidecar; it is never
// stored). Without it, or with a wrong one, the members stay inside the archive and a warning
// says how to give it. Strong encryption (flag bit 6) and methods other than store and deflate
// are named, not guessed.
//
// Hostile archives are bounded as package container says (member count and sizes, bombs, names
// reaching outside the archive, links). An archive inside an archive is read again through
// Derive, as deep as ingest's nesting cap allows.
package ziparchive

import (
	"archive/zip"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/container"
)

// Parser reads zip archives.
type Parser struct{}

var _ parse.Parser = Parser{}

// Name implements parse.Parser.
func (Parser) Name() string { return "zip" }

// Detect accepts a plain zip archive. Formats built on zip (xlsx, docx, apk, jar) are detected
// as their own types and are not unpacked.
func (Parser) Detect(s *parse.Sniff) bool {
	mt, _, _ := strings.Cut(s.MIME, ";")
	return strings.TrimSpace(mt) == "application/zip"
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	zr, err := zip.NewReader(in.Data, in.Size)
	if errors.Is(err, zip.ErrFormat) {
		if res := recoverCut(in); res != nil {
			return res, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable zip archive: %w", in.Name, err)
	}
	x := container.New(in, "zip")
	for i, f := range zr.File {
		if x.Full(i + 1) {
			break
		}
		mode := f.Mode()
		link := ""
		if mode&fs.ModeSymlink != 0 {
			link = "a symbolic link"
		}
		err := x.Add(i+1, container.Member{
			Name:    f.Name,
			Dir:     mode.IsDir(),
			Link:    link,
			Special: mode&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice) != 0,
			Size:    int64(min(f.UncompressedSize64, 1<<62)),
			Stored:  int64(min(f.CompressedSize64, 1<<62)),
			ModTime: modTime(f, in.Location()),
			Open:    func() (io.Reader, error) { return open(in, f) },
		})
		if err != nil {
			x.Warn("", "zip-stopped", i+1, err)
			break
		}
	}
	return x.Finish(len(zr.File)), nil
}

// open returns the member's plain bytes, decrypting with the user's password when it is
// encrypted, and checking the CRC where the format keeps one.
func open(in *parse.Input, f *zip.File) (io.Reader, error) {
	if f.Flags&0x1 == 0 {
		return f.Open()
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, err
	}
	return decode(in, raw, rawMember{flags: f.Flags, method: f.Method, crc: f.CRC32, dosTime: f.ModifiedTime, extra: f.Extra, stored: int64(min(f.CompressedSize64, 1<<62))})
}

// rawMember is what decode needs to know of a member's stored bytes.
type rawMember struct {
	flags, method, dosTime uint16
	crc                    uint32
	crcLater               func() (uint32, bool) // for a member whose CRC follows its data
	extra                  []byte
	stored                 int64
}

// decode turns a member's stored bytes into its plain bytes.
func decode(in *parse.Input, raw io.Reader, m rawMember) (io.Reader, error) {
	method, checkCRC := m.method, true
	plain := raw
	if m.flags&0x1 != 0 {
		if m.flags&0x40 != 0 {
			return nil, parse.Errorf("zip-strong-encryption")
		}
		if in.Password == "" {
			return nil, container.ErrLocked
		}
		pw := []byte(in.Password)
		var err error
		if m.method == 99 {
			info, ok := parseAESExtra(m.extra)
			if !ok {
				return nil, parse.Errorf("zip-aes-no-extra")
			}
			plain, err = aesReader(raw, m.stored, pw, info)
			method, checkCRC = info.method, info.version != 2
		} else {
			check := byte(m.crc >> 24)
			if m.flags&0x8 != 0 {
				check = byte(m.dosTime >> 8)
			}
			plain, err = zipCryptoReader(raw, pw, check)
		}
		if err != nil {
			return nil, err
		}
	}
	var out io.Reader
	switch method {
	case zip.Store:
		out = plain
	case zip.Deflate:
		out = flate.NewReader(plain)
	default:
		return nil, parse.Errorf("zip-method-unsupported", int(method))
	}
	if checkCRC {
		out = &crcCheck{r: out, want: m.crc, later: m.crcLater, h: crc32.NewIEEE()}
	}
	return out, nil
}

// crcCheck fails the read at the end when the bytes do not match the CRC the archive records: a
// damaged member, or a wrong password that passed the one-byte ZipCrypto check by chance.
type crcCheck struct {
	r     io.Reader
	want  uint32
	later func() (uint32, bool) // when set, the CRC to check, read after the data; false if lost
	h     interface {
		io.Writer
		Sum32() uint32
	}
}

func (c *crcCheck) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF {
		want, known := c.want, true
		if c.later != nil {
			want, known = c.later()
		}
		if known && c.h.Sum32() != want {
			return n, parse.Errorf("zip-checksum")
		}
	}
	return n, err
}

// modTime is the member's modification time. Without an extended timestamp (Info-ZIP's 0x5455,
// NTFS's 0x000a) a zip holds only the MS-DOS date, the local time of the machine that zipped it,
// which archive/zip reads as UTC; it is read in the case zone instead.
func modTime(f *zip.File, loc *time.Location) time.Time {
	t := f.Modified
	if t.IsZero() || hasExtraTime(f.Extra) {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
}

func hasExtraTime(extra []byte) bool {
	for len(extra) >= 4 {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if id == 0x5455 || id == 0x000a {
			return true
		}
		if 4+size > len(extra) {
			return false
		}
		extra = extra[4+size:]
	}
	return false
}

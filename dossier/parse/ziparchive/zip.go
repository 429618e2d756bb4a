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
// Hostile archives: at most maxMembers members are extracted, each at most maxMemberBytes and
// all together at most maxTotalBytes of output, and a member that inflates more than maxRatio
// times its stored size past ratioFloor is stopped as a bomb; every cap that bites is a warning.
// Names are untrusted: "..", absolute paths, drive letters and backslashes are dropped from the
// path, names that are not UTF-8 are read as GB18030 (Chinese Windows writes them so), and
// symbolic links are named but never followed. An archive inside an archive is read again by
// this parser through Derive, as deep as ingest's nesting cap allows.
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
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// Caps on what one archive may make ingest extract.
const (
	maxMembers     = 10000
	maxMemberBytes = 1 << 30
	maxTotalBytes  = 2 << 30
	maxRatio       = 1000
	ratioFloor     = 64 << 20
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

var (
	errTooLarge = errors.New("too large")
	errBomb     = errors.New("inflates more than a thousand times its stored size: a zip bomb")
)

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	zr, err := zip.NewReader(in.Data, in.Size)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable zip archive: %w", in.Name, err)
	}
	x := &extractor{in: in, res: &parse.Result{Kind: parse.KindArchive, Info: map[string]string{"format": "zip"}}}
	for i, f := range zr.File {
		if x.files >= maxMembers {
			x.warn("", "more than %d members; the rest (from member %d on) were not extracted", maxMembers, i+1)
			break
		}
		x.member(i+1, f)
	}
	x.finish(len(zr.File))
	return x.res, nil
}

type extractor struct {
	in          *parse.Input
	res         *parse.Result
	files       int   // members that are files
	extracted   int   // members stored as items
	total       int64 // bytes written so far
	locked      int   // encrypted members left inside for want of a password
	wrong       int   // encrypted members the given password did not open
	lockedNames []string
}

func (x *extractor) warn(where, format string, args ...any) {
	x.res.Warnings = append(x.res.Warnings, parse.Warnf(where, format, args...))
}

func (x *extractor) member(index int, f *zip.File) {
	name, note := memberPath(f)
	where := "member " + strconv.Itoa(index) + " " + strconv.Quote(clip(name))
	if note != "" {
		x.warn(where, "%s", note)
	}
	mode := f.Mode()
	switch {
	case strings.HasSuffix(f.Name, "/") || mode.IsDir():
		return
	case mode&fs.ModeSymlink != 0:
		x.warn(where, "a symbolic link; not followed, nothing extracted")
		return
	case mode&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeCharDevice) != 0:
		x.warn(where, "a device or pipe, not a file; nothing extracted")
		return
	}
	x.files++
	if name == "" {
		name = "member-" + strconv.Itoa(index)
	}
	if f.UncompressedSize64 > maxMemberBytes {
		x.warn(where, "declares %d bytes, more than the %d extracted from one member; not extracted", f.UncompressedSize64, int64(maxMemberBytes))
		return
	}
	r, err := x.open(f)
	if errors.Is(err, errLocked) {
		x.locked++
		if len(x.lockedNames) < 5 {
			x.lockedNames = append(x.lockedNames, name)
		}
		return
	}
	if errors.Is(err, ErrWrongPassword) {
		x.wrong++
		return
	}
	if err != nil {
		x.warn(where, "not extracted: %v", err)
		return
	}
	if x.in.Derive == nil {
		return
	}
	budget := &capped{r: r, stored: int64(f.CompressedSize64), left: min(int64(maxMemberBytes), maxTotalBytes-x.total)}
	d, err := x.in.Derive(parse.Embedded{Name: name, Folders: true, ModTime: modTime(f, x.in.Location())}, budget)
	x.total += budget.n
	if err == nil && budget.err != nil {
		err = budget.err
	}
	if err != nil {
		x.warn(where, "not extracted: %v", err)
		return
	}
	x.extracted++
	_ = d
}

var errLocked = errors.New("password-protected")

// open returns the member's plain bytes, decrypting with the user's password when it is
// encrypted, and checking the CRC where the format keeps one.
func (x *extractor) open(f *zip.File) (io.Reader, error) {
	if f.Flags&0x1 == 0 {
		return f.Open()
	}
	if f.Flags&0x40 != 0 {
		return nil, errors.New("strong encryption (PKWARE SES) is not supported")
	}
	if x.in.Password == "" {
		return nil, errLocked
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, err
	}
	pw := []byte(x.in.Password)
	method, checkCRC := f.Method, true
	var plain io.Reader
	if f.Method == 99 {
		info, ok := parseAESExtra(f.Extra)
		if !ok {
			return nil, errors.New("method 99 (AES) without its 0x9901 extra field")
		}
		plain, err = aesReader(raw, int64(f.CompressedSize64), pw, info)
		method, checkCRC = info.method, info.version != 2
	} else {
		check := byte(f.CRC32 >> 24)
		if f.Flags&0x8 != 0 {
			check = byte(f.ModifiedTime >> 8)
		}
		plain, err = zipCryptoReader(raw, pw, check)
	}
	if err != nil {
		return nil, err
	}
	var out io.Reader
	switch method {
	case zip.Store:
		out = plain
	case zip.Deflate:
		out = flate.NewReader(plain)
	default:
		return nil, fmt.Errorf("compression method %d is not supported", method)
	}
	if checkCRC {
		out = &crcCheck{r: out, want: f.CRC32, h: crc32.NewIEEE()}
	}
	return out, nil
}

func (x *extractor) finish(members int) {
	x.res.Info["members"] = strconv.Itoa(members)
	x.res.Info["extracted"] = strconv.Itoa(x.extracted)
	how := fmt.Sprintf("give the password with `dossier add --password PASSWORD %s`, or put a line `password: PASSWORD` in %s.meta.yaml beside it; the password is used only to open the archive and is never stored", x.in.Name, x.in.Name)
	if x.locked > 0 {
		x.res.Info["encrypted"] = strconv.Itoa(x.locked)
		x.warn("", "%d members are password-protected and were not extracted (%s); %s", x.locked, strings.Join(x.lockedNames, ", "), how)
	}
	if x.wrong > 0 {
		x.res.Info["encrypted"] = strconv.Itoa(x.wrong)
		x.warn("", "the password given does not open %d members; they were not extracted; %s", x.wrong, how)
	}
	switch {
	case x.extracted == x.files:
		x.res.Summary = fmt.Sprintf("zip archive, %d files", x.files)
	default:
		x.res.Summary = fmt.Sprintf("zip archive, %d files, %d extracted", x.files, x.extracted)
	}
}

// memberPath is the member's name as a clean relative path with its folders, and a note when the
// name had to be changed to stay inside the archive.
func memberPath(f *zip.File) (string, string) {
	raw := f.Name
	if !utf8.ValidString(raw) {
		raw, _ = textenc.Decode([]byte(raw))
	}
	var parts []string
	changed := false
	for _, p := range strings.FieldsFunc(strings.ReplaceAll(raw, "\\", "/"), func(r rune) bool { return r == '/' }) {
		switch {
		case p == ".":
		case p == "..":
			changed = true
		case len(p) == 2 && p[1] == ':' && len(parts) == 0:
			changed = true // a drive letter
		default:
			parts = append(parts, p)
		}
	}
	if strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "\\") {
		changed = true
	}
	clean := path.Join(parts...)
	if clean == "." {
		clean = ""
	}
	if changed {
		return clean, fmt.Sprintf("name %q reaches outside the archive; kept as %q", clip(raw), clip(clean))
	}
	return clean, ""
}

func clip(s string) string {
	if len(s) <= 120 {
		return s
	}
	i := 120
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// capped passes at most left bytes on and stops a member that inflates like a bomb; err says why
// it stopped early.
type capped struct {
	r      io.Reader
	stored int64
	left   int64
	n      int64
	err    error
}

func (c *capped) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.left -= int64(n)
	switch {
	case c.left < 0:
		c.err = fmt.Errorf("stopped after %d bytes, the most extracted from one member or one archive: %w", c.n-1, errTooLarge)
	case c.n > ratioFloor && c.n > maxRatio*max(c.stored, 1):
		c.err = errBomb
	}
	if c.err != nil {
		return 0, c.err
	}
	return n, err
}

// crcCheck fails the read at the end when the bytes do not match the CRC the archive records: a
// damaged member, or a wrong password that passed the one-byte ZipCrypto check by chance.
type crcCheck struct {
	r    io.Reader
	want uint32
	h    interface {
		io.Writer
		Sum32() uint32
	}
}

func (c *crcCheck) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && c.h.Sum32() != c.want {
		return n, errors.New("checksum does not match: the member is damaged or the password is wrong")
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

package pdf

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
)

// The PDF library holds everything it writes in memory until the end. What is large — the images
// of the exhibits and the embedded originals — is therefore kept away from it and appended after
// its output as an incremental update (ISO 32000-1 §7.5.6): new objects streamed straight from
// the store, new versions of the catalog (with the attachments' name tree) and of the shared
// resource dictionary (with the images), and a cross-reference section whose trailer points back
// at the library's with /Prev.

// maxObjects caps the object numbers the update believes of the library's trailer.
const maxObjects = 1 << 20

// base is what the update needs to know of the library's output.
type base struct {
	size    int         // the trailer's /Size: the first free object number
	root    int         // the catalog's object number
	info    int         // the information dictionary's, 0 if none
	id      string      // the trailer's /ID as written, "" if none
	xrefAt  int         // offset of the cross-reference table
	offsets map[int]int // object number → offset
}

// parseBase reads the cross-reference table and trailer of the library's output.
func parseBase(pdf []byte) (*base, error) {
	offsets, xrefAt, err := xrefOffsets(pdf)
	if err != nil {
		return nil, err
	}
	t := bytes.Index(pdf[xrefAt:], []byte("trailer"))
	if t < 0 {
		return nil, errors.New("no trailer after the cross-reference table")
	}
	t += xrefAt + len("trailer")
	v, _, err := pdfdoc.ParseValue(pdf[t:])
	tr, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, errors.New("trailer is not a dictionary")
	}
	b := &base{xrefAt: xrefAt, offsets: offsets}
	size, _ := tr["Size"].(int64)
	root, rok := tr["Root"].(pdfdoc.Ref)
	if size <= 0 || size > maxObjects || !rok {
		return nil, errors.New("trailer without /Size or /Root")
	}
	b.size, b.root = int(size), root.Num
	if info, ok := tr["Info"].(pdfdoc.Ref); ok {
		b.info = info.Num
	}
	if i := bytes.Index(pdf[t:], []byte("/ID")); i >= 0 && tr["ID"] != nil {
		at := pdf[t+i+3:]
		if _, n, err := pdfdoc.ParseValue(at); err == nil {
			b.id = strings.TrimLeft(string(at[:n]), " \t\r\n\f\x00")
		}
	}
	return b, nil
}

// dictOf returns the text of object n's dictionary without the outer << >>.
func (b *base) dictOf(pdf []byte, n int) ([]byte, error) {
	off, ok := b.offsets[n]
	if !ok {
		return nil, fmt.Errorf("object %d not in the cross-reference table", n)
	}
	end := objectEnds(b.offsets, b.xrefAt)(n)
	if off < 0 || end > len(pdf) || off >= end {
		return nil, fmt.Errorf("object %d out of range", n)
	}
	obj := pdf[off:end]
	open := bytes.Index(obj, []byte("<<"))
	stop := bytes.LastIndex(obj, []byte("endobj"))
	if open < 0 || stop < open {
		return nil, fmt.Errorf("object %d is not a dictionary", n)
	}
	body := bytes.TrimSpace(obj[open:stop])
	if !bytes.HasSuffix(body, []byte(">>")) {
		return nil, fmt.Errorf("object %d is not a dictionary", n)
	}
	return body[2 : len(body)-2], nil
}

// update writes the appended part. Errors are sticky: after the first, writes do nothing and
// finish reports it.
type update struct {
	w       *bufio.Writer
	at      int64 // offset in the whole file of the next byte written
	next    int   // the next free object number
	offsets map[int]int64
	zw      *zlib.Writer
	buf     []byte
	err     error
}

func newUpdate(w io.Writer, b *base, baseLen int) *update {
	return &update{w: bufio.NewWriterSize(w, 64<<10), at: int64(baseLen), next: b.size,
		offsets: map[int]int64{}, buf: make([]byte, 64<<10)}
}

func (u *update) Write(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	n, err := u.w.Write(p)
	u.at += int64(n)
	if err != nil {
		u.err = err
	}
	return n, err
}

func (u *update) printf(format string, args ...any) { fmt.Fprintf(u, format, args...) }

// alloc reserves an object number.
func (u *update) alloc() int {
	n := u.next
	u.next++
	return n
}

// object writes object n whose whole value is body.
func (u *update) object(n int, body string) {
	u.offsets[n] = u.at
	u.printf("%d 0 obj\n%s\nendobj\n", n, body)
}

// stream writes object n as a stream with the dictionary entries dict (without << >> and
// /Length); fill writes the stream's data, already encoded. The length is only known afterwards,
// so it is an indirect object written right after the stream.
func (u *update) stream(n int, dict string, fill func(io.Writer) error) error {
	length := u.alloc()
	u.offsets[n] = u.at
	u.printf("%d 0 obj\n<< %s /Length %d 0 R >>\nstream\n", n, dict, length)
	start := u.at
	if u.err != nil {
		return u.err
	}
	if err := fill(u); err != nil {
		if u.err == nil {
			u.err = err
		}
		return err
	}
	size := u.at - start
	u.printf("\nendstream\nendobj\n")
	u.object(length, fmt.Sprint(size))
	return u.err
}

// deflate returns a writer compressing into w; close it to finish the stream.
func (u *update) deflate(w io.Writer) *zlib.Writer {
	if u.zw == nil {
		u.zw, _ = zlib.NewWriterLevel(w, zlib.DefaultCompression)
	} else {
		u.zw.Reset(w)
	}
	return u.zw
}

// embed writes one attachment: the embedded file stream, compressed on the fly, its parameters
// (size and MD5, known once the data has passed) and the file specification. It returns the
// specification's object number.
func (u *update) embed(name, desc string, src io.Reader) (int, error) {
	file, params, spec := u.alloc(), u.alloc(), u.alloc()
	sum := md5.New()
	var size int64
	err := u.stream(file, fmt.Sprintf("/Type /EmbeddedFile /Filter /FlateDecode /Params %d 0 R", params), func(w io.Writer) error {
		zw := u.deflate(w)
		n, err := io.CopyBuffer(zw, io.TeeReader(src, sum), u.buf)
		size = n
		if err != nil {
			return fmt.Errorf("attachment %s: %w", name, err)
		}
		return zw.Close()
	})
	if err != nil {
		return 0, err
	}
	u.object(params, fmt.Sprintf("<< /Size %d /CheckSum <%s> >>", size, hex.EncodeToString(sum.Sum(nil))))
	u.object(spec, fmt.Sprintf("<< /Type /Filespec /F %s /UF %s /EF << /F %d 0 R >> /Desc %s >>",
		textString(name), textString(name), file, textString(desc)))
	return spec, u.err
}

// finish writes the cross-reference section of everything written and the trailer.
func (u *update) finish(b *base) error {
	if u.err != nil {
		return u.err
	}
	u.xref(u, b, u.at)
	if u.err != nil {
		return u.err
	}
	return u.w.Flush()
}

// xref writes to w the cross-reference section of the objects written, as if it started at
// offset at, and the trailer.
func (u *update) xref(w io.Writer, b *base, at int64) {
	nums := make([]int, 0, len(u.offsets))
	for n := range u.offsets {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	fmt.Fprintf(w, "xref\n")
	for i := 0; i < len(nums); {
		j := i + 1
		for j < len(nums) && nums[j] == nums[j-1]+1 {
			j++
		}
		fmt.Fprintf(w, "%d %d\n", nums[i], j-i)
		for _, n := range nums[i:j] {
			fmt.Fprintf(w, "%010d 00000 n \n", u.offsets[n])
		}
		i = j
	}
	fmt.Fprintf(w, "trailer\n<< /Size %d /Root %d 0 R", u.next, b.root)
	if b.info > 0 {
		fmt.Fprintf(w, " /Info %d 0 R", b.info)
	}
	if b.id != "" {
		fmt.Fprintf(w, " /ID %s", b.id)
	}
	fmt.Fprintf(w, " /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", b.xrefAt, at)
}

// textString writes s as a PDF text string: a literal in PDFDocEncoding when it is printable
// ASCII, otherwise UTF-16BE with a byte-order mark, as a hex string.
func textString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
		return "(" + r.Replace(s) + ")"
	}
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xFE, 0xFF
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return "<" + strings.ToUpper(hex.EncodeToString(b)) + ">"
}

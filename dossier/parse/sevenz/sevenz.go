// Package sevenz opens .7z archives as containers of evidence, like package ziparchive does zips:
// every member becomes an item of its own, linked to the archive, with its folders in its name,
// and is read by its own format. The decoding is github.com/bodgit/sevenzip's.
//
// That library sizes its tables and decoders from what the archive declares, so a hostile
// archive could make it allocate without bound (a header claiming four billion files, an LZMA
// dictionary of 4 GiB, a PPMd model as large, 2^63 rounds of key derivation). Before the
// library sees an archive, inspect reads its headers itself (7zFormat.txt: the signature header,
// the next header, and a packed header unpacked with github.com/ulikunitz/xz after 7zAES when
// the header is encrypted and the password given) and refuses, keeping the archive as one item
// with a warning, any archive that declares
//   - a header larger than 16 MiB, packed or not;
//   - more than 100,000 pack streams, folders, files or files in folders, more than 8 coders in a
//     folder or 8 streams in a coder, coder properties longer than 64 bytes;
//   - an LZMA or LZMA2 dictionary or a PPMd model larger than container.MaxDictionary (64 MiB),
//     more than 2^24 rounds of 7zAES key derivation;
//   - a method other than copy, LZMA, LZMA2, PPMd, Deflate, BZip2, the branch filters, delta and
//     7zAES (zstd, brotli and lz4 of the 7-Zip forks size their windows from the stream).
//
// The memory of the largest folder's coders, or of the packed header's if larger (twice, since a
// decoder dropped waits for the collector), is then reserved from the process-wide budget of
// package container (unpacking the header for the checks takes its own reservation), so archives
// nested in archives cannot add up past it; members are read in order, one at a time, each
// within the size, bomb and time caps of package container. Members of a folder encrypted with
// 7zAES are opened with the password the user gave (--password or a sidecar's password:);
// without it they stay inside with the same hint zips give.
package sevenz

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/bodgit/sevenzip"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/container"
)

// Parser reads 7z archives.
type Parser struct{}

var _ parse.Parser = Parser{}

// Name implements parse.Parser.
func (Parser) Name() string { return "7z" }

// Detect accepts a file that starts with the 7z signature.
func (Parser) Detect(s *parse.Sniff) bool { return bytes.HasPrefix(s.Head, signature) }

// Parse implements parse.Parser. An archive refused by the checks is returned as a result with a
// warning, not as an error, so that it is kept as an archive (unopened) rather than a document.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	x := container.New(in, "7z")
	sum, err := inspect(in.Data, in.Size, in.Password)
	var ref *refusal
	switch {
	case errors.Is(err, container.ErrLocked):
		x.Warn("", "names-encrypted", x.PasswordHint())
		return x.Finish(0), nil
	case errors.Is(err, container.ErrWrongPassword):
		x.Warn("", "names-wrong-password", x.PasswordHint())
		return x.Finish(0), nil
	case errors.As(err, &ref):
		x.Warn("", "archive-not-opened", err)
		return x.Finish(0), nil
	case errors.Is(err, errMemory):
		x.Warn("", "archive-memory-later", container.MaxDictionary>>20)
		return x.Finish(0), nil
	case err != nil:
		return nil, fmt.Errorf("%s: not a readable 7z archive: %w", in.Name, err)
	}
	release, ok := container.Reserve(2 * sum.memory)
	if !ok {
		x.Warn("", "archive-memory-later", 2*sum.memory>>20)
		return x.Finish(int(sum.files)), nil
	}
	defer release()
	src := x.TimedAt(in.Data)
	open := func() (z *sevenzip.Reader, err error) {
		err = x.Call(func() error { z, err = sevenzip.NewReaderWithPassword(src, in.Size, in.Password); return err })
		return z, err
	}
	z, err := open()
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable 7z archive: %w", in.Name, err)
	}
	// A folder reader stopped before its end stays in the library's pool with its dictionary;
	// when one may, the next folder starts on a fresh reader so that only one is ever held.
	lingering := false
	last := -1
	for i, f := range z.File {
		if x.Full(i + 1) {
			break
		}
		if lingering && f.Stream != last {
			if z, err = open(); err != nil {
				x.Warn("", "zip-stopped", i+1, err)
				break
			}
			lingering = false
		}
		m := container.Member{
			Name:    f.Name,
			Dir:     f.FileInfo().IsDir(),
			Link:    linkKind(f),
			Size:    int64(min(f.UncompressedSize, 1<<62)),
			ModTime: f.Modified,
		}
		encrypted := false
		if f.Stream >= 0 && f.Stream < len(sum.folders) {
			encrypted = sum.folders[f.Stream].encrypted
			m.Stored = int64(min(sum.folders[f.Stream].stored, 1<<62))
		}
		opened := false
		check := &crcCheck{want: f.CRC32, encrypted: encrypted}
		var rc io.ReadCloser
		m.Open = func() (io.Reader, error) {
			if encrypted && in.Password == "" {
				return nil, container.ErrLocked
			}
			r, err := f.Open()
			if err != nil {
				if encrypted {
					return nil, container.ErrWrongPassword
				}
				return nil, err
			}
			rc, opened = r, true
			// A wrong password shows in the first bytes: the LZMA stream under the cipher is
			// garbage.
			head := make([]byte, min(64<<10, max(m.Size, 0)))
			n, err := io.ReadFull(r, head)
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
				if encrypted {
					return nil, container.ErrWrongPassword
				}
				return nil, err
			}
			check.r = io.MultiReader(bytes.NewReader(head[:n]), r)
			return check, nil
		}
		err := x.Add(i+1, m)
		if opened {
			rc.Close()
			endOfFolder := i+1 == len(z.File) || z.File[i+1].Stream != f.Stream
			lingering = lingering || !(check.done && endOfFolder)
			last = f.Stream
		}
		if err != nil {
			x.Warn("", "zip-stopped", i+1, err)
			break
		}
	}
	return x.Finish(len(z.File)), nil
}

// linkKind names a member that is a link: 7-Zip keeps Unix modes in the high half of the
// attributes when bit 15 is set.
func linkKind(f *sevenzip.File) string {
	if f.Attributes&0x8000 != 0 && (f.Attributes>>16)&0o170000 == 0o120000 {
		return "a symbolic link"
	}
	if f.Attributes&0x400 != 0 { // FILE_ATTRIBUTE_REPARSE_POINT
		return "a link (a Windows reparse point)"
	}
	return ""
}

// crcCheck fails the read at the end when the bytes do not match the CRC the archive records.
// done says the member was read to its end.
type crcCheck struct {
	r         io.Reader
	want      uint32
	sum       uint32
	encrypted bool
	done      bool
}

func (c *crcCheck) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.sum = crc32.Update(c.sum, crc32.IEEETable, p[:n])
	if err == io.EOF {
		c.done = true
	}
	if err == io.EOF && c.want != 0 && c.sum != c.want {
		if c.encrypted {
			return n, parse.Errorf("zip-checksum")
		}
		return n, parse.Errorf("checksum-damaged")
	}
	return n, err
}

// Package rararchive opens .rar archives (RAR 1.5–4 and RAR 5) as containers of evidence, like
// package ziparchive does zips: every member becomes an item of its own, linked to the archive,
// with its folders in its name, and is read by its own format. The decoding is
// github.com/nwaples/rardecode/v2's, reading the archive as a stream, one member at a time.
//
// Memory. What a RAR decoder holds is its window (the dictionary) and, for RAR 1.5–4, a PPMd
// model. The window is bounded by the library's MaxDictionarySize option, set to
// container.MaxDictionary (64 MiB; WinRAR's default is 4 MiB for RAR 4 and 32 MiB for RAR 5, and
// a non-solid member never needs more than its own size): a member whose header asks for more
// is refused before anything is allocated, and since the stream cannot be resynchronised past
// it, the members after it are not extracted either (a warning says so). The PPMd model of
// RAR 1.5–4 is sized by a byte inside the compressed data (up to 256 MiB) that no header
// declares and that may change in the middle of a member, so it cannot be refused beforehand;
// it is bounded by that byte's range instead, and the reservation taken from package
// container's decoder budget before a RAR 4 archive is opened counts it at its maximum: window
// 4 MiB + model 256 MiB. Headers are bounded by the library (2 MiB for RAR 5), key derivation by
// its cap of 2^24 rounds; each member is read within the size, bomb and time caps of package
// container.
//
// Links (Unix and Windows symbolic links, junctions, hard links, file copies) are named, never
// followed. A multi-volume archive is read up to the end of the volume given. Encrypted members
// (and archives whose headers are encrypted) are opened with the password the user gave
// (--password or a sidecar's password:); without it they stay inside with the same hint zips
// give.
package rararchive

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/nwaples/rardecode/v2"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/container"
)

var (
	sigRAR4 = []byte("Rar!\x1a\x07\x00")
	sigRAR5 = []byte("Rar!\x1a\x07\x01\x00")
)

// Memory reserved for one archive's decoder: the window, the RAR 4 PPMd model at its largest,
// and buffers.
const (
	rar4Memory = 4<<20 + 256<<20 + 4<<20
	rar5Memory = container.MaxDictionary + 4<<20
)

// Parser reads RAR archives.
type Parser struct{}

var _ parse.Parser = Parser{}

// Name implements parse.Parser.
func (Parser) Name() string { return "rar" }

// Detect accepts a file that starts with a RAR signature.
func (Parser) Detect(s *parse.Sniff) bool {
	return bytes.HasPrefix(s.Head, sigRAR4) || bytes.HasPrefix(s.Head, sigRAR5)
}

var linkKinds = map[byte]string{
	1: "a symbolic link", 2: "a symbolic link", 3: "a link (a Windows junction)", 4: "a hard link", 5: "a copy of another member (a link)",
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	x := container.New(in, "rar")
	var head [8]byte
	n, _ := in.Data.ReadAt(head[:], 0)
	memory := int64(rar4Memory)
	if bytes.HasPrefix(head[:n], sigRAR5) {
		memory = rar5Memory
	} else if !bytes.HasPrefix(head[:n], sigRAR4) {
		return nil, parse.FileErrorf(in.Name, "not-rar")
	}
	release, ok := container.Reserve(memory)
	if !ok {
		x.Warn("", "archive-memory-later", memory>>20)
		return x.Finish(0), nil
	}
	defer release()
	opts := []rardecode.Option{rardecode.MaxDictionarySize(container.MaxDictionary)}
	if in.Password != "" {
		opts = append(opts, rardecode.Password(in.Password))
	}
	var r *rardecode.Reader
	err := x.Call(func() (err error) {
		r, err = rardecode.NewReader(x.Timed(in.Reader()), opts...)
		return err
	})
	if err != nil {
		if stopped(x, err, 1) {
			return x.Finish(0), nil
		}
		return nil, fmt.Errorf("%s: not a readable RAR archive: %w", in.Name, err)
	}
	members := 0
	for i := 1; ; i++ {
		var h *rardecode.FileHeader
		err := x.Call(func() (err error) { h, err = r.Next(); return err })
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !stopped(x, err, i) {
				x.Warn("", "archive-stopped-at", i, readError(err))
			}
			break
		}
		members++
		if x.Full(i) {
			break
		}
		size := h.UnPackedSize
		if h.UnKnownSize {
			size = -1
		}
		m := container.Member{
			Name:    h.Name,
			Dir:     h.IsDir,
			Link:    linkKinds[h.LinkType],
			Size:    size,
			Stored:  h.PackedSize,
			ModTime: h.ModificationTime,
			Open: func() (io.Reader, error) {
				if h.Encrypted && in.Password == "" {
					return nil, container.ErrLocked
				}
				// A wrong RAR 4 password shows as garbage that fails to decode in the first bytes.
				first := make([]byte, min(64<<10, max(size, 4096)))
				n, err := io.ReadFull(r, first)
				if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
					if h.Encrypted {
						return nil, container.ErrWrongPassword
					}
					return nil, readError(err)
				}
				return io.MultiReader(bytes.NewReader(first[:n]), errorsNamed{r}), nil
			},
		}
		if m.Size > container.MaxMemberBytes && h.Solid {
			// Skipping it would mean decoding all of it to reach the next member.
			x.Warn(container.Where(i, h.Name), "solid-member-too-large", m.Size, int64(container.MaxMemberBytes))
			break
		}
		if err := x.Add(i, m); err != nil {
			x.Warn("", "zip-stopped", i+1, err)
			break
		}
	}
	return x.Finish(members), nil
}

// stopped turns the library's archive-wide errors into warnings; it reports whether err was one.
func stopped(x *container.Extractor, err error, index int) bool {
	switch {
	case errors.Is(err, rardecode.ErrArchiveEncrypted):
		x.Warn("", "names-encrypted", x.PasswordHint())
	case errors.Is(err, rardecode.ErrBadPassword):
		x.Warn("", "archive-wrong-password", x.PasswordHint())
	case errors.Is(err, rardecode.ErrDictionaryTooLarge):
		x.Warn("", "rar-window-too-large", index, container.MaxDictionary>>20)
	case errors.Is(err, rardecode.ErrMultiVolume):
		x.Warn("", "rar-multivolume", index)
	default:
		return false
	}
	return true
}

// readError words the library's member errors.
func readError(err error) error {
	switch {
	case errors.Is(err, rardecode.ErrBadFileChecksum):
		return parse.Errorf("zip-checksum")
	case errors.Is(err, rardecode.ErrDecoderOutOfData), errors.Is(err, rardecode.ErrShortFile), errors.Is(err, io.ErrUnexpectedEOF):
		return parse.Errorf("member-cut-short")
	}
	return err
}

type errorsNamed struct{ r io.Reader }

func (e errorsNamed) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		err = readError(err)
	}
	return n, err
}

package sevenz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/ulikunitz/xz/lzma"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/container"
)

// Limits checked in the headers before the archive is handed to the library.
const (
	maxHeader  = 16 << 20 // the header, packed or not
	maxItems   = 100000   // pack streams, folders, files, substreams
	maxCoders  = 8        // coders in one folder
	maxStreams = 8        // in or out streams of one coder
	maxProps   = 64       // bytes of one coder's properties
	maxCycles  = 24       // 7zAES key derivation: 2^24 SHA-256 rounds; 7-Zip writes 19
	// coderOverhead is what a coder holds besides its dictionary or model: buffers, a BZip2
	// block, the BCJ2 streams.
	coderOverhead = 4 << 20
)

var signature = []byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}

// refusal is a reason to keep the archive whole: a declared size or count past the limits, or a
// method whose memory cannot be bounded. It wraps the reason worded by its code.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }

func (r *refusal) Unwrap() error { return r.err }

func refuse(code string, args ...any) error { return &refusal{parse.Errorf(code, args...)} }

// property ids of the 7z header (7zFormat.txt).
const (
	idEnd = iota
	idHeader
	idArchiveProperties
	idAdditionalStreamsInfo
	idMainStreamsInfo
	idFilesInfo
	idPackInfo
	idUnpackInfo
	idSubStreamsInfo
	idSize
	idCRC
	idFolder
	idCodersUnpackSize
	idNumUnpackStream
	idEmptyStream
	idEmptyFile
	idAnti
	idName
	idCTime
	idATime
	idMTime
	idWinAttributes
	idComment
	idEncodedHeader
	idStartPos
	idDummy
)

// coder is one step of a folder's decoding chain.
type coder struct {
	method      string // hex of the method id
	in, out     uint64
	props       []byte
	memory      int64
	encrypted   bool
	description string
}

type folder struct {
	stored    uint64 // bytes of the pack streams it reads
	coders    []coder
	unpack    []uint64
	packed    uint64 // pack streams the folder reads
	memory    int64
	encrypted bool
}

type streamsInfo struct {
	packPos   uint64
	packSizes []uint64
	folders   []folder
}

// summary is what the checks found: the memory the largest folder needs, and which folders are
// encrypted.
type summary struct {
	memory          int64
	folders         []folder
	files           uint64
	headerEncrypted bool
}

// buf reads the header with every read bounded by what is left.
type buf struct {
	b   []byte
	off int
}

var errShort = parse.Errorf("7z-header-short")

// errMemory means the decoder budget cannot hold the packed header's decoder now.
var errMemory = errors.New("decoder memory budget taken")

func (r *buf) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errShort
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *buf) bytes(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)-r.off) {
		return nil, errShort
	}
	p := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return p, nil
}

// number reads 7z's variable-length NUMBER.
func (r *buf) number() (uint64, error) {
	first, err := r.byte()
	if err != nil {
		return 0, err
	}
	mask := byte(0x80)
	var v uint64
	for i := range 8 {
		if first&mask == 0 {
			high := uint64(first) & (uint64(mask) - 1)
			return v | high<<(8*i), nil
		}
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c) << (8 * i)
		mask >>= 1
	}
	return v, nil
}

// count reads a NUMBER that sizes a list, refusing one past limit with the code that says what
// it counts.
func (r *buf) count(code string, limit uint64) (uint64, error) {
	n, err := r.number()
	if err != nil {
		return 0, err
	}
	if n > limit {
		return 0, refuse(code, n, limit)
	}
	return n, nil
}

// inspect checks the archive's headers against the limits without the library, decoding a packed
// header itself (LZMA or LZMA2, decrypted first when it is encrypted and a password was given).
func inspect(ra io.ReaderAt, size int64, password string) (*summary, error) {
	var start [32]byte
	if _, err := ra.ReadAt(start[:], 0); err != nil {
		return nil, errors.New("shorter than a 7z signature header")
	}
	if !bytes.Equal(start[:6], signature) {
		return nil, errors.New("no 7z signature")
	}
	if crc32.ChecksumIEEE(start[12:32]) != binary.LittleEndian.Uint32(start[8:]) {
		return nil, parse.Errorf("7z-start-header-damaged")
	}
	off, n := binary.LittleEndian.Uint64(start[12:]), binary.LittleEndian.Uint64(start[20:])
	want := binary.LittleEndian.Uint32(start[28:])
	if n == 0 {
		return &summary{}, nil
	}
	if n > maxHeader {
		return nil, refuse("7z-header-too-large", n, maxHeader)
	}
	if off > uint64(size) || 32+off+n > uint64(size) {
		return nil, parse.Errorf("7z-header-cut")
	}
	raw := make([]byte, n)
	if _, err := ra.ReadAt(raw, int64(32+off)); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if crc32.ChecksumIEEE(raw) != want {
		return nil, parse.Errorf("7z-header-damaged")
	}
	r := &buf{b: raw}
	id, err := r.byte()
	if err != nil {
		return nil, err
	}
	s := &summary{}
	if id == idEncodedHeader {
		si, err := r.streamsInfo(s)
		if err != nil {
			return nil, err
		}
		plain, err := decodeHeader(ra, size, si, password, s)
		if err != nil {
			return nil, err
		}
		r = &buf{b: plain}
		if id, err = r.byte(); err != nil {
			return nil, err
		}
	}
	if id != idHeader {
		return nil, fmt.Errorf("unexpected header id %d", id)
	}
	// s.memory keeps the packed header's decoder: the library unpacks the header again when it
	// opens the archive, within the reservation made from it.
	encrypted := s.headerEncrypted
	s.folders = nil
	if err := r.header(s); err != nil {
		return nil, err
	}
	s.headerEncrypted = encrypted
	return s, nil
}

func (r *buf) header(s *summary) error {
	for {
		id, err := r.byte()
		if err != nil {
			return err
		}
		switch id {
		case idEnd:
			return nil
		case idArchiveProperties:
			for {
				t, err := r.byte()
				if err != nil || t == 0 {
					if err != nil {
						return err
					}
					break
				}
				n, err := r.number()
				if err != nil {
					return err
				}
				if _, err := r.bytes(n); err != nil {
					return err
				}
			}
		case idAdditionalStreamsInfo:
			return refuse("7z-additional-streams")
		case idMainStreamsInfo:
			si, err := r.streamsInfo(s)
			if err != nil {
				return err
			}
			next := 0
			for i := range si.folders {
				f := &si.folders[i]
				for j := uint64(0); j < f.packed && next < len(si.packSizes); j++ {
					f.stored += si.packSizes[next]
					next++
				}
			}
			s.folders = si.folders
		case idFilesInfo:
			if err := r.filesInfo(s); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unexpected header id %d", id)
		}
	}
}

func (r *buf) streamsInfo(s *summary) (*streamsInfo, error) {
	si := &streamsInfo{}
	for {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		switch id {
		case idEnd:
			return si, nil
		case idPackInfo:
			if si.packPos, err = r.number(); err != nil {
				return nil, err
			}
			n, err := r.count("7z-too-many-pack-streams", maxItems)
			if err != nil {
				return nil, err
			}
			for {
				id, err := r.byte()
				if err != nil {
					return nil, err
				}
				if id == idEnd {
					break
				}
				switch id {
				case idSize:
					for range n {
						v, err := r.number()
						if err != nil {
							return nil, err
						}
						si.packSizes = append(si.packSizes, v)
					}
				case idCRC:
					if err := r.digests(n); err != nil {
						return nil, err
					}
				default:
					return nil, fmt.Errorf("unexpected pack info id %d", id)
				}
			}
		case idUnpackInfo:
			if err := r.unpackInfo(si, s); err != nil {
				return nil, err
			}
		case idSubStreamsInfo:
			if err := r.subStreams(si); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unexpected streams info id %d", id)
		}
	}
}

func (r *buf) digests(n uint64) error {
	all, err := r.byte()
	if err != nil {
		return err
	}
	defined := n
	if all == 0 {
		bits, err := r.bytes((n + 7) / 8)
		if err != nil {
			return err
		}
		defined = 0
		for i := range n {
			if bits[i/8]&(0x80>>(i%8)) != 0 {
				defined++
			}
		}
	}
	_, err = r.bytes(4 * defined)
	return err
}

func (r *buf) unpackInfo(si *streamsInfo, s *summary) error {
	if id, err := r.byte(); err != nil || id != idFolder {
		if err != nil {
			return err
		}
		return fmt.Errorf("unexpected unpack info id %d", id)
	}
	n, err := r.count("7z-too-many-folders", maxItems)
	if err != nil {
		return err
	}
	if ext, err := r.byte(); err != nil || ext != 0 {
		if err != nil {
			return err
		}
		return refuse("7z-external")
	}
	for range n {
		f, err := r.folder()
		if err != nil {
			return err
		}
		si.folders = append(si.folders, f)
		s.memory = max(s.memory, f.memory)
	}
	if id, err := r.byte(); err != nil || id != idCodersUnpackSize {
		if err != nil {
			return err
		}
		return fmt.Errorf("unexpected unpack info id %d", id)
	}
	for i := range si.folders {
		f := &si.folders[i]
		outs := uint64(0)
		for _, c := range f.coders {
			outs += c.out
		}
		for range outs {
			v, err := r.number()
			if err != nil {
				return err
			}
			f.unpack = append(f.unpack, v)
		}
	}
	for {
		id, err := r.byte()
		if err != nil {
			return err
		}
		switch id {
		case idEnd:
			return nil
		case idCRC:
			if err := r.digests(n); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unexpected unpack info id %d", id)
		}
	}
}

func (r *buf) folder() (folder, error) {
	var f folder
	n, err := r.count("7z-too-many-coders", maxCoders)
	if err != nil {
		return f, err
	}
	if n == 0 {
		return f, errors.New("a folder without coders")
	}
	var ins, outs uint64
	for range n {
		flags, err := r.byte()
		if err != nil {
			return f, err
		}
		if flags&0x80 != 0 {
			return f, refuse("7z-alternative-methods")
		}
		id, err := r.bytes(uint64(flags & 0x0f))
		if err != nil {
			return f, err
		}
		c := coder{method: fmt.Sprintf("%x", id), in: 1, out: 1}
		if flags&0x10 != 0 {
			if c.in, err = r.count("7z-too-many-coder-inputs", maxStreams); err != nil {
				return f, err
			}
			if c.out, err = r.count("7z-too-many-coder-outputs", maxStreams); err != nil {
				return f, err
			}
		}
		if flags&0x20 != 0 {
			size, err := r.count("7z-props-too-long", maxProps)
			if err != nil {
				return f, err
			}
			if c.props, err = r.bytes(size); err != nil {
				return f, err
			}
		}
		if err := c.check(); err != nil {
			return f, err
		}
		ins += c.in
		outs += c.out
		f.memory += c.memory
		f.encrypted = f.encrypted || c.encrypted
		f.coders = append(f.coders, c)
	}
	if outs == 0 {
		return f, errors.New("a folder without outputs")
	}
	for range outs - 1 { // bind pairs
		if _, err := r.number(); err != nil {
			return f, err
		}
		if _, err := r.number(); err != nil {
			return f, err
		}
	}
	if ins < outs-1 {
		return f, errors.New("a folder binding more streams than it has")
	}
	f.packed = ins - (outs - 1)
	if f.packed > 1 {
		for range f.packed {
			if _, err := r.number(); err != nil {
				return f, err
			}
		}
	}
	return f, nil
}

// check accepts the methods whose memory is known from their properties, and refuses the rest.
func (c *coder) check() error {
	c.memory = coderOverhead
	switch c.method {
	case "00":
		c.description = "copy"
	case "030101": // LZMA: lc/lp/pb, then the dictionary size
		if len(c.props) < 5 {
			return errors.New("LZMA coder without its properties")
		}
		dict := int64(binary.LittleEndian.Uint32(c.props[1:]))
		if dict > container.MaxDictionary {
			return refuse("7z-dictionary-too-large", "LZMA", dict, int64(container.MaxDictionary))
		}
		c.memory += dict
	case "21": // LZMA2: one byte coding the dictionary size
		if len(c.props) < 1 || c.props[0] > 40 {
			return errors.New("LZMA2 coder with bad properties")
		}
		dict := lzma2Dict(c.props[0])
		if dict > container.MaxDictionary {
			return refuse("7z-dictionary-too-large", "LZMA2", dict, int64(container.MaxDictionary))
		}
		c.memory += dict
	case "030401": // PPMd: order, then the model's memory
		if len(c.props) < 5 {
			return errors.New("PPMd coder without its properties")
		}
		mem := int64(binary.LittleEndian.Uint32(c.props[1:]))
		if mem > container.MaxDictionary {
			return refuse("7z-ppmd-too-large", mem, int64(container.MaxDictionary))
		}
		c.memory += mem
	case "06f10701": // 7zAES
		c.encrypted = true
		if len(c.props) > 0 && c.props[0]&0x3f > maxCycles && c.props[0]&0x3f != 0x3f {
			return refuse("7z-key-rounds", int(c.props[0]&0x3f), maxCycles)
		}
	case "03", "03030103", "0303011b", "03030205", "03030501", "03030701", "03030805", "0a": // delta, BCJ, BCJ2, PPC, ARM, ARMT, SPARC, ARM64
	case "040108", "040202": // Deflate, BZip2
	default:
		return refuse("7z-method-unbounded", c.method)
	}
	return nil
}

func lzma2Dict(p byte) int64 {
	if p == 40 {
		return 1<<32 - 1
	}
	return int64(2|p&1) << (p/2 + 11)
}

func (r *buf) subStreams(si *streamsInfo) error {
	streams := make([]uint64, len(si.folders))
	for i := range streams {
		streams[i] = 1
	}
	id, err := r.byte()
	if err != nil {
		return err
	}
	total := uint64(len(si.folders))
	if id == idNumUnpackStream {
		total = 0
		for i := range streams {
			if streams[i], err = r.count("7z-too-many-folder-files", maxItems); err != nil {
				return err
			}
			total += streams[i]
			if total > maxItems {
				return refuse("7z-too-many-files-total", maxItems)
			}
		}
		if id, err = r.byte(); err != nil {
			return err
		}
	}
	if id == idSize {
		for _, n := range streams {
			for j := uint64(1); j < n; j++ {
				if _, err := r.number(); err != nil {
					return err
				}
			}
		}
		if id, err = r.byte(); err != nil {
			return err
		}
	}
	for id != idEnd {
		if id != idCRC {
			return fmt.Errorf("unexpected substreams id %d", id)
		}
		if err := r.digests(total); err != nil {
			return err
		}
		if id, err = r.byte(); err != nil {
			return err
		}
	}
	return nil
}

func (r *buf) filesInfo(s *summary) error {
	n, err := r.count("7z-too-many-files", maxItems)
	if err != nil {
		return err
	}
	s.files = n
	for {
		t, err := r.byte()
		if err != nil {
			return err
		}
		if t == idEnd {
			return nil
		}
		size, err := r.number()
		if err != nil {
			return err
		}
		if _, err := r.bytes(size); err != nil {
			return err
		}
	}
}

// decodeHeader unpacks an encoded header: one folder of LZMA or LZMA2, after 7zAES when the header
// is encrypted.
func decodeHeader(ra io.ReaderAt, size int64, si *streamsInfo, password string, s *summary) ([]byte, error) {
	if len(si.folders) != 1 || len(si.packSizes) < 1 || len(si.folders[0].unpack) == 0 {
		return nil, errors.New("an encoded header that is not one stream")
	}
	f := si.folders[0]
	unpack := f.unpack[len(f.unpack)-1]
	for _, u := range f.unpack {
		if u > maxHeader {
			return nil, refuse("7z-packed-header-too-large", u, maxHeader)
		}
	}
	// Unpacking the header here comes before the archive's reservation: it takes its own.
	release, ok := container.Reserve(f.memory + 2*int64(unpack))
	if !ok {
		return nil, errMemory
	}
	defer release()
	pos, packed := 32+si.packPos, si.packSizes[0]
	if pos > uint64(size) || packed > uint64(size)-pos {
		return nil, parse.Errorf("7z-header-cut")
	}
	var in io.Reader = io.NewSectionReader(ra, int64(pos), int64(packed))
	var decoder *coder
	for i := range f.coders {
		c := &f.coders[i]
		switch {
		case c.encrypted:
			s.headerEncrypted = true
		case c.method == "030101" || c.method == "21":
			decoder = c
		default:
			return nil, refuse("7z-header-method", c.method)
		}
	}
	if decoder == nil || len(f.coders) > 2 {
		return nil, refuse("7z-header-packing")
	}
	if s.headerEncrypted {
		if password == "" {
			return nil, container.ErrLocked
		}
		for _, c := range f.coders {
			if c.encrypted {
				plain, err := decrypt(in, c.props, password)
				if err != nil {
					return nil, err
				}
				in = plain
			}
		}
	}
	var r io.Reader
	var err error
	if decoder.method == "030101" {
		var h [13]byte
		copy(h[:5], decoder.props)
		binary.LittleEndian.PutUint64(h[5:], unpack)
		r, err = lzma.NewReader(io.MultiReader(bytes.NewReader(h[:]), in))
	} else {
		cfg := lzma.Reader2Config{DictCap: int(lzma2Dict(decoder.props[0]))}
		r, err = cfg.NewReader2(in)
	}
	if err != nil {
		if s.headerEncrypted {
			return nil, container.ErrWrongPassword
		}
		return nil, fmt.Errorf("unpack header: %w", err)
	}
	plain := make([]byte, unpack)
	if _, err := io.ReadFull(r, plain); err != nil {
		if s.headerEncrypted {
			return nil, container.ErrWrongPassword
		}
		return nil, fmt.Errorf("unpack header: %w", err)
	}
	return plain, nil
}

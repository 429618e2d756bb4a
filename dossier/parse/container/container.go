// Package container holds what the archive formats (zip, 7z, rar) share: turning members into
// items through Input.Derive with their folders kept, and the bounds that keep a hostile archive
// from taking the machine.
//
// Bounds, every one of which is a warning when it bites:
//   - at most MaxMembers members are extracted from one archive, each at most MaxMemberBytes and
//     all together at most MaxTotalBytes; a member that inflates more than MaxRatio times its
//     stored size past RatioFloor is stopped as a bomb;
//   - decompression of one archive may spend at most TimeBudget inside the decoders' reads (the
//     time ingest spends storing and reading each member is not counted);
//   - the memory the decoders may hold at once (an LZMA dictionary, a RAR window, a PPMd model) is
//     reserved from one process-wide budget, MaxDecoderMemory, before an archive is opened, so an
//     archive nested inside an archive inside an archive cannot multiply it: when the budget is
//     taken, the inner archive is kept whole with a warning.
//
// Member names are untrusted: "..", absolute paths, drive letters and backslashes are dropped
// from the path (see Path), and links and devices are named, never followed.
package container

import (
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// Caps on what one archive may make ingest extract.
const (
	MaxMembers     = 10000
	MaxMemberBytes = 1 << 30
	MaxTotalBytes  = 2 << 30
	MaxRatio       = 1000
	RatioFloor     = 64 << 20
	// MaxDictionary is the largest LZMA dictionary, RAR window or PPMd model one coder of an
	// archive may declare; 7-Zip's and WinRAR's defaults at their highest levels (64 MiB, 32 MiB)
	// fit, and 7-Zip shrinks the dictionary to the data for small archives.
	MaxDictionary = 64 << 20
	// MaxDecoderMemory is what all archives being read at once may reserve together.
	MaxDecoderMemory = 320 << 20
	// TimeBudget is how long the decoders of one archive may work.
	TimeBudget = 5 * time.Minute
)

var (
	// ErrLocked means a member is encrypted and no password was given.
	ErrLocked = parse.Errorf("zip-locked-member")
	// ErrWrongPassword means the password given does not open a member.
	ErrWrongPassword = parse.Errorf("wrong-password")
	// ErrTooLarge is a member or archive past its size cap.
	ErrTooLarge = errors.New("too large")
	// ErrBomb is a member inflating like a bomb.
	ErrBomb = parse.Errorf("zip-bomb")
	// ErrTimeBudget means the decoders spent their time.
	ErrTimeBudget = parse.Errorf("time-budget", TimeBudget.String())
)

var memory struct {
	sync.Mutex
	used int64
}

// Reserve takes n bytes of decoder memory from the process-wide budget; ok is false when they
// are not available. release gives them back.
func Reserve(n int64) (release func(), ok bool) {
	memory.Lock()
	defer memory.Unlock()
	if n < 0 || memory.used+n > MaxDecoderMemory {
		return func() {}, false
	}
	memory.used += n
	var once sync.Once
	return func() {
		once.Do(func() {
			memory.Lock()
			memory.used -= n
			memory.Unlock()
		})
	}, true
}

// Member is one entry of an archive as its format describes it.
type Member struct {
	Name    string // as the archive stores it, decoded to UTF-8 when the format says how
	Dir     bool
	Link    string // what kind of link the member is ("a symbolic link"), "" for none
	Special bool   // a device, pipe or socket
	Size    int64  // declared uncompressed size, -1 when unknown
	// Stored is the compressed size, for the bomb ratio (a solid archive gives its block's size);
	// -1 when it is not known and only the absolute caps apply.
	Stored  int64
	ModTime time.Time
	// Open returns the member's plain bytes; ErrLocked and ErrWrongPassword are counted, not
	// warned one by one.
	Open func() (io.Reader, error)
}

// Extractor hands an archive's members to Derive and keeps the count for the summary.
type Extractor struct {
	in          *parse.Input
	res         *parse.Result
	format      string
	files       int
	extracted   int
	total       int64
	locked      int
	wrong       int
	lockedNames []string
	spent       time.Duration // inside the decoders, before the current call
	since       time.Time     // start of the current call into a decoder; zero outside
}

// New starts the result of reading an archive of the given format ("zip", "7z", "rar").
func New(in *parse.Input, format string) *Extractor {
	return &Extractor{in: in, format: format, res: &parse.Result{Kind: parse.KindArchive, Info: map[string]string{"format": format}}}
}

// Result is what was read so far.
func (x *Extractor) Result() *parse.Result { return x.res }

// Warn adds the warning code (see parse.Warn).
func (x *Extractor) Warn(where, code string, args ...any) {
	x.res.Warnings = append(x.res.Warnings, parse.Warn(where, code, args...))
}

// Where names a member in a warning.
func Where(index int, name string) string {
	return "member " + strconv.Itoa(index) + " " + strconv.Quote(Clip(name))
}

// Full reports whether MaxMembers files have been seen, and says so once.
func (x *Extractor) Full(index int) bool {
	if x.files < MaxMembers {
		return false
	}
	x.Warn("", "zip-too-many-members", MaxMembers, index)
	return true
}

// Add extracts one member. It returns an error only when the rest of the archive cannot be read
// either (the time budget is spent).
func (x *Extractor) Add(index int, m Member) error {
	name, note := Path(m.Name)
	where := Where(index, name)
	if note != nil {
		x.Warn(where, "error", note)
	}
	switch {
	case m.Dir || strings.HasSuffix(m.Name, "/"):
		return nil
	case m.Link != "":
		switch m.Link {
		case "a symbolic link":
			x.Warn(where, "symlink-not-followed")
		case "a hard link":
			x.Warn(where, "hardlink-not-followed")
		default:
			x.Warn(where, "link-not-followed", m.Link)
		}
		return nil
	case m.Special:
		x.Warn(where, "zip-device")
		return nil
	}
	x.files++
	if name == "" {
		name = "member-" + strconv.Itoa(index)
	}
	if m.Size > MaxMemberBytes {
		x.Warn(where, "zip-member-too-large", m.Size, int64(MaxMemberBytes))
		return nil
	}
	if x.Over() {
		return ErrTimeBudget
	}
	var r io.Reader
	err := x.Call(func() (err error) { r, err = m.Open(); return err })
	switch {
	case errors.Is(err, ErrLocked):
		x.locked++
		if len(x.lockedNames) < 5 {
			x.lockedNames = append(x.lockedNames, name)
		}
		return nil
	case errors.Is(err, ErrWrongPassword):
		x.wrong++
		return nil
	case errors.Is(err, ErrTimeBudget):
		return err
	case err != nil:
		x.Warn(where, "not-extracted", err)
		return nil
	}
	if x.in.Derive == nil {
		return nil
	}
	budget := &capped{r: r, stored: m.Stored, left: min(int64(MaxMemberBytes), MaxTotalBytes-x.total), x: x}
	_, err = x.in.Derive(parse.Embedded{Name: name, Folders: true, ModTime: m.ModTime}, budget)
	x.total += budget.n
	if err == nil && budget.err != nil {
		err = budget.err
	}
	if err != nil {
		x.Warn(where, "not-extracted", err)
		if errors.Is(err, ErrTimeBudget) {
			return err
		}
		return nil
	}
	x.extracted++
	return nil
}

// Finish writes the counts and the password hint.
func (x *Extractor) Finish(members int) *parse.Result {
	x.res.Info["members"] = strconv.Itoa(members)
	x.res.Info["extracted"] = strconv.Itoa(x.extracted)
	if x.locked > 0 {
		x.res.Info["encrypted"] = strconv.Itoa(x.locked)
		x.Warn("", "zip-locked", x.locked, strings.Join(x.lockedNames, ", "), x.PasswordHint())
	}
	if x.wrong > 0 {
		x.res.Info["encrypted"] = strconv.Itoa(x.wrong)
		x.Warn("", "zip-wrong-password", x.wrong, x.PasswordHint())
	}
	if x.extracted == x.files {
		x.res.Summary = parse.Summarize("archive", x.files, x.format)
	} else {
		x.res.Summary = parse.Summarize("archive-part", x.files, x.format, x.extracted)
	}
	return x.res
}

// PasswordHint says how to give a password.
func (x *Extractor) PasswordHint() error {
	return parse.Errorf("zip-password-how", x.in.Name, x.in.Name)
}

// Call runs f, a call into a decoder (opening a member, skipping to the next one), on the
// archive's clock.
func (x *Extractor) Call(f func() error) error {
	if x.since.IsZero() {
		x.since = time.Now()
		defer func() { x.spent += time.Since(x.since); x.since = time.Time{} }()
	}
	return f()
}

// Over reports whether the decoders have spent the archive's TimeBudget, counting the call in
// progress.
func (x *Extractor) Over() bool {
	spent := x.spent
	if !x.since.IsZero() {
		spent += time.Since(x.since)
	}
	return spent > TimeBudget
}

// Timed makes every read of the archive's bytes fail once the decoders have spent their time, so
// that a decoder working through a bomb without producing output is stopped too.
func (x *Extractor) Timed(r io.Reader) io.Reader { return &timed{r: r, x: x} }

// TimedAt is Timed for a ReaderAt.
func (x *Extractor) TimedAt(r io.ReaderAt) io.ReaderAt { return &timedAt{r: r, x: x} }

type timed struct {
	r io.Reader
	x *Extractor
}

func (t *timed) Read(p []byte) (int, error) {
	if t.x.Over() {
		return 0, ErrTimeBudget
	}
	return t.r.Read(p)
}

type timedAt struct {
	r io.ReaderAt
	x *Extractor
}

func (t *timedAt) ReadAt(p []byte, off int64) (int, error) {
	if t.x.Over() {
		return 0, ErrTimeBudget
	}
	return t.r.ReadAt(p, off)
}

// Path is the member's name as a clean relative path with its folders, and a note when the name
// had to be changed to stay inside the archive. Names that are not UTF-8 are read as GB18030
// (Chinese Windows writes them so).
func Path(raw string) (string, error) {
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
		return clean, parse.Errorf("zip-name-outside", Clip(raw), Clip(clean))
	}
	return clean, nil
}

// Clip shortens a name quoted in a warning.
func Clip(s string) string {
	out, _ := textenc.Clip(s, 120)
	return out
}

// capped passes at most left bytes on and stops a member that inflates like a bomb; err says why
// it stopped early.
type capped struct {
	r      io.Reader
	stored int64
	left   int64
	n      int64
	err    error
	x      *Extractor
}

func (c *capped) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	if c.x.Over() {
		c.err = ErrTimeBudget
		return 0, c.err
	}
	var n int
	var err error
	c.x.Call(func() error { n, err = c.r.Read(p); return nil })
	c.n += int64(n)
	c.left -= int64(n)
	switch {
	case c.left < 0:
		c.err = &parse.Problem{W: parse.Warn("", "zip-extract-cap", c.n-1), Err: ErrTooLarge}
	case c.stored >= 0 && c.n > RatioFloor && c.n > MaxRatio*max(c.stored, 1):
		c.err = ErrBomb
	}
	if c.err != nil {
		return 0, c.err
	}
	return n, err
}
